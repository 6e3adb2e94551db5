# Cairn: `make demo` runs the demo school; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEMO_ENV := CAIRN_DEBUG=1
# The test suite runs with production settings (DEBUG off) and a throwaway key.
TEST_ENV := CAIRN_ENV_FILE= CAIRN_DEBUG=0 CAIRN_HTTPS=0 CAIRN_MANIFEST_STATIC=0 CAIRN_SECRET_KEY=test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH

.PHONY: bench-patterns bench-recording bench-transfer bench-pages install demo serve test test-fast coverage-gate lint format typecheck migrations-check assets lock bench bench-trust clean demo-code evaluate

$(BIN)/.installed: pyproject.toml requirements.lock
	@PYBIN=$$(scripts/find-python.sh) && echo "Using $$PYBIN" && \
	  ( [ -x $(PY) ] || $$PYBIN -m venv $(VENV) )
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static_build/.built: node_modules/.installed ui/assets/build.mjs ui/assets/cairn.scss
	npm run --silent build
	@touch $@

assets: static_build/.built

install: $(BIN)/.installed assets

var:
	mkdir -p var

# The demo's settings go in .env (if there is none yet), so that `manage.py` commands run from
# the checkout as the README shows them, without setting anything first.
.env:
	@printf '# Written by `make demo`: the demo school runs with DEBUG on. Never use in production.\nCAIRN_DEBUG=1\n' > $@

demo: $(BIN)/.installed assets var .env
	$(DEMO_ENV) $(PY) manage.py migrate --verbosity 0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo
	@echo "Serving the demo school at http://127.0.0.1:8000 with its background worker (Ctrl+C stops both)"
	$(DEMO_ENV) $(BIN)/honcho start -f Procfile

demo-code: $(BIN)/.installed
	@$(DEMO_ENV) $(PY) manage.py demo_totp

# Coverage (issue 21): a whole-suite `make test` (no PYTEST_ARGS, or COVERAGE_GATE=1 as CI sets it)
# measures branch coverage ([tool.coverage] in pyproject.toml) into $(COVERAGE_FILE), prints the
# total and fails below `fail_under` in pyproject.toml (or COVERAGE_MIN, if given) and below 100%
# for patterns/ (ADR 6). pytest-cov is told not to gate (--cov-fail-under=0): coverage-gate is the
# gate. A run narrowed by PYTEST_ARGS is not measured, since measuring costs about three quarters
# more CPU time (add --cov to its PYTEST_ARGS for a figure).
COVERAGE_FILE ?= .coverage
COVERAGE_GATE ?= $(if $(strip $(PYTEST_ARGS)),0,1)
COVERAGE_MIN ?=
COVERAGE := COVERAGE_FILE=$(COVERAGE_FILE) $(BIN)/coverage
COVERAGE_FLOOR = $(or $(COVERAGE_MIN),$(shell $(PY) -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["tool"]["coverage"]["report"]["fail_under"])'))

test: $(BIN)/.installed assets
ifeq ($(COVERAGE_GATE),1)
	$(TEST_ENV) COVERAGE_FILE=$(COVERAGE_FILE) $(BIN)/pytest --cov --cov-report= --cov-fail-under=0 $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory coverage-gate COVERAGE_FILE=$(COVERAGE_FILE) COVERAGE_MIN=$(COVERAGE_MIN)
else
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)
endif

# The gate on the data in $(COVERAGE_FILE) (one run: CI measures its SQLite run): the total against
# its floor, then patterns/ against 100%, listing any line it misses.
coverage-gate: $(BIN)/.installed
	@printf 'Branch coverage (statements and branches, every app): %s%%, at least %s%% required\n' \
	  "$$($(COVERAGE) report --format=total --fail-under=0)" "$(COVERAGE_FLOOR)"
	@$(COVERAGE) report --format=total --fail-under=$(COVERAGE_FLOOR) >/dev/null || \
	  { echo "Coverage gate failed: the total is below $(COVERAGE_FLOOR)%. Each file's figure: COVERAGE_FILE=$(COVERAGE_FILE) $(BIN)/coverage report"; exit 1; }
	@echo "patterns/ must be at 100% (ADR 6); any file below it is listed with the lines it misses:"
	@$(COVERAGE) report --include='patterns/*' --fail-under=100 --skip-covered --show-missing
	@echo "Coverage gate passed. Each file's figure: COVERAGE_FILE=$(COVERAGE_FILE) $(BIN)/coverage report (or html)."

test-fast: $(BIN)/.installed assets
	$(TEST_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(BIN)/.installed
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# Regenerate the lock after changing pyproject.toml: every installed version, pinned.
lock:
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) node_modules static_build var/static

# Benchmarks (docs/performance.md): each row is printed beside a reference measured in the same run.
bench: $(BIN)/.installed assets
	$(PY) -m bench.run --scale school

bench-trust: $(BIN)/.installed assets
	$(PY) -m bench.run --scale trust

# The incremental pattern run after recording a concern, through the real services and database.
bench-patterns: $(BIN)/.installed
	$(PY) -m bench.patterns_db --concerns 300

# Recording a concern from 1 and 20 clients with the worker running, and the refresh's enqueue-to-
# stored time (docs/performance.md); add --code-dir OTHER_CHECKOUT --label before for the old code.
bench-recording: $(BIN)/.installed assets
	$(PY) -m bench.recording --db sqlite --fresh
	$(PY) -m bench.recording --db postgresql --fresh

# Every GET page of the demo at 1 and 20 clients beside /health/ (pages found, not listed).
bench-pages: $(BIN)/.installed assets
	$(PY) -m bench.pages --db sqlite --fresh
	$(PY) -m bench.pages --db postgresql --fresh

# A child protection file transfer: bundle and import a child with 1,000 records and 50 files.
bench-transfer: $(BIN)/.installed
	$(PY) -m bench.transfer

# Replay the pattern detectors' scenario suite (patterns/scenarios/) through "as of" each day.
evaluate: $(BIN)/.installed
	$(PY) -m patterns.evaluate
