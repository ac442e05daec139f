# KPO Advisor: the two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell scripts/find-python.sh)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements.sha256
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
USERS ?= 50
SPAWN_RATE ?= 10
RUN_TIME ?= 5m
# Stop the load test's database DB_STOP_AT seconds into the load, for DB_STOP_FOR seconds (unset: no outage).
DB_STOP_AT ?=
DB_STOP_FOR ?= 20
BENCH_SCALE ?= 1000000

.PHONY: help run test lint fmt check-python venv bootstrap loadtest bench

help:
	@echo "make run   - set up everything and serve KPO Advisor on http://$(HOST):$(PORT), with its background workers"
	@echo "make test  - set up everything and run the whole test suite (lint, types, migrations, tests)"
	@echo "make loadtest - $(USERS) simulated buyers for $(RUN_TIME) against gunicorn on loopback; writes docs/reliability.md"
	@echo "               (DB_STOP_AT=120 DB_STOP_FOR=20: stop its database in the middle, count what buyers got)"
	@echo "make bench - the performance suite (engine, requests, $(BENCH_SCALE) recommendations, throughput); writes docs/performance.md"

check-python:
	@test -n "$(PYTHON)" || { echo "No suitable Python found (see the message above)."; exit 1; }

# Re-install requirements only when requirements.txt changed since the last install.
venv: check-python
	@if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); fi
	@want=$$(sha256sum requirements.txt | cut -d' ' -f1); have=$$(cat $(STAMP) 2>/dev/null); \
	if [ "$$want" != "$$have" ]; then \
	  echo "Installing requirements"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt && echo "$$want" > $(STAMP); \
	fi

bootstrap: venv
	@$(MANAGE) bootstrap --host $(HOST) --port $(PORT)

# The server and two background workers, one for the memo PDF and mail, one for webhook deliveries (their own
# queue, so a slow receiver never holds up a memo or a password reset); Ctrl-C stops all three. A worker that exits
# unasked (a crash, a kill; a lost database it waits out itself) is started again 2 s later; exit status 0
# means it was asked to stop. Production runs the workers as services (docs/operations.md "The worker").
# The development server runs each request on a thread of its own, so a connection kept for the next request
# (CONN_MAX_AGE) is never reused and stays open until its thread is collected: 20 clients filled PostgreSQL's 100
# connections (review 42). It closes each request's connection instead.
run: bootstrap
	@export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	keep() { trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null; exit 0' TERM; \
	  while :; do \
	    $(MANAGE) worker --queue "$$@" & worker=$$!; wait $$worker; status=$$?; \
	    if [ $$status = 0 ]; then break; fi; \
	    echo "The background worker for the $$1 queue exited (status $$status); starting it again in 2 s."; sleep 2; \
	  done; }; \
	( keep default ) & tasks=$$!; ( keep default --min-priority 50 ) & mail=$$!; ( keep webhooks ) & hooks=$$!; \
	trap 'kill -TERM $$tasks $$mail $$hooks 2>/dev/null; wait $$tasks $$mail $$hooks 2>/dev/null' EXIT; \
	CONN_MAX_AGE=$${CONN_MAX_AGE:-0} $(MANAGE) runserver $(HOST):$(PORT)

lint: venv
	@$(BIN)/ruff format --check .
	@$(BIN)/ruff check .
	@$(BIN)/mypy

fmt: venv
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

test: venv
	@echo "== ruff format --check"; $(BIN)/ruff format --check .
	@echo "== ruff check"; $(BIN)/ruff check .
	@echo "== mypy"; $(BIN)/mypy
	@echo "== makemigrations --check"; $(MANAGE) makemigrations --check --dry-run
	@echo "== pytest"; scripts/run-tests.sh

# Loopback only, bounded in time, its own database under .data/loadtest (see docs/reliability.md).
loadtest: venv
	@want=$$(sha256sum loadtest/requirements.txt | cut -d' ' -f1); have=$$(cat $(VENV)/.loadtest.sha256 2>/dev/null); \
	if [ "$$want" != "$$have" ]; then \
	  echo "Installing the load generator (locust)"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -r loadtest/requirements.txt && echo "$$want" > $(VENV)/.loadtest.sha256; \
	fi
	@$(BIN)/python -m loadtest.run --users $(USERS) --spawn-rate $(SPAWN_RATE) --run-time $(RUN_TIME) \
	  $(if $(DB_STOP_AT),--db-stop-at $(DB_STOP_AT) --db-stop-for $(DB_STOP_FOR))

# Its own database under .data/bench, kept between runs so the scale data loads once (docs/performance.md).
bench: venv
	@want=$$(sha256sum bench/requirements.txt | cut -d' ' -f1); have=$$(cat $(VENV)/.bench.sha256 2>/dev/null); \
	if [ "$$want" != "$$have" ]; then \
	  echo "Installing the bench requirements (the profiler, and the JsonLogic peers datalogic-py and json-logic-qubit)"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt && echo "$$want" > $(VENV)/.bench.sha256; \
	fi
	@time $(BIN)/python -m bench.run --scale $(BENCH_SCALE)
