# Framsyn: `make run` starts the app with demo data; `make test` runs the checks and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := web

.PHONY: run test install install-dev lint format worker clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

run: install instance/secret_key
	SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask db upgrade
	SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask demo-data --if-empty
	@echo "Framsyn runs on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto --dist worksteal

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Extract the Swedish msgids, merge them into the English catalog and compile it.
# Fill in every new msgstr in web/translations/en/LC_MESSAGES/messages.po, then run this again
# and commit both the .po and the .mo (tests/web/test_i18n.py checks they agree).
translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _t -k _tp:1c,2 --no-location --sort-output \
		-o web/translations/messages.pot .
	test -f web/translations/en/LC_MESSAGES/messages.po \
		|| $(BIN)/pybabel init -i web/translations/messages.pot -d web/translations -l en
	$(BIN)/pybabel update -w 100 -i web/translations/messages.pot -d web/translations -l en \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d web/translations -l en --statistics

worker: install
	$(BIN)/rq worker --url "$$REDIS_URL" --worker-class web.worker.FramsynWorker framsyn

clean:
	rm -rf $(VENV) instance/framsyn.db* .pytest_cache .ruff_cache
