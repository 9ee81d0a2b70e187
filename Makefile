# Two entry points: `make demo` (set up, then backtest the baselines on the embedded data)
# and `make test` (set up, then run the test suite). Both create .venv/ inside the repo.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: setup demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU build of torch first, so nothing later pulls a CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(VENV)/bin/kamfin backtest --out backtests/results/demo

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) benchmarks/bench_optimizer.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
