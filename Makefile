# Every target creates the virtualenv and installs what it needs, so each works on a fresh clone
# with nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make lock` only: uv resolves for every platform and Python >= 3.11 at once (see README).
UV_VERSION := 0.13.9
LOCK_TOOLS := $(VENV)/lock-tools

.PHONY: setup bytecode run test test-postgres browser demo locales extract lint bench bench-views bench-instances lock test-newest clean

# Everything (runtime, test extras, pip, and the setuptools that builds the project) comes from
# requirements.lock, each file checked against its hash; the project itself is then installed
# without resolving anything (--no-deps), built by the locked setuptools (--no-build-isolation).
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "make: Python 3.11 or newer is needed; name it with make PYTHON=python3.12 ..." >&2; \
		exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	PYTHONWARNINGS="ignore:Editable installation" \
		$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

setup: $(STAMP)

# The project's own bytecode, as pip writes it when it installs a wheel: where
# PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile ~120 modules from
# source (a tenth of a second). Files already up to date are skipped.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q bot handlers storage

run: bytecode
	@$(BIN)/committee-bot run

demo: $(STAMP)
	$(BIN)/python -m bot demo

# The browser tests drive Debian's chromium (never a downloaded browser): installed here when
# running as root and missing; otherwise they skip and say why.
test: $(STAMP) browser
	$(BIN)/ruff check .
	TEST_DATABASE_URL= $(BIN)/python -m pytest -q -rs
	@$(MAKE) --no-print-directory test-postgres

# The whole suite again on PostgreSQL: the server TEST_DATABASE_URL names, else a throw-away one
# (tests/postgres/server.sh: Debian's postgresql, installed when running as root). Without
# either it is skipped with a note, except under CI, where it must run.
test-postgres: $(STAMP)
	@url="$${TEST_DATABASE_URL:-$$(tests/postgres/server.sh start)}"; \
	if [ -z "$$url" ]; then \
		echo "make: no PostgreSQL server, so the suite ran on SQLite only (see README)"; \
		[ -z "$$CI" ] || exit 1; \
	else \
		echo "make: the suite on PostgreSQL ($$url)"; \
		TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest -q -rs; \
	fi

browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "make: installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# Not needed to run: a checkout reads its .po files directly and a wheel has them compiled in.
# This checks that they compile and shows how much of each is translated.
locales: $(STAMP)
	$(BIN)/pybabel compile --domain messages --directory locales --statistics

# Re-extract the message ids and merge them into both catalogues (then translate).
extract: $(STAMP)
	$(BIN)/pybabel extract --mapping babel.cfg --keywords N_ --sort-by-file \
		--project committee-bot --output locales/messages.pot bot handlers
	$(BIN)/pybabel update --domain messages --input-file locales/messages.pot \
		--output-dir locales --no-fuzzy-matching --ignore-obsolete

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/reminders.py

# Every list on a 1,000,000-task database (built once, cached in bench/.cache/).
bench-views: bytecode
	$(BIN)/python bench/views.py

# Several instances on PostgreSQL (a throw-away server from tests/postgres/server.sh, port 54333,
# or BENCH_DATABASE_URL=postgresql://...): updates/s, dispatch rate against SQLite, fail-over.
bench-instances: $(STAMP)
	$(BIN)/python bench/instances.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

# Refresh requirements.lock to the newest releases pyproject.toml allows (then run make test).
# PyPI only, whatever this machine's pip configuration says, so the hashes are PyPI's.
lock:
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	$(LOCK_TOOLS)/bin/uv pip compile --quiet --no-config --default-index https://pypi.org/simple \
		--universal --python-version 3.11 --generate-hashes --upgrade \
		--extra test --group tools --custom-compile-command "make lock" \
		--output-file requirements.lock pyproject.toml

# The suite against the newest releases, outside the lock: a warning of what `make lock` would
# bring, which never touches .venv.
test-newest:
	rm -rf $(VENV)/newest
	$(PYTHON) -m venv $(VENV)/newest
	$(VENV)/newest/bin/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" \
		$(VENV)/newest/bin/python -m pip install --quiet --upgrade --group tools -e '.[test]'
	$(VENV)/newest/bin/ruff check .
	$(VENV)/newest/bin/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo build *.egg-info
