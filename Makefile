# Two commands: `make run` serves the portal with demo data; `make test` runs every check.
PYTHON := $(shell scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
# axe-core, which the browser tests load into every page they audit (tests/e2e/package-lock.json).
AXE := tests/e2e/node_modules/axe-core/axe.min.js

# The suite runs in one process per CPU (pytest-xdist; each has its own test database). TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto

.PHONY: run test install lint format messages clean bench

# The interpreter: a new virtualenv (its bundled pip installs our pinned wheels; no upgrade round trip).
$(PY):
	@test -n "$(PYTHON)" || (echo "Python >= 3.12 not found" && exit 1)
	@echo "Creating $(VENV) with $(PYTHON)…"
	@$(PYTHON) -m venv $(VENV)

# `make run` needs only the runtime packages; `make test` adds the test tools. --no-compile: Python
# compiles a module when it is first imported, so only what runs is compiled (a third less install time).
$(RUN_STAMP): requirements.txt | $(PY)
	@echo "Installing the runtime packages (requirements.txt)…"
	@start=$$(date +%s); $(PIP) --no-compile -r requirements.txt && echo "  installed in $$(( $$(date +%s) - start )) s"
	@# jieba's sources have invalid escape sequences: compile it now, quietly, not at its first import.
	@$(PY) -W ignore::SyntaxWarning -m compileall -q "$$($(PY) -c 'import importlib.util as u; print(u.find_spec("jieba").submodule_search_locations[0])')"
	@touch $@

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) -r requirements-dev.txt
	touch $(STAMP) $(RUN_STAMP)

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@command -v npm >/dev/null || (echo "npm not found: the browser tests' accessibility audits need it (Debian: apt-get install npm)" && exit 1)
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) $(AXE)

# Migrate, schedules and demo data in one process with a line per phase, then serve; the demo
# accounts are printed last, next to the address, once the page answers.
run: $(RUN_STAMP)
	@scripts/write-env
	@$(PY) manage.py prepare_demo
	@$(PY) scripts/run-dev

# Python may write its compiled modules during the tests even where the environment says not to
# (PYTHONDONTWRITEBYTECODE): otherwise pytest rewrites the asserts of every test module and plugin package
# anew in each of its processes (≈ 3 s of CPU each, measured), and every qcluster, gunicorn and manage.py
# process the tests start compiles the project again.
test: export PYTHONDONTWRITEBYTECODE :=
test: $(STAMP) $(AXE)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder --durations=25 $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache test-artifacts

# HTTP benchmark against a one-query reference page (docs/performance.md). Needs a PostgreSQL database
# filled by `manage.py seed_scale`: make bench BENCH_DATABASE_URL=postgres://…/portal_scale_bench
bench: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/http_bench.py $(BENCH_ARGS)
