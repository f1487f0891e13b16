"""``python -m gmmlib course``: the nbgrader course, one assignment per lesson.

Builds or updates a course directory in the layout nbgrader's documentation
prescribes (default ``build/course``; ``--course DIR`` keeps it elsewhere, e.g.
somewhere private)::

    DIR/nbgrader_config.py               loads configure() below: every nbgrader setting
    DIR/source/<lesson>/<lesson>.ipynb   the master notebook (solutions, hidden tests)
    DIR/release/<lesson>/<lesson>.ipynb  the student version, by nbgrader's generate_assignment
    DIR/gradebook.db                     nbgrader's gradebook (cells, points, and later the grades)
    DIR/backups/gradebook-<time>.db      the gradebook as it was before each change by this job

Every lesson of ``notebooks/`` that has exercises is one assignment, named
after the lesson (``02_multivariate_normal``). Instructors then run nbgrader's
ordinary commands in DIR, one lesson at a time (``nbgrader autograde
02_multivariate_normal``, ``nbgrader export``; see docs/instructors.md).

A lesson is regenerated only when its master changed (or with ``--force``).
nbgrader itself refuses to add or remove exercise cells of a lesson that has
submissions; this job checks that **before** it changes anything and then
stops with a message saying which cells and what to do, leaving the release
and the gradebook as they were. Changing a check or its points is allowed: the
gradebook gets the new check, and ``nbgrader autograde <lesson> --force``
regrades with it. The build happens in a temporary copy of the course (release
folders and gradebook); it is moved into place only when every lesson
converted, so a failure never leaves a half-built course.
"""

import argparse
import contextlib
import datetime
import filecmp
import fnmatch
import functools
import gc
import io
import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .._io import atomic_write_bytes, replace_dir
from .nbgrader_settings import (  # noqa: F401  (configure, COURSE_ID, ... are used as course.X)
    COURSE_ID,
    DEFAULT_COURSE,
    GRADEBOOK,
    IGNORE,
    CourseError,
    _require_nbgrader,
    clear_solutions,
    configure,
    nbgrader_available,
    nbgrader_config,
    nbgrader_meta,
)

LESSON_PATTERN = "[0-9][0-9]_*.ipynb"

CONFIG_FILE = '''\
"""nbgrader settings of this course (written by `python -m gmmlib course`).

Every setting lives in gmmlib.tools.course.configure, which the course's jobs use
too, so nbgrader and the jobs cannot disagree. Add course-specific settings
below the call; this file is never overwritten.
"""

import os

from gmmlib.tools.course import configure

configure(get_config(), root=os.path.dirname(os.path.abspath(__file__)))  # noqa: F821
'''


# ---------------------------------------------------------------------------
# Reading the masters and the gradebook
# ---------------------------------------------------------------------------

def lesson_paths(source):
    """The lesson notebooks ``NN_*.ipynb`` of the folder ``source``, in order."""
    return sorted(Path(source).glob(LESSON_PATTERN))


def has_exercises(nb):
    """True if any cell of ``nb`` is an nbgrader answer or check cell."""
    return any(nbgrader_meta(c).get("solution") or nbgrader_meta(c).get("grade")
               for c in nb.cells)


def exercise_cells(nb):
    """The grade ids nbgrader records for ``nb``, by kind, as its ``SaveCells`` does.

    Returns ``{"grade": {...}, "solution": {...}, "task": {...}, "source": {...}}``.
    Once a lesson has submissions, nbgrader refuses any change of these sets.
    """
    from nbgrader import utils

    kinds = {"grade": set(), "solution": set(), "task": set(), "source": set()}
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        if utils.is_grade(cell):
            kinds["grade"].add(gid)
        if utils.is_solution(cell):
            kinds["solution"].add(gid)
        if utils.is_task(cell):
            kinds["task"].add(gid)
        if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell) or utils.is_task(cell):
            kinds["source"].add(gid)
    return kinds


def recorded_cells(gradebook, lesson):
    """``(submissions, cells)`` the gradebook holds for ``lesson`` (``(0, None)`` if none)."""
    from nbgrader.api import MissingEntry

    try:
        assignment = gradebook.find_assignment(lesson)
    except MissingEntry:
        return 0, None
    notebooks = {nb.name: nb for nb in assignment.notebooks}
    if lesson not in notebooks:
        return len(assignment.submissions), None
    notebook = notebooks[lesson]
    cells = {"grade": {c.name for c in notebook.grade_cells},
             "solution": {c.name for c in notebook.solution_cells},
             "task": {c.name for c in notebook.task_cells},
             "source": {c.name for c in notebook.source_cells}}
    return len(assignment.submissions), cells


def _open_gradebook(path):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{path}", COURSE_ID)


def _close_gradebook(gradebook):
    gradebook.close()
    gradebook.engine.dispose()  # release the sqlite file (it may be replaced next)


def copy_gradebook(source, target):
    """Copy the sqlite gradebook ``source`` to ``target`` consistently (sqlite's backup API,
    safe even while nbgrader has it open)."""
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        old.backup(new)
    old.close()
    new.close()


# ---------------------------------------------------------------------------
# Planning: what changes, and what nbgrader would refuse
# ---------------------------------------------------------------------------

@dataclass
class LessonPlan:
    """What the job does with one lesson."""

    name: str
    master: Path
    files: list = field(default_factory=list)  # other files of notebooks/ copied along
    action: str = "new"  # "new", "update" or "unchanged"
    submissions: int = 0
    refusal: str = ""
    summary: str = ""


def _shared_files(source):
    """Files of ``source`` other than notebooks that students get with every lesson."""
    files = []
    for path in sorted(Path(source).iterdir()):
        if path.suffix == ".ipynb" or any(fnmatch.fnmatch(path.name, p) for p in IGNORE):
            continue
        if path.is_file():
            files.append(path)
    return files


def _same_source(plan, folder):
    """True if ``folder`` holds exactly the master and files of ``plan``."""
    wanted = {plan.master.name: plan.master, **{f.name: f for f in plan.files}}
    if not folder.is_dir() or sorted(p.name for p in folder.iterdir()) != sorted(wanted):
        return False
    return all(filecmp.cmp(path, folder / name, shallow=False) for name, path in wanted.items())


def _describe_change(old, new):
    parts = []
    for kind in ("grade", "solution", "task", "source"):
        added, removed = sorted(new[kind] - old[kind]), sorted(old[kind] - new[kind])
        if added:
            parts.append(f"added {kind} cells {', '.join(added)}")
        if removed:
            parts.append(f"removed {kind} cells {', '.join(removed)}")
    return "; ".join(dict.fromkeys(parts))


def _summary(nb):
    from . import exercises

    found, _ = exercises.exercises(nb)
    points = sum(float(nbgrader_meta(c).get("points", 0)) for c in nb.cells
                 if nbgrader_meta(c).get("grade"))
    written = sum(1 for c in nb.cells if exercises.is_written_answer(c))
    return (f"{len(found)} exercise(s)" + (f" + {written} written" if written else "")
            + f", {points:g} point(s)")


def plan_course(course, source, lessons=None, force=False, gradebook_copy=None):
    """What building ``course`` from the masters in ``source`` would do, lesson by lesson.

    ``gradebook_copy`` is a copy of the course's gradebook (never the
    gradebook itself: opening it with nbgrader may write to it).
    """
    import nbformat

    course, source = Path(course), Path(source)
    masters = {p.stem: p for p in lesson_paths(source)}
    if lessons:
        unknown = sorted(set(lessons) - set(masters))
        if unknown:
            raise CourseError(f"no lesson {', '.join(unknown)} in {source}; the lessons are "
                              f"{', '.join(masters) or 'none'}.")
        masters = {name: masters[name] for name in lessons}
    files = _shared_files(source)
    gradebook = _open_gradebook(gradebook_copy) if gradebook_copy else None
    plans = []
    try:
        for name, path in masters.items():
            nb = nbformat.read(path, as_version=4)
            if not has_exercises(nb):
                continue
            plan = LessonPlan(name, path, files, summary=_summary(nb))
            submissions, recorded = recorded_cells(gradebook, name) if gradebook else (0, None)
            plan.submissions = submissions
            released = course / "release" / name / f"{name}.ipynb"
            if recorded is None:
                plan.action = "new"
            elif not force and released.is_file() and _same_source(plan, course / "source" / name):
                plan.action = "unchanged"
            else:
                plan.action = "update"
                change = _describe_change(recorded, exercise_cells(nb))
                if change and submissions:
                    plan.refusal = (
                        f"{name}: {change}, but the gradebook holds {submissions} submission(s) "
                        "of this lesson, and nbgrader cannot add or remove exercise cells once "
                        "students have submitted. Undo that change (a fix inside existing "
                        "cells, e.g. a check or its points, is fine), or put the new exercise "
                        "into a lesson that has no submissions yet.")
            plans.append(plan)
    finally:
        if gradebook is not None:
            _close_gradebook(gradebook)
    return plans


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

def generate(root, lesson):
    """nbgrader's ``GenerateAssignment`` for ``lesson`` in the course ``root``, in this process.

    ``root/source/<lesson>/`` must exist; writes ``root/release/<lesson>/`` and
    records the lesson in ``root/gradebook.db``. Raises :class:`CourseError`
    with nbgrader's error lines (e.g. ``Duplicate grade id``). In-process this
    costs well under a second per lesson once nbgrader is imported (its
    command line adds about 3 s of start-up).
    """
    _require_nbgrader()
    from nbgrader.converters import GenerateAssignment
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(root, GenerateAssignment={"force": True},
                             CourseDirectory={"assignment_id": lesson})
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
        raise CourseError(f"nbgrader generate_assignment failed on {lesson}:\n"
                          + "\n".join(lines[-12:])) from None
    finally:
        log.removeHandler(handler)
        log.propagate = propagate


@functools.cache
def alembic_head():
    """The revision nbgrader stamps on a new gradebook: the head of its alembic scripts."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader import dbutil

    config = AlembicConfig()
    config.set_main_option("script_location", dbutil.ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


@contextlib.contextmanager
def alembic_in_process():
    """Let nbgrader find :func:`alembic_head` in this process.

    To create a gradebook nbgrader runs ``alembic heads`` as a subprocess
    (``nbgrader.api.get_alembic_version``): a second Python start-up that
    imports SQLAlchemy and alembic again (3-10 s). The same scripts give the
    same head here; ``tests/test_course.py`` checks that the two agree.
    """
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    nbgrader.api.get_alembic_version = alembic_head
    try:
        yield
    finally:
        nbgrader.api.get_alembic_version = original


def _check_course_dir(course, source, root):
    course, source = Path(course).resolve(), Path(source).resolve()
    if course == source or source in course.parents or course in source.parents:
        raise CourseError(f"--course {course} must not contain or be inside {source}: the "
                          "master notebooks are never overwritten. Use e.g. build/course.")
    if root is not None and course == Path(root).resolve():
        raise CourseError(f"--course {course} is the course checkout itself; use e.g. build/course.")
    config = course / "nbgrader_config.py"
    if config.is_file() and "gmmlib.tools.course" not in config.read_text(encoding="utf-8"):
        raise CourseError(
            f"{config} exists but does not load the course settings; add these lines to it "
            "(or choose an empty folder):\n\n" + CONFIG_FILE.split('"""', 2)[2].strip())


def _generate_staged(stage, todo, course):
    """Copy the masters of ``todo`` into the staged course and run nbgrader on each."""
    with alembic_in_process():
        for plan in todo:
            folder = stage / "source" / plan.name
            folder.mkdir(parents=True)
            for path in [plan.master, *plan.files]:
                shutil.copy2(path, folder / path.name)
            try:
                generate(stage, plan.name)
            except CourseError as exc:
                raise CourseError(f"{exc}\n\nNothing in {course} was changed.") from None
    gc.collect()  # closes the gradebook connections nbgrader's preprocessors left open


def _move_in(stage, todo, course):
    """Replace the course's gradebook (backed up first), releases and sources by the staged ones."""
    gradebook = course / GRADEBOOK
    if gradebook.is_file():
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        (course / "backups").mkdir(exist_ok=True)
        copy_gradebook(gradebook, course / "backups" / f"gradebook-{stamp}.db")
    os.replace(stage / GRADEBOOK, gradebook)
    for plan in todo:  # the source last: an interrupted run is redone next time
        replace_dir(stage / "release" / plan.name, course / "release" / plan.name)
        replace_dir(stage / "source" / plan.name, course / "source" / plan.name)
    if not (course / "nbgrader_config.py").is_file():
        atomic_write_bytes(course / "nbgrader_config.py", CONFIG_FILE.encode("utf-8"))


def _report(plans, log):
    for plan in plans:
        status = {"new": "released", "update": "regenerated", "unchanged": "unchanged"}[plan.action]
        extra = ""
        if plan.action == "update" and plan.submissions:
            extra = (f"; {plan.submissions} submission(s) graded with the old checks: regrade "
                     f"with `nbgrader autograde {plan.name} --force`")
        log(f"{plan.name}: {status} ({plan.summary}){extra}")


def build_course(course, source, lessons=None, force=False, log=print):
    """Build or update the nbgrader course ``course`` from the masters in ``source``.

    Returns the list of :class:`LessonPlan`. Raises :class:`CourseError`
    without changing anything if nbgrader would refuse a lesson or a lesson
    fails to convert.
    """
    from ._paths import course_root

    _require_nbgrader()
    course, source = Path(course).resolve(), Path(source).resolve()
    try:
        root = course_root()
    except SystemExit:
        root = None
    _check_course_dir(course, source, root)
    created = not course.exists()
    course.mkdir(parents=True, exist_ok=True)
    gradebook = course / GRADEBOOK
    try:
        with tempfile.TemporaryDirectory(dir=course, prefix=".course-build-") as tmp:
            stage = Path(tmp)
            if gradebook.is_file():
                copy_gradebook(gradebook, stage / GRADEBOOK)
            plans = plan_course(course, source, lessons, force,
                                stage / GRADEBOOK if gradebook.is_file() else None)
            refusals = [p.refusal for p in plans if p.refusal]
            if refusals:
                raise CourseError("\n\n".join(refusals) + f"\n\nNothing in {course} was changed.")
            todo = [p for p in plans if p.action != "unchanged"]
            _generate_staged(stage, todo, course)
            if todo:
                _move_in(stage, todo, course)
    except CourseError:
        if created:
            shutil.rmtree(course, ignore_errors=True)
        raise
    _report(plans, log)
    return plans


def main(argv=None):
    from ._paths import course_root

    parser = argparse.ArgumentParser(prog="python -m gmmlib course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=Path, default=None,
                        help=f"the course directory (default {DEFAULT_COURSE} in the checkout)")
    parser.add_argument("--source", type=Path, default=None,
                        help="folder of master notebooks (default notebooks/)")
    parser.add_argument("--lesson", action="append", default=None, metavar="NAME",
                        help="only this lesson, e.g. 02_multivariate_normal (repeatable)")
    parser.add_argument("--force", action="store_true",
                        help="regenerate lessons whose master did not change too")
    args = parser.parse_args(argv)
    root = course_root() if args.course is None or args.source is None else None
    source = args.source or root / "notebooks"
    course = args.course or root / DEFAULT_COURSE
    if not lesson_paths(source):
        print(f"no lessons ({LESSON_PATTERN}) in {source}", file=sys.stderr)
        return 1
    try:
        build_course(course, source, lessons=args.lesson, force=args.force)
    except CourseError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"course: {course}")
    return 0
