# One entry point for people and CI. `make run` serves the site, `make test` runs every
# test, `make ci` is what .ci/run runs. Everything installs itself from the registries.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
CHROMIUM_PATH ?= /usr/bin/chromium
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PG_CI_DB ?= nemus_ci
PG_CI_URL ?= postgres://postgres@127.0.0.1:5432/$(PG_CI_DB)
REDIS_CI_URL ?= redis://127.0.0.1:6379/1
PYTEST_ARGS ?=
# Postcodes: POSTCODES_FILE when given, else the copy beside the project (tests and
# CI), else GeoNames' download; without any, the finder works by place and position.
POSTCODES_FILE ?=
SHARED_POSTCODES := ../shared/data/geonames-NO-postcodes.txt
GEONAMES_URL := https://download.geonames.org/export/zip/NO.zip
# compilemessages walks the whole tree; keep it out of installed packages.
LOCALE_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install install-dev vendor system-deps chromium nginx front-test test-fast prepare postcodes run dev test \
        lint format messages compilemessages seed ci ci-sqlite ci-postgres services clean scan bench audit

help:
	@echo "make run    set up everything and serve the site on http://127.0.0.1:$(PORT)"
	@echo "make test   install what the tests need and run the whole suite"
	@echo "make test-fast   the suite without browser, gunicorn and nginx, on two cores"
	@echo "make ci     lint, migration check and the suite on SQLite and PostgreSQL"
	@echo "other: install dev lint format messages seed front-test scan bench audit clean"

# --- Installation ---------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser-side libraries are copied from node_modules into static/vendor (git-ignored),
# where collectstatic and WhiteNoise find them.
vendor: node_modules/.installed
	sh scripts/vendor.sh

# Debian packages the project needs: gettext (compilemessages). As root they are
# installed; otherwise we stop and say how.
system-deps:
	@if ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	  else echo "gettext is missing: run 'sudo apt-get install gettext' and try again." >&2; exit 1; fi; \
	fi

chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing for the browser tests: run 'sudo apt-get install chromium' and try again." >&2; exit 1; fi; \
	fi

# nginx for the front's tests (tests/deploy): Debian's package, run by the tests
# themselves on free ports with deploy/nginx/nemus.conf.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	  else echo "nginx is missing for the front's tests: run 'sudo apt-get install nginx' and try again." >&2; exit 1; fi; \
	fi

install: system-deps $(VENV)/.runtime-installed vendor

install-dev: install $(VENV)/.dev-installed chromium nginx

.env.local:
	umask 077 && $(PYTHON) -c 'import secrets; print("DJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > $@

compilemessages: system-deps $(VENV)/.runtime-installed
	DJANGO_DEBUG=1 $(MANAGE) compilemessages $(LOCALE_IGNORE) --verbosity 0

# --- Running ----------------------------------------------------------------------------
# The site `make run` serves is the demo: invented clinics, a banner on every page, and
# e-mail to files only (nemus_site/settings.py refuses a real mail server with it).
run dev seed prepare: export NEMUS_DEMO_MODE := 1

prepare: install .env.local compilemessages
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_profession_facts
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MAKE) --no-print-directory postcodes
	$(MANAGE) seed_demo
	$(MANAGE) createinitialrevisions conditions --comment "Første lagrede versjon" --verbosity 0

postcodes:
	@if [ -n "$(POSTCODES_FILE)" ]; then $(MANAGE) import_postcodes "$(POSTCODES_FILE)"; \
	elif [ -f "$(SHARED_POSTCODES)" ]; then $(MANAGE) import_postcodes "$(SHARED_POSTCODES)"; \
	else $(MANAGE) import_postcodes "$(GEONAMES_URL)" --if-empty --timeout 15 \
	  || echo "No postcodes loaded: the clinic finder works by place name and position."; \
	fi

run: prepare
	$(MANAGE) reset_admin_password --base-url http://127.0.0.1:$(PORT)
	PORT=$(PORT) NEMUS_SITE_URL=$${NEMUS_SITE_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/gunicorn -c gunicorn.conf.py nemus_site.wsgi

dev: prepare
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

seed: prepare

# --- Quality ----------------------------------------------------------------------------
test: install-dev compilemessages
	mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

# The same checks as .pre-commit-config.yaml, on every file, changing nothing.
TEMPLATES = $(wildcard $(shell git ls-files 'templates/*.html'))
PYTHON_FILES = $(wildcard $(shell git ls-files '*.py' | grep -v /migrations/))

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $(TEMPLATES)
	$(BIN)/django-upgrade --target-version 5.2 --check $(PYTHON_FILES)
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $(TEMPLATES)

messages: system-deps $(VENV)/.runtime-installed
	DJANGO_DEBUG=1 $(MANAGE) makemessages --locale=nb --locale=en --no-location $(LOCALE_IGNORE)

# PostgreSQL and Redis are started before the session on this kind of machine; start
# them if they are not answering (a restarted machine, say).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log

ci: lint install-dev compilemessages
	mkdir -p var
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	$(MAKE) ci-sqlite
	$(MAKE) ci-postgres

# Both suites on two cores (pytest-xdist), tests dealt in collection order (so the
# transactional ones, which empty the tables, still run last on each worker); each has
# its own test database (and Redis database, nemus_site/settings_test.py).
XDIST := -n 2 --dist load

ci-sqlite:
	$(BIN)/pytest --create-db $(XDIST) $(PYTEST_ARGS)

# The front's tests (nginx) and the separate-process tests (server: gunicorn workers,
# manage.py processes) choose their own databases, SQLite files and PostgreSQL
# databases of their own whichever suite runs them: once (above) is enough. The
# browser tests (e2e) look at pages, which the database does not change: once too.
ci-postgres: services
	psql "$(PG_ADMIN_URL)" -q -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS $(PG_CI_DB)' -c 'CREATE DATABASE $(PG_CI_DB)'
	DATABASE_URL=$(PG_CI_URL) REDIS_URL=$(REDIS_CI_URL) DJANGO_CACHE_PREFIX=nemus-ci-$$$$ \
	  $(BIN)/pytest --create-db $(XDIST) -m "not nginx and not server and not e2e" $(PYTEST_ARGS)

# The quick part, for the edit-test loop: no browser, no gunicorn, no nginx; on both
# cores with pytest-xdist. `make test` runs everything.
test-fast: install-dev compilemessages
	mkdir -p var
	$(BIN)/pytest -m "not e2e and not nginx and not server" -n 2 $(PYTEST_ARGS)

# The front alone (nginx before gunicorn), with its figures printed.
front-test: install-dev compilemessages
	mkdir -p var
	$(BIN)/pytest -m nginx -s $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor var

# --- Security scan (not in CI) ------------------------------------------------------------
# wapiti in its own virtualenv (its dependencies clash with ours), against a local server
# with demo data; scripts/scan_summary.py prints the findings and fails on any above
# "info" that scripts/scan_explained.txt does not explain.
SCAN_VENV := var/scan-venv

$(SCAN_VENV)/.installed: scripts/scan-requirements.txt
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install --quiet --disable-pip-version-check -r scripts/scan-requirements.txt
	touch $@

scan: install compilemessages $(SCAN_VENV)/.installed
	mkdir -p var
	sh scripts/scan.sh

# --- Benchmarks (not in CI) ---------------------------------------------------------------
# bench/run.py seeds a large data set into its own databases (the embedded default:
# var/bench/bench.sqlite3 and its cache table; then PostgreSQL nemus_bench and Redis
# db 2), serves each with gunicorn and loads it with wrk. Figures, as ratios to a
# static file in the same run, are printed and written to var/bench/.
bench: install compilemessages services
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "wrk is missing: run 'sudo apt-get install wrk' and try again." >&2; exit 1; fi; }
	mkdir -p var
	$(BIN)/python -m bench.run

# --- Lighthouse (not in CI) ---------------------------------------------------------------
# Lighthouse 12.8.2 (the last line that runs on Node 20) from audit/package-lock.json,
# with Debian's Chromium; reports and a summary in var/audit/.
audit/node_modules/.installed: audit/package.json audit/package-lock.json
	npm ci --prefix audit --no-audit --no-fund --loglevel=error
	touch $@

audit: install compilemessages chromium audit/node_modules/.installed
	mkdir -p var
	sh scripts/audit.sh
