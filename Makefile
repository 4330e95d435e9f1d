# Two commands for a new machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEMO_SETTINGS := lms.settings.dev
# Fonts for Chinese and Yi PDFs, gettext for translators, Chromium and poppler
# (pdftotext) for the browser and PDF tests.
SYSTEM_PACKAGES := fonts-wqy-microhei fonts-sil-nuosusil gettext chromium poppler-utils
HOST ?= 127.0.0.1
# pytest-xdist workers for `make test`: one per core.
TEST_WORKERS ?= auto
PORT ?= 8000

.PHONY: install system-packages demo serve test lint format bench messages clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing$$missing"; \
	  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q$$missing >/dev/null; \
	else \
	  echo "Please install these Debian packages (as root):$$missing"; \
	  echo "  apt-get install$$missing"; \
	  echo "Without them certificate PDFs cannot show Chinese and Yi names."; \
	fi

install: $(VENV)/.installed node_modules/.installed system-packages

demo: install
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (demo accounts: see README.md)"
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@for script in benchmarks/bench_*.py; do \
	  [ -e "$$script" ] || continue; \
	  DEBUG=false DJANGO_SETTINGS_MODULE=lms.settings.dev $(PY) "$$script" || exit 1; \
	done

messages: install
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py makemessages -l zh_Hans -l en --ignore ".venv/*" --ignore "node_modules/*"
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py compilemessages --ignore ".venv/*" --ignore "node_modules/*"

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
