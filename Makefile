# `make run` and `make test` do all set-up: they create .venv when missing and install the
# project into it (again only when pyproject.toml changed). `make test` and `make bench` also
# install the system packages the real-component tests need (`make sysdeps`: skipped when they
# are there; the list is scripts/sysdeps.sh). Tests never install anything themselves.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast sysdeps lint bench index clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "需要 Python 3.11（找不到 $(PY)）"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m assistant.launch

sysdeps:
	@bash scripts/sysdeps.sh

test: $(STAMP) sysdeps
	$(BIN)/ruff check assistant app.py tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# Quick local loop: no browser, LibreOffice, Chroma or PostgreSQL server (tests marked slow).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check assistant app.py tests benchmarks
	$(BIN)/mypy

bench: $(STAMP) sysdeps
	$(BIN)/python -m benchmarks.run

index: $(STAMP)
	$(BIN)/assistant index

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
