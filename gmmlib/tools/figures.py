"""``python -m gmmlib figures [--only NAME] [--outdir DIR]``: regenerate the lecture figures.

Writes every figure registered in :mod:`gmmlib.figures` as PNG and PDF, and the
index ``README.md``, into ``figures/`` of the course checkout (or ``--outdir``).
A file whose content did not change is left untouched, so ``git status`` lists
only the figures that really changed.
"""

import argparse
from pathlib import Path

from .. import figures
from ._paths import course_root


def _display_path(path):
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m gmmlib figures",
        description="Regenerate the lecture figures (PNG and PDF) and figures/README.md.",
    )
    parser.add_argument("--only", metavar="NAME", action="append",
                        help="regenerate only this figure (repeatable); one of: "
                             + ", ".join(figures.names()))
    parser.add_argument("--outdir", metavar="DIR", type=Path, default=None,
                        help="output folder (default: figures/ of the course checkout)")
    args = parser.parse_args(argv)
    selected = args.only or figures.names()
    unknown = [name for name in selected if name not in figures.REGISTRY]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; "
                     f"choose from {', '.join(figures.names())}")
    outdir = args.outdir if args.outdir is not None else course_root() / "figures"
    written = {}
    for name in selected:
        saved = figures.save(name, outdir)
        written.update(saved)
        print(f"{name}: " + ", ".join(_display_path(path) + ("" if new else " (unchanged)")
                                      for path, new in saved.items()), flush=True)
    print(f"index: {_display_path(figures.write_index(outdir))}")
    print(f"{sum(written.values())} figure file(s) written, "
          f"{len(written) - sum(written.values())} unchanged")
    return 0
