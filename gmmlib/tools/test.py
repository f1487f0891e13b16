"""``python -m gmmlib test``: run every check of the course.

One pytest run covers the unit tests in ``tests/`` (library, symbolic
derivations, figures, student versions, environment, server and browser
smoke tests, notebook meta-checks, the linter) and nbval on every lesson in
``notebooks/`` (each notebook is re-executed in a fresh kernel and its outputs
compared with the stored ones), in the environment ``execute`` makes them in
(:data:`gmmlib.tools._paths.LESSON_ENV`). Extra arguments go to pytest, e.g.
``python -m gmmlib test -k seed`` or ``python -m gmmlib test --serial``.
"""

import subprocess
import sys

from ._paths import course_root, lesson_environment


def pytest_command(extra=()):
    extra = list(extra)
    parallel = ["-n", "2", "--dist", "loadfile"]
    if "--serial" in extra:
        extra.remove("--serial")
        parallel = []
    return [sys.executable, "-m", "pytest", "--nbval", *parallel, "-q", *extra]


def main(argv=None):
    cmd = pytest_command(argv or [])
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=course_root(), env=lesson_environment())
