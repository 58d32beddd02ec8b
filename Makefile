# playbook: the two commands a newcomer needs are `make lab` and `make test`.
# Every target installs what it needs into .venv first; a second run only installs what changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
WORKSPACE ?= $(CURDIR)/sessions
# JupyterLab refuses to run as root unless told to; containers and CI machines often are root.
LAB_FLAGS ?= --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,)
START    := notebooks/00_start_here.ipynb
HUB      := deploy/jupyterhub
PROXY    := $(HUB)/node_modules/.bin/configurable-http-proxy

.DEFAULT_GOAL := help
.PHONY: help install lab app hub hub-proxy test test-fast lint format bench reader handouts browser clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "playbook needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.hub: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[hub]"
	@touch $@ $(VENV)/.runtime

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime ## Create .venv and install the playbook with its dependencies

lab: $(VENV)/.runtime ## Install, then open JupyterLab on the start notebook with the example session
	@mkdir -p "$(WORKSPACE)"
	PLAYBOOK_WORKSPACE="$(WORKSPACE)" $(BIN)/python -m playbook.launch jupyterlab $(LAB_FLAGS) \
		--ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(START)

# APP_FLAGS: e.g. "--port 9000 --no-browser"; see `playbook app --help`.
app: $(VENV)/.runtime ## Install, then serve notebooks 00-05 as a web app without code (Voila) on the same sessions
	@mkdir -p "$(WORKSPACE)"
	PLAYBOOK_WORKSPACE="$(WORKSPACE)" $(BIN)/playbook app notebooks $(APP_FLAGS)

# JupyterHub's proxy is a Node.js program; npm installs the version pinned in $(HUB)/package-lock.json.
$(PROXY): $(HUB)/package.json $(HUB)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's nodejs and npm for the hub's proxy"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(HUB) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm is missing: run 'sudo apt-get install nodejs npm' (the hub test is skipped, and fails under CI=true)" >&2; \
	fi

hub-proxy: $(PROXY) ## Install the hub's proxy (configurable-http-proxy, from npm) into deploy/jupyterhub

hub: $(VENV)/.hub $(PROXY) ## Install, then start a workshop JupyterHub on http://127.0.0.1:8000 (README: workshops)
	$(BIN)/python -m playbook.launch jupyterhub -f $(HUB)/jupyterhub_config.py

# Browser tests drive Debian's Chromium through Python playwright (never a downloaded browser); the
# output tests also count PDF pages (poppler-utils) and run the W3C Nu checker (Java) and axe-core, which
# npm installs into tests/tools as pinned in its package-lock.json.
BROWSER_DEBS := chromium poppler-utils default-jre-headless
CHECKERS     := tests/tools/node_modules/.installed

browser: $(CHECKERS) ## Install what the browser and output tests need: Chromium, pdfinfo, Java (apt), Nu checker and axe-core (npm)
	@missing="$$(for p in $(BROWSER_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's $$missing for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "missing: $$missing; run 'sudo apt-get install $$missing' (browser tests are skipped, and fail under CI=true)" >&2; \
	fi

# Java first: vnu-jar's install step would otherwise try to fetch a Java runtime of its own.
$(CHECKERS): tests/tools/package.json tests/tools/package-lock.json
	@if ! command -v java >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	fi
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm is missing: run 'sudo apt-get install nodejs npm' (the output checks are skipped, and fail under CI=true)" >&2; \
	fi

test: $(VENV)/.test browser $(PROXY) ## Install with the test extras, then lint and run every test (browser and hub included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The quick loop while you work: everything but the tests that start a kernel, Chromium, the app or a hub,
# or retrain the learned reader.
FAST := not slow and not browser and not hub

test-fast: $(VENV)/.test ## Lint, then every test that needs no kernel, browser, app or hub (a quick loop)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "$(FAST)"

lint: $(VENV)/.test ## Lint only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test ## Format the code and fix what ruff can fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.test $(PROXY) ## Print the benchmark table (BENCH_FLAGS=--no-servers skips the app and hub)
	$(BIN)/python benchmarks/run.py $(BENCH_FLAGS)

reader: $(VENV)/.test ## Retrain the learned reader after changing tests/corpus or the cues (a test fails until you do)
	$(BIN)/python benchmarks/train_reader.py

handouts: $(VENV)/.runtime ## Build the example handouts (build/handouts) and the playbook site (build/site)
	$(BIN)/playbook handout assets/examples/*.session.yaml --audience participants -o build/handouts
	$(BIN)/playbook handout assets/examples/*.session.yaml --audience facilitator -o build/handouts
	$(BIN)/playbook export notebooks -o build/site

clean: ## Remove the virtual environment, caches and build output (not your sessions)
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache $(HUB)/node_modules tests/tools/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
