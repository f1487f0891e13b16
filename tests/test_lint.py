"""The linter: ``ruff check`` passes on the repository with the rules of pyproject.toml.

The rules (``[tool.ruff]``): pyflakes (``F``: unused imports and variables,
undefined names, ...), pycodestyle errors and warnings (``E``, ``W``; lines up
to 110 characters) and import order (``I``). ``ruff check --fix`` repairs most
findings. The lessons are not linted (nbval executes them; see pyproject.toml).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_ruff_finds_nothing_in_the_repository():
    result = ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, (
        f"ruff check found problems; fix them (`ruff check --fix` repairs most):\n"
        f"{result.stdout}{result.stderr}"
    )


def test_ruff_checks_the_library_tests_and_tools():
    checked = ruff("check", "--no-cache", "--show-files", ".").stdout
    for path in ("gmmlib/core.py", "gmmlib/figures/__init__.py", "gmmlib/tools/test.py",
                 "tests/test_lint.py", "conftest.py", "benchmarks/bench_gmm.py"):
        assert str(ROOT / path) in checked, f"ruff does not check {path}"
    assert "/notebooks/" not in checked and "/tests/fixtures/" not in checked


def test_ruff_reports_what_the_rules_are_for(tmp_path):
    """The configured rules catch an unused import, an undefined name, unsorted imports and
    an overlong line (so a passing run means something)."""
    (tmp_path / "sample.py").write_text(
        "import sys\nimport os\n\nvalue = undefined_name + os.sep\n" + f"text = '{'x' * 110}'\n"
    )
    found = ruff("check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                 "--output-format", "concise", "sample.py", cwd=tmp_path).stdout
    for code in ("F401", "F821", "I001", "E501"):
        assert code in found, f"ruff did not report {code}:\n{found}"
