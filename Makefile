# Two commands: `make run` (set up everything, serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1:8000
# `make run` is the development demo: DEBUG on unless you say otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run serve test venv migrate seed lint format check-migrations clean bench floor load audit faults

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11).")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

migrate: venv
	$(RUN_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo

run: seed
	@echo "Serving on http://$(HOST)/ - sign in as frontdesk, therapist, therapist2 or admin (password: demo)"
	@# The task worker (long PDF exports) beside the development server; both stop together.
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(RUN_ENV) $(PY) manage.py runserver $(HOST)

# Production on this machine: DEBUG off, gunicorn and the task worker, migrations and static files first
# (deploy/serve.py). Needs SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL.
serve: venv
	$(PY) deploy/serve.py

test: venv
	@if [ -x "$(CHROMIUM)" ]; then \
		$(PY) -m pytest; \
	else \
		echo "*** SKIPPING the browser (e2e) tests: $(CHROMIUM) not found. Install it with: apt-get install chromium"; \
		$(PY) -m pytest -m "not e2e"; \
	fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: venv
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Security gates: advisories for the pinned runtime dependencies (says NOT AUDITED, without failing, when the
# advisory source is unreachable), then bandit on our code (settings in pyproject.toml [tool.bandit]).
audit: venv
	$(PY) .ci/audit_dependencies.py
	$(VENV)/bin/bandit -c pyproject.toml -r clinic intake notes bench -q

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .test-media

# Benchmarks (not part of `make test`): first the PDF export against the length of the record (bench/pdf_length.py,
# on a throwaway database: SQLite unless DATABASE_URL says otherwise; writes bench/PDF_LENGTH.md), then the pages on
# PostgreSQL: seeds the database clinic_bench (kept between runs: the second run measures at once; drop it to start
# over), writes bench/RESULTS.md.
BENCH_DB ?= clinic_bench
bench: venv
	$(PY) bench/pdf_length.py
	$(PY) -c "import psycopg; c = psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', autocommit=True); c.execute('CREATE DATABASE $(BENCH_DB)') if not c.execute(\"SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'\").fetchone() else None"
	DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) $(PY) manage.py migrate --noinput -v0
	STATEMENT_TIMEOUT_MS=0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) $(PY) bench/run.py

# The floor page of this code against an earlier commit's (BEFORE, by default the last before issue 14's reads),
# side by side in one run on this machine (bench/floor_against.py; two throwaway PostgreSQL databases).
BEFORE ?= 0568baf
floor: venv
	$(PY) bench/floor_against.py $(BEFORE)

# Load test on PostgreSQL (not part of `make test`): Locust (bench/locustfile.py) against gunicorn on loopback, one
# server then two; bench/LOAD.md.
# Creates and drops its own database (LOAD_DB, default clinic_load); LOAD_SECONDS bounds each phase (60).
load: venv
	$(PY) bench/load.py

# Fault drill (not part of `make test`): a throwaway PostgreSQL cluster (initdb, another port) stopped and started
# under load, a gunicorn worker killed; checks every acknowledged write is stored once. About a minute.
faults: venv
	$(PY) tests/faults/run_faults.py
