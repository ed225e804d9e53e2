# Sanxiang — two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/sanxiang
PYTEST_ARGS ?=
FULL ?=

.PHONY: venv run test test-sqlite test-postgres lint format bench e2e schema messages clean

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/dev.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## make run — fresh clone to a running demo on http://$(HOST):$(PORT)/ (SQLite under ./var/)
run: venv
	$(BIN)/sanxiang manage migrate --noinput -v 0
	$(BIN)/sanxiang keys
	$(BIN)/sanxiang demo
	$(BIN)/sanxiang serve --host $(HOST) --port $(PORT)

## make test — lint, then the whole suite on SQLite, then again on PostgreSQL when one answers
test: venv lint test-sqlite test-postgres

test-sqlite: venv
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: venv
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(BIN)/python -m sanxiang.core.pgcheck "$$url"; then \
	  echo "== PostgreSQL: $$url"; DATABASE_URL="$$url" $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS); \
	else echo "== PostgreSQL not reachable at $$url: skipped the second run"; fi

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m sanxiang.cli manage makemigrations --check --dry-run -v 0

format: venv
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

## make bench — every benchmark in quick mode (FULL=1 for full sizes)
bench: venv
	$(BIN)/python bench/run_all.py $(if $(FULL),--full,)

schema: venv
	$(BIN)/sanxiang manage spectacular --file docs/openapi.yaml --validate

messages: venv
	cd src/sanxiang && ../../$(BIN)/sanxiang manage makemessages -l en --no-obsolete && ../../$(BIN)/sanxiang manage compilemessages

clean:
	rm -rf $(VENV) var/test-*
