# Insaf — the project's commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := INSAF_DEMO=1

.PHONY: install demo serve lint test test-sqlite test-postgresql bench browser clean help

help:
	@echo "make demo    install, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test    lint, then the whole suite on SQLite and (when reachable) PostgreSQL"
	@echo "make install create $(VENV) and install Insaf with its development tools"
	@echo "make lint    ruff (lint and format), mypy, missing migrations"
	@echo "make bench   the benchmarks in bench/ (figures in bench/results/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Insaf needs Python 3.11"' \
		|| (echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(DEMO_ENV) $(BIN)/insaf migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/insaf triage train
	$(DEMO_ENV) $(BIN)/insaf collectstatic --no-input -v 0
	$(DEMO_ENV) $(BIN)/insaf demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	@echo "  citizen portal: http://$(HOST):$(PORT)/file/ and /track/; staff: sign in, then /work/"
	$(DEMO_ENV) $(BIN)/gunicorn insaf.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy insaf
	PYTHONPATH=. DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/insaf makemigrations --check --dry-run

# Browser tests need Debian's Chromium; install it when we may (root with apt), else they skip.
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Chromium not installed: browser tests will be skipped"; }

test: lint browser
	$(BIN)/python scripts/run_tests.py

test-sqlite: install
	$(BIN)/python scripts/run_tests.py --backend sqlite

test-postgresql: install
	$(BIN)/python scripts/run_tests.py --backend postgresql

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
