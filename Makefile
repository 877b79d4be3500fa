# Every target creates the virtualenv and installs what it needs, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test demo locales extract lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

locales: $(STAMP)
	$(BIN)/pybabel compile --domain messages --directory locales --statistics

run: $(STAMP) locales
	$(BIN)/committee-bot run

demo: $(TEST_STAMP) locales
	$(BIN)/python -m bot demo

test: $(TEST_STAMP) locales
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Re-extract the message ids and merge them into both catalogues (then translate, then compile).
extract: $(STAMP)
	$(BIN)/pybabel extract --mapping babel.cfg --keywords N_ --sort-by-file \
		--project committee-bot --output locales/messages.pot bot handlers
	$(BIN)/pybabel update --domain messages --input-file locales/messages.pot \
		--output-dir locales --no-fuzzy-matching --ignore-obsolete

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

bench: $(TEST_STAMP) locales
	$(BIN)/python bench/reminders.py

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
