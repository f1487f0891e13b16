"""``python -m gmmlib execute NOTEBOOK...``: re-execute lessons in a fresh kernel.

Each notebook is run top to bottom in a new kernel of the current environment
(with the settings of the test job, :data:`gmmlib.tools._paths.LESSON_ENV`), and
the file is replaced only if every cell ran: the new notebook is written to a
temporary file first, so a failing run never clobbers a good notebook, and a
notebook whose new version is byte-identical is not touched. Cells tagged
``raises-exception`` may raise (they demonstrate an error).
"""

import argparse
import sys
import time
from pathlib import Path

from .._io import update_file
from ._paths import lesson_environment


def kernelspec_metadata(kernel_name="python3"):
    """The ``kernelspec`` metadata JupyterLab writes for ``kernel_name``.

    JupyterLab replaces a notebook's kernelspec with the installed kernel's
    (e.g. display name "Python 3" becomes "Python 3 (ipykernel)") and autosaves
    it, so a lesson stored with another one shows as modified after merely being
    opened. Executed lessons therefore store exactly what JupyterLab would.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    return {"display_name": spec.display_name, "language": spec.language, "name": kernel_name}


def execute_notebook(path, timeout=600):
    """Execute ``path`` in a fresh kernel; return the executed ``NotebookNode``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
        record_timing=False,
    )
    client.execute(env=lesson_environment())
    nb.metadata["kernelspec"] = kernelspec_metadata(client.kernel_name)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gmmlib execute", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    import nbformat

    failed = 0
    for path in args.notebooks:
        start = time.perf_counter()
        try:
            nb = execute_notebook(path, timeout=args.timeout)
        except Exception as exc:  # report and keep the old file
            failed += 1
            print(f"FAILED {path}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
            print(f"       {path} was left unchanged.", file=sys.stderr)
            continue
        changed = update_file(path, (nbformat.writes(nb) + "\n").encode("utf-8"))
        print(f"executed {path} in {time.perf_counter() - start:.1f} s"
              + ("" if changed else " (unchanged)"))
    return 1 if failed else 0
