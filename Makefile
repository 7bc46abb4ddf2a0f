# MotCua: `make run` serves the Cà Mau demo on http://127.0.0.1:8000; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# One single-threaded worker process per core, at most 4 for the demo (granian's WSGI default of
# hundreds of threads per worker makes them fight over Python's GIL; bench/README.md).
WEB_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
WEB_THREADS ?= 1
PYTEST_ARGS ?=
# The demo's QR codes and signed documents point at the demo server (production sets its own).
export MOTCUA_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint typecheck pytest install migrate demo serve worker messages bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py generate_history --year 2025 --count 5000 --seed 1 --if-empty
	$(PY) manage.py signatures_dev_pki
	$(PY) manage.py documents_demo_issue

run: demo
	@$(PY) manage.py demo_logins
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl+C stops the web server and the task worker)"
	@trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py recover_tasks >var/worker.log 2>&1; \
	$(PY) manage.py db_worker --queue-name default >>var/worker.log 2>&1 & WORKER=$$!; \
	$(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WEB_WORKERS) \
		--blocking-threads $(WEB_THREADS) --no-ws motcua.wsgi:application

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy motcua

pytest: install
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/pytest -n 2 --dist loadfile --create-db $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
