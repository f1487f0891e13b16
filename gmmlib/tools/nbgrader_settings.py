"""The course's nbgrader settings and nbgrader's own preprocessors: one home.

Every nbgrader setting of the course lives in :func:`configure`; the course's
``nbgrader_config.py`` (written by ``python -m gmmlib course``; it imports
``configure`` through :mod:`gmmlib.tools.course`), the root ``nbgrader_config.py``
and the jobs all call it, so nbgrader and the jobs cannot disagree. Both
:mod:`gmmlib.tools.course` (the course directory) and
:mod:`gmmlib.tools.exercises` (student versions, the exercise rules) build on
this module.
"""

import os
import sys
from pathlib import Path

COURSE_ID = "gmm-em"
#: Where ``python -m gmmlib course`` builds the course, relative to the checkout.
DEFAULT_COURSE = Path("build") / "course"
GRADEBOOK = "gradebook.db"
#: Files of notebooks/ that students do not need (nbval's test configuration).
IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "nbval_sanitize.cfg", ".*"]


class CourseError(RuntimeError):
    """The course cannot be built or updated; the message says why and what to do."""


def configure(c, root=None):
    """Put every nbgrader setting of the course into the traitlets config ``c``.

    The course's ``nbgrader_config.py`` calls this, and so do the jobs (which
    run nbgrader in-process): one home for the settings.

    Parameters
    ----------
    c : traitlets.config.Config
    root : path, optional
        The course directory; its ``gradebook.db`` is the gradebook.

    Notes
    -----
    nbgrader runs ``alembic`` from ``PATH`` when it creates a gradebook, so
    the folder of the running Python (the venv's ``bin``) is put first on
    ``PATH``. The kernel that autograde starts (the ``python3`` kernelspec)
    is this Python already: jupyter_client replaces the spec's ``python``
    with ``sys.executable``.
    """
    if root is not None:
        root = Path(root).resolve()
        c.CourseDirectory.root = str(root)
        c.CourseDirectory.db_url = f"sqlite:///{root / GRADEBOOK}"
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.ignore = list(IGNORE)
    # Lesson 07 fits Old Faithful in its cells: allow slow machines.
    c.Execute.timeout = 120
    c.Execute.record_timing = False
    # `nbgrader validate` cuts every line of a failure at this width (default 90, which
    # cut "expected ... received ..." in half); gmmlib.checks wraps its messages to fit.
    from gmmlib.checks import MESSAGE_WIDTH

    c.Validator.width = MESSAGE_WIDTH + len("AssertionError: ") + 8
    bin_dir = os.path.dirname(sys.executable)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    if not path or path[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in path if p != bin_dir])
    return c


def nbgrader_config(root=None, **overrides):
    """A fresh traitlets ``Config`` with :func:`configure`'s settings (plus ``overrides``,
    e.g. ``{"GenerateAssignment": {"force": True}}``)."""
    from traitlets.config import Config

    config = configure(Config(), root)
    for section, values in overrides.items():
        for key, value in values.items():
            setattr(config[section], key, value)
    return config


def nbgrader_meta(cell):
    """The ``nbgrader`` metadata of a notebook cell (an empty dict if it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def nbgrader_available():
    """True if nbgrader (the instructor extra) is importable here."""
    import importlib.util

    return importlib.util.find_spec("nbgrader") is not None


def _require_nbgrader():
    if not nbgrader_available():
        raise CourseError("nbgrader is not installed in this environment; it is the instructor "
                          "extra: pip install -e \".[instructor]\" (make test installs it).")


# ---------------------------------------------------------------------------
# Student versions of single notebooks (the reading edition uses these)
# ---------------------------------------------------------------------------

def clear_solutions(nb):
    """Apply nbgrader's own ``ClearSolutions``, ``ClearHiddenTests`` and
    ``ClearMarkScheme`` to ``nb`` (in place), with the course's settings, as
    ``generate_assignment`` does; outputs are left alone. Returns ``nb``."""
    _require_nbgrader()
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    config = nbgrader_config()
    resources = {}
    for preprocessor in (ClearSolutions, ClearHiddenTests, ClearMarkScheme):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
    return nb
