"""Writing files and folders: atomically, and files only when their content changes.

Used by the library (:func:`gmmlib.figures.save`) and by the jobs in
:mod:`gmmlib.tools`; it lives here so that no library module imports the jobs.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "replace_dir", "staged_dir", "update_file"]


def atomic_write_bytes(path, data):
    """Write ``data`` to ``path`` via a temporary file in the same folder and
    ``os.replace``, so an interrupted run never leaves a half-written file.

    Parameters
    ----------
    path : str or Path
        The file; its folder is created if missing.
    data : bytes
    """
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


def update_file(path, data, same=None):
    """Write ``data`` to ``path`` atomically unless the file already holds it.

    A file whose content is unchanged is not touched at all (same bytes, same
    modification time), so ``git status`` and file watchers see a change only
    when there is one.

    Parameters
    ----------
    path : str or Path
    data : bytes
    same : callable, optional
        ``same(old, new)`` says whether the existing bytes ``old`` are as good
        as the new ``data`` (e.g. the same drawing up to rounding in the last
        printed digit); default: equal bytes.

    Returns
    -------
    bool
        Whether the file was written.
    """
    path = Path(path)
    if path.is_file():
        old = path.read_bytes()
        if old == data or (same is not None and same(old, data)):
            return False
    atomic_write_bytes(path, data)
    return True


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
