"""Student versions made by nbgrader, and the exercise checks executed both ways.

For every lesson (``notebooks/NN_*.ipynb``):

1. ``python -m gmmlib course`` (nbgrader's ``generate_assignment``, one
   assignment per lesson), run once into a temporary course, writes a student
   version with no solution text, no hidden tests, no outputs and no execution
   counts;
2. every check cell passes on the master notebook (nbgrader's ``Validator``);
3. NO check cell passes on the student version (``Validator(invert=True)``),
   so a forgotten marker or a check that asserts nothing is caught.

For (2) the validator grades the outputs stored in the master notebook rather
than executing it again: nbval executes every lesson in the same ``make test``
run and fails if a stored output (a check cell's included) is not reproduced.
Set ``GMM_EXECUTE_MASTERS=1`` to have the validator execute the masters too.
For (3) the student versions are executed one after the other in ONE kernel,
its namespace reset before each (:func:`gmmlib.tools.exercises.execute_in_one_kernel`),
then graded by nbgrader's validator: this saves a kernel start and the imports
per notebook; a test below shows that nothing leaks from one notebook to the next.

The fixtures in ``tests/fixtures/exercises/`` show that these checks fail when
they should. nbgrader is the instructor extra: without it, this file is skipped.
"""

import copy
import os
import shutil
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader",
                    reason="nbgrader (the instructor extra) is not installed: pip install -e '.[instructor]'")

from gmmlib.tools import course  # noqa: E402
from gmmlib.tools import exercises as rules  # noqa: E402

# nbgrader 0.9.6 with SQLAlchemy 2.1 warns about its own session use (harmless; nbgrader #1961).
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.name for p in LESSONS]
FIXTURES = Path(__file__).parent / "fixtures" / "exercises"
EXECUTE_MASTERS = os.environ.get("GMM_EXECUTE_MASTERS", "") not in ("", "0")


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """Run ``python -m gmmlib course --course TMP`` once; return (release folder, printed lines)."""
    if not LESSONS:
        pytest.skip("no lesson notebooks yet")
    import contextlib
    import io

    folder = tmp_path_factory.mktemp("course") / "course"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = course.main(["--course", str(folder), "--source", str(ROOT / "notebooks")])
    assert status == 0, out.getvalue()
    return folder / "release", out.getvalue().splitlines()


def student_path(release, name):
    """``release/<lesson>/<lesson>.ipynb``: nbgrader's layout, one assignment per lesson."""
    stem = Path(name).stem
    return release / stem / f"{stem}.ipynb"


def test_the_job_prints_one_line_per_lesson_and_copies_no_test_files(released):
    folder, lines = released
    built = sorted(p.name for p in folder.glob("*/*.ipynb"))
    assert built == IDS
    assert lines[:-1] == [line for line in lines if "exercise(s)" in line and "released" in line]
    assert [line.split(":")[0] for line in lines[:-1]] == [Path(n).stem for n in IDS]
    assert not list(folder.glob("*/nbval_sanitize.cfg"))
    assert sorted(p.name for p in folder.parent.iterdir()) == ["gradebook.db", "nbgrader_config.py",
                                                               "release", "source"]


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_student_version_has_no_solutions_hidden_tests_or_outputs(path, released):
    problems = rules.student_version_problems(read(path), read(student_path(released[0], path.name)))
    assert problems == [], f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_every_check_passes_on_the_master(path):
    tagged = [rules.grade_id(c) for c in read(path).cells
              if rules.is_check(c) and "raises-exception" in c.metadata.get("tags", [])]
    assert tagged == [], f"check cells tagged raises-exception (nbval would accept their errors): {tagged}"
    results = rules.validate(path, execute=EXECUTE_MASTERS)
    assert results == {}, "\n".join(rules.describe_validation(results))


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_no_check_passes_on_the_student_version(path, executed):
    results = rules.grade_outputs(executed[path.name], invert=True)
    assert results == {}, (
        "these check cells pass although the answers are stubs (a solution without "
        "markers, or a check that does not test the answer):\n"
        + "\n".join(rules.describe_validation(results)))


def test_course_inside_notebooks_is_refused(tmp_path):
    with pytest.raises(course.CourseError, match="must not contain or be inside"):
        course.build_course(tmp_path / "course", tmp_path)


# --- the same checks on fixtures, to show that they fail when they should ---

@pytest.fixture(scope="module")
def fixture_release(tmp_path_factory):
    """Student versions of three fixtures (one course build)."""
    source = tmp_path_factory.mktemp("fixture-course") / "notebooks"
    source.mkdir()
    for name in ("90_good", "91_no_markers", "92_check_asserts_nothing"):
        shutil.copy(FIXTURES / f"{name}.ipynb", source)
    course.build_course(source.parent / "course", source, log=lambda line: None)
    return source, source.parent / "course" / "release"


@pytest.fixture(scope="module")
def executed(released, fixture_release):
    """Every student version (fixtures and lessons) executed in one kernel: {name: nb}.

    The good fixture's MASTER runs first, right before its student version, so
    a name leaking through the namespace reset would make a student check pass.
    """
    source, release = fixture_release
    fixtures = [("master-90", source / "90_good.ipynb")] + [
        (f"student-{p.name[:2]}", p) for p in sorted(release.glob("*/*.ipynb"))]
    lessons = [(p.name, student_path(released[0], p.name)) for p in LESSONS]
    names, paths = zip(*(fixtures + lessons))
    return dict(zip(names, rules.execute_in_one_kernel(list(paths))))


def test_good_fixture_passes_both_ways(fixture_release, executed):
    source, release = fixture_release
    master, released_nb = read(source / "90_good.ipynb"), read(student_path(release, "90_good"))
    assert any(c.get("outputs") for c in master.cells if c.cell_type == "code")  # so clearing is tested
    assert rules.student_version_problems(master, released_nb) == []
    stubbed = [c.source for c in released_nb.cells if rules.grade_id(c) == "90-ex1-answer"][0]
    assert stubbed.endswith("    # YOUR CODE HERE\n    raise NotImplementedError()")
    explain = [c.source for c in released_nb.cells if rules.grade_id(c) == "90-ex2-explain"][0]
    assert "YOUR ANSWER HERE" in explain
    assert rules.validate(source / "90_good.ipynb", execute=False) == {}
    assert rules.grade_outputs(executed["master-90"]) == {}  # re-executed: still passes
    assert rules.grade_outputs(executed["student-90"], invert=True) == {}  # nothing leaked


def test_validator_executing_a_student_version_agrees(fixture_release):
    """nbgrader's own executing validator (one kernel per notebook) on one fixture."""
    results = rules.validate(student_path(fixture_release[1], "91_no_markers"), invert=True)
    assert [c["source"][:40] for c in results["passed"]] == ['expect_close("exercise_weighted_mean([1,']


def test_a_failing_stored_check_is_reported(fixture_release, tmp_path):
    nb = read(fixture_release[0] / "90_good.ipynb")
    check = next(c for c in nb.cells if rules.grade_id(c) == "90-ex2-check")
    check.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="pi_1: expected ...",
                                            traceback=["AssertionError: pi_1: expected ..."])]
    nbformat.write(nb, tmp_path / "90_good.ipynb")
    results = rules.validate(tmp_path / "90_good.ipynb", execute=False)
    assert [c["source"] for c in results["failed"]] == [check.source]


@pytest.mark.parametrize("name, passing", [
    ("91_no_markers", "exercise_weighted_mean([1, 2, 3]"),  # solution without markers
    ("92_check_asserts_nothing", 'print("pi_1 checked")'),  # check that tests nothing
])
def test_inverted_validation_catches_checks_that_pass_without_answers(executed, name, passing):
    results = rules.grade_outputs(executed[f"student-{name[:2]}"], invert=True)
    assert [passing in c["source"] for c in results.get("passed", [])] == [True], results


def test_leaked_solution_lines_are_caught():
    master = read(FIXTURES / "90_good.ipynb")
    leaked = copy.deepcopy(master)
    for cell in leaked.cells:
        cell.source = cell.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    problems = rules.student_version_problems(master, leaked)
    assert any("contains the solution line 'return float(np.sum(w * x) / np.sum(w))'" in p for p in problems)
    assert any("HIDDEN TESTS" in p for p in problems)
    assert any("no `raise NotImplementedError()` stub" in p for p in problems)
    assert any("has stored outputs" in p for p in rules.student_version_problems(master, master))


def test_failed_build_reports_duplicate_ids_and_changes_nothing(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    shutil.copy(FIXTURES / "90_good.ipynb", source)
    folder = tmp_path / "course"
    course.build_course(folder, source, log=lambda line: None)  # a previous build
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    shutil.copy(FIXTURES / "96_duplicate_ids.ipynb", source)
    with pytest.raises(course.CourseError, match="Duplicate grade id: 96-ex1-check"):
        course.build_course(folder, source, log=lambda line: None)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in folder.iterdir()) == ["gradebook.db", "nbgrader_config.py", "release",
                                                        "source"], "no temporary folders left"
