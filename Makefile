# Cairn: `make demo` runs the demo school; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEMO_ENV := CAIRN_DEBUG=1
# The test suite runs with production settings (DEBUG off) and a throwaway key.
TEST_ENV := CAIRN_ENV_FILE= CAIRN_DEBUG=0 CAIRN_HTTPS=0 CAIRN_MANIFEST_STATIC=0 CAIRN_SECRET_KEY=test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH

.PHONY: bench-patterns install demo serve test test-fast lint format typecheck migrations-check assets lock bench bench-trust clean demo-code evaluate

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
	@echo "Serving the demo school at http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

demo-code: $(BIN)/.installed
	@$(DEMO_ENV) $(PY) manage.py demo_totp

test: $(BIN)/.installed assets
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(BIN)/.installed assets
	$(TEST_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .

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

# Replay the pattern detectors' scenario suite (patterns/scenarios/) through "as of" each day.
evaluate: $(BIN)/.installed
	$(PY) -m patterns.evaluate
