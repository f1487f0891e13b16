"""``python -m gmmlib pins``: write ``environment.yml`` from ``requirements-lock.txt``.

The lock pins every package the course installs. Conda/Binder users get the
same environment: ``environment.yml`` asks conda for Python and pip only, and
lists every pin of the lock for pip, so nbval sees the same library versions
(SymPy's LaTeX, NumPy's printing) whichever way the course was installed.
``tests/test_environment.py`` fails when the committed file differs from what
this job writes. ``--check`` only compares.
"""

import argparse

from .._io import update_file
from ._paths import course_root

HEADER = """\
# Conda / Binder environment for the GMM & EM course. GENERATED from requirements-lock.txt by
# `python -m gmmlib pins` -- do not edit by hand (tests/test_environment.py checks it).
#   conda env create -f environment.yml && conda activate gmm-course && python -m gmmlib lab
# Conda provides Python; pip installs exactly the pinned versions that `make lab` / `make test` use.
name: gmm-course
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def lock_pins(text):
    """``name==version`` lines of a lock file, in their order (comments dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def environment_yml(lock_text):
    lines = [f"      - {pin}" for pin in lock_pins(lock_text)]
    this_checkout = "      # the course's helper library, from this checkout\n      - -e .\n"
    return HEADER + "\n".join(lines) + "\n" + this_checkout


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gmmlib pins", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report whether environment.yml is current")
    args = parser.parse_args(argv)
    root = course_root()
    wanted = environment_yml((root / "requirements-lock.txt").read_text())
    current = (root / "environment.yml").read_text() if (root / "environment.yml").exists() else ""
    if args.check:
        print("environment.yml is current" if current == wanted else "environment.yml is out of date")
        return 0 if current == wanted else 1
    if update_file(root / "environment.yml", wanted.encode()):
        print("wrote environment.yml")
    else:
        print("environment.yml already current")
    return 0
