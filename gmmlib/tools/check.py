"""``python -m gmmlib test``: run every check of the course.

One pytest run covers the unit tests in ``tests/`` (library, symbolic
derivations, figures, student versions, environment, server and browser
smoke tests, notebook meta-checks) and nbval on every lesson in
``notebooks/`` (each notebook is re-executed in a fresh kernel and its outputs
compared with the stored ones). Extra arguments go to pytest, e.g.
``python -m gmmlib test -k seed`` or ``python -m gmmlib test --serial``.
"""

import os
import subprocess
import sys

from ._paths import course_root


def pytest_command(extra=()):
    extra = list(extra)
    parallel = ["-n", "2", "--dist", "loadfile"]
    if "--serial" in extra:
        extra.remove("--serial")
        parallel = []
    return [sys.executable, "-m", "pytest", "--nbval", *parallel, "-q", *extra]


def main(argv=None):
    root = course_root()
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # nbval needs the inline backend (see CONTRIBUTING.md)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("OMP_NUM_THREADS", "1")  # bit-stable BLAS results across machines
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    cmd = pytest_command(argv or [])
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=root, env=env)
