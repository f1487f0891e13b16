"""``python -m gmmlib student``: write the student versions of the lessons.

Every ``notebooks/*.ipynb`` is a master notebook with the solutions in it. The
student version is made by nbgrader (an instructor extra, ``pip install -e
".[instructor]"``), run in this process with the settings of
``nbgrader generate_assignment notebooks --no-db --force`` (same files):

- code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``; a markdown answer
  becomes ``YOUR ANSWER HERE``;
- ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` sections are removed;
- outputs and execution counts are cleared, check cells are locked;
- the other files of ``notebooks/`` are copied along.

The result goes to ``build/student/notebooks/`` (``--outdir`` to change
``build/student``), never into ``notebooks/``. It is written to a temporary
folder first and swapped in only when every notebook converted, so a failed run
leaves the previous build as it was.

``--check`` also runs the exercise rules (see :func:`exercise_problems`) and
nbgrader's validator both ways: every check cell must pass on the master
notebook and fail on the student version. ``make test`` runs the same checks
(``tests/test_exercises.py``, ``tests/test_student_versions.py``).
"""

import argparse
import ast
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

COURSE_ID = "gmm-em"
#: Files of notebooks/ that students do not need (nbval's test configuration).
IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "nbval_sanitize.cfg", ".*"]
MARKER_RE = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)")
#: A lesson has 2-4 exercises; the course map (lesson 00) may have none.
EXERCISE_RANGE = (2, 4)
EXERCISE_RANGE_00 = (0, 4)


class StudentBuildError(RuntimeError):
    """nbgrader could not convert a notebook (its error lines are in the message)."""


# ---------------------------------------------------------------------------
# Building the student versions with nbgrader
# ---------------------------------------------------------------------------

def nbgrader_available():
    """True if nbgrader (the instructor extra) is importable here."""
    import importlib.util

    return importlib.util.find_spec("nbgrader") is not None


def nbgrader_config(source_dir, release_dir):
    """nbgrader settings that make ``source_dir`` one assignment, released to ``release_dir``.

    The same as ``nbgrader generate_assignment <name> --no-db --force`` with
    ``--CourseDirectory.root=<parent of source_dir>`` and
    ``--CourseDirectory.release_directory=<release_dir>``: the assignment id is
    the folder's name (``notebooks`` for the course), and the student versions
    land in ``release_dir/<name>/``.
    """
    from traitlets.config import Config

    source_dir = Path(source_dir).resolve()
    config = Config()
    config.CourseDirectory.root = str(source_dir.parent)
    config.CourseDirectory.source_directory = "."
    config.CourseDirectory.release_directory = str(Path(release_dir).resolve())
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.assignment_id = source_dir.name
    config.CourseDirectory.ignore = list(IGNORE)
    config.GenerateAssignment.no_database = True  # --no-db
    config.SaveCells.enabled = False  # --no-db
    config.GenerateAssignment.force = True
    return config


def generate(source_dir, release_dir):
    """Run nbgrader's ``GenerateAssignment`` on ``source_dir`` (in this process).

    Returns the folder holding the student versions. Raises
    :class:`StudentBuildError` with nbgrader's error lines if any notebook fails
    to convert (e.g. ``Duplicate grade id``, a solution region in a cell without
    solution metadata). In-process, this costs about 0.1 s per notebook once
    nbgrader is imported (the command line adds about 3 s of start-up).
    """
    import io
    import logging

    if not nbgrader_available():
        raise StudentBuildError(
            "nbgrader is not installed in this environment; it is the instructor "
            "extra: pip install -e \".[instructor]\" (make test installs it)."
        )
    from nbgrader.converters import GenerateAssignment
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory

    source_dir = Path(source_dir).resolve()
    config = nbgrader_config(source_dir, release_dir)
    converter = GenerateAssignment(coursedir=CourseDirectory(config=config), config=config)
    messages = io.StringIO()
    handler = logging.StreamHandler(messages)
    handler.setLevel(logging.WARNING)
    log, propagate = converter.log, converter.log.propagate
    log.addHandler(handler)
    log.propagate = False  # nbgrader's tracebacks go into the error message instead
    try:
        converter.start()
    except NbGraderException:
        lines = [ln.strip() for ln in messages.getvalue().splitlines()
                 if re.search(r"\w(Error|Exception): ", ln) and not ln.strip().startswith("raise ")]
        raise StudentBuildError(f"nbgrader generate_assignment failed on {source_dir}:\n"
                                + "\n".join(lines[-12:])) from None
    finally:
        log.removeHandler(handler)
        log.propagate = propagate
    return Path(release_dir) / source_dir.name


def build(source_dir, outdir):
    """Write the student versions of ``source_dir`` to ``outdir/<name>/`` atomically.

    nbgrader writes into a temporary folder next to ``outdir``; only when it
    succeeded is the old ``outdir`` replaced (two renames), so a failed run
    leaves the previous build untouched. Returns the new ``outdir/<name>``.
    """
    source_dir, outdir = Path(source_dir).resolve(), Path(outdir).resolve()
    if outdir == source_dir or source_dir in outdir.parents or outdir in source_dir.parents:
        raise SystemExit(f"--outdir {outdir} must not contain or be inside {source_dir}: "
                         "the master notebooks are never overwritten. Use e.g. build/student.")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}-new-"))
    old = None
    try:
        generate(source_dir, tmp)
        if outdir.exists():
            old = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}-old-"))
            os.replace(outdir, old / outdir.name)
        os.replace(tmp, outdir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return outdir / source_dir.name


# ---------------------------------------------------------------------------
# Reading exercises from a notebook (no nbgrader needed)
# ---------------------------------------------------------------------------

def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer(cell):
    """A code answer cell (``solution: true``): the student writes code here."""
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_written_answer(cell):
    """A markdown answer cell (``solution`` and ``grade``: graded by hand)."""
    return cell.cell_type == "markdown" and bool(nbgrader_meta(cell).get("solution"))


def is_check(cell):
    """A check cell: an autograded code cell (``grade: true``, not a solution)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def grade_id(cell):
    return nbgrader_meta(cell).get("grade_id", "?")


@dataclass
class Exercise:
    """One auto-checked exercise: answer cells followed by their check cells."""

    answers: list = field(default_factory=list)
    checks: list = field(default_factory=list)

    @property
    def name(self):
        return grade_id(self.answers[0]) if self.answers else grade_id(self.checks[0])


def exercises(nb):
    """Group a notebook's cells into exercises; return ``(exercises, problems)``.

    An exercise is a run of code answer cells closed by one or more check cells.
    Answer cells with no check cell after them, and check cells with no answer
    before them, are problems.
    """
    found, problems, pending = [], [], []
    for cell in nb.cells:
        if is_answer(cell):
            pending.append(cell)
        elif is_check(cell):
            if pending:
                found.append(Exercise(answers=pending, checks=[cell]))
                pending = []
            elif found:  # a further check of the previous exercise
                found[-1].checks.append(cell)
            else:
                problems.append(f"{grade_id(cell)}: check cell with no answer cell before it "
                                "(it cannot depend on the student's work)")
    for cell in pending:
        problems.append(f"{grade_id(cell)}: answer cell with no check cell after it")
    return found, problems


def _parse(source):
    """Parse a code cell, turning IPython magics/shell lines into ``pass``."""
    lines = ["pass" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines()]
    return ast.parse("\n".join(lines))


class _Defined(ast.NodeVisitor):
    """Names a cell binds at top level (not inside functions or classes)."""

    def __init__(self):
        self.names, self.functions = set(), set()

    def visit_FunctionDef(self, node):
        self.names.add(node.name)
        self.functions.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):  # their variables are local
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def visit_alias(self, node):
        self.names.add((node.asname or node.name).split(".")[0])


def defined_names(source):
    """``(names, functions)`` bound at top level by ``source``."""
    visitor = _Defined()
    visitor.visit(_parse(source))
    return visitor.names, visitor.functions


def loaded_names(source):
    return {n.id for n in ast.walk(_parse(source)) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)}


def _call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _reports_received(msg):
    """True if an assert message is built from values (f-string, %, .format)."""
    if isinstance(msg, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in msg.values)
    if isinstance(msg, ast.BinOp) and isinstance(msg.op, ast.Mod):
        return True
    return isinstance(msg, ast.Call) and _call_name(msg) == "format"


def check_cell_problems(cell):
    """Problems of one check cell: asserts nothing, bare asserts, displays a value."""
    gid = grade_id(cell)
    try:
        tree = _parse(cell.source)
    except SyntaxError as exc:
        return [f"{gid}: check cell does not parse ({exc.msg}, line {exc.lineno})"]
    problems, asserts = [], False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            asserts = True
            if node.msg is None:
                problems.append(f"{gid}: `assert` at line {node.lineno} has no message; use "
                                "gmmlib.checks.expect_close/expect_equal or an f-string saying "
                                "what was expected and what was received")
            elif not _reports_received(node.msg):
                problems.append(f"{gid}: the message of the `assert` at line {node.lineno} "
                                "does not show the received value (use an f-string)")
        elif isinstance(node, ast.Call) and _call_name(node).startswith(("expect_", "assert_")):
            asserts = True
        elif isinstance(node, ast.Raise) and node.exc is not None and "AssertionError" in ast.unparse(node.exc):
            asserts = True
    if not asserts:
        problems.append(f"{gid}: check cell asserts nothing (no gmmlib.checks.expect_*, "
                        "np.testing.assert_*, assert or raise AssertionError)")
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not (
            isinstance(last.value, ast.Call)
            and _call_name(last.value).startswith(("expect_", "assert_", "print", "display"))):
        problems.append(f"{gid}: check cell ends with an expression whose value is displayed; "
                        "nbgrader would read a displayed number as a partial score (use `_ = ...`)")
    return problems


def gmmlib_attribute_names():
    """Every attribute name of ``gmmlib`` and of its submodules (but the jobs in ``gmmlib.tools``)."""
    import importlib
    import pkgutil

    import gmmlib

    names = set(dir(gmmlib))
    for info in pkgutil.walk_packages(gmmlib.__path__, "gmmlib."):
        if info.name.startswith(("gmmlib.tools", "gmmlib.__main__")):
            continue  # the course jobs, not maths a student could import
        try:
            module = importlib.import_module(info.name)
        except Exception:  # a module being written elsewhere; its own tests report it
            continue
        names.update(dir(module))
    return names


def exercise_problems(nb, name, gmmlib_names=None):
    """Rules every lesson's exercises follow; returns a list of problems (strings).

    - 2-4 exercises per lesson (0-4 for lesson 00, the course map);
    - every code answer cell has ``### BEGIN/END SOLUTION`` markers and a check
      cell after it that uses (directly or through a later answer) a name it
      defines;
    - check cells assert something, their asserts carry messages that show the
      received value, and they display no value;
    - solution markers only in solution cells, hidden-test markers only in
      check cells;
    - grade ids are unique and start with the lesson number (``03-``);
    - functions defined by answers are not attributes of ``gmmlib`` (so the
      solution cannot be imported).
    """
    problems = []
    found, group_problems = exercises(nb)
    problems += group_problems
    low, high = EXERCISE_RANGE_00 if name.startswith("00") else EXERCISE_RANGE
    if not low <= len(found) <= high:
        problems.append(f"has {len(found)} auto-checked exercise(s); a lesson needs {low}-{high}")
    number = re.match(r"(\d+)_", name)
    seen = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id"):
            gid = meta["grade_id"]
            if gid in seen:
                problems.append(f"{gid}: duplicate grade id in this notebook")
            seen[gid] = cell
            if number and not gid.startswith(number.group(1) + "-"):
                problems.append(f"{gid}: grade id should start with the lesson number "
                                f"'{number.group(1)}-' (ids are unique across the course)")
        if MARKER_RE.search(cell.source):
            if "SOLUTION" in cell.source and not meta.get("solution"):
                problems.append(f"cell {cell.source[:40]!r}...: solution markers in a cell "
                                "without nbgrader solution metadata")
            if "HIDDEN TESTS" in cell.source and not is_check(cell):
                problems.append(f"{meta.get('grade_id', 'cell')}: hidden-test markers outside a check cell")
        if is_answer(cell) and "BEGIN SOLUTION" not in cell.source:
            problems.append(f"{grade_id(cell)}: answer cell without ### BEGIN SOLUTION / "
                            "### END SOLUTION (nbgrader would blank the whole cell)")
        if is_check(cell):
            problems += check_cell_problems(cell)
    if gmmlib_names is None:
        gmmlib_names = gmmlib_attribute_names()
    for exercise in found:
        used = set()
        for cell in exercise.checks:
            try:
                used |= loaded_names(cell.source)
            except SyntaxError:
                pass
        for cell in reversed(exercise.answers):
            try:
                names, functions = defined_names(cell.source)
            except SyntaxError as exc:
                problems.append(f"{grade_id(cell)}: answer cell does not parse ({exc.msg})")
                continue
            if not names & used:
                problems.append(f"{grade_id(cell)}: no check cell uses what this answer defines "
                                f"({', '.join(sorted(names)) or 'nothing'})")
            else:
                used |= loaded_names(cell.source)
            for func in sorted(functions & gmmlib_names):
                problems.append(f"{grade_id(cell)}: the answer defines {func}(), which is also "
                                "an attribute of gmmlib: the solution would be importable")
    return problems


def course_problems(notebooks):
    """Grade ids must be unique across the course. ``notebooks``: {name: nb}."""
    owners, problems = {}, []
    for name, nb in notebooks.items():
        for cell in nb.cells:
            gid = nbgrader_meta(cell).get("grade_id")
            if gid:
                owners.setdefault(gid, set()).add(name)
    for gid, names in sorted(owners.items()):
        if len(names) > 1:
            problems.append(f"{gid}: grade id used in {', '.join(sorted(names))}")
    return problems


# ---------------------------------------------------------------------------
# Comparing a student version with its master notebook
# ---------------------------------------------------------------------------

_REGION = re.compile(r"^\s*#*\s*BEGIN (SOLUTION|HIDDEN TESTS)\s*$(.*?)^\s*#*\s*END \1\s*$",
                     re.MULTILINE | re.DOTALL)


def _stripped_lines(text):
    return {ln.strip() for ln in text.splitlines() if ln.strip()}


def solution_lines(nb, min_length=12):
    """The master notebook's non-trivial solution and hidden-test lines.

    Lines inside ``BEGIN/END SOLUTION`` and ``BEGIN/END HIDDEN TESTS`` regions
    (the whole cell for a solution cell without markers), at least
    ``min_length`` characters long, not comments, and not also found in the
    notebook outside those regions (a line the lesson shows anyway is no secret).
    """
    secret, public = set(), set()
    for cell in nb.cells:
        regions = [m.group(2) for m in _REGION.finditer(cell.source)]
        if nbgrader_meta(cell).get("solution") and not regions:
            secret |= _stripped_lines(cell.source)  # nbgrader blanks the whole cell
            continue
        for region in regions:
            secret |= _stripped_lines(region)
        public |= _stripped_lines(_REGION.sub("", cell.source))
    return {ln for ln in secret - public
            if len(ln) >= min_length and not ln.startswith("#")}


def student_version_problems(master_nb, student_nb):
    """What a student version must not contain; returns a list of problems."""
    problems = []
    secret = solution_lines(master_nb)
    answers = {grade_id(c): c for c in master_nb.cells if is_answer(c)}
    for index, cell in enumerate(student_nb.cells):
        where = nbgrader_meta(cell).get("grade_id") or f"cell {index}"
        marker = MARKER_RE.search(cell.source)
        if marker:
            problems.append(f"{where}: still contains the marker {marker.group(0)!r}")
        for line in sorted(_stripped_lines(cell.source) & secret):
            problems.append(f"{where}: contains the solution line {line!r}")
        if cell.cell_type == "code":
            if cell.get("outputs"):
                problems.append(f"{where}: has stored outputs")
            if cell.get("execution_count") is not None:
                problems.append(f"{where}: has an execution count")
        if where in answers and "raise NotImplementedError()" not in cell.source:
            problems.append(f"{where}: the answer cell has no `raise NotImplementedError()` stub")
    missing = set(answers) - {nbgrader_meta(c).get("grade_id") for c in student_nb.cells}
    problems += [f"{gid}: answer cell missing from the student version" for gid in sorted(missing)]
    return problems


# ---------------------------------------------------------------------------
# nbgrader's validator, both ways
# ---------------------------------------------------------------------------

def validate(path, invert=False, execute=True, timeout=120):
    """Run nbgrader's ``Validator`` on ``path``; return its results.

    ``{}`` means: every check cell passed (``invert=False``) or every check cell
    failed (``invert=True``). Use this, not ``nbgrader validate``, whose exit
    status is 0 even when a check fails.

    ``execute=False`` grades the outputs stored in the notebook instead of
    re-executing it (nbgrader's grading rules, without its ``ClearOutput`` and
    ``Execute`` steps). That is sound for the master notebooks in ``make test``:
    nbval re-executes them in the same run and fails if any stored output,
    including a check cell's, is not reproduced.
    """
    from nbgrader.preprocessors import CheckCellMetadata
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = timeout
    config.Execute.record_timing = False
    kwargs = {} if execute else {"preprocessors": [CheckCellMetadata]}
    return Validator(config=config, invert=invert, **kwargs).validate(str(path))


def display_only(cell):
    """True for a lesson cell that only shows something (``gmmlib.figures.show(...)``,
    ``plt.show()``): every statement is a call named ``show``, so it binds no name."""
    if cell.cell_type != "code" or nbgrader_meta(cell):
        return False
    try:
        body = _parse(cell.source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                              and _call_name(s.value) == "show" for s in body)


def execute_in_one_kernel(paths, timeout=300):
    """Execute notebooks one after the other in ONE kernel; return the executed notebooks.

    Before each notebook the kernel's namespace is cleared (``%reset -f``), its
    figures closed and its working directory set to the notebook's folder, so
    each notebook sees a fresh namespace; imported modules stay loaded, which
    saves a kernel start and the imports per notebook. Errors do not stop the
    run (as in nbgrader's validator). Display-only cells (:func:`display_only`)
    are not executed: they bind no names, so no check depends on them.
    """
    import copy

    import nbformat
    from nbclient import NotebookClient

    notebooks = [nbformat.read(p, as_version=4) for p in paths]
    combined = nbformat.v4.new_notebook(metadata=copy.deepcopy(notebooks[0].metadata) if notebooks else {})
    origin = []  # (notebook, cell) of each combined cell, None for the separators
    for path, nb in zip(paths, notebooks):
        folder = str(Path(path).resolve().parent)
        combined.cells.append(nbformat.v4.new_code_cell(
            f"%reset -f\nimport os as _os, matplotlib.pyplot as _plt\n_os.chdir({folder!r})\n"
            "_plt.close('all')\ndel _os, _plt"))
        origin.append(None)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
                if not display_only(cell):
                    combined.cells.append(nbformat.v4.new_code_cell(cell.source))
                    origin.append(cell)
    client = NotebookClient(combined, timeout=timeout, kernel_name="python3", allow_errors=True,
                            record_timing=False,
                            resources={"metadata": {"path": str(Path(paths[0]).resolve().parent)}})
    client.execute()
    for executed, cell in zip(combined.cells, origin):
        if cell is None:
            errors = [o for o in executed.outputs if o.output_type == "error"]
            if errors:
                raise RuntimeError(f"resetting the kernel failed: {errors[0].ename}: {errors[0].evalue}")
        else:
            cell.outputs, cell.execution_count = executed.outputs, executed.execution_count
    return notebooks


def grade_outputs(nb, invert=False):
    """nbgrader's validator on an executed notebook (its stored outputs)."""
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "executed.ipynb"
        nbformat.write(nb, path)
        return validate(path, invert=invert, execute=False)


def describe_validation(results):
    """One line per offending cell of a :func:`validate` result."""
    lines = []
    for kind, cells in results.items():
        for cell in cells:
            first = cell.get("source", "").splitlines()[:1]
            error = cell.get("raw_error", "").strip().splitlines()[-1:] if cell.get("raw_error") else []
            lines.append(f"{kind}: {first[0] if first else ''!s} {' '.join(error)}".strip())
    return lines


# ---------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------

def _summary(master_nb, student_nb):
    found, _ = exercises(master_nb)
    hidden = sum(c.source.count("BEGIN HIDDEN TESTS") for c in master_nb.cells)
    written = sum(1 for c in master_nb.cells if is_written_answer(c))
    points = sum(float(nbgrader_meta(c).get("points", 0)) for c in student_nb.cells
                 if nbgrader_meta(c).get("grade"))
    return (f"{len(found)} exercise(s), {sum(len(e.answers) for e in found)} answer cell(s) "
            f"stubbed, {written} written answer(s), {hidden} hidden test(s) removed, "
            f"{points:g} point(s)")


def main(argv=None):
    from ._paths import course_root

    parser = argparse.ArgumentParser(prog="python -m gmmlib student", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outdir", type=Path, default=None,
                        help="where to write (default build/student; notebooks go to OUTDIR/notebooks/)")
    parser.add_argument("--source", type=Path, default=None,
                        help="folder of master notebooks (default notebooks/)")
    parser.add_argument("--check", action="store_true",
                        help="also check the exercise rules and run nbgrader's validator both ways")
    args = parser.parse_args(argv)
    import nbformat

    root = course_root()
    source = (args.source or root / "notebooks").resolve()
    outdir = (args.outdir or root / "build" / "student").resolve()
    if not any(source.glob("*.ipynb")):
        print(f"no notebooks in {source}", file=sys.stderr)
        return 1
    try:
        released = build(source, outdir)
    except StudentBuildError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        print(f"       {outdir} was left unchanged.", file=sys.stderr)
        return 1
    status = 0
    names = gmmlib_attribute_names() if args.check else None
    masters = {}
    paths = sorted(released.glob("*.ipynb"))
    if args.check:
        print(f"executing {len(paths)} master and {len(paths)} student notebooks ...", flush=True)
        ran = execute_in_one_kernel([source / p.name for p in paths] + paths)
        ran_master, ran_student = ran[:len(paths)], ran[len(paths):]
    for index, path in enumerate(paths):
        name = path.name
        master = masters[name] = nbformat.read(source / name, as_version=4)
        student = nbformat.read(path, as_version=4)
        shown = path.relative_to(Path.cwd()) if Path.cwd() in path.parents else path
        print(f"{shown}: {_summary(master, student)}", flush=True)
        if args.check:
            problems = student_version_problems(master, student) + exercise_problems(master, name, names)
            problems += [f"master: {ln}" for ln in describe_validation(grade_outputs(ran_master[index]))]
            problems += [f"student: {ln}" for ln in
                         describe_validation(grade_outputs(ran_student[index], invert=True))]
            for problem in problems:
                print(f"    PROBLEM {problem}")
            status |= bool(problems)
    if args.check:
        for problem in course_problems(masters):
            print(f"PROBLEM {problem}")
            status = 1
    return 1 if status else 0
