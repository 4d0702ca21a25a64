# Two entry points: `make run` (set up, index the sample corpus, ask) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= What does UU 24/2011 require?

.PHONY: setup run test lint bench clean-index

setup: $(VENV)/.installed

# torch is installed first and pinned: an unpinned torch resolves to a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: setup
	$(BIN)/qa ingest --sample
	$(BIN)/qa ask "$(QUESTION)"

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/retrieval.py

clean-index:
	rm -rf index/store.sqlite* index/dense-*.faiss index/manifest.json index/.write.lock
