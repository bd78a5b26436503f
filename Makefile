# The two Quick start commands: `make serve` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Installs come from requirements.lock and requirements-test.lock: every package at one version,
# checked by its hashes. pyproject.toml keeps the ranges the project supports. uv, pinned here,
# resolves the locks (`make lock`) and installs from them.
UV_VERSION ?= 0.13.8
UV := $(BIN)/uv

.PHONY: serve test test-fast install install-test lock lock-upgrade lint lint-imports browser typesetting pdf-tools docs screenshots benchmark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# tools/lock.py --check stops with a message when a lock no longer matches pyproject.toml.
$(VENV)/.installed: pyproject.toml requirements.lock | $(UV)
	$(BIN)/python tools/lock.py --check
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(UV)
	$(BIN)/python tools/lock.py --check
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements-test.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Bring the locks in line with pyproject.toml after adding or changing a dependency: keeps every
## locked version that still fits and resolves only what changed (a few seconds).
lock: | $(UV)
	$(BIN)/python tools/lock.py

## Move every locked dependency to the newest version pyproject.toml allows.
lock-upgrade: | $(UV)
	$(BIN)/python tools/lock.py --upgrade

## Build the sample district's warehouse if none exists, then serve the dashboard. The board pack needs
## Chromium (its charts) and Pango (WeasyPrint's typesetting): both are installed here when missing.
serve: install browser typesetting
	$(BIN)/oversight serve --port $(PORT)

## The tests keep compiled bytecode between runs even where the environment says not to write it
## (PYTHONDONTWRITEBYTECODE): else every worker and every process a test starts compiles each module again.
TEST_ENV := PYTHONDONTWRITEBYTECODE=

## Install the test dependencies (Debian's Chromium for the browser tests, when run as root)
## and run the whole suite after `make lint`.
test: install-test browser typesetting pdf-tools lint
	$(TEST_ENV) $(BIN)/pytest -n auto

## The fast tier to run while working: pure tests and small-warehouse tests, chosen by tests/conftest.py
## from the fixtures each test uses (no sample district, no browser, no kill loops), fewer property examples.
test-fast: install-test typesetting pdf-tools lint
	$(TEST_ENV) $(BIN)/pytest -n auto -m "not slow" --hypothesis-profile=fast

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium not installed and not root: the browser tests will skip (apt-get install chromium)"; fi; }

## Pango and HarfBuzz for WeasyPrint, which typesets the board pack (Debian package names), when run as root.
typesetting:
	@{ ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 && ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation; \
	  else echo "Pango not installed and not root: the board pack cannot be typeset (apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)"; fi; }

## poppler's pdftotext, pdfinfo and pdftoppm, which the board pack's tests read the PDF with.
pdf-tools:
	@command -v pdftotext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	  else echo "poppler-utils not installed and not root: the board pack's tests will skip (apt-get install poppler-utils)"; fi; }

## Retake the README's screenshots in Chromium from the sample district.
screenshots: install-test browser typesetting pdf-tools
	OVERSIGHT_SCREENSHOTS=1 $(BIN)/pytest tests/e2e -k every_page_loads -p no:xdist
	OVERSIGHT_SCREENSHOTS=1 $(BIN)/pytest tests/oversight/test_board_pack.py -k pictures -p no:xdist

## Benchmark at national scale (0.5M, 1M and 5M police incidents): refresh against a bare DuckDB load, every
## page's data calls cold and warm, memory, growth. Writes benchmarks/results/national_scale.{json,md}.
## Takes a while and needs about 4 GB of free memory; generated drops are kept in /tmp/oversight-bench.
benchmark: install-test browser
	$(BIN)/python benchmarks/national_scale.py --scales 500k,1M,5M --repeat 20

## ruff's lint rules and formatting, mypy over the packages (pipeline/ too once it exists) and the
## import-layer contracts; settings in pyproject.toml. `ruff format .` and `ruff check --fix .` mend most findings.
TYPED_PACKAGES := $(wildcard etl metrics oversight pipeline ui)
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED_PACKAGES)
	$(BIN)/lint-imports

lint-imports: install-test
	$(BIN)/lint-imports

## Regenerate the generated references: data contract, indicators, README settings table.
docs: install
	$(BIN)/python -m etl.docs
	$(BIN)/python -m metrics.docs
	$(BIN)/python -m oversight.docs
