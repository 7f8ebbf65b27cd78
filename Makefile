# nq57 front door. Two commands from a fresh clone (they bootstrap .venv themselves):
#   make report   # the main job: reports for the default geographies on the shipped data
#   make test     # the whole test suite
# Optional: make lab (JupyterLab with the project's kernel), make bench, make data,
# make airflow-env (Airflow 3 + papermill provider in .venv-airflow, for dags/nq57_reports.py).
# In a conda (or any other ready) environment: make test USE_CURRENT_ENV=1 builds no .venv.

PYTHON ?= python3
VENV ?= .venv
PYTEST_ARGS ?= -n 2
RUN_ARGS ?=
LAB_ARGS ?=
AIRFLOW_VENV ?= .venv-airflow

# Environments are built with uv (seconds) from the same pinned constraints; uv is the one on PATH
# (if it runs), else one installed from the package registry into $(UV_HOME) (a tool folder, not
# the project's environments; its version pinned in constraints.txt); where uv cannot be had, the
# stdlib venv and pip build the same environment (minutes), and say so.
# NQ57_INSTALLER=pip forces the pip route (benchmarks/bench_setup.py compares the two).
UV_HOME ?= .tools/uv
NQ57_INSTALLER ?= uv
ifeq ($(filter $(NQ57_INSTALLER),uv pip),)
$(error NQ57_INSTALLER must be uv or pip, not '$(NQ57_INSTALLER)')
endif
define find_uv
$(shell if [ "$(NQ57_INSTALLER)" = pip ]; then exit 0; fi; \
  if uv --version >/dev/null 2>&1; then command -v uv; \
  elif $(UV_HOME)/bin/uv --version >/dev/null 2>&1; then echo $(UV_HOME)/bin/uv; \
  else echo "nq57: no working uv on PATH; installing uv into $(UV_HOME) from the package registry" >&2; \
    rm -rf $(UV_HOME); \
    if { $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(UV_HOME) -c constraints.txt uv || \
         { rm -rf $(UV_HOME) && $(PYTHON) -m venv $(UV_HOME) && \
           $(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt uv; }; \
       } >/dev/null 2>&1 && $(UV_HOME)/bin/uv --version >/dev/null 2>&1; then echo $(UV_HOME)/bin/uv; \
    else rm -rf $(UV_HOME); echo "nq57: uv could not be installed; building with venv and pip instead (a few minutes)" >&2; fi; fi)
endef
# Looked up (and installed if need be) once, and only when an environment is built.
UV = $(eval UV := $(find_uv))$(UV)
comma := ,
# The interpreter $(PYTHON) names, as a path: uv builds on exactly the Python the version check ran.
PYTHON_EXE = $$($(PYTHON) -c 'import sys; print(sys.executable)')
# $(call make_env,DIR,INSTALL-ARGS): a fresh environment in DIR with INSTALL-ARGS installed. The bytecode is
# compiled at install, as pip does: left to the first run, every process of the first batch (each kernel)
# compiled pandas, matplotlib and the rest again, ~28 s of CPU (benchmarks/bench_setup.py), and where
# PYTHONDONTWRITEBYTECODE is set (CI) every run did. On the uv route, compileall (all cores) compiles every
# module but the libraries' own test suites (a third of the files; nothing imports them): 3 s less than uv's
# --compile-bytecode. A file that does not compile is skipped (and said), as uv and pip skip it.
COMPILE = -m compileall -q -j 0 -x '[/\\]site-packages[/\\].*[/\\]tests?[/\\]'
define compile_env
{ $(1)/bin/python $(COMPILE) "$$($(1)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" >/dev/null || \
  echo "nq57: some modules of $(1) were not compiled ahead; they compile when imported" >&2; }
endef
define make_env
	@rm -rf $(1)
	$(if $(UV),$(UV) venv --quiet --python $(PYTHON_EXE) $(1) && VIRTUAL_ENV=$(1) $(UV) pip install --quiet --python $(1)/bin/python $(2) && \
	$(call compile_env,$(1)),\
	$(PYTHON) -m venv $(1) && $(1)/bin/python -m pip install --quiet --disable-pip-version-check $(2))
endef

ifeq ($(USE_CURRENT_ENV),1)
# The active environment (conda, or any env with environment.yml's packages): nq57 is installed
# into it without dependencies (they are the environment's own), then checked to be complete.
BIN := $(shell $(PYTHON) -c 'import os, sys; print(os.path.dirname(sys.executable))')
STAMP := $(shell $(PYTHON) -c 'import sys; print(sys.prefix)')/.nq57-installed
else
BIN := $(VENV)/bin
STAMP := $(VENV)/.nq57-installed
endif
# What the tests and JupyterLab need besides the reports' packages (the extras test and lab), added to the same
# environment by the first `make test` or `make lab`: `make report` on a fresh clone installs and compiles only
# what the reports import (94 packages, not 161; issue 26). The active environment (USE_CURRENT_ENV=1) has them.
DEV_STAMP := $(if $(filter 1,$(USE_CURRENT_ENV)),$(STAMP),$(VENV)/.nq57-dev-installed)

.PHONY: report test lab bench data rehash clean-venv airflow-env git-filter

report: $(STAMP)
	$(BIN)/nq57 run $(RUN_ARGS)

# nq57lib and the tests' helper modules are compiled first (only what changed since): the suite starts about ninety
# Python processes (some fifty of them kernels, the rest nq57 and papermill commands), and where
# PYTHONDONTWRITEBYTECODE is set (CI) each one that imports nq57lib compiled it again, up to 0.4 s of CPU.
# A module that does not compile is left to the tests to report. (pytest keeps its rewritten test modules beside
# them too: tests/conftest.py.)
test: $(DEV_STAMP)
	@$(BIN)/python -m compileall -q -j 0 nq57lib tests >/dev/null || true
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(DEV_STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ARGS)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

data: $(STAMP)
	$(BIN)/nq57 data

rehash: $(STAMP)
	$(BIN)/nq57 data --rehash

# The environment is rebuilt only when the dependency pins change (idempotent).
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nq57 needs Python >= 3.11 (set PYTHON=python3.x)")'
ifeq ($(USE_CURRENT_ENV),1)
	$(if $(UV),$(UV) pip install --quiet --python $(BIN)/python,$(BIN)/python -m pip install --quiet --disable-pip-version-check) --no-deps -e .
	$(BIN)/python tools/check_env.py
else
	$(call make_env,$(VENV),-c constraints.txt -e .)
endif
	$(BIN)/nq57 kernel install --sys-prefix >/dev/null
	@$(MAKE) --no-print-directory git-filter BIN=$(BIN) AUTO=1
	touch $(STAMP)

# The extras, into the environment above (rebuilt with it: a new .venv has no DEV_STAMP).
$(VENV)/.nq57-dev-installed: $(STAMP)
	$(if $(UV),VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet --python $(BIN)/python -c constraints.txt -e ".[test$(comma)lab]" && \
	$(call compile_env,$(VENV)),$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test$(comma)lab]")
	touch $@

# Notebook outputs never reach git: .gitattributes runs *.ipynb through the filter "nbstripout" on
# `git add`: tools/strip_notebook.py (standard library only) drops outputs, papermill's metadata and
# injected cell. It runs on the base Python interpreter behind $(PYTHON) (an absolute path, never one
# of the project's environments), and `required` makes git refuse the add when it cannot run (fail
# closed). The filter is configured here (git keeps filter commands out of the repository). In a linked
# worktree the bootstrap leaves the shared repository config alone; run `make git-filter`.
FILTER_PYTHON = $(shell $(PYTHON) -c 'import sys; print(getattr(sys, "_base_executable", "") or sys.executable)')
git-filter:
	@if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "git-filter: not a git clone, nothing to do"; \
	elif [ -n "$(AUTO)" ] && [ "$$(git rev-parse --git-dir)" != "$$(git rev-parse --git-common-dir)" ]; then \
	  echo "git-filter: linked worktree; run 'make git-filter' to strip notebook outputs on git add"; \
	else git config filter.nbstripout.clean '"$(FILTER_PYTHON)" tools/strip_notebook.py' && \
	  git config filter.nbstripout.smudge cat && git config filter.nbstripout.required true && \
	  echo "git-filter: notebook outputs are stripped on git add"; fi

# Airflow 3 and the papermill provider in their own environment (never in nq57's): the DAG's plan
# and publish tasks run in $(VENV) through ExternalPythonOperator. Pins: constraints-airflow.txt.
airflow-env: $(AIRFLOW_VENV)/.nq57-installed

$(AIRFLOW_VENV)/.nq57-installed: constraints-airflow.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nq57 needs Python >= 3.11 (set PYTHON=python3.x)")'
	$(call make_env,$(AIRFLOW_VENV),-c constraints-airflow.txt apache-airflow apache-airflow-providers-papermill)
	touch $@

clean-venv:
	rm -rf $(VENV) $(AIRFLOW_VENV)
