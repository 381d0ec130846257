# evalkit: the three commands of the README, on a fresh machine with Python >= 3.11 and pip.
#   make report   the report of the shipped study (params/example.yaml) -> reports/
#   make test     lint + the whole test suite (unit, reference, simulation, doctests, notebooks)
#   make lab      open JupyterLab on notebooks/ with the project's environment
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report study-reports test lab lock synth bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "evalkit needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/evalkit report params/example.yaml

# init + report + audit on each test study of tests/data/studies.py (minutes; not in CI).
study-reports: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python validation/study_reports.py --language all

# One OpenMP thread: scikit-learn's gradient boosting spins badly when the two cores are
# shared with other work, and the test data are small. One pytest worker per core
# (pytest-xdist); a file's tests stay on one worker, so a notebook runs in one kernel.
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	MPLBACKEND=Agg OMP_NUM_THREADS=1 $(BIN)/pytest -n auto --dist loadfile

# Jupyter refuses to run as root without --allow-root (containers, CI machines).
lab: $(STAMP)
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

# Regenerate the shipped synthetic data (deterministic: same seed, same bytes).
synth: $(STAMP)
	$(BIN)/evalkit synth evaldata

# Re-resolve the pinned lock from pyproject.toml in a throw-away environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^evalkit' > requirements.lock
	rm -rf .lock-venv
	@echo "requirements.lock updated: update the pins in environment.yml to match (make test checks)."

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache
