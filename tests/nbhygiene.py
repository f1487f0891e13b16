"""Meta-checks that close the holes nbval 0.11 leaves open.

nbval compares only cells that were run (``execution_count`` set) and only the
outputs that are stored, so a cleared, partly-run or out-of-order notebook
passes while checking nothing. These checks fail such notebooks. They read the
stored notebook only; ``tests/test_notebook_hygiene.py`` applies them to every
lesson and shows, on fixture notebooks, that each one fails when it should.
"""

import json
import re
from pathlib import Path

MAX_BYTES = 1_000_000
#: MIME types nbval does not compare (so an output made only of these checks nothing).
UNCOMPARED = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}
_MARKER = re.compile(r"^\s*#\s*(NBVAL_IGNORE_OUTPUT|NBVAL_SKIP|PYTEST_VALIDATE_IGNORE_OUTPUT)\s*$", re.M)
_IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def _compared(cell):
    source = "".join(cell["source"])
    if _MARKER.search(source) or _IGNORE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
        return False
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output.get("name") == "stdout":
            return True
        if output["output_type"] == "error":
            return True
        if set(output.get("data", {})) - UNCOMPARED:
            return True
    return False


def compared_output_count(nb):
    """Number of code cells whose stored output nbval will actually compare."""
    return sum(_compared(cell) for cell in code_cells(nb))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def output_bytes(nb):
    """Size of all stored outputs, as JSON."""
    return sum(len(json.dumps(cell.get("outputs", [])))
               for cell in nb["cells"] if cell["cell_type"] == "code")


def problems(path):
    """List of human-readable problems with the notebook at ``path`` (empty if fine)."""
    path = Path(path)
    found = []
    nb = json.loads(path.read_text(encoding="utf-8"))
    size = output_bytes(nb)
    if size > MAX_BYTES:
        found.append(f"{size / 1e6:.2f} MB of stored outputs, over the {MAX_BYTES / 1e6:.0f} MB "
                     f"limit: shrink figures or outputs")
    for number, cell in enumerate(nb["cells"]):
        match = _CONTROL.search("".join(cell["source"]))
        if match:
            found.append(f"cell {number} ({cell['cell_type']}) contains the control character "
                         f"{match[0]!r} (a '\\b' or '\\f' escape in a Python string? use a raw string)")
    cells = code_cells(nb)
    counts = [cell.get("execution_count") for cell in cells]
    if counts != list(range(1, len(cells) + 1)):
        found.append(f"code cells are not executed 1..{len(cells)} in a fresh kernel (counts "
                     f"{counts[:12]}{'...' if len(counts) > 12 else ''}): re-run it with "
                     f"`python -m gmmlib execute {path.name}`")
    for number, cell in enumerate(cells):
        if any(o.get("name") == "stderr" for o in cell.get("outputs", [])):
            found.append(f"code cell {number} stores stderr output (fix the warning, then re-execute)")
    if cells and compared_output_count(nb) == 0:
        found.append("no stored output that nbval compares: the notebook checks nothing")
    return found
