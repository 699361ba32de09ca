# Everything sets itself up: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
DATA_DIR ?= $(or $(ALONGSIDE_DATA_DIR),$(CURDIR)/var)
UV_VERSION := 0.13.9
BIN := $(VENV)/bin
UV := $(BIN)/uv
export ALONGSIDE_DATA_DIR := $(DATA_DIR)
PYTEST_WORKERS ?= 2
# Where the CPU build of torch lives (the `assist` extra); the lock files name it with
# --find-links so that neither uv nor pip ever resolves PyPI's CUDA build instead.
WHEELS ?= $(or $(PIP_FIND_LINKS),/opt/wheels)

.PHONY: help install demo serve test test-postgres lint format browser lock screenshot clean \
	fuzz load bench

help:
	@echo "make demo           set up and serve the demo programme on http://127.0.0.1:8000"
	@echo "make test           run the whole test suite on SQLite"
	@echo "make test-postgres  run the whole test suite on PostgreSQL (DATABASE_URL)"
	@echo "make lint           ruff, mypy on the strict modules, missing migrations"
	@echo "make serve          serve the app with gunicorn (see docs/deployment.md)"
	@echo "make format         format and fix lint in place"
	@echo "make browser        install Debian's Chromium for the browser tests (as root)"
	@echo "make screenshot     retake docs/screenshot.png from a fresh demo"
	@echo "make lock           re-resolve the three lock files from pyproject.toml"
	@echo "make clean          remove the virtual environment and caches"
	@echo "make fuzz           the fuzz tests at nightly size (over 10,000 generated cases)"
	@echo "make load           load test: LOAD_USERS users for LOAD_TIME on PostgreSQL (as root)"
	@echo "make bench          every benchmark, figures in bench/results.json (BENCH_SCALES=seed,region)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Alongside needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The lock files pin every package with hashes: requirements.lock what runs in production,
# requirements-assist.lock that plus the embedding model for assisted coding (CPU torch),
# requirements-dev.lock all of it plus the tools to test and lint. The project goes in editable.
$(VENV)/.installed: requirements-dev.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python --find-links $(WHEELS) \
		--require-hashes -r requirements-dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

LOCK := $(UV) pip compile --quiet --python-version 3.11 --generate-hashes

lock: | $(UV)
	$(LOCK) --output-file requirements.lock pyproject.toml
	$(LOCK) --find-links $(WHEELS) --emit-find-links --extra assist \
		--output-file requirements-assist.lock pyproject.toml
	$(LOCK) --find-links $(WHEELS) --emit-find-links --extra dev --extra assist \
		--output-file requirements-dev.lock pyproject.toml

demo: install
	$(BIN)/alongside demo

serve: install
	$(BIN)/alongside serve

# Debian's Chromium for the browser tests, and poppler's pdftotext to read rendered PDFs back.
# The tests that need them skip, saying why, when they cannot be installed (not root, no apt).
browser:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Not installed and cannot be installed here:$$missing (those tests will skip)."; fi

# Always SQLite, whatever DATABASE_URL the shell has: that is what test-postgres is for.
# Browser tests run apart, after the rest: they commit for real and empty the database after
# each test, which must not happen under a test that relies on the migrations' data.
PYTEST := ALONGSIDE_ENV=test $(BIN)/pytest -n $(PYTEST_WORKERS)

test: install browser
	env -u DATABASE_URL $(PYTEST) -m "not functional" --cov --cov-report=
	env -u DATABASE_URL $(PYTEST) -m functional --cov --cov-append --cov-report=term:skip-covered

test-postgres: install browser
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL=postgres://user:pass@host:port/name"; exit 2; }
	$(PYTEST) -m "not functional"
	$(PYTEST) -m functional

lint: install
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/mypy
	ALONGSIDE_ENV=test $(BIN)/alongside makemigrations --check --dry-run

format: install
	$(BIN)/ruff format src tests scripts bench
	$(BIN)/ruff check --fix src tests scripts bench

# The fuzz tests at nightly size, in one process so that the case count adds up (printed last),
# with the existing import fuzz tests alongside.
FUZZ_TESTS := tests/fuzz tests/unit/test_evaluation_import_fuzz.py \
	tests/integration/test_evaluation_import_fuzz.py

fuzz: install
	env -u DATABASE_URL ALONGSIDE_ENV=test HYPOTHESIS_PROFILE=nightly \
		$(BIN)/pytest -p no:xdist -q $(FUZZ_TESTS)

# Not in CI: a throwaway PostgreSQL database with the demo programme, `alongside serve` on
# loopback, and locust's simulated users (bench/locustfile.py); see docs/performance.md.
LOAD_USERS ?= 50
LOAD_TIME ?= 10m
load: install
	LOAD_USERS=$(LOAD_USERS) LOAD_TIME=$(LOAD_TIME) bench/load.sh

# Not in CI: every benchmark of docs/performance.md, on PostgreSQL databases per demo scale that
# are loaded once and kept (as root). BENCH_SCALES, BENCH_ONLY, BENCH_REBUILD, BENCH_RUNS and the
# rest are read from the environment: see bench/README.md.
bench: install
	$(BIN)/python bench/run.py

screenshot: install browser
	$(BIN)/python scripts/screenshot.py docs/screenshot.png

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
