"""Where the course checkout is, and the environment the lessons run in."""

import os
from pathlib import Path

import gmmlib

#: Environment of every run that makes or checks stored outputs (``execute``,
#: ``test``): a fixed hash seed, and single-threaded BLAS for bit-stable results
#: across machines. Set, not defaulted: outputs made under other values differ.
LESSON_ENV = {"PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def lesson_environment(environ=None):
    """A copy of ``environ`` (default ``os.environ``) with :data:`LESSON_ENV` set and
    ``MPLBACKEND`` removed (nbval and the lessons need the inline backend)."""
    env = dict(os.environ if environ is None else environ)
    env.pop("MPLBACKEND", None)
    env.update(LESSON_ENV)
    return env


def course_root():
    """The course checkout: the working directory if it holds ``notebooks/``,
    else the folder above the installed (editable) ``gmmlib`` package."""
    for candidate in (Path.cwd(), Path(gmmlib.__file__).resolve().parent.parent):
        if (candidate / "notebooks").is_dir() and (candidate / "pyproject.toml").is_file():
            return candidate
    raise SystemExit(
        "Cannot find the course checkout (a folder with notebooks/ and "
        "pyproject.toml). Run this job from the root of the course repository."
    )
