# The two commands of the README's quick start: `make run` and `make test`.
# Both create the virtual environment (.venv) on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

# The main job: count a real election shipped with the project and print its rounds.
run: $(STAMP)
	$(BIN)/councils count examples/edinburgh_2017_ward1.blt

# The whole suite: lint, types, tests.
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/counting.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
