# Santé Locale — the two commands of the README:
#   make run   create the virtualenv, install, migrate, load the data and the demo, serve on 127.0.0.1:8000
#   make test  install what the tests need, then run the whole suite on SQLite and on a throwaway PostgreSQL

SHELL := /bin/bash
# Python may keep compiled modules (__pycache__, ignored by git) even where the environment says not to:
# without them every process — each test worker, each served instance — compiles the project again
# (3.5 s instead of 7 s to start a test process; see docs/performance.md).
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP_BASE := $(VENV)/.installed-base
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run install install-test init demo serve test test-sqlite test-postgres quality bench bundle clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 est requis"' \
		|| { echo "Python 3.11 est requis (python3.11 introuvable)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv

$(STAMP_BASE): $(BIN)/python requirements/base.txt pyproject.toml
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/base.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

$(STAMP_TEST): $(STAMP_BASE) requirements/test.txt
	$(UV) pip install --quiet --python $(BIN)/python -r requirements/test.txt
	@touch $@

install: $(STAMP_BASE)
install-test: $(STAMP_TEST)

init: install
	$(BIN)/santelocale init

demo: init
	$(BIN)/santelocale demo

serve: install
	$(BIN)/santelocale serve

run: demo
	$(BIN)/santelocale serve

quality: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Unit and integration tests on both databases, in one process per core (pytest-xdist: a test goes to the
# free worker, slow ones first; a module with data written once — the national bundle, the demo — stays on
# one worker: tests/conftest.py); the end-to-end tests once,
# in Chromium, on SQLite; on PostgreSQL only those that need it (two servers, one database). See
# docs/performance.md.
# --durations: each run ends with its slowest tests, to see where the time goes (docs/performance.md).
PYTEST := $(BIN)/pytest -p no:cacheprovider --durations=8
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist loadgroup

UNIT_SQLITE := $(PYTEST) $(PARALLEL) -m "not e2e"
UNIT_POSTGRES := scripts/with_postgres.sh $(PYTEST) $(PARALLEL) -m "not e2e or postgres_only or postgres_also"
E2E := $(PYTEST) -m e2e

test-sqlite: install-test
	$(UNIT_SQLITE)
	$(E2E)

test-postgres: install-test
	$(UNIT_POSTGRES)

# The three parts run at once, so that both cores stay busy to the end (run one after the other, a core sat
# idle a quarter of the time: docs/performance.md). The end-to-end tests (one browser, one served instance)
# keep the normal priority: they wait on the browser and must not be starved into their time-outs; the unit
# and integration suites on SQLite and on PostgreSQL, each over every core, run at a lower priority (nice)
# and take whatever CPU the end-to-end tests leave. SQLite prints here; PostgreSQL and the end-to-end tests
# write their logs to test-artifacts/, whose ends are printed after.
NICE := nice -n 10
test: install-test
	scripts/ensure_test_system.sh
	$(MAKE) --no-print-directory quality
	@mkdir -p test-artifacts
	@echo "=== En parallèle : bout en bout dans Chromium sur SQLite (test-artifacts/e2e.log), unitaires et intégration sur PostgreSQL (test-artifacts/postgres.log) ==="
	@$(E2E) > test-artifacts/e2e.log 2>&1 & e2e=$$!; \
	  $(NICE) $(UNIT_POSTGRES) > test-artifacts/postgres.log 2>&1 & postgres=$$!; \
	  echo "=== Tests unitaires et d’intégration sur SQLite ==="; \
	  $(NICE) $(UNIT_SQLITE); sqlite=$$?; \
	  wait $$postgres; postgres=$$?; \
	  echo "=== Tests unitaires et d’intégration sur PostgreSQL, serveur jetable (journal complet : test-artifacts/postgres.log) ==="; \
	  tail -n 30 test-artifacts/postgres.log; \
	  wait $$e2e; browser=$$?; \
	  echo "=== Bout en bout (journal complet : test-artifacts/e2e.log) ==="; tail -n 40 test-artifacts/e2e.log; \
	  test $$sqlite -eq 0 -a $$postgres -eq 0 -a $$browser -eq 0

bench: install-test
	$(BIN)/python bench/run.py

# Rebuild data/ from ../shared/data (see scripts/build_bundle.py and docs/data.md).
bundle: install
	$(BIN)/python scripts/build_bundle.py

clean:
	rm -rf $(VENV) var
