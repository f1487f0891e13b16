"""``python -m gmmlib setup``: one-off tweaks to the environment the course runs in.

- builds matplotlib's font cache now, so the first lesson run prints no
  "building the font cache" message (nbval would store or compare it);
- turns off JupyterLab's news and update-check notifications (they try to
  reach the internet) through ``share/jupyter/lab/settings/overrides.json``
  in the current environment, merging with any overrides already there.
"""

import argparse
import json
import sys
from pathlib import Path

from .._io import update_file

OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}


def write_lab_overrides(prefix=sys.prefix):
    path = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    current = json.loads(path.read_text()) if path.is_file() else {}
    for plugin, settings in OVERRIDES.items():
        current.setdefault(plugin, {}).update(settings)
    update_file(path, (json.dumps(current, indent=2) + "\n").encode())
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gmmlib setup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    import matplotlib.font_manager  # noqa: F401  (builds the cache on first import)

    path = write_lab_overrides()
    print(f"matplotlib font cache ready; JupyterLab overrides in {path}")
    return 0
