# Venster: `make run` and `make test` set up everything they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test setup lint migrate demo worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin

run: demo
	scripts/run.sh

worker: setup
	$(BIN)/celery -A config worker --loglevel=info -Q celery,solver

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: setup
	scripts/test.sh

clean:
	rm -rf $(VENV) var staticfiles
