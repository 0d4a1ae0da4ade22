# policygraph: `make site` builds the site, `make test` runs the whole suite.
# Both set up what they need on a fresh machine (Python 3.11, Node.js, apt).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test test-fast test-site test-browser serve validate setup setup-test chromium bench answers lint clean
BENCH_SIZES ?= 1000

site: setup
	$(BIN)/policygraph build

test: setup-test chromium
	$(BIN)/python -m pytest

# The tiers (see tests/conftest.py): no build and no browser; site builds; Chromium.
test-fast: setup-test
	$(BIN)/python -m pytest -m "not site and not browser" -n 2

test-site: setup-test
	$(BIN)/python -m pytest -m site

test-browser: setup-test chromium
	$(BIN)/python -m pytest -m browser

lint: setup-test
	$(BIN)/ruff check builder tests

# The SPARQL catalogue's expected answers (queries/<id>.tsv), after a change to the corpus.
answers: setup
	$(BIN)/python -m builder.dev.answers

serve: setup
	$(BIN)/mkdocs serve --livereload --dirty --no-strict

validate: setup
	$(BIN)/policygraph validate $(if $(FORMAT),--format $(FORMAT))

setup: $(VENV)/.installed node_modules/.package-lock.json
setup-test: $(VENV)/.installed-test node_modules/.package-lock.json

# Oxigraph's WebAssembly build for the query page and axe-core for the accessibility tests, pinned in package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Debian's Chromium: the browser tests drive it through Playwright (no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# Prints stage timings (medians), memory and sizes for synthetic corpora, then what a
# reader's browser transfers from the largest (READER_SIZE) and the preview's edit times
# (PREVIEW_SIZE); asserts nothing. make bench BENCH_SIZES="10000 100000" READER_SIZE=50000
READER_SIZE ?= $(lastword $(BENCH_SIZES))
PREVIEW_SIZE ?= $(firstword $(BENCH_SIZES))
bench: setup-test chromium
	$(BIN)/python -m builder.dev.bench $(BENCH_SIZES) --reader $(READER_SIZE) --preview $(PREVIEW_SIZE)

clean:
	rm -rf site .site.building-* .site.old-* .site.lock node_modules
