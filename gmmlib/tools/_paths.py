"""Where the course checkout is, and writing files and folders atomically."""

import contextlib
import os
import shutil
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


def replace_dir(new, target):
    """Replace the folder ``target`` by the finished folder ``new`` (same file system).

    The old folder is renamed aside, the new one renamed in, then the old one
    deleted: ``target`` is never missing for longer than between two renames,
    and never half-written. Build into a temporary folder next to ``target``
    (:func:`staged_dir`), then call this.
    """
    new, target = Path(new), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        os.rmdir(old)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_dir(target):
    """Yield a new empty folder next to ``target``; when the block succeeds it
    replaces ``target`` (:func:`replace_dir`), when it fails it is deleted and
    ``target`` is left as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-"))
    try:
        os.chmod(tmp, 0o755)
        yield tmp
        replace_dir(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
