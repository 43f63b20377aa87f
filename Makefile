# The whole set-up is two commands: `make run` and `make test` (see README).
PY := .venv/bin/python
SHELL := /bin/bash

.PHONY: run test setup migrate demo check lint bench backup restore messages audit

setup:
	@./scripts/setup.sh

migrate: setup
	$(PY) manage.py migrate --noinput

# Demo data is loaded once; later runs keep whatever the database holds.
demo: migrate
	@if [ -n "$$($(PY) manage.py help seed_demo 2>/dev/null | head -1)" ]; then \
	  $(PY) manage.py shell -c "from facilities.models import Facility; import sys; sys.exit(0 if Facility.objects.exists() else 1)" \
	  || $(PY) manage.py seed_demo; fi

run: demo
	$(PY) manage.py collectstatic --noinput -v 0
	@./scripts/serve.sh

check: messages
	.venv/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_messages.py
	.venv/bin/mypy $$(./scripts/mypy_targets.sh)

# Two test processes, one per core of the CI machine (pytest-xdist; each has its own test database and
# Redis db). TEST_PROCESSES=0 runs the suite in this one process.
TEST_PROCESSES ?= 2
test: check
	$(PY) -m pytest -n $(TEST_PROCESSES)

lint:
	.venv/bin/ruff check .

APPS_WITH_CATALOGUES := facilities subsidies childcare monitoring eldercare community hechuan_portal/accounts hechuan_portal/areas hechuan_portal/residents overview
# Source strings are Chinese; each app keeps its own English catalogue (app/locale/en), the project's
# templates and settings use ./locale/en.
messages: setup
	$(PY) manage.py makemessages -l en --no-wrap --no-location --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles \
	  $(foreach a,$(APPS_WITH_CATALOGUES),--ignore=./$(a)) -v 0
	@for d in $(APPS_WITH_CATALOGUES); do mkdir -p $$d/locale; \
	  (cd $$d && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l en --no-wrap --no-location --no-obsolete -v 0); done
	@./scripts/messages_settle.sh

bench: migrate
	@# wrk drives the HTTP benchmark (bench/httpload.py); installed here like setup.sh installs its packages.
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1 || true
	@command -v wrk >/dev/null 2>&1 || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py

backup: setup
	@./scripts/backup.sh backup $(FILE)

restore: setup
	@./scripts/backup.sh restore $(FILE)

# Release checklist (SECURITY.md): known vulnerabilities in every pinned package of requirements.lock.
# pip-audit runs from its own throw-away environment and asks pypi.org's vulnerability data over the
# internet; --strict fails when a package could not be checked (e.g. offline), never passes silently.
AUDIT_VENV := $(or $(TMPDIR),/tmp)/hechuan-pip-audit
audit:
	@test -x $(AUDIT_VENV)/bin/pip-audit || (python3 -m venv $(AUDIT_VENV) && $(AUDIT_VENV)/bin/pip install -q pip-audit==2.10.1)
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r requirements.lock
	npm audit --omit=dev
