"""nbgrader settings of the course (instructors only: nbgrader is the ``instructor`` extra).

The folder ``notebooks/`` is ONE nbgrader assignment, called ``notebooks``; the
master notebooks in it carry the solutions. Run nbgrader from the repository
root; everything it writes goes under ``build/`` (ignored by git), so the
gradebook and student work never end up in a commit:

    build/student/notebooks/            student versions  (make student)
    build/submitted/<student>/notebooks/    collected submissions (you copy them here)
    build/autograded/<student>/notebooks/   nbgrader autograde
    build/feedback/<student>/notebooks/     nbgrader generate_feedback
    build/gradebook.db                  the gradebook (sqlite)

See docs/instructors.md for the commands.
"""

import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

# The gradebook lives in build/ (ignored by git); sqlite needs the folder to exist.
BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build")
os.makedirs(BUILD, exist_ok=True)

c.CourseDirectory.course_id = "gmm-em"
c.CourseDirectory.source_directory = "."
c.CourseDirectory.release_directory = "build/student"
c.CourseDirectory.submitted_directory = "build/submitted"
c.CourseDirectory.autograded_directory = "build/autograded"
c.CourseDirectory.feedback_directory = "build/feedback"
c.CourseDirectory.solution_directory = "build/solutions"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(BUILD, "gradebook.db")
# Not copied to students: nbval's test configuration and the usual clutter.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "nbval_sanitize.cfg", ".*",
]
# Check cells may take a while on slow machines (lesson 07 fits Old Faithful).
c.Execute.timeout = 120
c.Execute.record_timing = False
