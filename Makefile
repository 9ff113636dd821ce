# The two commands of the README: `make serve` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install serve test clean

install: $(VENV)/.installed

# torch first and pinned: the CPU wheel lies on our machines, while an unpinned torch pulled in
# by sentence-transformers would download a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

serve: install
	$(BIN)/triase serve

test: install
	$(BIN)/ruff check models training service tests benchmarks
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .triase .pytest_cache
