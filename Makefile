# Shubbak: `make run` starts the platform, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
# Python 3.11 to 3.13: the newest on PATH unless PYTHON says (`make test PYTHON=python3.13`).
PYTHONS := python3.13 python3.12 python3.11
PYTHON ?= $(firstword $(foreach p,$(PYTHONS),$(if $(shell $(p) -c '' 2>/dev/null && echo y),$(p))) python3.11)
# Its executable; a version pyenv has but has not activated (python3.13 -> 3.13.x) is found too.
PYTHON_BIN := $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null || { \
  v=$$(pyenv versions --bare 2>/dev/null | grep -E '^$(subst python,,$(notdir $(PYTHON)))(\.|$$)' | tail -n 1); \
  [ -n "$$v" ] && PYENV_VERSION=$$v $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null; })
PYTHON_VERSION := $(shell $(PYTHON_BIN) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := contracts kit devstack deploy gateway identity-svc catalog-svc notary-svc ration-svc payment-svc office-routing-svc web applications-svc evidence-svc
TEST_DIRS := $(foreach p,$(PACKAGES),$(p)/tests) tests
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
SRC_DIRS := $(foreach p,$(PACKAGES),$(p)/src)
MODULES := $(notdir $(patsubst %/__init__.py,%,$(wildcard $(addsuffix /src/*/__init__.py,$(PACKAGES)))))
EDITABLE := --no-deps --no-build-isolation $(foreach p,$(PACKAGES),-e ./$(p))

.DEFAULT_GOAL := help
NODE_TOOLS := .data/node/.installed
.PHONY: help install run test lint bench bench-tools clean contracts-export contracts-release fuzz node-tools browser lock deploy-check

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# The virtualenv gets pip (venv's bootstrap), then uv from the registry the same way; the locked
# dependencies (hashes checked) go in with uv, or with pip where uv cannot be had; then every
# package of this repository, editable, built by the locked hatchling.
$(STAMP): $(PYPROJECTS) requirements-dev.txt constraints.txt requirements.lock
	@[ -n "$(PYTHON_VERSION)" ] || { echo "needs $(PYTHON) (Python 3.11 to 3.13) on PATH"; exit 1; }
	@have=$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true); \
	if [ -n "$$have" ] && [ "$$have" != "$(PYTHON_VERSION)" ]; then echo "$(VENV) has Python $$have: recreating it with $(PYTHON_VERSION)"; rm -rf $(VENV); fi
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	@if [ -z "$$SHUBBAK_NO_UV" ] && $(PY) -m pip install -q -c constraints.txt uv 2>/dev/null; then \
	  echo "installing with uv"; \
	  $(VENV)/bin/uv pip install --python $(PY) -q --require-hashes -r requirements.lock && \
	  $(VENV)/bin/uv pip install --python $(PY) -q $(EDITABLE); \
	else \
	  echo "installing with pip (uv not available; SHUBBAK_NO_UV=1 asks for pip)"; \
	  $(PY) -m pip install -q --upgrade pip && \
	  $(PY) -m pip install -q --require-hashes -r requirements.lock && \
	  $(PY) -m pip install -q $(EDITABLE); \
	fi
	rm -f $(VENV)/.installed*
	touch $(STAMP)

install: $(STAMP) ## create .venv (Python 3.11-3.13; PYTHON=python3.13) and install the locked dependencies and every package

run: $(STAMP) ## start PostgreSQL, NATS, every service and the gateway with demo data (Ctrl-C stops all)
	$(PY) -m devstack.run

node-tools: $(STAMP) ## the contract tests' Node tools (AsyncAPI parser, TypeScript client generator) into .data/node
	@command -v npm >/dev/null || { echo "make test needs Node 20 and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	@$(PY) tests/node_tools.py >/dev/null

browser: ## the browser tests' Chromium (Debian's chromium package): installed when root, else says what to install
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	  else \
	    echo "the browser tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu), or set CHROMIUM=/path/to/chromium"; \
	    exit 1; \
	  fi; }

test: $(STAMP) node-tools browser ## run every package's tests against real PostgreSQL and NATS
	@failed=(); passed=0; failures=0; for d in $(TEST_DIRS); do \
	  [ -d $$d ] || continue; \
	  echo "== $$d"; \
	  $(PY) -m pytest -c pyproject.toml --rootdir $$(dirname $$d) $$d -q 2>&1 | tee .pytest-last.log; \
	  status=$${PIPESTATUS[0]}; \
	  p=$$(tail -n 1 .pytest-last.log | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true); \
	  f=$$(tail -n 1 .pytest-last.log | grep -oE "[0-9]+ (failed|errors?)" | grep -oE '^[0-9]+' | awk '{s+=$$1} END {print s+0}'); \
	  passed=$$((passed + $${p:-0})); failures=$$((failures + $${f:-0})); \
	  [ $$status -eq 0 ] || failed+=($$d); \
	done; rm -f .pytest-last.log; \
	if [ $${#failed[@]} -gt 0 ]; then echo "FAILED: $${failed[*]}"; fi; \
	echo "$$passed passed, $$failures failed"; \
	[ $${#failed[@]} -eq 0 ]

fuzz: $(STAMP) ## schemathesis on a platform of its own: every phase, more examples (SHUBBAK_FUZZ_EXAMPLES=40)
	SHUBBAK_FUZZ=full $(PY) -m pytest -c pyproject.toml --rootdir tests tests/test_schemathesis.py -q

lint: $(STAMP) ## ruff on everything; mypy (strict defs, pydantic plugin) on every package and bench/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	MYPYPATH=$(subst $(eval) ,:,$(SRC_DIRS)):. $(VENV)/bin/mypy $(addprefix -p ,$(MODULES) bench)

bench-tools: ## the benchmarks' system tools (Debian's nginx-light, wrk, chromium): installed when root, else says what is missing
	@missing=""; [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM" ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's$$missing for the benchmarks"; \
	    apt-get install -y -q $$missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; } \
	      || echo "could not install$$missing: the cases that need them say so, the others run"; \
	  else \
	    echo "the benchmarks use$$missing when installed ('sudo apt-get install$$missing'): the cases that need them say so, the others run"; \
	  fi; \
	fi

bench: $(STAMP) bench-tools ## benchmarks: ratios against baselines measured in the same run
	$(PY) bench/run.py

deploy-check: $(STAMP) ## render every Kubernetes overlay in deploy/ and validate each object offline
	$(PY) -m shubbak_deploy check

contracts-release: $(STAMP) ## write the released API contracts (contracts/released: merged OpenAPI, AsyncAPI)
	$(PY) -m devstack.contracts_release

lock: ## regenerate requirements.lock (hashes) from constraints.txt, for every platform and Python 3.11+
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install -q -c constraints.txt uv
	printf -- '-e ./%s\n' $(PACKAGES) > .lock-packages.in
	$(VENV)/bin/uv pip compile -q --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" -c constraints.txt requirements-dev.txt .lock-packages.in \
	  $(foreach p,$(PACKAGES),--no-emit-package shubbak-$(p)) -o requirements.lock; \
	  status=$$?; rm -f .lock-packages.in; exit $$status

contracts-export: $(STAMP) ## JSON Schema for every event and the AsyncAPI document, into contracts/export
	$(PY) -m contracts export --out contracts/export

clean: ## remove .venv and all local data (.data)
	rm -rf $(VENV) .data
