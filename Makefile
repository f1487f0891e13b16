# The course's two commands are `make lab` and `make test` (see README.md).
# Every target is a thin wrapper over `python -m gmmlib <job>`, which conda and
# Windows users can run directly in their own environment.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
LOCK   := requirements-lock.txt
PIP    := $(PY) -m pip install --disable-pip-version-check -q -c $(LOCK)

.PHONY: lab test figures course html bench test-latest pins lock venv venv-test clean help

help:
	@echo "make lab      set up .venv and open the lessons in JupyterLab (PORT=8888 NO_BROWSER=1 honoured)"
	@echo "make test     set up .venv with the test extras and run every check"
	@echo "make figures  regenerate every lecture figure into figures/ (ONLY=name for one)"
	@echo "make course   build/update the nbgrader course (student versions, gradebook) in build/course/"
	@echo "make html     build the reading edition (Sphinx; student versions) to build/html/ (launch links: GMM_BINDER_URL or GMM_JUPYTERHUB_URL with GMM_REPOSITORY_URL)"
	@echo "make bench    benchmark gmmlib.GaussianMixture against scikit-learn"
	@echo "make test-latest  run the checks against the newest releases, in .venv-latest (pins unchanged)"
	@echo "make lock     regenerate requirements-lock.txt from pyproject.toml (uv; needs PyPI), then environment.yml"
	@echo "make pins     regenerate environment.yml from requirements-lock.txt"

# .venv is (re)built when missing, when its Python is gone, or when the pins change.
$(BIN)/.python-ok:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is needed; found " + sys.version.split()[0]'
	@[ -x $(PY) ] && $(PY) -c 'import sys' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	@touch $@

$(BIN)/.lab-installed: $(BIN)/.python-ok $(LOCK) pyproject.toml
	@echo "Installing the pinned lab environment into $(VENV) ..."
	$(PIP) -e ".[lab]"
	$(PY) -m gmmlib setup
	@touch $@

$(BIN)/.test-installed: $(BIN)/.lab-installed $(LOCK) pyproject.toml
	@echo "Installing the pinned test, instructor, site and dev extras into $(VENV) ..."
	$(PIP) -e ".[lab,test,instructor,site,dev]"
	$(PY) -m gmmlib setup
	@touch $@

venv: $(BIN)/.lab-installed
venv-test: $(BIN)/.test-installed

lab: $(BIN)/.lab-installed
	$(PY) -m gmmlib lab

test: $(BIN)/.test-installed
	$(PY) -m gmmlib test

figures: $(BIN)/.lab-installed
	$(PY) -m gmmlib figures $(if $(ONLY),--only $(ONLY))

course: $(BIN)/.test-installed
	$(PY) -m gmmlib course

html: $(BIN)/.test-installed
	$(PY) -m gmmlib html --hide-solutions

# The full grid (n up to 1M) takes hours: make bench BENCH_ARGS=--full
BENCH_ARGS ?= --quick
bench: $(BIN)/.test-installed
	$(PY) -m gmmlib bench $(BENCH_ARGS)

# The newest releases, in a separate venv (.venv-latest), without touching the pins.
test-latest: $(BIN)/.lab-installed
	$(PY) -m gmmlib test-latest

pins: $(BIN)/.lab-installed
	$(PY) -m gmmlib pins

# The one command that makes the lock (see CONTRIBUTING.md, "Updating the pins"):
# make lock, or make lock LOCK_ARGS="--upgrade-package numpy" / LOCK_ARGS=--upgrade.
LOCK_ARGS ?=
lock: $(BIN)/.test-installed
	$(PY) -m gmmlib lock $(LOCK_ARGS)

# Keeps build/gradebook.db and collected submissions (instructors' grading data).
clean:
	rm -rf build/html build/test-site build/student build/artifacts .pytest_cache
