# Meet2Know: `make run` starts the assistant, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYBABEL := $(BIN)/pybabel
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install run test lint i18n i18n-compile bench bench-nlu clean rasa-install rasa-train rasa-serve

install: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(PYBABEL) compile --statistics -D messages -i $< -o $@

i18n-compile: $(COMPILED)

# Extract every string into the template, merge it into each catalog, compile.
i18n: $(STAMP)
	$(PYBABEL) extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project=meet2know --msgid-bugs-address=none -o locales/messages.pot .
	$(PYBABEL) update -i locales/messages.pot -d locales -D messages --width 88 --no-fuzzy-matching --ignore-obsolete
	$(MAKE) i18n-compile

run: install
	$(BIN)/meet2know db upgrade
	$(BIN)/meet2know seed
	$(BIN)/meet2know serve

test: install rasa-install
	$(BIN)/python -m pytest

# Rasa as the NLU server (NLU_ENGINE=rasa): its own Python 3.10 venv under RASA_HOME.
rasa-install:
	bash nlu/rasa/install.sh

rasa-train: install rasa-install
	$(BIN)/meet2know nlu rasa-train

rasa-serve: install rasa-install
	$(BIN)/meet2know nlu rasa-serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/turn_latency.py

# The embedded engine against Rasa DIET on the held-out split (trains Rasa the first time).
bench-nlu: install rasa-install
	$(BIN)/python bench/nlu_compare.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache locales/*/LC_MESSAGES/*.mo
