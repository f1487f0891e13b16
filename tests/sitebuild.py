"""The reading edition, built once for the tests that look at it.

``tests/test_html.py`` and ``tests/test_browser.py`` (possibly in two pytest-xdist
workers) share one build of the course's site, made with ``--hide-solutions`` as
``make html`` makes it, in ``build/test-site/<digest>/html``. The digest covers
every input of the build (lessons, ERRATA.md, figures, the site code and its
configuration), so a changed input gives a new build and an unchanged one is
reused; a file lock keeps two workers from building at once.
"""

import fcntl
import hashlib
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "test-site"


def _inputs():
    files = [*sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ROOT / "ERRATA.md",
             *sorted((ROOT / "figures").glob("*.png")), *sorted((ROOT / "gmmlib" / "figures").glob("*.py")),
             ROOT / "gmmlib" / "tools" / "html.py", ROOT / "gmmlib" / "tools" / "exercises.py",
             *sorted((ROOT / "gmmlib" / "tools" / "site").rglob("*"))]
    return [path for path in files if path.is_file()]


def digest():
    sha = hashlib.sha256()
    for path in _inputs():
        sha.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


def reading_edition():
    """The folder of the built site (built now if its inputs changed) and the seconds it took
    (0.0 when an earlier build of the same inputs was reused)."""
    from gmmlib.tools.html import build

    CACHE.mkdir(parents=True, exist_ok=True)
    key = digest()
    site = CACHE / key / "html"
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (site / "searchindex.js").is_file():
                return site, 0.0
            for old in CACHE.iterdir():
                if old.is_dir() and old.name != key:
                    shutil.rmtree(old, ignore_errors=True)
            start = time.perf_counter()
            build(site, root=ROOT, log=lambda line: None, solutions=False)
            return site, time.perf_counter() - start
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
