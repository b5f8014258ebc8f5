# Shubbak: `make run` starts the platform, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := contracts kit devstack deploy gateway identity-svc catalog-svc notary-svc ration-svc payment-svc office-routing-svc
TEST_DIRS := $(foreach p,$(PACKAGES),$(p)/tests) tests
STAMP := $(VENV)/.installed
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
SRC_DIRS := $(foreach p,$(PACKAGES),$(p)/src)
UNTYPED := identity catalog notary ration payment
# ^ transitional: packages not yet converted to the one way of issue 13 (each conversion removes its name)
MODULES := $(filter-out $(UNTYPED),$(notdir $(patsubst %/__init__.py,%,$(wildcard $(addsuffix /src/*/__init__.py,$(PACKAGES))))))

.DEFAULT_GOAL := help
.PHONY: help install run test lint bench clean contracts-export fuzz

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): $(PYPROJECTS) requirements-dev.txt constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -r requirements-dev.txt $(foreach p,$(PACKAGES),-e ./$(p))
	touch $(STAMP)

install: $(STAMP) ## create .venv and install every package (editable) and the dev tools

run: $(STAMP) ## start PostgreSQL, NATS, every service and the gateway with demo data (Ctrl-C stops all)
	$(PY) -m devstack.run

test: $(STAMP) ## run every package's tests against real PostgreSQL and NATS
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

bench: $(STAMP) ## benchmarks: ratios against baselines measured in the same run
	$(PY) bench/run.py

deploy-check: $(STAMP) ## render every Kubernetes overlay in deploy/ and validate each object offline
	$(PY) -m shubbak_deploy check

contracts-export: $(STAMP) ## JSON Schema for every event and the AsyncAPI document, into contracts/export
	$(PY) -m contracts export --out contracts/export

clean: ## remove .venv and all local data (.data)
	rm -rf $(VENV) .data
