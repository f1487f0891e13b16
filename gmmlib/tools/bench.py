"""``python -m gmmlib bench [ARGS]``: run ``benchmarks/bench_gmm.py``.

Without arguments it runs the quick grid (``--quick``); ``--full`` runs the
whole grid up to n = 1M (hours); any other options go to the script
(``--help`` lists them).
"""

import runpy
import sys

from ._paths import course_root


def main(argv=None):
    argv = list(argv) if argv else ["--quick"]
    if argv == ["--full"]:
        argv = []  # the script's default is the full grid
    script = course_root() / "benchmarks" / "bench_gmm.py"
    sys.argv = [str(script), *argv]
    runpy.run_path(str(script), run_name="__main__")
    return 0
