# The two commands a newcomer needs:  `make run`  and  `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes; set-up also installs
# Amazon's APL checker (apl-suggester, pinned in tools/apl/package-lock.json) into tools/apl.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint model serve package skill-package lock-lambda build-SkillFunction bench \
	local-debug node system-packages listen console

$(VENV)/.installed: pyproject.toml tools/apl/package-lock.json
	@echo "==> Setting up $(VENV) (the first time takes a few minutes; later runs skip this)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [1/3] pip"
	$(PY) -m pip install --quiet --upgrade pip
	@echo "==> [2/3] the skill and its development tools, from pyproject.toml"
	set -o pipefail; $(PY) -m pip install --progress-bar off -e ".[dev]" 2>&1 \
	  | tee $(VENV)/install.log | { grep --line-buffered -E "^(Collecting|Successfully|ERROR)" || true; }
	@echo "==> [3/3] Amazon's APL checker (apl-suggester) into tools/apl"
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory node
	cd tools/apl && npm ci --loglevel=error
	@echo "==> System packages: espeak-ng (answers as audio), chromium and its driver (console test)"
	@$(MAKE) --no-print-directory system-packages
	@echo "==> Set up. Commands: $(VENV)/bin/twitch-sim, twitch-model, twitch-package, twitch-serve"
	touch $@

## node: install node and npm (Debian's packages) for the APL checker, apl-suggester, when missing
node:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm; \
	else echo "the APL checker needs node and npm: install them (apt-get install nodejs npm)" >&2; exit 1; fi

## system-packages: Debian's espeak-ng (offline speech), chromium and chromium-driver (the
##   console's browser test), each installed only when missing; needs root (CI runs as root)
SYSTEM_PACKAGES := espeak-ng:espeak-ng chromium:chromium chromedriver:chromium-driver
system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -z "$$missing" ]; then echo "    espeak-ng, chromium, chromedriver: present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "    apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	else echo "    NOT INSTALLED:$$missing (not root): run 'sudo make system-packages' or" \
	  "'sudo apt-get install$$missing'; until then audio and the browser test are skipped" >&2; fi

## run: set up, then start the local skill simulator
run: $(VENV)/.installed
	$(VENV)/bin/twitch-sim chat

## test: set up, then run the linter and the whole test suite
test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

## model: regenerate interaction_models/*.json from content/ and interaction_models/intents/
model: $(VENV)/.installed
	$(PY) -m skill.build.model

## serve: set up, then run the skill as a web service under gunicorn (README, "Web service")
##        e.g. make serve SERVE_ARGS="--workers 4 --bind 127.0.0.1:8080"
serve: $(VENV)/.installed
	$(PY) -m skill.web.service serve $(SERVE_ARGS)

## package: build the Lambda zip (build/lambda.zip, CPython 3.13 arm64) and print its size
package: $(VENV)/.installed
	$(PY) -m skill.build.package lambda --out build/lambda.zip

## skill-package: assemble build/skill-package (skill.json, interactionModels/custom/*.json,
##   assets/images/ icons) for the ASK CLI; ENDPOINT=<SkillFunctionArn> writes the Lambda endpoint,
##   PRIVACY_POLICY_URL=https://... (and TERMS_OF_USE_URL=https://...) the hosted policy pages;
##   SUBMISSION=1 refuses to build unless everything certification asks for is there
skill-package: $(VENV)/.installed
	$(PY) -m skill.build.package skill-package --out build/skill-package \
		$(if $(ENDPOINT),--endpoint '$(ENDPOINT)') \
		$(if $(PRIVACY_POLICY_URL),--privacy-policy-url '$(PRIVACY_POLICY_URL)') \
		$(if $(TERMS_OF_USE_URL),--terms-of-use-url '$(TERMS_OF_USE_URL)') \
		$(if $(SUBMISSION),--submission)

## lock-lambda: re-pin requirements-lambda.txt after changing the Lambda's dependencies
lock-lambda: $(VENV)/.installed
	$(PY) -m skill.build.package lock

# `sam build` runs this (template.yaml: BuildMethod makefile) with ARTIFACTS_DIR set. It needs only
# python3 with pip, not .venv: the same file set as `make package`, unpacked into ARTIFACTS_DIR.
build-SkillFunction:
	$(PYTHON) -m skill.build.package lambda --into "$(ARTIFACTS_DIR)"

## local-debug: route a real Echo's requests to this machine (needs an Amazon developer account):
##   make local-debug ASK_SKILL_ID=amzn1.ask.skill... ASK_ACCESS_TOKEN=... (README, "Live testing")
local-debug: $(VENV)/.installed
	$(VENV)/bin/twitch-local-debug

## console: the test console in a browser, http://127.0.0.1:8042/ (CONSOLE_ARGS="--port 0 ...")
console: $(VENV)/.installed
	$(VENV)/bin/twitch-sim web $(CONSOLE_ARGS)

## listen: render every answer with espeak-ng and report the longest and median listening time
listen: $(VENV)/.installed
	$(PY) benchmarks/listening.py

## bench: cold start, warm latency, memory, package size and web service, against a hello-world skill
bench: $(VENV)/.installed
	$(PY) benchmarks/bench.py
