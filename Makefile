# `make test` is the test command README gives and .ci/run calls.
.PHONY: test serve neo4j neo4j-stop lint docs bench

PYTHON ?= python3

test:
	tools/test.sh

serve:
	$(PYTHON) -m pip install --quiet -e . && alliance serve

neo4j:
	tools/neo4j.sh start

neo4j-stop:
	tools/neo4j.sh stop

lint:
	$(PYTHON) -m ruff check . && $(PYTHON) -m mypy

docs:
	alliance schema docs -o docs/schema.md

bench:
	$(PYTHON) benchmarks/run.py
