# Panhuo: the two commands of the README, and a few helpers.
#   make demo   install, migrate, load the demo and serve it (embedded SQLite, no server needed)
#   make test   the whole test suite on real PostgreSQL + Redis + Celery worker + Chromium

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/panhuo
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0
PYTEST_WORKERS    ?= 2

.PHONY: demo test install lint typecheck messages services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Panhuo is served at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

services:
	bash scripts/ensure-services.sh

test: install services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) PANHUO_REQUIRE_SERVICES=1 \
	  $(BIN)/pytest --create-db -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

messages:
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
