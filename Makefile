# Two commands do the whole set-up on a bare machine:
#   make run   - virtualenv, install, migrate, load divisions and demo data, serve on 127.0.0.1:8000
#   make test  - the whole test suite against PostgreSQL and Redis (started by .ci/run in CI)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/unionapp
export TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint check audit browser gettext messages bench loadtest clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_divisions
	DEBUG=1 $(PY) manage.py seed_demo --scale small
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Browser journeys need Debian's Chromium and a Chinese font (screenshots); install them when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@fc-list :lang=zh | grep -q . || (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null)

# The catalogue tests re-run makemessages and msgfmt (GNU gettext); install it when missing.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)

# Extract every wrapped string into locale/en/LC_MESSAGES/django.po, then compile django.mo.
# Translate the new entries (no empty msgstr, no fuzzy) and commit both files.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=bench --ignore=loadtest --ignore=tests \
	--ignore=static/vendor --ignore=test-artifacts
messages: $(VENV)/.installed gettext
	$(PY) manage.py makemessages -l en $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages --ignore=.venv

test: $(VENV)/.installed browser gettext
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=unionapp.production DEBUG=0 ALLOWED_HOSTS=drive.example.org \
		SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
		$(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in pinned dependencies (pip-audit); prints a notice where PyPI is unreachable.
audit: $(VENV)/.installed
	.ci/dependency-audit

# Region-scale benchmark in its own database (bench/run.py --quick for a tenth); results in bench/RESULTS.md.
bench: $(VENV)/.installed
	$(PY) bench/run.py

# 50 staff on gunicorn + Celery over loopback for 90 s while an import and a roll-up run.
loadtest: $(VENV)/.installed
	$(PY) loadtest/run.py --record

clean:
	rm -rf var/db.sqlite3 var/media test-artifacts
