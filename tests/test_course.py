"""``python -m gmmlib course``: the nbgrader course directory, one assignment per lesson.

On small fixture courses (``tests/fixtures/exercises/90_good.ipynb`` as a
lesson): the layout nbgrader prescribes, nbgrader reading the same settings as
the job, nothing changed when nothing changed, and what nbgrader would refuse
(adding cells to a lesson with submissions) refused before anything is
touched. Grading for real is ``tests/test_round_trip.py``.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="nbgrader (the instructor extra) is not installed")

from gmmlib.tools import course  # noqa: E402

# nbgrader 0.9.6 with SQLAlchemy 2.1 warns about its own session use (harmless; nbgrader #1961).
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

ROOT = Path(__file__).resolve().parent.parent
GOOD = Path(__file__).parent / "fixtures" / "exercises" / "90_good.ipynb"


def snapshot(folder):
    """Every file under ``folder`` with its bytes and modification time."""
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def masters(tmp_path):
    """A folder of master notebooks: 90_good as two lessons."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("10_first", "11_second"):
        nb = nbformat.read(GOOD, as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid:
                cell.metadata.nbgrader.grade_id = gid.replace("90-", name[:2] + "-")
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "nbval_sanitize.cfg").write_text("[x]\n")
    (folder / "data.csv").write_text("a,b\n1,2\n")
    return folder


def build(course_dir, masters, **kwargs):
    lines = []
    course.build_course(course_dir, masters, log=lines.append, **kwargs)
    return lines


def test_the_course_has_nbgraders_layout_and_one_assignment_per_lesson(masters, tmp_path):
    folder = tmp_path / "course"
    lines = build(folder, masters)
    assert lines == ["10_first: released (2 exercise(s) + 1 written, 4 point(s))",
                     "11_second: released (2 exercise(s) + 1 written, 4 point(s))"]
    assert sorted(str(p) for p in snapshot(folder)) == [
        "gradebook.db", "nbgrader_config.py",
        "release/10_first/10_first.ipynb", "release/10_first/data.csv",
        "release/11_second/11_second.ipynb", "release/11_second/data.csv",
        "source/10_first/10_first.ipynb", "source/10_first/data.csv",
        "source/11_second/11_second.ipynb", "source/11_second/data.csv"]
    assert (folder / "source" / "10_first" / "10_first.ipynb").read_bytes() == \
        (masters / "10_first.ipynb").read_bytes()


def test_nbgrader_reads_the_courses_settings_and_lists_only_lessons(masters, tmp_path):
    """The course's nbgrader_config.py, as nbgrader's own apps load it."""
    folder = tmp_path / "course"
    build(folder, masters)
    script = (
        "import sys\n"
        "from nbgrader.apps import NbGraderAPI\n"
        "from nbgrader.apps.baseapp import NbGrader\n"
        "app = NbGrader()\n"
        "app.initialize([])\n"
        "api = NbGraderAPI(coursedir=app.coursedir, config=app.config)\n"
        "print(sorted(api.get_source_assignments()))\n"
        "print(app.coursedir.course_id, app.config.Validator.width, app.config.Execute.timeout)\n"
        "print(app.coursedir.db_url)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["['10_first', '11_second']", "gmm-em 100 120", f"sqlite:///{folder / 'gradebook.db'}"]


def test_the_repositorys_config_points_nbgrader_at_the_default_course():
    from traitlets.config import Config

    c = Config()
    namespace = {"get_config": lambda: c, "__file__": str(ROOT / "nbgrader_config.py")}
    exec(compile((ROOT / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"), namespace)
    assert c.CourseDirectory.root == str(ROOT / "build" / "course")
    assert c.CourseDirectory.course_id == course.COURSE_ID


def test_configure_is_the_one_home_of_the_settings(tmp_path):
    c = course.nbgrader_config(tmp_path)
    assert c.CourseDirectory.course_id == course.COURSE_ID == "gmm-em"
    assert c.CourseDirectory.ignore == course.IGNORE
    assert c.CourseDirectory.db_url == f"sqlite:///{tmp_path.resolve() / 'gradebook.db'}"
    assert c.Validator.width == 100
    import os

    assert os.environ["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)


def test_a_second_run_changes_nothing(masters, tmp_path):
    folder = tmp_path / "course"
    build(folder, masters)
    before = snapshot(folder)
    assert build(folder, masters) == ["10_first: unchanged (2 exercise(s) + 1 written, 4 point(s))",
                                      "11_second: unchanged (2 exercise(s) + 1 written, 4 point(s))"]
    assert snapshot(folder) == before


def test_the_courses_own_config_is_kept_and_a_foreign_one_refused(masters, tmp_path):
    folder = tmp_path / "course"
    build(folder, masters)
    config = folder / "nbgrader_config.py"
    config.write_text(config.read_text() + "c.Exchange.root = '/srv/exchange'\n")
    build(folder, masters, force=True)
    assert "/srv/exchange" in config.read_text()
    other = tmp_path / "other"
    other.mkdir()
    (other / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = '/x'\n")
    with pytest.raises(course.CourseError, match="does not load the course settings; add these lines"):
        build(other, masters)
    assert sorted(p.name for p in other.iterdir()) == ["nbgrader_config.py"]


def test_the_alembic_head_found_in_process_is_nbgraders():
    import nbgrader.api

    assert course.alembic_head() == nbgrader.api.get_alembic_version()


def _add_submission(folder, lesson, student="alice"):
    with course._open_gradebook(folder / "gradebook.db") as gradebook:
        gradebook.update_or_create_student(student)
        gradebook.add_submission(lesson, student)
    course._close_gradebook(gradebook)


def _add_exercise(path, number):
    nb = nbformat.read(path, as_version=4)
    prefix = path.name[:2]
    answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nextra = 1\n### END SOLUTION")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                   "grade_id": f"{prefix}-ex{number}-answer", "schema_version": 3}
    check = nbformat.v4.new_code_cell('expect_close("extra", extra, 1)')
    check.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": 1,
                                  "grade_id": f"{prefix}-ex{number}-check", "schema_version": 3}
    nb.cells += [answer, check]
    nbformat.write(nb, path)


def test_adding_an_exercise_to_a_lesson_with_submissions_is_refused_and_nothing_changes(masters, tmp_path):
    folder = tmp_path / "course"
    build(folder, masters)
    _add_submission(folder, "10_first")
    before = snapshot(folder)
    _add_exercise(masters / "10_first.ipynb", 3)
    _add_exercise(masters / "11_second.ipynb", 3)  # allowed alone: no submissions there
    with pytest.raises(course.CourseError) as refused:
        build(folder, masters)
    message = str(refused.value)
    assert message.startswith("10_first: added grade cells 10-ex3-check; added solution cells "
                              "10-ex3-answer; added source cells 10-ex3-answer, 10-ex3-check, but the "
                              "gradebook holds 1 submission(s) of this lesson")
    assert message.endswith(f"Nothing in {folder.resolve()} was changed.")
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["gradebook.db", "nbgrader_config.py", "release",
                                                        "source"], "no temporary folders left"


def test_an_exercise_added_to_another_lesson_and_a_fixed_check_are_taken(masters, tmp_path):
    folder = tmp_path / "course"
    build(folder, masters)
    _add_submission(folder, "10_first")
    _add_exercise(masters / "11_second.ipynb", 3)
    nb = nbformat.read(masters / "10_first.ipynb", as_version=4)  # fix a check of the graded lesson
    check = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "10-ex1-check")
    check.source = check.source.replace("2.25)", "2.25, rtol=1e-9)")
    check.metadata.nbgrader.points = 3
    nbformat.write(nb, masters / "10_first.ipynb")
    lines = build(folder, masters)
    assert lines == [
        "10_first: regenerated (2 exercise(s) + 1 written, 5 point(s)); 1 submission(s) graded with the "
        "old checks: regrade with `nbgrader autograde 10_first --force`",
        "11_second: regenerated (3 exercise(s) + 1 written, 5 point(s))"]
    with course._open_gradebook(folder / "gradebook.db") as gradebook:
        first = gradebook.find_notebook("10_first", "10_first")
        recorded = {c.name: c for c in first.source_cells}
        assert "rtol=1e-9" in recorded["10-ex1-check"].source
        assert gradebook.find_grade_cell("10-ex1-check", "10_first", "10_first").max_score == 3
        assert len(gradebook.find_assignment("10_first").submissions) == 1  # the grades stay
        second = gradebook.find_notebook("11_second", "11_second")
        assert "11-ex3-check" in {c.name for c in second.grade_cells}
    course._close_gradebook(gradebook)
    backups = list((folder / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("gradebook-")


def test_the_job_refuses_a_course_inside_the_masters_and_reports_unknown_lessons(masters, tmp_path, capsys):
    assert course.main(["--course", str(masters / "course"), "--source", str(masters)]) == 1
    assert "must not contain or be inside" in capsys.readouterr().err
    assert course.main(["--course", str(tmp_path / "c"), "--source", str(masters), "--lesson", "12_x"]) == 1
    assert "no lesson 12_x" in capsys.readouterr().err
    assert not (tmp_path / "c" / "gradebook.db").exists()
    shutil.rmtree(tmp_path / "c", ignore_errors=True)


def test_nbgrader_validate_shows_a_checks_message_in_full(tmp_path):
    """nbgrader's validator, with the course's settings, prints every word of a long failure."""
    from nbgrader.preprocessors import CheckCellMetadata
    from nbgrader.validator import Validator

    from gmmlib.checks import digest, expect_digest

    with pytest.raises(AssertionError) as caught:
        expect_digest("n_free_parameters_of(K, d, 'diag') for (K, d) in [(1, 1), (2, 2), (3, 5)]",
                      [3.0, 10.0, 33.0], digest([2.0, 9.0, 32.0]),
                      wrong={digest([3.0, 10.0, 33.0]):
                             "One too large: only K - 1 of the weights are free, because they sum "
                             "to 1 (the last one follows)."})
    message = str(caught.value)
    assert max(len(line) for line in message.splitlines()) <= 76
    nb = nbformat.read(GOOD, as_version=4)
    check = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "90-ex1-check")
    check.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue=message,
                                            traceback=[f"AssertionError: {message}"])]
    nbformat.write(nb, tmp_path / "90_good.ipynb")
    validator = Validator(config=course.nbgrader_config(), preprocessors=[CheckCellMetadata])
    import io

    validator.stream = io.StringIO()
    validator.validate_and_print(str(tmp_path / "90_good.ipynb"))
    printed = " ".join(validator.stream.getvalue().split())
    assert " ".join(f"AssertionError: {message}".split()) in printed
    assert "..." not in printed.split("The error was:")[1]


def test_a_failed_first_build_leaves_no_course_behind(masters, tmp_path):
    shutil.copy(GOOD.parent / "96_duplicate_ids.ipynb", masters)
    with pytest.raises(course.CourseError, match="Duplicate grade id: 96-ex1-check"):
        build(tmp_path / "course", masters)
    assert not (tmp_path / "course").exists()
