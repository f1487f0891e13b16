"""The package's layout rules, checked on the source (see CONTRIBUTING.md, "Layout").

The library (``gmmlib`` outside ``gmmlib/tools/``) never imports the jobs in
``gmmlib.tools``: jobs use the library, never the other way round, so a
lesson or the estimator can be used without the course's tooling.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gmmlib"
LIBRARY = sorted(p for p in PACKAGE.rglob("*.py") if "tools" not in p.relative_to(PACKAGE).parts)


def imported_modules(path):
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    package = package.removesuffix(".__init__")
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def test_the_import_scan_resolves_relative_imports():
    """The scan below must see every spelling of an import of gmmlib.tools."""
    figures = PACKAGE / "figures" / "__init__.py"
    assert "gmmlib.plotting" in imported_modules(figures)  # from .. import plotting
    sample = PACKAGE / "examples" / "seed.py"
    assert "gmmlib.datasets" in imported_modules(sample)  # from .. import datasets
    assert "gmmlib.core.em" in imported_modules(sample)  # from ..core import ..., em, ...


@pytest.mark.parametrize("path", LIBRARY, ids=[str(p.relative_to(ROOT)) for p in LIBRARY])
def test_no_library_module_imports_the_jobs(path):
    offending = [name for name in imported_modules(path)
                 if name == "gmmlib.tools" or name.startswith("gmmlib.tools.")]
    assert not offending, (
        f"{path.relative_to(ROOT)} imports {offending}: library code must not depend on the "
        f"jobs in gmmlib/tools/. Move what it needs into the library (e.g. gmmlib/_io.py)."
    )
