# The two commands: `make run` (serve the app with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

DFE_VENV := .venv-dfe
DFE_STAMP := $(DFE_VENV)/.installed

.PHONY: run test install system-deps node-deps services lint check validators

$(STAMP): pyproject.toml
	@bash scripts/ensure_python.sh "$(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the app on http://127.0.0.1:8000 (SQLite and in-process tasks unless
## DATABASE_URL / CELERY_BROKER_URL are set), with the demo accounts and caseload.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

## The DfE return validators pin pandas < 2: they get their own virtualenv.
$(DFE_STAMP):
	$(PYTHON) -m venv $(DFE_VENV)
	$(DFE_VENV)/bin/python -m pip install --quiet csc-validator-be-903 csc-validator-be-cin
	touch $(DFE_STAMP)

validators: $(DFE_STAMP)

system-deps:
	@bash scripts/ensure_system_deps.sh

services:
	@bash scripts/ensure_services.sh

## axe-core (package-lock.json) for the accessibility checks in the browser journeys.
node-deps:
	@bash scripts/ensure_node_deps.sh

lint: install
	$(VENV)/bin/ruff check .

check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

## Install and start what the suite needs, then run all of it: unit, view,
## PostgreSQL, real Celery worker and headless Chromium tests.
test: install validators system-deps node-deps services lint check
	DFE_VALIDATORS_PYTHON=$(DFE_VENV)/bin/python $(VENV)/bin/pytest --create-db
