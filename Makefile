# Thin aliases so the same commands run on a laptop and in CI. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
KEYS := var/secret.key var/data.key

.PHONY: setup setup-spark run test lint typecheck fmt messages schema bench

setup: $(STAMP) $(KEYS)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Qingling needs Python 3.11"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed: on Debian, apt-get install python3-venv"; exit 1; }
	@echo "setup: 1/2 updating pip in $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@echo "setup: 2/2 installing Qingling's Python packages into $(VENV) (once; 1-3 minutes; each package is named as it comes) ..."
	@set -o pipefail; $(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]' \
	  | sed -u -n -e '/^Collecting /{s/^Collecting /setup:   fetching /;p;}' \
	    -e '/^Installing collected/{s/.*/setup:   installing them .../;p;}' \
	    -e '/^Successfully installed/{s/.*/setup:   done/;p;}'
	@echo "setup: packages installed"
	@touch $(STAMP)

# The optional extra "spark" (pyspark, about 400 MB): the monitoring rules on Spark and
# their tests. `make test` and `make typecheck` install it; `make run` does not need it.
setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP)
	@echo "setup: installing pyspark for the Spark tests (once; about 400 MB) ..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,spark]'
	@touch $@

# Local keys for the demo, never committed (var/ is ignored). Production sets
# QINGLING_SECRET_KEY and QINGLING_DATA_KEY (or their _FILE forms) instead.
$(KEYS):
	@mkdir -p var
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@
	@echo "created $@"

# The system checks run once, by `qingling check --database default`, before the server
# starts (not again in each command: each run costs seconds on a small machine).
run: setup
	@echo "run: creating or updating the database (about 20 s the first time) ..."
	$(BIN)/qingling migrate --noinput --skip-checks
	$(BIN)/qingling createcachetable
	$(BIN)/qingling scenario liaoyuan-2021 --if-empty --skip-checks
	$(BIN)/qingling check --database default
	@echo "Qingling at http://127.0.0.1:8000 (Ctrl-C stops the server and the worker)"
	QINGLING_DEBUG=1 QINGLING_DEMO_CLOCK=1 $(BIN)/qingling serve 127.0.0.1:8000 --skip-checks

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/qingling makemigrations --check --dry-run
	$(BIN)/python -m qingling.core.messages_check

typecheck: setup setup-spark
	$(BIN)/mypy qingling config

test: lint typecheck setup-spark
	$(BIN)/pytest -q

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
messages: setup
	$(BIN)/qingling makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var \
	  --ignore='*/tests/*' --ignore=bench
	$(BIN)/qingling compilemessages --ignore=.venv

# The committed OpenAPI document; a test fails when the API changed without it.
schema: setup
	$(BIN)/qingling export_openapi_schema --api qingling.api.v1.api --output docs/openapi.json \
	  --indent 2 --sorted

# Every benchmark in one run (about half an hour); docs/performance.md quotes its logs.
bench: setup setup-spark
	bench/run_all.sh
