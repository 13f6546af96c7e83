# Two commands do all the set-up on a fresh machine with only Python 3.11:
#   make run    the app on the embedded default (SQLite, local archive folder, no services)
#   make test   the test suite (PostgreSQL/Redis tests skip unless DATABASE_URL/TEST_REDIS_URL are set)
#   make lambda-package   the Lambda zip for STAGE (default dev) in dist/, no AWS account needed
#   make cdk-check   the AWS platform (deploy/cdk): cdk synth of both stages, its tests, cdk-nag
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# The Lambda package is built from its own virtualenv holding only the runtime dependencies.
LAMBDA_VENV := .venv-lambda
LAMBDA_SITE := $(LAMBDA_VENV)/lib/python3.11/site-packages
STAGE ?= dev

.PHONY: run test lint venv messages lambda-venv lambda-package cdk-venv cdk-synth cdk-check

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 …'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

# HOST: where the development server listens (address:port, or a port); the printed login
# link uses it. DJANGO_RUNSERVER_HIDE_WARNING: `make run` is the local development server by
# design, so Django's "This is a development server" warning is left out of a clean start.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data --if-empty
	$(PY) manage.py create_staff_login --skip-existing --address $(HOST)
	DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver $(HOST)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Translations: refresh the catalogues from the code, then compile them (needs GNU gettext).
messages: venv
	$(PY) manage.py makemessages -l vi --no-location --ignore=.venv --ignore=.venv-lambda \
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

# The AWS platform as code (deploy/cdk, DEPLOY.md). Its virtualenv and the pinned CDK CLI
# live under deploy/cdk, which the Lambda package excludes: neither can grow the package.
CDK_DIR := deploy/cdk
CDK_VENV := $(CDK_DIR)/.venv
CDK_PYTEST_ARGS ?= -q
# jsii warns at every start that Node 20 is past its end of life (synth is unaffected);
# the CLI's telemetry would reach out to the network.
CDK_ENV := CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

# --no-compile: byte-compiling all of aws-cdk-lib's generated modules takes over a minute;
# Python compiles the few the app imports on first use.
$(CDK_VENV)/.installed: $(CDK_DIR)/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	rm -rf $(CDK_VENV)
	$(PYTHON) -m venv $(CDK_VENV)
	$(CDK_VENV)/bin/python -m pip install --quiet --no-compile -r $(CDK_DIR)/requirements.txt
	touch $@

$(CDK_DIR)/node_modules/.installed: $(CDK_DIR)/package-lock.json
	cd $(CDK_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

cdk-venv: $(CDK_VENV)/.installed $(CDK_DIR)/node_modules/.installed

cdk-synth: cdk-venv
	cd $(CDK_DIR) && $(CDK_ENV) node_modules/.bin/cdk synth --quiet --no-notices

# The tests run `cdk synth` of both stages themselves (tests/test_synth.py, twice, to compare
# the two), then assert on the templates and on cdk-nag's report.
cdk-check: cdk-venv
	cd $(CDK_DIR) && $(CDK_ENV) .venv/bin/python -m pytest $(CDK_PYTEST_ARGS)
