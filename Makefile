# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run console test lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/clientes-bot run

console: $(STAMP)
	$(BIN)/clientes-bot console

# Two pytest-xdist workers (this machine has 2 cores; PostgreSQL runs get one database per worker, see
# tests/conftest.py). `make test PYTEST_WORKERS=0` runs in one process; PYTEST_ARGS adds anything else.
PYTEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.discord_ack
	$(BIN)/python -m bench.padron

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
