# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: help install demo test bench lint format dev sql lock clean

help:
	@echo "make demo   - install, generate demo deliveries, run the whole pipeline, write the exports"
	@echo "make test   - run the full test suite (ruff + pytest)"
	@echo "make dev    - open the Dagster UI on the asset graph (dagster dev)"
	@echo "make sql    - read-only SQL shell on the latest published snapshot"
	@echo "make bench  - national-scale benchmark: full build and a nightly run (10-15 min)"
	@echo "make lint   - ruff only"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# --compile-bytecode: uv does not write .pyc files, and where Python may not write them either
# (PYTHONDONTWRITEBYTECODE, a read-only install) every process compiled Dagster, dbt and Great
# Expectations from source at each import: about 5 s of every run and of every dbt command.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock Makefile
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	rm -rf data/landing
	$(BIN)/vaikuttavuus generate --out data/landing
	$(BIN)/vaikuttavuus run --landing data/landing --demo

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/pipeline_bench.py --work data/bench --out bench/results.json

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

dev: install
	$(BIN)/vaikuttavuus dev

sql: install
	$(BIN)/vaikuttavuus sql

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf data dbt_project/target dbt_project/logs
