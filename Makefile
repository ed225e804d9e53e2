# Sanxiang — two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/sanxiang
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium
FULL ?=

.PHONY: venv run test test-sqlite test-postgres lint format bench e2e chromium gallery schema messages clean

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

## make test — lint, then the whole suite on SQLite, then again on PostgreSQL when one answers,
## then the browser scenarios (make e2e) once
test: venv lint test-sqlite test-postgres e2e

test-sqlite: venv
	$(BIN)/python -m pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)

test-postgres: venv
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(BIN)/python -m sanxiang.core.pgcheck "$$url"; then \
	  echo "== PostgreSQL: $$url"; DATABASE_URL="$$url" $(BIN)/python -m pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS); \
	else echo "== PostgreSQL not reachable at $$url: skipped the second run"; fi

## make e2e — the browser scenarios in Debian's Chromium against a live server on 127.0.0.1, on one
## database (DATABASE_URL, else SQLite): the two-database run is the unit suite's job. Screenshots
## of every step go to var/e2e/screenshots/; `make gallery` refreshes docs/screenshots/.
e2e: venv chromium
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

chromium:
	@test -x $(CHROMIUM) || { echo "== $(CHROMIUM) missing: installing Debian's chromium"; \
	  SUDO=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; }

gallery: venv chromium
	rm -rf docs/screenshots/*/
	SANXIANG_E2E_SHOTS=docs/screenshots $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)
	$(BIN)/python -m tests.e2e.gallery docs/screenshots

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
	cd src/sanxiang && ../../$(BIN)/sanxiang manage makemessages -l en --no-obsolete --no-wrap && ../../$(BIN)/sanxiang manage compilemessages

clean:
	rm -rf $(VENV) var/test-*
