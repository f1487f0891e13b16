"""The rules every lesson's exercises follow, and nbgrader's validator both ways.

Used by the tests (``tests/test_exercises.py``, ``tests/test_student_versions.py``,
``tests/test_answer_catalogue.py``) and by :mod:`gmmlib.tools.course`:

- :func:`exercises` groups a notebook's cells into exercises (answer cells
  closed by check cells); :func:`exercise_problems` lists what breaks the
  rules (markers, messages, grade ids, importable solutions, checks that do
  not check a value);
- :func:`student_version_problems` compares a student version made by
  nbgrader with its master (no solution line, no hidden test, no output);
- :func:`validate`, :func:`execute_in_one_kernel` and :func:`grade_outputs`
  run nbgrader's ``Validator``: every check must pass on the master and fail
  on the student version.

The markers (``### BEGIN SOLUTION`` ...) are nbgrader's: :func:`markers`
reads them from its preprocessors.
"""

import ast
import functools
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .nbgrader_settings import clear_solutions, nbgrader_config, nbgrader_meta

#: A lesson has 2-4 exercises; the course map (lesson 00) may have none.
EXERCISE_RANGE = (2, 4)
EXERCISE_RANGE_00 = (0, 4)


@functools.cache
def markers():
    """nbgrader's region delimiters: ``{"solution": ("BEGIN SOLUTION", "END SOLUTION"), ...}``."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    config = nbgrader_config()
    solutions, hidden, scheme = (ClearSolutions(config=config), ClearHiddenTests(config=config),
                                 ClearMarkScheme(config=config))
    return {"solution": (solutions.begin_solution_delimeter, solutions.end_solution_delimeter),
            "hidden": (hidden.begin_test_delimeter, hidden.end_test_delimeter),
            "mark scheme": (scheme.begin_mark_scheme_delimeter, scheme.end_mark_scheme_delimeter)}


def marker_in(text, kinds=("solution", "hidden", "mark scheme")):
    """The first nbgrader delimiter of ``kinds`` found in ``text``, or ``None``."""
    for kind in kinds:
        for delimiter in markers()[kind]:
            if delimiter in text:
                return delimiter
    return None


# ---------------------------------------------------------------------------
# Reading exercises from a notebook (no nbgrader needed)
# ---------------------------------------------------------------------------

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
        elif (isinstance(node, ast.Raise) and node.exc is not None
              and "AssertionError" in ast.unparse(node.exc)):
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
        if marker_in(cell.source, ("solution",)) and not meta.get("solution"):
            problems.append(f"cell {cell.source[:40]!r}...: solution markers in a cell "
                            "without nbgrader solution metadata")
        if marker_in(cell.source, ("hidden",)) and not is_check(cell):
            problems.append(f"{meta.get('grade_id', 'cell')}: hidden-test markers outside a check cell")
        if is_answer(cell) and markers()["solution"][0] not in cell.source:
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


#: Calls in a visible check that compare the answer's value (not only its shape or type).
VALUE_CHECKS = {"expect_digest": None, "expect_close": 2, "expect_equal": 2,
                "assert_allclose": 1, "assert_array_equal": 1, "assert_equal": 1,
                "assert_array_almost_equal": 1, "assert_almost_equal": 1}
#: Literal expected values that give nothing away (a property: zero, one, true).
HARMLESS_LITERALS = (0, 1, True, False, None)


def _literal(node):
    """True if ``node`` is a number or string written out (or a list/tuple of them)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) or node.value not in HARMLESS_LITERALS
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(_literal(element) for element in node.elts)
    return False


def value_check_problems(master_nb, student_nb=None):
    """The stricter rules of a converted lesson (see docs/instructors.md, "Writing an exercise").

    In the **student version** (what students can read and run) every
    exercise's checks must compare the answer's *value* (``expect_digest``,
    ``expect_close``, ``expect_equal``, ``np.testing.assert_*``), not only its
    shape, type or authorship; and no visible check may write the expected
    value out as a literal (students would copy it): use ``expect_digest``,
    a property, or an independent route instead.
    """
    if student_nb is None:
        student_nb = student_version(master_nb)
    found, _ = exercises(student_nb)
    problems = []
    for exercise in found:
        calls = []
        for cell in exercise.checks:
            try:
                tree = _parse(cell.source)
            except SyntaxError:
                continue
            calls += [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                      and _call_name(node) in VALUE_CHECKS]
        if not calls:
            problems.append(f"{exercise.name}: the visible check does not check the answer's value "
                            "(only its shape, type or authorship), so a wrong answer passes in the "
                            "student's copy; add gmmlib.checks.expect_digest or a property check")
        for call in calls:
            position = VALUE_CHECKS[_call_name(call)]
            if position is not None and len(call.args) > position and _literal(call.args[position]):
                problems.append(f"{exercise.name}: the visible check writes the expected value "
                                f"{ast.unparse(call.args[position])} out (students can copy it); "
                                "compare with gmmlib.checks.expect_digest instead")
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

def _stripped_lines(text):
    return {ln.strip() for ln in text.splitlines() if ln.strip()}


def student_version(master_nb):
    """The student version of ``master_nb`` as nbgrader's preprocessors make it
    (solutions, hidden tests and mark schemes cleared; outputs kept)."""
    import copy

    return clear_solutions(copy.deepcopy(master_nb))


def solution_lines(master_nb, student_nb=None, min_length=12):
    """The master's non-trivial lines that the student version must not contain.

    Lines of the master's answer and check cells that nbgrader removes from
    them (solutions, hidden tests), at least ``min_length`` characters long,
    not comments, and not found anywhere in the student version (a line the
    lesson shows anyway is no secret). ``student_nb`` defaults to
    :func:`student_version` of the master.
    """
    if student_nb is None:
        student_nb = student_version(master_nb)
    public, by_id = set(), {}
    for cell in student_nb.cells:
        public |= _stripped_lines(cell.source)
        if nbgrader_meta(cell).get("grade_id"):
            by_id[grade_id(cell)] = _stripped_lines(cell.source)
    secret = set()
    for cell in master_nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid and (is_answer(cell) or is_written_answer(cell) or is_check(cell)):
            secret |= _stripped_lines(cell.source) - by_id.get(gid, set())
    delimiters = [d for pair in markers().values() for d in pair]
    return {ln for ln in secret - public
            if len(ln) >= min_length and not ln.startswith("#")
            and not any(d in ln for d in delimiters)}


def student_version_problems(master_nb, student_nb):
    """What a student version must not contain; returns a list of problems."""
    problems = []
    secret = solution_lines(master_nb)  # what nbgrader removes, whatever this copy holds
    answers = {grade_id(c): c for c in master_nb.cells if is_answer(c)}
    for index, cell in enumerate(student_nb.cells):
        where = nbgrader_meta(cell).get("grade_id") or f"cell {index}"
        marker = marker_in(cell.source)
        if marker:
            problems.append(f"{where}: still contains the marker {marker!r}")
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

def validate(path, invert=False, execute=True):
    """Run nbgrader's ``Validator`` on ``path``; return its results.

    ``{}`` means: every check cell passed (``invert=False``) or every check cell
    failed (``invert=True``). Use this, not ``nbgrader validate``, whose exit
    status is 0 even when a check fails. The settings (timeout, message width)
    are the course's (:func:`gmmlib.tools.course.configure`).

    ``execute=False`` grades the outputs stored in the notebook instead of
    re-executing it (nbgrader's grading rules, without its ``ClearOutput`` and
    ``Execute`` steps). That is sound for the master notebooks in ``make test``:
    nbval re-executes them in the same run and fails if any stored output,
    including a check cell's, is not reproduced.
    """
    from nbgrader.preprocessors import CheckCellMetadata
    from nbgrader.validator import Validator

    kwargs = {} if execute else {"preprocessors": [CheckCellMetadata]}
    return Validator(config=nbgrader_config(), invert=invert, **kwargs).validate(str(path))


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
