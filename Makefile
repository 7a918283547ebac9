# Event Inspector — common commands. `make help` lists them.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_DIR := tests/clients/node

.DEFAULT_GOAL := help
.PHONY: help install run serve node-deps test test-fast lint typecheck check min-versions bench screenshots package clean

help: ## list the common commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the app with its dev tools

run: $(STAMP) ## open the window (collector on http://127.0.0.1:8787)
	$(VENV)/bin/event-inspector

serve: $(STAMP) ## run the collector headless on http://127.0.0.1:8787
	$(VENV)/bin/event-inspector serve

node-deps: ## install the Node client libraries the compatibility tests drive
	@if [ -f $(NODE_DIR)/package-lock.json ] && command -v npm >/dev/null \
	  && [ ! $(NODE_DIR)/node_modules/.package-lock.json -nt $(NODE_DIR)/package-lock.json ]; then \
	  cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error; fi

MIN_LOG := build/min-versions.log
# The suite, and beside it (its output in MIN_LOG) the tests under the declared minimum versions
# (packaging/min_versions.py); either failing fails `make test`. Not niced: its timing tests
# (deadlines, forwarding) need their share of the CPU on a busy machine.
test: $(STAMP) node-deps ## install everything; run the whole suite and, beside it, the tests under the declared minimums
	@mkdir -p build
	@echo "minimum versions: installing them and running their tests beside the suite (log: $(MIN_LOG))"
	@$(PY) packaging/min_versions.py --log $(MIN_LOG) & minv=$$!; \
	trap 'kill $$minv 2>/dev/null' INT TERM; \
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest; suite=$$?; \
	wait $$minv; minv_rc=$$?; \
	if [ $$minv_rc -eq 0 ]; then tail -n 2 $(MIN_LOG); else tail -n 60 $(MIN_LOG); fi; \
	[ $$suite -eq 0 ] && [ $$minv_rc -eq 0 ]

test-fast: $(STAMP) ## domain and collector tests only (no Qt, no Node, no browser)
	$(PY) -m pytest tests/domain tests/collector tests/cli tests/test_architecture.py

lint: $(STAMP) ## ruff (lint + format check) and import-linter contracts
	$(VENV)/bin/ruff check inspector tests benchmarks docs
	$(VENV)/bin/ruff format --check inspector tests benchmarks docs packaging
	$(VENV)/bin/lint-imports

typecheck: $(STAMP) ## mypy, strict on every package (listed in pyproject.toml)
	$(VENV)/bin/mypy

check: lint typecheck test ## everything CI cares about

bench: $(STAMP) ## ingest benchmark (ratios against a baseline run in the same session)
	$(PY) benchmarks/ingest.py

screenshots: $(STAMP) ## regenerate docs/*.png offscreen
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_qa_screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_requests_screenshots.py

min-versions: $(STAMP) ## only the tests under the declared minimum versions (`make test` runs them too)
	$(PY) packaging/min_versions.py

BUILD_VENV := build/venv
package: ## one-folder PyInstaller build in dist/ (in its own venv, build/venv; .venv stays editable)
	test -x $(BUILD_VENV)/bin/python || python3 -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUILD_VENV)/bin/python -m pip install --quiet '.[package]'
	$(BUILD_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	PY=$(BUILD_VENV)/bin/python bash packaging/build.sh

clean: ## remove build output and caches
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
