"""``python -m gmmlib lab``: open JupyterLab on the course index notebook.

Environment variables (or the matching options):

- ``PORT``: port to serve on (default 8888; JupyterLab picks the next free one if taken);
- ``NO_BROWSER=1``: do not try to open a browser (headless machines, SSH);
- ``IP``: address to listen on (default 127.0.0.1, this machine only).

Anything after ``--`` is passed to ``jupyter lab`` unchanged.
"""

import argparse
import os
import subprocess
import sys

from ._paths import course_root

INDEX = "notebooks/00_course_map.ipynb"


def lab_command(root, port, no_browser, ip="127.0.0.1", extra=()):
    """The ``jupyter lab`` command line for the course (a list of strings)."""
    cmd = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        f"--LabApp.default_url=/lab/tree/{INDEX}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI run as root
    return cmd + list(extra)


def main(argv=None):
    argv = list(argv or [])
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(prog="python -m gmmlib lab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8888)))
    parser.add_argument("--ip", default=os.environ.get("IP", "127.0.0.1"))
    parser.add_argument("--no-browser", action="store_true",
                        default=os.environ.get("NO_BROWSER", "") not in ("", "0"))
    args = parser.parse_args(argv)
    root = course_root()
    print(f"Opening the course at http://{args.ip}:{args.port}/lab/tree/{INDEX}")
    print("(JupyterLab prints the exact URL with its token below; Ctrl-C twice stops it.)")
    sys.stdout.flush()
    cmd = lab_command(root, args.port, args.no_browser, args.ip, extra)
    if os.name == "posix":
        os.execv(cmd[0], cmd)  # JupyterLab takes over this process and receives signals directly
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0
