# Trajectoire — two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install quality lint format lock migrate referentials demo worker bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP): $(BIN)/python requirements/dev.txt
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

referentials: migrate
	$(BIN)/python manage.py import_rome --if-empty
	$(BIN)/python manage.py import_tension --if-empty

demo: referentials
	$(BIN)/python manage.py load_demo

# DEBUG is off unless `DEBUG=true make run`: the demo shows the French error pages users will see.
# WhiteNoise serves static files straight from the source folders outside production (no collectstatic).
DEBUG ?= false
run: demo
	@echo "Serving http://127.0.0.1:$(PORT)/ with DEBUG=$(DEBUG) (DEBUG=true make run for Django's debug pages)."
	DEBUG=$(DEBUG) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: install
	$(BIN)/python manage.py db_worker

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --check --lint trajectoire/templates

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djlint --reformat trajectoire/templates

quality: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy

test: quality
	$(BIN)/pytest

lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/dev.txt requirements/dev.in

bench: install
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
