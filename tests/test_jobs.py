"""The `python -m gmmlib <job>` entry points behind the Makefile targets."""

import subprocess
import sys
from pathlib import Path

import nbformat

from gmmlib.__main__ import JOBS
from gmmlib.tools import execute, lab

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_every_make_target_has_a_python_job():
    makefile = (ROOT / "Makefile").read_text()
    for job in ("lab", "test", "figures", "course", "html", "bench", "test-latest", "pins", "lock"):
        assert job in JOBS
        assert f"-m gmmlib {job}" in makefile, f"make {job} should wrap python -m gmmlib {job}"


def test_help_lists_the_jobs_and_unknown_jobs_fail():
    def run(*args):
        return subprocess.run([sys.executable, "-m", "gmmlib", *args],
                              capture_output=True, text=True, cwd=ROOT)

    shown = run("--help")
    assert shown.returncode == 0 and all(job in shown.stdout for job in JOBS)
    wrong = run("nonsense")
    assert wrong.returncode == 2 and "unknown job 'nonsense'" in wrong.stderr


def test_lab_command_serves_the_course_index_on_the_given_port():
    cmd = lab.lab_command(ROOT, 8899, no_browser=True)
    assert "--ServerApp.port=8899" in cmd and "--no-browser" in cmd
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert "--LabApp.default_url=/lab/tree/notebooks/00_course_map.ipynb" in cmd
    assert (ROOT / lab.INDEX).is_file()


def test_execute_replaces_a_notebook_that_runs(tmp_path):
    notebook = tmp_path / "good.ipynb"
    nb = nbformat.read(FIXTURES / "cleared.ipynb", as_version=4)
    nbformat.write(nb, notebook)
    assert execute.main([str(notebook)]) == 0
    counts = [c.execution_count for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    assert counts == [1, 2, 3]


def test_execute_does_not_rewrite_a_notebook_whose_outputs_did_not_change(tmp_path, capsys):
    notebook = tmp_path / "good.ipynb"
    nbformat.write(nbformat.read(FIXTURES / "cleared.ipynb", as_version=4), notebook)
    assert execute.main([str(notebook)]) == 0
    first = (notebook.read_bytes(), notebook.stat().st_ino, notebook.stat().st_mtime_ns)
    assert execute.main([str(notebook)]) == 0
    assert (notebook.read_bytes(), notebook.stat().st_ino, notebook.stat().st_mtime_ns) == first
    assert capsys.readouterr().out.splitlines()[-1].endswith("(unchanged)")


def test_execute_leaves_a_failing_notebook_untouched(tmp_path):
    notebook = tmp_path / "broken.ipynb"
    nb = nbformat.read(FIXTURES / "good.ipynb", as_version=4)
    nb.cells[2].source = "raise RuntimeError('a typo in a lesson')"
    nbformat.write(nb, notebook)
    before = notebook.read_bytes()
    assert execute.main([str(notebook)]) == 1
    assert notebook.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["broken.ipynb"], "no temporary file may be left behind"
