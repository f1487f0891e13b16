"""Meta-checks on every lesson, and proof on fixture notebooks that they (and nbval) fail when they should."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nbhygiene

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_there_are_lessons():
    assert len(LESSONS) >= 8, f"expected the 8 lessons 00-07 in notebooks/, found {[p.name for p in LESSONS]}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_is_fully_executed_and_checkable(path):
    assert nbhygiene.problems(path) == []


def test_good_fixture_has_no_problems():
    assert nbhygiene.problems(FIXTURES / "good.ipynb") == []
    good = json.loads((FIXTURES / "good.ipynb").read_text())
    assert nbhygiene.compared_output_count(good) == 2


@pytest.mark.parametrize(
    "name, expected",
    [
        ("cleared", r"not executed 1\.\.3"),
        ("cleared", r"checks nothing"),
        ("out_of_order", r"not executed 1\.\.3 .*\[2, 1, 3\]"),
        ("stderr", r"stores stderr"),
    ],
)
def test_meta_checks_fail_on_broken_fixtures(name, expected):
    found = nbhygiene.problems(FIXTURES / f"{name}.ipynb")
    assert any(re.search(expected, problem) for problem in found), found


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(nbhygiene, "MAX_BYTES", 100)
    assert any("over the" in p for p in nbhygiene.problems(FIXTURES / "good.ipynb"))


def test_control_characters_are_caught(tmp_path):
    nb = json.loads((FIXTURES / "good.ipynb").read_text())
    nb["cells"][0]["source"] = "The mean $" + chr(8) + "ar x$"  # what "$\bar x$" becomes without r"..."
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(nb))
    assert any("control character" in p for p in nbhygiene.problems(broken))


def _erratum_lessons():
    """Lessons that ERRATA.md says explain a slip."""
    text = (ROOT / "ERRATA.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"notebooks/(\d\d_\w+\.ipynb)", text)))


@pytest.mark.parametrize("name", _erratum_lessons())
def test_every_lesson_named_in_the_errata_has_an_erratum_note(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    notes = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "Erratum" in "".join(c["source"])]
    assert notes, f"ERRATA.md points to {name}, but it has no markdown cell with an 'Erratum' note"


@pytest.fixture(scope="module")
def nbval_results(tmp_path_factory):
    """Run nbval (strict, as in `make test`) on the fixtures in a separate pytest process."""
    folder = tmp_path_factory.mktemp("nbval-fixtures")
    names = ["good", "stale_output", "missing_output"]
    for name in names:
        shutil.copy(FIXTURES / f"{name}.ipynb", folder)
    shutil.copy(ROOT / "notebooks" / "nbval_sanitize.cfg", folder)
    (folder / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
         "-p", "no:xdist", "--nbval-sanitize-with=nbval_sanitize.cfg", "-rA", "-q",
         *[f"{n}.ipynb" for n in names]],
        cwd=folder, capture_output=True, text=True, timeout=180,
    )
    outcome = {}
    for line in run.stdout.splitlines():
        match = re.match(r"(PASSED|FAILED) (\w+)\.ipynb::Cell (\d+)", line)
        if match:
            outcome.setdefault(match[2], []).append(match[1])
    return outcome, run.stdout


def test_nbval_passes_a_good_notebook(nbval_results):
    outcome, log = nbval_results
    assert outcome.get("good") == ["PASSED"] * 3, log


def test_nbval_fails_a_stale_output(nbval_results):
    outcome, log = nbval_results
    assert "FAILED" in outcome.get("stale_output", []), log


def test_nbval_fails_a_cell_whose_stored_output_is_missing(nbval_results):
    outcome, log = nbval_results
    assert "FAILED" in outcome.get("missing_output", []), log


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_stores_the_kernelspec_jupyterlab_writes(path):
    """JupyterLab rewrites a different kernelspec on open and autosaves it, so a student's
    checkout would show a modified lesson after merely reading it (issue 16, item 19)."""
    from gmmlib.tools.execute import kernelspec_metadata

    stored = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec")
    assert stored == kernelspec_metadata("python3"), (
        f"{path.name} stores kernelspec {stored}; JupyterLab writes {kernelspec_metadata('python3')}. "
        f"Re-execute it with `python -m gmmlib execute {path.relative_to(ROOT)}`."
    )
