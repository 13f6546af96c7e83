# Two commands do all the set-up on a fresh machine with only Python 3.11:
#   make run    the app on the embedded default (SQLite, local archive folder, no services)
#   make test   the test suite (PostgreSQL/Redis tests skip unless DATABASE_URL/TEST_REDIS_URL are set)
#   make lambda-package   the Lambda zip for STAGE (default dev) in dist/, no AWS account needed
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# The Lambda package is built from its own virtualenv holding only the runtime dependencies.
LAMBDA_VENV := .venv-lambda
LAMBDA_SITE := $(LAMBDA_VENV)/lib/python3.11/site-packages
STAGE ?= dev

.PHONY: run test lint venv messages lambda-venv lambda-package

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
	$(PY) manage.py create_staff_login --skip-existing
	$(PY) manage.py runserver $(HOST)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

# Translations: refresh the catalogues from the code, then compile them (needs GNU gettext).
messages: venv
	$(PY) manage.py makemessages -l vi -l en --no-location --ignore=.venv --ignore=.venv-lambda \
		--ignore=dist --ignore=tests --ignore=benchmarks --ignore=test-output --ignore=var \
		--ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.venv-lambda

# Runtime dependencies only (pyproject's [project].dependencies), then byte code that Lambda
# can use as is: unchecked-hash .pyc files stay valid in a zip whose file times are lost,
# which saves compiling Django at every cold start.
$(LAMBDA_VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	rm -rf $(LAMBDA_VENV)
	$(PYTHON) -m venv $(LAMBDA_VENV)
	$(PYTHON) -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > $(LAMBDA_VENV)/requirements.txt
	$(LAMBDA_VENV)/bin/python -m pip install --quiet --no-compile -r $(LAMBDA_VENV)/requirements.txt
	$(LAMBDA_VENV)/bin/python -m compileall -q -j 0 --invalidation-mode unchecked-hash $(LAMBDA_SITE) >/dev/null
	touch $@

lambda-venv: $(LAMBDA_VENV)/.installed

lambda-package: lambda-venv
	mkdir -p dist
	rm -f dist/meetassist-$(STAGE).zip
	VIRTUAL_ENV=$(CURDIR)/$(LAMBDA_VENV) $(LAMBDA_VENV)/bin/zappa package $(STAGE) -o dist/meetassist-$(STAGE).zip
