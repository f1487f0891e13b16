"""The pinned environment: one lock file, the same pins in environment.yml, an installed gmmlib."""

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

import gmmlib

ROOT = Path(__file__).resolve().parent.parent


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock():
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert match, f"requirements-lock.txt: expected 'name==version', received {line!r}"
        pins[_norm(match[1])] = match[2]
    return pins


def _environment_yml():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in spec["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==?\s*([^\s]+)", entry)
            if match and _norm(match[1]) not in ("python", "pip"):
                pins[_norm(match[1])] = match[2]
    return pins


def _declared_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        names += extra
    return sorted({_norm(re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0]) for req in names})


def test_lock_pins_every_package_exactly():
    pins = _lock()
    assert len(pins) > 50, "the lock must pin the whole dependency tree, not just top-level names"
    missing = [name for name in _declared_requirements() if name not in pins]
    assert not missing, f"pyproject.toml requires {missing}, which requirements-lock.txt does not pin"


def _lock_check(cwd):
    """``python -m gmmlib lock --check`` in ``cwd``: with PyPI, else from uv's cache of an
    earlier run (``--offline``); skips when neither can resolve."""
    import subprocess
    import sys

    for offline in ([], ["--offline"]):
        done = subprocess.run([sys.executable, "-m", "gmmlib", "lock", "--check", *offline],
                              cwd=cwd, capture_output=True, text=True, timeout=300)
        unreachable = ("error sending request", "dns error", "the network was disabled")
        if done.returncode == 0 or not any(reason in done.stderr for reason in unreachable):
            return done
    pytest.skip(f"the package index cannot be reached: {done.stderr.strip().splitlines()[-1]}")


def test_lock_is_what_the_lock_job_resolves():
    """The lock is uv's resolution of pyproject.toml (`python -m gmmlib lock`), header included."""
    done = _lock_check(ROOT)
    assert done.returncode == 0, f"{done.stdout}{done.stderr}\nrun `make lock` and commit the result"
    assert done.stdout.strip() == "requirements-lock.txt is current"


def test_lock_check_fails_when_a_requirement_has_no_pin(tmp_path):
    import shutil

    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "gmmlib", tmp_path / "gmmlib", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "notebooks").mkdir()
    lines = (ROOT / "requirements-lock.txt").read_text().splitlines(keepends=True)
    (tmp_path / "requirements-lock.txt").write_text("".join(
        line for line in lines if not line.startswith("ruff==")))
    done = _lock_check(tmp_path)
    assert done.returncode == 1 and "out of date" in done.stdout, done.stdout + done.stderr
    assert "ruff==" not in (tmp_path / "requirements-lock.txt").read_text()  # --check writes nothing


def test_environment_yml_is_generated_from_the_lock():
    from gmmlib.tools.pins import environment_yml

    wanted = environment_yml((ROOT / "requirements-lock.txt").read_text())
    assert (ROOT / "environment.yml").read_text() == wanted, (
        "environment.yml differs from the lock: run `python -m gmmlib pins` (make pins) and commit it"
    )


def test_environment_yml_matches_the_lock():
    lock, env = _lock(), _environment_yml()
    disagree = {name: (version, lock.get(name)) for name, version in env.items() if lock.get(name) != version}
    assert not disagree, f"environment.yml vs requirements-lock.txt (env, lock): {disagree}"
    missing = [name for name in _declared_requirements() if name not in env]
    assert not missing, f"environment.yml lacks {missing}, which pyproject.toml requires"
    assert set(env) == set(lock), f"packages only in one of the two: {sorted(set(env) ^ set(lock))}"


@pytest.mark.skipif(os.environ.get("GMM_LATEST") == "1",
                    reason="make test-latest runs the newest releases on purpose")
@pytest.mark.parametrize("name", ["numpy", "sympy", "matplotlib", "jupyterlab", "nbval", "pytest",
                                  "scipy", "scikit-learn", "ruff"])
def test_installed_versions_are_the_pinned_ones(name):
    assert metadata.version(name) == _lock()[_norm(name)], (
        f"{name} {metadata.version(name)} is installed but the lock pins {_lock()[_norm(name)]}; "
        f"run `make test` (it reinstalls when the lock changes)"
    )


def test_gmmlib_is_installed_from_this_checkout_with_its_version():
    assert Path(gmmlib.__file__).resolve().parent == ROOT / "gmmlib"
    assert metadata.version("gmmlib") == gmmlib.__version__


def test_course_index_asserts_the_gmmlib_version():
    index = (ROOT / "notebooks" / "00_course_map.ipynb").read_text()
    assert f'gmmlib.__version__ == \\"{gmmlib.__version__}\\"' in index or (
        f"gmmlib.__version__ == '{gmmlib.__version__}'" in index
    ), "notebooks/00_course_map.ipynb must assert the gmmlib version it was written for"


def test_a_built_wheel_ships_the_library_and_its_data(tmp_path):
    """What a user gets from ``pip install`` (not this editable checkout): every module,
    the vendored data with its provenance, and a working ``python -m gmmlib``."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "source"  # a copy, so the build writes nothing into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "gmmlib", source / "gmmlib", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-q", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True, text=True)
    (wheel,) = (tmp_path / "dist").glob("gmmlib-*.whl")
    assert wheel.name.startswith(f"gmmlib-{gmmlib.__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"gmmlib/{p.relative_to(ROOT / 'gmmlib').as_posix()}"
               for p in (ROOT / "gmmlib").rglob("*.py")}
    data = {f"gmmlib/data/{p.name}" for p in (ROOT / "gmmlib" / "data").iterdir()}
    assert modules | data <= names, sorted((modules | data) - names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, text=True)
    probe = (
        "import gmmlib, gmmlib.datasets as ds; from pathlib import Path; "
        f"assert Path(gmmlib.__file__).is_relative_to({str(site)!r}), gmmlib.__file__; "
        "print(gmmlib.__version__, ds.old_faithful().shape, ds.seed_people().shape)"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [gmmlib.__version__, "(272,", "2)", "(6,", "2)"]
    jobs = subprocess.run([sys.executable, "-m", "gmmlib", "--help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert jobs.returncode == 0 and "figures" in jobs.stdout, jobs.stderr
