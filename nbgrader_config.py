"""nbgrader, run from the repository root, works on the default course ``build/course``.

The course itself (one nbgrader assignment per lesson, its gradebook, student
versions and submissions) is built by ``make course`` (``python -m gmmlib
course``), which writes ``build/course/nbgrader_config.py`` too. Every setting
lives in :func:`gmmlib.tools.course.configure`; nbgrader, the jobs and this file
read it from there. For a course kept elsewhere (``--course DIR``), run nbgrader
in DIR. See docs/instructors.md.
"""

import os

from gmmlib.tools.course import DEFAULT_COURSE, configure

configure(get_config(), root=os.path.join(os.path.dirname(os.path.abspath(__file__)),  # noqa: F821
                                          DEFAULT_COURSE))
