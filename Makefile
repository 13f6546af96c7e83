# Two commands do all the set-up on a fresh machine with only Python 3.11:
#   make run    the app on the embedded default (SQLite, local archive folder, no services)
#   make test   the test suite (PostgreSQL/Redis tests skip unless DATABASE_URL/TEST_REDIS_URL are set)
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test lint venv messages

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 …'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --if-empty
	$(PY) manage.py create_staff_login
	$(PY) manage.py runserver $(HOST)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

# Translations: refresh the catalogues from the code, then compile them (needs GNU gettext).
messages: venv
	$(PY) manage.py makemessages -l vi -l en --no-location --ignore=.venv --ignore=tests \
		--ignore=benchmarks --ignore=test-output --ignore=var --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv
