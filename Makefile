# The two Quick start commands: `make serve` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: serve test install install-test lint-imports benchmark docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Build the sample district's warehouse if none exists, then serve the dashboard.
serve: install
	$(BIN)/oversight serve --port $(PORT)

## Install the test dependencies and run the whole suite, import-layer contracts included.
test: install-test
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto

lint-imports: install-test
	$(BIN)/lint-imports

docs: install
	$(BIN)/python -m etl.docs
