"""The answer catalogue (``tests/answers/``), run in the student versions nbgrader makes.

For every catalogued lesson, the course job builds the student version
(nbgrader's ``generate_assignment``). One kernel per lesson runs the student
version's cells up to each exercise once, with the earlier exercises solved
by the master's answers, and snapshots the namespace; every variant of the
exercise then runs in a fresh copy of that namespace (an optional extra cell,
the variant's answer cell, then the student's visible check cells), and again
with the master's check cells, hidden tests included, which is what nbgrader's
autograde runs. The tests assert what each variant's entry promises
(:class:`answers.Variant`).

Also per lesson: the catalogue covers every exercise (two wrong, one copied,
one correct answer at least), every hint a check cell gives is reached by a
catalogued answer, and no digest-checked answer can be copied from a number
the lesson prints or a value it already computed. Lessons with exercises but
no catalogue must be on :data:`answers.NOT_YET_CONVERTED`.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="nbgrader (the instructor extra) is not installed")

from answers import KINDS, NOT_YET_CONVERTED, catalogues  # noqa: E402
from gmmlib.tools import course, exercises  # noqa: E402

# nbgrader 0.9.6 with SQLAlchemy 2.1 warns about its own session use (harmless; nbgrader #1961).
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "notebooks"
CATALOGUES = catalogues()
VARIANTS = [(lesson, v) for lesson, module in CATALOGUES.items() for v in module.VARIANTS]

#: Runs inside the kernel (as module ``_catalogue_state``, so the lesson's
#: namespace stays clean): namespace snapshots, recording expect_digest calls,
#: and looking for an answer among the values the lesson computed.
KERNEL_HELPERS = r'''
import copy, json, re
import numpy as np
from IPython import get_ipython

snapshots, recorded = {}, []
MARK = "\n@@catalogue@@"
_CACHE = re.compile(r"^(_+|_i+|_i?\d+|_dh|_ih|_oh|In|Out|exit|quit|get_ipython)$")


def _names(ns):
    hidden = get_ipython().user_ns_hidden
    return [k for k in ns if k not in hidden and not _CACHE.match(k) and not k.startswith("__")]


def _copy(values):
    memo, out = {}, {}
    for key, value in values.items():
        try:
            out[key] = copy.deepcopy(value, memo)
        except Exception:  # modules and the like: shared, they are not changed by answers
            out[key] = value
    return out


def snapshot(key):
    ns = get_ipython().user_ns
    snapshots[key] = _copy({k: ns[k] for k in _names(ns)})


def restore(key):
    ns = get_ipython().user_ns
    saved = snapshots[key]
    for k in _names(ns):
        if k not in saved:
            del ns[k]
    ns.update(_copy(saved))


def _observe(name, numbers, sig, rtol, expected, wrong, outcome):
    from gmmlib.checks import digest
    recorded.append({"name": name, "numbers": np.asarray(numbers, float).ravel().tolist(),
                     "shape": list(np.shape(numbers)), "sig": sig, "rtol": rtol,
                     "digest": digest(numbers, sig), "expected": expected,
                     "wrong": sorted(wrong), "outcome": outcome})


def _run(source):
    """Run a cell as the kernel would; return the error as nbgrader shows it, or None."""
    result = get_ipython().run_cell(source, store_history=False)
    error = result.error_before_exec or result.error_in_exec
    return None if error is None else f"{type(error).__name__}: {error}"


def trial(key, before, answers, checks, record=False):
    """From the snapshot ``key``: run the cells, then the check cells; print the first failure."""
    import gmmlib.checks
    restore(key)
    recorded.clear()
    if record:
        gmmlib.checks.observers.append(_observe)
    try:
        for source in ([before] if before else []) + answers:
            _run(source)
        failures = [_run(source) for source in checks]  # nbgrader runs every check cell
    finally:
        if record:
            gmmlib.checks.observers.remove(_observe)
    print(MARK + json.dumps({"failure": next((f for f in failures if f), None), "recorded": recorded}))


def _scalars(value, path, depth, out):
    import numbers
    import sympy as sp
    if depth > 3 or isinstance(value, (str, bytes, bool)) or value is None:
        return
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        out.append((float(value), path))
    elif isinstance(value, np.ndarray) and value.dtype.kind in "iuf" and value.size <= 10**6:
        out.extend((float(x), path) for x in value.ravel())
    elif isinstance(value, sp.Basic) and value.is_number and value.is_real:
        out.append((float(value), path))
    elif isinstance(value, sp.MatrixBase):
        out.extend((float(x), path) for x in value if x.is_number and x.is_real)
    elif isinstance(value, (list, tuple, set)) and len(value) <= 10**4:
        for i, item in enumerate(value):
            _scalars(item, f"{path}[{i}]", depth + 1, out)
    elif isinstance(value, dict) and len(value) <= 10**4:
        for key, item in value.items():
            _scalars(item, f"{path}[{key!r}]", depth + 1, out)
    elif type(value).__module__.startswith("gmmlib") and hasattr(value, "__dict__"):
        for key, item in vars(value).items():
            _scalars(item, f"{path}.{key}", depth + 1, out)


def where_computed(numbers, sig, rtol):
    """Variables of the namespace that hold every element of the answer (at sig figures)."""
    from gmmlib.checks import _rounded
    ns = get_ipython().user_ns
    found = []
    for name in _names(ns):
        _scalars(ns[name], name, 0, found)
    table = {}
    for x, path in found:
        table.setdefault(_rounded(x, sig), path)
    paths = []
    for a in numbers:
        hits = [table[r] for r in {_rounded(a * (1 - rtol), sig), _rounded(a, sig),
                                   _rounded(a * (1 + rtol), sig)} if r in table]
        if not hits:
            print(MARK + json.dumps([]))
            return
        paths.append(hits[0])
    print(MARK + json.dumps(sorted(set(paths))))
'''


class Kernel:
    """One kernel, cells run one at a time (nbclient, as nbgrader runs notebooks)."""

    def __init__(self, folder):
        from nbclient import NotebookClient

        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(self.nb, kernel_name="python3", timeout=300, allow_errors=True,
                                     record_timing=False, resources={"metadata": {"path": str(folder)}})
        self._context = None

    def __enter__(self):
        self._context = self.client.setup_kernel()
        self._context.__enter__()
        self.run("exec(compile(%r, '<catalogue>', 'exec'), __import__('sys').modules.setdefault("
                 "'_catalogue_state', __import__('types').ModuleType('_catalogue_state')).__dict__)"
                 % KERNEL_HELPERS, check=True)
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)

    def run(self, source, check=False):
        """Run ``source``; return ``(error message or None, printed text)``."""
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells = [cell]
        self.client.execute_cell(cell, 0)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        error = f"{errors[0].ename}: {errors[0].evalue}" if errors else None
        if check and error:
            raise RuntimeError(f"the test's own code failed in the kernel: {error}\n{source[:300]}")
        return error, text

    def call(self, helper, *args):
        """Run a helper of ``_catalogue_state``; return what it printed after its mark (JSON).

        The cells a helper runs may fail (their errors show as outputs); the
        helper itself must print its result.
        """
        source = f"__import__('_catalogue_state').{helper}(" + ", ".join(repr(a) for a in args) + ")"
        error, text = self.run(source)
        if "@@catalogue@@" in text:
            return json.loads(text.rsplit("@@catalogue@@", 1)[1])
        if error:
            raise RuntimeError(f"the test's own code failed in the kernel: {error}\n{source[:300]}")
        return None


def key_of(variant):
    """``00-ex1-wrong-<label>``: the variant's test id and key."""
    return f"{variant.exercise.rsplit('-', 1)[0]}-{variant.kind}-{variant.label}"


def run_lesson(lesson, student_path, master_path=None, variants=None):
    """Run the answers of ``lesson`` in its student version ``student_path``.

    Returns ``{"variants": {key: {"visible", "graded", "recorded"}}, "exercises":
    {exercise: {"recorded", "copyable"}}}``: the first failure message of the
    visible and of the graded (master) checks per variant, and per exercise
    what the visible checks compare when the master's answer is given, and
    which of the lesson's variables already hold it.
    """
    master_path = master_path or MASTERS / f"{lesson}.ipynb"
    variants = CATALOGUES[lesson].VARIANTS if variants is None else variants
    student_nb = nbformat.read(student_path, as_version=4)
    master_nb = nbformat.read(master_path, as_version=4)
    master = {exercises.grade_id(c): c.source for c in master_nb.cells if exercises.nbgrader_meta(c)}
    found, problems = exercises.exercises(student_nb)
    assert not problems, problems
    starts = {id(e.answers[0]): e for e in found}
    members = {id(c) for e in found for c in e.answers + e.checks}
    by_answer = {}
    for variant in variants:
        by_answer.setdefault(variant.exercise, []).append(variant)
    results = {"variants": {}, "exercises": {}}
    with Kernel(student_path.parent) as kernel:
        for cell in student_nb.cells:
            exercise = starts.get(id(cell))
            if exercise is None:
                if cell.cell_type == "code" and id(cell) not in members and not exercises.display_only(cell):
                    kernel.run(cell.source)  # the lesson (an error would show in the checks)
                continue
            key = exercise.name
            kernel.call("snapshot", key)
            answers = {exercises.grade_id(c): c for c in exercise.answers}
            visible = [c.source for c in exercise.checks]
            graded = [master[exercises.grade_id(c)] for c in exercise.checks]
            solved = [master[gid] for gid in answers]
            master_run = kernel.call("trial", key, "", solved, visible, True)
            kernel.call("restore", key)  # what the lesson computed before the exercise
            results["exercises"][key] = {"recorded": master_run["recorded"], "copyable": [
                kernel.call("where_computed", r["numbers"], r["sig"], r["rtol"])
                for r in master_run["recorded"]]}
            for variant in [v for gid in answers for v in by_answer.get(gid, [])]:
                sources = [variant.answer_cell(cell.source) if gid == variant.exercise else master[gid]
                           for gid, cell in answers.items()]
                seen = kernel.call("trial", key, variant.before, sources, visible, True)
                grading = kernel.call("trial", key, variant.before, sources, graded)
                results["variants"][key_of(variant)] = {
                    "visible": seen["failure"], "graded": grading["failure"], "digests": seen["recorded"]}
            kernel.call("restore", key)
            for source in solved + graded:
                kernel.run(source)
    return results


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """Student versions of the catalogued lessons, by the course job (nbgrader)."""
    folder = tmp_path_factory.mktemp("catalogue-course")
    course.build_course(folder, MASTERS, lessons=list(CATALOGUES), log=lambda line: None)
    return folder / "release"


@pytest.fixture(scope="module")
def outcomes(release):
    cache = {}

    def get(lesson):
        if lesson not in cache:
            cache[lesson] = run_lesson(lesson, release / lesson / f"{lesson}.ipynb")
        return cache[lesson]

    return get


def _hint_for(outcome):
    """Advice when a wrong answer gets the generic message: the digest to add to ``wrong=``."""
    unknown = [d for d in outcome["digests"] if d["outcome"] is None]
    if not unknown:
        return ""
    d = unknown[0]
    return (f"\nTo give a targeted hint, add {{{d['digest']!r}: \"...\"}} to wrong= of the check "
            f"{d['name']!r} (this answer's value at {d['sig']} significant figures).")


@pytest.mark.parametrize("lesson, variant", VARIANTS,
                         ids=[f"{lesson}-{key_of(v)}" for lesson, v in VARIANTS])
def test_variant(lesson, variant, outcomes):
    assert variant.problems() == [], variant.problems()
    outcome = outcomes(lesson)["variants"][key_of(variant)]
    seen, graded = outcome["visible"], outcome["graded"]
    seen = None if seen is None else " ".join(seen.split())  # messages are wrapped
    if variant.kind == "correct":
        assert seen is None, f"a correct answer fails the visible check: {seen}"
        assert graded is None, f"a correct answer fails grading (hidden tests): {graded}"
        return
    assert graded is not None, "grading (the master's checks, hidden tests included) accepts this answer"
    if variant.caught == "visible":
        assert seen is not None, "the student's visible check accepts this answer"
        assert re.search(variant.expect, seen), (
            f"the visible check says\n  {seen}\nwhich does not match expect={variant.expect!r}"
            + _hint_for(outcome))
    else:
        assert seen is None, (f"the visible check now catches this answer ({seen}): "
                              "make the entry caught='visible' with expect=")


@pytest.mark.parametrize("lesson", list(CATALOGUES))
def test_catalogue_covers_every_exercise(lesson):
    master = nbformat.read(MASTERS / f"{lesson}.ipynb", as_version=4)
    found, _ = exercises.exercises(master)
    answer_ids = {exercises.grade_id(c) for e in found for c in e.answers}
    entries = CATALOGUES[lesson].VARIANTS
    keys = [key_of(v) for v in entries]
    assert len(keys) == len(set(keys)), "labels must be unique within an exercise"
    problems = [f"{v.label}: {p}" for v in entries for p in v.problems()]
    problems += [f"{v.label}: no answer cell {v.exercise} in {lesson}" for v in entries
                 if v.exercise not in answer_ids]
    for gid in sorted(answer_ids):
        count = {kind: sum(v.exercise == gid and v.kind == kind for v in entries) for kind in KINDS}
        need = {"wrong": 2, "copy": 1, "correct": 1}
        problems += [f"{gid}: {count[k]} {k} answer(s), at least {n} needed"
                     for k, n in need.items() if count[k] < n]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lesson", list(CATALOGUES))
def test_the_stored_digests_are_the_masters_answers(lesson, outcomes):
    """Every digest a visible check compares with is the digest of the master's answer."""
    for key, result in outcomes(lesson)["exercises"].items():
        assert result["recorded"], f"{key}: the visible check compares no digest"
        wrong = [(r["name"], r["digest"], r["expected"]) for r in result["recorded"]
                 if r["outcome"] != "right"]
        assert wrong == [], f"{key}: (check, the master's digest, the stored digest): {wrong}"


@pytest.mark.parametrize("lesson", list(CATALOGUES))
def test_every_hint_is_reached_by_a_catalogued_answer(lesson, outcomes):
    results = outcomes(lesson)
    offered = {(r["name"], d) for e in results["exercises"].values()
               for r in e["recorded"] for d in r["wrong"]}
    reached = {(d["name"], d["outcome"]) for o in results["variants"].values() for d in o["digests"]}
    untested = sorted(offered - reached)
    assert untested == [], ("hints in check cells that no catalogued answer reaches (add the "
                            f"wrong answer to tests/answers/): {untested}")


NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
                    r"(?:\s*\\times\s*10\^\{?(-?\d+)\}?)?")


def printed_numbers(nb):
    """Numbers a student reads in the lesson: its prose and the outputs of its cells."""
    texts = []
    for cell in nb.cells:
        if exercises.nbgrader_meta(cell):
            continue
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            for kind in ("text/plain", "text/markdown", "text/latex"):
                texts.append(output.get("data", {}).get(kind, ""))
    numbers = []
    for match in NUMBER.finditer("\n".join(texts)):
        mantissa = re.sub(r"\s*\\times.*", "", match.group(0))
        value = float(mantissa)
        numbers.append(value * 10.0 ** int(match.group(1)) if match.group(1) else value)
    return numbers


def copy_problems(results, master_nb):
    """Digest-checked answers a student could copy from the lesson (printed or computed)."""
    from gmmlib.checks import _rounded

    shown = printed_numbers(master_nb)
    problems = []
    for key, result in results["exercises"].items():
        for record, computed in zip(result["recorded"], result["copyable"]):
            sig, rtol = record["sig"], record["rtol"]
            table = {_rounded(x, sig) for x in shown}
            if all({_rounded(a * (1 - rtol), sig), _rounded(a, sig), _rounded(a * (1 + rtol), sig)} & table
                   for a in record["numbers"]):
                problems.append(f"{key}: {record['name']}: the lesson prints every number of the answer")
            if computed:
                problems.append(f"{key}: {record['name']}: the answer is already in the lesson's "
                                f"variables {computed}")
    return problems


@pytest.mark.parametrize("lesson", list(CATALOGUES))
def test_no_answer_can_be_copied_from_the_lesson(lesson, outcomes):
    problems = copy_problems(outcomes(lesson), nbformat.read(MASTERS / f"{lesson}.ipynb", as_version=4))
    assert problems == [], "\n".join(problems)


def test_copy_detection_finds_printed_and_computed_answers(tmp_path):
    """The test above can fail: a small lesson that prints one answer and stores another."""
    from gmmlib.checks import digest

    def cell(source, meta=None, printed=None):
        new = nbformat.v4.new_code_cell(source)
        if meta:
            new.metadata["nbgrader"] = {"schema_version": 3, "locked": not meta.get("solution"), **meta}
        if printed:
            new.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        return new

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nb.cells = [
        cell("from gmmlib.checks import expect_digest"),
        cell("print(f'0.5 cubed is {0.5 ** 3}')", printed="0.5 cubed is 0.125\n"),
        cell("stored = 2.0 ** 5"),
        cell("def cube(x):\n    ### BEGIN SOLUTION\n    return x ** 3\n    ### END SOLUTION",
             {"solution": True, "grade": False, "grade_id": "98-ex1-answer"}),
        cell(f'expect_digest("cube(0.5)", cube(0.5), "{digest(0.125)}")',
             {"solution": False, "grade": True, "points": 1, "grade_id": "98-ex1-check"}),
        cell("def fifth(x):\n    ### BEGIN SOLUTION\n    return x ** 5\n    ### END SOLUTION",
             {"solution": True, "grade": False, "grade_id": "98-ex2-answer"}),
        cell(f'expect_digest("fifth(2)", fifth(2), "{digest(32)}")',
             {"solution": False, "grade": True, "points": 1, "grade_id": "98-ex2-check"}),
    ]
    masters = tmp_path / "notebooks"
    masters.mkdir()
    nbformat.write(nb, masters / "98_copy.ipynb")
    course.build_course(tmp_path / "course", masters, log=lambda line: None)
    results = run_lesson("98_copy", tmp_path / "course" / "release" / "98_copy" / "98_copy.ipynb",
                         masters / "98_copy.ipynb", variants=[])
    assert copy_problems(results, nb) == [
        "98-ex1-answer: cube(0.5): the lesson prints every number of the answer",
        "98-ex2-answer: fifth(2): the answer is already in the lesson's variables ['stored']"]


def test_every_lesson_with_exercises_is_catalogued_or_listed(record_property):
    with_exercises = [p.stem for p in course.lesson_paths(MASTERS)
                      if course.has_exercises(nbformat.read(p, as_version=4))]
    missing = [n for n in with_exercises if n not in CATALOGUES and n not in NOT_YET_CONVERTED]
    both = [n for n in NOT_YET_CONVERTED if n in CATALOGUES]
    assert missing == [], (f"lessons with exercises but no tests/answers/lesson_NN.py: {missing}; "
                           "write the catalogue (docs/instructors.md, 'Writing an exercise')")
    assert both == [], f"catalogued, so remove from answers.NOT_YET_CONVERTED: {both}"
    record_property("catalogue", "exercises not yet converted (no answer catalogue): "
                    + (", ".join(NOT_YET_CONVERTED) or "none"))


def test_catalogue_counts(record_property, outcomes):
    """The counts per exercise, shown at the end of `make test` (tests/conftest.py)."""
    lines = []
    for lesson, module in CATALOGUES.items():
        results = outcomes(lesson)["variants"]
        for gid in sorted({v.exercise for v in module.VARIANTS}):
            entries = [v for v in module.VARIANTS if v.exercise == gid]
            bad = [v for v in entries if v.kind != "correct"]
            good = [v for v in entries if v.kind == "correct"]
            rejected = sum(results[key_of(v)]["graded"] is not None for v in bad)
            visibly = sum(results[key_of(v)]["visible"] is not None for v in bad)
            accepted = sum(results[key_of(v)]["visible"] is None and results[key_of(v)]["graded"] is None
                           for v in good)
            lines.append(f"{gid}: {sum(v.kind == 'wrong' for v in entries)} wrong, "
                         f"{sum(v.kind == 'copy' for v in entries)} copy: {rejected}/{len(bad)} rejected "
                         f"({visibly} by the visible check); {accepted}/{len(good)} correct accepted")
    record_property("catalogue", "answer catalogue:\n  " + "\n  ".join(lines))
