"""``python -m gmmlib test-latest``: what would the newest releases break?

Builds ``.venv-latest`` from the newest releases of every dependency (no
constraints: the pins in ``requirements-lock.txt`` are not touched), records
what was installed in ``build/latest-freeze.txt``, and runs every check there
with ``GMM_LATEST=1`` (which skips only the test that the installed versions
equal the pins). Failures show what a pin update would have to fix: changed
outputs in nbval, changed figures, API changes.
"""

import argparse
import os
import subprocess
import venv

from .._io import atomic_write_bytes
from ._paths import course_root


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gmmlib test-latest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pytest_args", nargs="*", help="passed on to the test job")
    args = parser.parse_args(argv)
    root = course_root()
    target = root / ".venv-latest"
    print(f"building {target} from the newest releases ...", flush=True)
    venv.EnvBuilder(clear=True, with_pip=True).create(target)
    python = str(target / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=root)
    subprocess.run([*pip, "--upgrade", "-e", ".[lab,test,instructor,site,dev]"], check=True, cwd=root)
    subprocess.run([python, "-m", "gmmlib", "setup"], check=True, cwd=root)
    freeze = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable"], check=True,
                            cwd=root, capture_output=True, text=True).stdout
    atomic_write_bytes(root / "build" / "latest-freeze.txt", freeze.encode())
    print("installed versions: build/latest-freeze.txt", flush=True)
    env = dict(os.environ, GMM_LATEST="1")
    return subprocess.call([python, "-m", "gmmlib", "test", *args.pytest_args], cwd=root, env=env)
