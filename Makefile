# make run: set up and serve the portal with demo data; make test: set up and run every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test setup lint messages worker beat migrations-check

# The two commands choose their profile themselves: without one the settings are production's,
# which refuse to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (README).
run setup worker beat messages migrations-check: export KBNN_PROFILE = local
test: export DJANGO_SETTINGS_MODULE = kbnn_survey.settings.test

$(VENV)/.installed: requirements.txt scripts/bootstrap_venv.py
	$(PYTHON) scripts/bootstrap_venv.py $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(PY) scripts/compile_messages.py
	$(PY) manage.py migrate --noinput

run: setup
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py seed_demo
	@echo "Portal: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# axe-core for the accessibility test (npm registry; skipped with a reason where npm is missing).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility test will say so"; fi

test: $(VENV)/.installed node_modules/.installed
	$(PY) scripts/compile_messages.py
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# Models and migrations agree (CI); the local profile, since it needs no secrets.
migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

# Re-extract the catalogues after changing user-facing strings (needs GNU gettext).
# Each app keeps its own catalogue; the root locale/ holds templates/ and kbnn_survey/.
APPS := $(patsubst %/apps.py,%,$(wildcard */apps.py))
messages:
	for app in $(APPS); do (cd $$app && DJANGO_SETTINGS_MODULE=kbnn_survey.settings.test \
	  PYTHONPATH=.. ../$(VENV)/bin/django-admin makemessages -l vi -l en) || exit 1; done
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=bench \
	  $(foreach app,$(APPS),--ignore=$(app))

worker: setup
	$(VENV)/bin/celery -A kbnn_survey worker -l info

beat: setup
	$(VENV)/bin/celery -A kbnn_survey beat -l info
