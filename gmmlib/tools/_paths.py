"""Where the course checkout is, and writing files atomically."""

import os
import tempfile
from pathlib import Path

import gmmlib


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


def atomic_write_bytes(path, data):
    """Write ``data`` to ``path`` via a temporary file in the same folder and
    ``os.replace``, so an interrupted run never leaves a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
