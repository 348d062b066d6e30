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

# Every benchmark runs even when an earlier one misses its target; the target fails if any did.
bench: $(STAMP)
	@status=0; \
	$(BIN)/python -m bench || status=1; \
	$(BIN)/python -m bench.slack_ack || status=1; \
	$(BIN)/python -m bench.discord_ack || status=1; \
	$(BIN)/python -m bench.cpu || status=1; \
	$(BIN)/python -m bench.scale || status=1; \
	$(BIN)/python -m bench.import_speed || status=1; \
	$(BIN)/python -m bench.padron || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
