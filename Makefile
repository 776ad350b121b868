# Two commands for a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export QA_DATA_DIR ?= $(CURDIR)/var

.PHONY: install install-dev serve test eval bench load train clean

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

# Every set with one engine: a summary per set (the blind test sets, split-test and heldout: totals
# only), the time section, invariance on gold, risk–coverage and calibration printed for split-dev
# (every report file in eval/reports/ has them). EVAL_ARGS="--invariance" adds invariance everywhere.
EVAL_ARGS ?= --invariance gold
eval: install-dev
	$(BIN)/qa eval --sets all --mode hybrid --curves split-dev --failures 0 $(EVAL_ARGS)

# refit the answer scorer on eval/split-train and eval/time-train, operating point on the dev splits → qa/models/answer_scorer.json
train: install-dev
	$(BIN)/qa train

bench: install-dev
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.invariance

load: install-dev
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) var
