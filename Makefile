# Two commands for a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export QA_DATA_DIR ?= $(CURDIR)/var

.PHONY: install install-dev serve test eval bench load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev,st]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

serve: install
	$(BIN)/qa ingest --if-stale
	$(BIN)/qa serve --host 127.0.0.1 --port $(PORT)

test: install-dev
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -q

eval: install-dev
	$(BIN)/qa eval

bench: install-dev
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.invariance

load: install-dev
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) var
