# The two commands of the README's quick start: `make run` and `make test`.
# Both create the virtual environment (.venv) on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := node_modules/.installed

.PHONY: run test lint typecheck bench bench-quick bench-federation bench-web clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# axe-core for the browser tests (package.json, from the npm registry). Without npm the
# accessibility tests skip with the reason (and fail in CI, which installs it).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser accessibility tests will skip (apt-get install npm)"; fi

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

# The main job: build a demo federation on SQLite (./councils-demo.db, replaced each run) and
# serve it at http://127.0.0.1:8000 (pages and JSON API). Ctrl-C stops it.
run: $(STAMP)
	$(BIN)/councils demo

# The whole suite: lint, types, tests.
test: $(STAMP) $(AXE)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/counting.py

# A federation of 1,000,000 members in four tiers on SQLite and PostgreSQL: import, elections,
# recalls that cascade, verify (bench/RESULTS.md, "Federation scale"). ARGS=--quick for a smoke run.
bench-federation: $(STAMP)
	$(BIN)/python bench/federation.py $(ARGS)

# 50 voters with their own sessions cast ballots and sign petitions through `councils serve` for
# a minute; then every accepted one is checked in the state and on the record (bench/RESULTS.md,
# "Web load"). ARGS="--seconds 10" for a shorter run.
bench-web: $(STAMP)
	$(BIN)/python bench/web.py $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
