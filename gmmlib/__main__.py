"""Course jobs: ``python -m gmmlib <job>``.

The Makefile targets are thin wrappers over these, so conda and Windows users
can run the same jobs in their own environment without ``make``:

=========  ==============================================================
job        what it does
=========  ==============================================================
setup      one-off environment tweaks (font cache, JupyterLab settings)
lab        open JupyterLab on the course index (PORT, NO_BROWSER honoured)
test       run every check: unit tests, nbval on every lesson, meta-checks
figures    regenerate the lecture figures into figures/ (--only NAME)
course     build/update the nbgrader course (one assignment per lesson) in build/course/
html       render the reading edition to build/html/
execute    re-execute notebooks in a fresh kernel, replacing them atomically
pins       write environment.yml from requirements-lock.txt
lock       regenerate requirements-lock.txt from pyproject.toml, then pins
bench      benchmark GaussianMixture against scikit-learn (--quick by default)
test-latest  run every check against the newest releases in .venv-latest
=========  ==============================================================
"""

import argparse
import importlib
import sys

JOBS = {
    "setup": ("gmmlib.tools.setup", "one-off environment tweaks (font cache, JupyterLab settings)"),
    "lab": ("gmmlib.tools.lab", "open JupyterLab on the course index"),
    "test": ("gmmlib.tools.test", "run every check (pytest + nbval + meta-checks)"),
    "figures": ("gmmlib.tools.figures", "regenerate the lecture figures into figures/"),
    "course": ("gmmlib.tools.course", "build/update the nbgrader course in build/course/"),
    "html": ("gmmlib.tools.html", "render the reading edition to build/html/"),
    "execute": ("gmmlib.tools.execute", "re-execute notebooks in a fresh kernel (atomic)"),
    "pins": ("gmmlib.tools.pins", "write environment.yml from requirements-lock.txt"),
    "lock": ("gmmlib.tools.lock", "regenerate requirements-lock.txt from pyproject.toml (uv)"),
    "bench": ("gmmlib.tools.bench", "benchmark GaussianMixture against scikit-learn"),
    "test-latest": ("gmmlib.tools.latest", "run the checks against the newest releases"),
}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m gmmlib",
        description="Jobs of the GMM/EM course. Each job takes --help.",
    )
    parser.add_argument("job", choices=sorted(JOBS), help="; ".join(f"{k}: {v[1]}" for k, v in JOBS.items()))
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if argv else 2
    job, rest = argv[0], argv[1:]
    if job not in JOBS:
        parser.error(f"unknown job {job!r}; choose one of {', '.join(sorted(JOBS))}")
    module = importlib.import_module(JOBS[job][0])
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
