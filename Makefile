# telcrm: `make run` (install, migrate, demo data, serve) and `make test` (whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test install install-dev migrate demo lint benchmark scale clean multihost

$(PY):
	@mkdir -p var
	@PYBIN=$$(bin/find-python) && echo "Creating $(VENV) with $$PYBIN" && "$$PYBIN" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	@mkdir -p var
	$(PY) bin/requirements > var/requirements.txt
	$(PY) -m pip install --quiet -r var/requirements.txt
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	@mkdir -p var
	$(PY) bin/requirements --dev > var/requirements-dev.txt
	$(PY) -m pip install --quiet -r var/requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py demo_data

SIZE ?= telco

# Grow the database to a telco's size for benchmarks (SIZE=small|telco|large).
scale: migrate
	$(PY) manage.py seed_scale --size $(SIZE)

run: demo
	@bin/run

# The multi-host layout on one machine (README, "Running on several hosts"): the Procfile's
# web twice (ports 8001 and 8002) and worker twice, on PostgreSQL and Redis.
multihost: install
	@export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/telcrm}" \
	  REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}" PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
	  && python manage.py migrate --noinput -v0 \
	  && exec honcho start --port "$${PORT:-8001}" --concurrency web=2,worker=2

test: install-dev
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: apt-get install -y chromium"; exit 1; }
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var

# Throughput and memory of the API-task worker path, and approval and fulfillment start of
# a 100-line order, on the demo data (changes nothing).
benchmark: demo
	$(PY) manage.py bench_fulfillment --tasks 200
	$(PY) manage.py bench_fulfillment --order-lines 100 --runs 5
	$(PY) manage.py bench_pages --runs 3
	$(PY) manage.py bench_documents --lines 50
