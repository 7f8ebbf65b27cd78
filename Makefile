# nq57 front door. Two commands from a fresh clone (they bootstrap .venv themselves):
#   make report   # the main job: reports for the default geographies on the shipped data
#   make test     # the whole test suite
# Optional: make lab (JupyterLab with the project's kernel), make bench, make data.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.nq57-installed
PYTEST_ARGS ?= -n 2

.PHONY: report test lab bench data rehash clean-venv

report: $(STAMP)
	$(BIN)/nq57 run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

data: $(STAMP)
	$(BIN)/nq57 data

rehash: $(STAMP)
	$(BIN)/nq57 data --rehash

# The environment is rebuilt only when the dependency pins change (idempotent).
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nq57 needs Python >= 3.11 (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,lab]"
	$(BIN)/python -m ipykernel install --sys-prefix --name nq57 --display-name "Python (nq57)" >/dev/null
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
