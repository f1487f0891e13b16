"""A term of grading with nbgrader itself, on lessons 00 and 02, as docs/instructors.md tells it.

The course job builds the course; three students hand in each lesson:
``alice`` the master notebook (every answer right), ``bob`` the untouched
student version, ``carol`` the student version with answers from the
catalogue (tests/answers/), some right and some wrong. nbgrader grades them
(``autograde``), writes feedback (``generate_feedback``) and exports the
grades (``export``); the scores are read from the gradebook (nbgrader's
``Gradebook`` API) and from the CSV. Mid-term, lesson 00 gets a new exercise
after lesson 02 was graded; adding one to the graded lesson 02 is refused;
and a check of lesson 00 that let a wrong answer through is fixed and the
lesson regraded (``autograde --force``).

nbgrader's commands run in this process through its own application class
(``NbGraderApp``, what the ``nbgrader`` command runs), with the arguments the
docs give, in the course directory: this saves nbgrader's ~3 s start-up per
command. ``test_the_docs_commands_are_the_ones_run`` checks that every
command of the recipe in docs/instructors.md is one of them.
"""

import contextlib
import csv
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="nbgrader (the instructor extra) is not installed")

from answers import catalogues  # noqa: E402
from gmmlib.checks import digest  # noqa: E402
from gmmlib.tools import course  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "instructors.md"
LESSONS = ["00_course_map", "02_multivariate_normal"]
STUDENTS = ["alice", "bob", "carol"]
#: carol's answers: catalogued variants by answer cell (the others are the master's).
CAROL = {"00-ex2-answer": "tied counted per component",
         "02-ex1-answer": "the seed's 2 pi^(d/2)",
         "02-ex3-answer": "predicts up"}

NEW_EXERCISE = [  # exercise 0.3, added to lesson 00 after lesson 02 was graded
    ("markdown", None, "### Exercise 0.3 — How many numbers do the data hold?\n\n"
                       "Write `n_data_numbers(n, d)`: the numbers in $n$ points of $d$ dimensions."),
    ("code", {"solution": True, "grade": False, "locked": False, "grade_id": "00-ex3-answer"},
     'def n_data_numbers(n, d):\n    """Numbers held by n points in d dimensions."""\n'
     "    ### BEGIN SOLUTION\n    return n * d\n    ### END SOLUTION"),
    ("code", {"solution": False, "grade": True, "locked": True, "points": 1, "grade_id": "00-ex3-check"},
     'expect_digest("n_data_numbers(272, 2)", run_own_code("n_data_numbers", n_data_numbers, 272, 2), '
     f'"{digest(544)}")'),
]


def cpu_seconds():
    """CPU time of this process and of the kernels it started (user + system)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Term:
    """The course directory, the commands run in it, and what they took."""

    def __init__(self, folder):
        self.folder = folder
        self.masters = folder / "notebooks"
        self.course = folder / "course"
        self.commands, self.seconds = [], {}

    def gmmlib(self, *args):
        """``python -m gmmlib course ARGS`` on this term's masters and course; returns its exit status."""
        self.commands.append(" ".join(["python -m gmmlib course", *args]))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = course.main([*args, "--course", str(self.course), "--source", str(self.masters)])
        return status, out.getvalue() + err.getvalue()

    def nbgrader(self, *args):
        """``nbgrader ARGS`` in the course directory, by nbgrader's own application, in-process."""
        from jupyter_core.application import NoStart
        from nbgrader.apps.nbgraderapp import NbGraderApp

        self.commands.append(" ".join(["nbgrader", *args]))
        start, cwd, path = cpu_seconds(), os.getcwd(), list(sys.path)
        log = io.StringIO()
        app = NbGraderApp.instance()
        os.chdir(self.course)
        try:
            app.initialize(list(args))
            app.init_logging(logging.StreamHandler, [log], color=False, subapps=True)
            app.start()
            status = 0
        except NoStart:  # what the application raises after running its subcommand
            status = 0
        except SystemExit as exc:
            status = exc.code
        finally:
            app.reset()
            os.chdir(cwd)
            sys.path[:] = path
        self.seconds[" ".join(args)] = cpu_seconds() - start
        assert status in (0, None), f"nbgrader {' '.join(args)} failed:\n{log.getvalue()[-3000:]}"
        return log.getvalue()

    def hand_in(self, lesson, student, nb):
        folder = self.course / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")

    def hand_in_all(self, lesson, students=STUDENTS):
        """alice: the master; bob: the student version; carol: the student version with answers."""
        master = nbformat.read(self.masters / f"{lesson}.ipynb", as_version=4)
        released = nbformat.read(self.course / "release" / lesson / f"{lesson}.ipynb", as_version=4)
        if "alice" in students:
            self.hand_in(lesson, "alice", master)
        if "bob" in students:
            self.hand_in(lesson, "bob", released)
        if "carol" not in students:
            return
        variants = {(v.exercise, v.label): v for v in catalogues()[lesson].VARIANTS}
        solutions = {c.metadata.nbgrader.grade_id: c.source for c in master.cells
                     if c.metadata.get("nbgrader", {}).get("solution")}
        carol = nbformat.read(self.course / "release" / lesson / f"{lesson}.ipynb", as_version=4)
        for cell in carol.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in CAROL:
                cell.source = variants[gid, CAROL[gid]].answer_cell(cell.source)
            elif gid in solutions:
                cell.source = solutions[gid]
        self.hand_in(lesson, "carol", carol)

    def scores(self, lesson):
        """``{student: (score, max_score)}`` from nbgrader's gradebook."""
        with course._open_gradebook(self.course / "gradebook.db") as gradebook:
            found = {s: (gradebook.find_submission(lesson, s).score,
                         gradebook.find_submission(lesson, s).max_score) for s in STUDENTS}
        course._close_gradebook(gradebook)
        return found

    def snapshot(self, *parts):
        return {p: p.read_bytes() for part in parts for p in sorted((self.course / part).rglob("*"))
                if p.is_file()}


def _edit(path, change):
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def _weaken_00_ex2(nb):
    """The check of 0.2 as it might have shipped: it forgot the tied covariances."""
    check = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "00-ex2-check")
    source = re.sub(r',\n    "tied": \(.*?\}\)\}', "}", check.source, flags=re.S)
    source = re.sub(r"### BEGIN HIDDEN TESTS.*### END HIDDEN TESTS", "", source, flags=re.S)
    assert '"tied"' not in source and "spherical" in source, source
    check.source = source.rstrip() + "\n"


def _add_new_exercise(nb):
    at = next(i for i, c in enumerate(nb.cells) if c.source.startswith("Next: [Lesson 1"))
    for kind, meta, source in NEW_EXERCISE:
        new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = new(source)
        if meta:
            cell.metadata["nbgrader"] = {**meta, "schema_version": 3}
        nb.cells.insert(at, cell)
        at += 1


def _add_exercise_to_02(nb):
    nb.cells.append(nbformat.v4.new_code_cell("### BEGIN SOLUTION\ny = 1\n### END SOLUTION",
                                              metadata={"nbgrader": {"solution": True, "grade": False,
                                                                     "locked": False, "schema_version": 3,
                                                                     "grade_id": "02-ex4-answer"}}))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    t = Term(tmp_path_factory.mktemp("term"))
    t.masters.mkdir()
    for lesson in LESSONS:
        shutil.copy(ROOT / "notebooks" / f"{lesson}.ipynb", t.masters)
    real_00 = (t.masters / "00_course_map.ipynb").read_bytes()
    _edit(t.masters / "00_course_map.ipynb", _weaken_00_ex2)
    start = cpu_seconds()

    # Release, collect and grade lesson 02.
    assert t.gmmlib()[0] == 0
    t.hand_in_all("02_multivariate_normal")
    t.nbgrader("autograde", "02_multivariate_normal")
    t.scores_02 = t.scores("02_multivariate_normal")
    graded_02 = t.snapshot("release/02_multivariate_normal", "autograded")

    # Mid-term: a new exercise in lesson 00, which has no submissions yet.
    _edit(t.masters / "00_course_map.ipynb", _add_new_exercise)
    t.added = t.gmmlib()
    t.untouched_02 = t.snapshot("release/02_multivariate_normal", "autograded") == graded_02
    t.hand_in_all("00_course_map", ["carol"])  # carol hands in first
    t.nbgrader("autograde", "00_course_map")
    t.nbgrader("generate_feedback", "00_course_map")
    with course._open_gradebook(t.course / "gradebook.db") as gradebook:
        t.carol_00_before_fix = gradebook.find_submission("00_course_map", "carol").score
    course._close_gradebook(gradebook)

    # Adding an exercise to the graded lesson 02 is refused, and changes nothing.
    before = t.snapshot(".")
    original_02 = (t.masters / "02_multivariate_normal.ipynb").read_bytes()
    _edit(t.masters / "02_multivariate_normal.ipynb", _add_exercise_to_02)
    t.refused = t.gmmlib()
    t.unchanged_after_refusal = t.snapshot(".") == before
    (t.masters / "02_multivariate_normal.ipynb").write_bytes(original_02)

    # Fix the check of 0.2 (the real one, with the tied covariances) and regrade lesson 00.
    fixed = nbformat.reads(real_00.decode(), as_version=4)
    _add_new_exercise(fixed)
    nbformat.write(fixed, t.masters / "00_course_map.ipynb")
    t.fixed = t.gmmlib()
    t.hand_in_all("00_course_map", ["alice", "bob"])
    t.nbgrader("autograde", "00_course_map", "--force")
    t.scores_00 = t.scores("00_course_map")

    t.nbgrader("generate_feedback", "00_course_map", "--force")
    t.nbgrader("generate_feedback", "02_multivariate_normal")
    t.nbgrader("export", "--to", "grades.csv")
    t.total_seconds = cpu_seconds() - start
    return t


def test_good_submissions_get_full_marks_blank_ones_zero_and_wrong_ones_in_between(term, record_property):
    points = {"00_course_map": 5.0, "02_multivariate_normal": 7.0}
    for lesson, scores in (("02_multivariate_normal", term.scores_02), ("00_course_map", term.scores_00)):
        assert scores["alice"] == (points[lesson], points[lesson]), (lesson, scores)
        assert scores["bob"] == (0.0, points[lesson]), (lesson, scores)
        assert 0.0 < scores["carol"][0] < points[lesson], (lesson, scores)
    # carol: 2.1 wrong (3 points) and 2.3 wrong only in its hidden test (2 points); 2.2 right (2)
    assert term.scores_02["carol"][0] == 2.0
    times = {k: v for k, v in term.seconds.items() if k.startswith("autograde")}
    record_property("round trip", "round trip (nbgrader, 3 students): " + "; ".join(
        f"{lesson}: alice {s['alice'][0]:g}, bob {s['bob'][0]:g}, carol {s['carol'][0]:g} "
        f"of {s['alice'][1]:g}"
        for lesson, s in (("00", term.scores_00), ("02", term.scores_02)))
        + "; CPU time: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items())
        + f"; whole term {term.total_seconds:.0f} s")


def test_an_exercise_added_to_another_lesson_after_grading_is_released(term):
    status, out = term.added
    assert status == 0, out
    assert "00_course_map: regenerated (3 exercise(s), 5 point(s))" in out
    assert "02_multivariate_normal: unchanged" in out
    assert term.untouched_02, "lesson 02's release or grades changed"
    released = nbformat.read(term.course / "release" / "00_course_map" / "00_course_map.ipynb", as_version=4)
    assert "00-ex3-answer" in [c.metadata.get("nbgrader", {}).get("grade_id") for c in released.cells]


def test_adding_an_exercise_to_a_graded_lesson_is_refused_and_changes_nothing(term):
    status, out = term.refused
    assert status == 1
    assert "02_multivariate_normal: added solution cells 02-ex4-answer" in out
    assert "3 submission(s) of this lesson" in out and "Nothing in" in out
    assert term.unchanged_after_refusal


def test_a_fixed_check_is_used_when_the_lesson_is_regraded(term):
    status, out = term.fixed
    assert status == 0, out
    assert "regrade with `nbgrader autograde 00_course_map --force`" in out
    before, after = term.carol_00_before_fix, term.scores_00["carol"][0]
    assert before == 5.0, "the weakened check let carol's wrong tied count through"
    assert after == 3.0, "the fixed check catches it (0.2 is worth 2 points)"
    graded = nbformat.read(term.course / "autograded" / "carol" / "00_course_map" / "00_course_map.ipynb",
                           as_version=4)
    check = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "00-ex2-check")
    assert '"tied"' in check.source and "tied ones share one" in "".join(
        o.get("evalue", "") for o in check.outputs)


def test_export_has_one_row_per_lesson_and_student_and_feedback_is_written(term):
    with open(term.course / "grades.csv", newline="") as handle:
        rows = {(r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"]))
                for r in csv.DictReader(handle)}
    assert rows == {(lesson, s): v for lesson, scores in (("00_course_map", term.scores_00),
                                                           ("02_multivariate_normal", term.scores_02))
                    for s, v in scores.items()}
    for lesson in LESSONS:
        for student in STUDENTS:
            page = term.course / "feedback" / student / lesson / f"{lesson}.html"
            assert page.is_file(), page
            score = f"Score: {rows[lesson, student][0]:g}".replace(".0", "")
            assert score in page.read_text().replace(".0", "")


def test_the_docs_commands_are_the_ones_run(term):
    """Every command of the recipe in docs/instructors.md, as a line in a code block."""
    commands, copies, fence = set(), [], None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            fence = None if fence is not None else line.strip()[3:]
            continue
        if fence in ("", "sh", "bash", "shell"):
            line = line.split("  #")[0].strip()
            line = re.sub(r"^(\.venv/bin/|\.\./\.\./\.venv/bin/)", "", line)
            line = re.sub(r"^make course$", "python -m gmmlib course", line)
            if line.startswith(("nbgrader ", "python -m gmmlib course")):
                commands.add(re.sub(r" --course \S+", "", line))
            elif line.startswith("cp build/course/release/"):
                copies.append(line)
    assert commands, "docs/instructors.md has no nbgrader commands in code blocks"
    ran = {re.sub(r" --course \S+", "", c) for c in term.commands}
    assert sorted(commands - ran) == [], "commands in the docs that no test runs"
    assert len(copies) == 1, copies  # the release as a repository: the student versions' paths
    target = term.folder / "release-repo" / "notebooks"
    target.mkdir(parents=True)
    command = (copies[0].replace("build/course/", f"{term.course}/")
               .replace("/tmp/release-repo/", f"{target.parent}/"))
    subprocess.run(command, shell=True, check=True)
    assert sorted(p.name for p in target.iterdir()) == [f"{lesson}.ipynb" for lesson in LESSONS]
