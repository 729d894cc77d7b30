# The two commands a newcomer needs:  `make run`  and  `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint model bench

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

## bench: cold start, warm latency, memory, package size and web service, against a hello-world skill
bench: $(VENV)/.installed
	$(PY) benchmarks/bench.py
