# The two commands a newcomer needs:  `make run`  and  `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint model serve

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

## run: set up, then start the local skill simulator
run: $(VENV)/.installed
	$(PY) -m skill.simulator chat

## test: set up, then run the linter and the whole test suite
test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

## model: regenerate interaction_models/*.json from content/ and interaction_models/intents/
model: $(VENV)/.installed
	$(PY) -m skill.model

## serve: set up, then run the skill as a web service under gunicorn (README, "Web service")
##        e.g. make serve SERVE_ARGS="--workers 4 --bind 127.0.0.1:8080"
serve: $(VENV)/.installed
	$(PY) -m skill.webservice serve $(SERVE_ARGS)
