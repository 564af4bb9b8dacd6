# Two commands set everything up on a fresh machine (Python 3.11+, git, make):
#   make book   -> .venv, every notebook executed, static site in _build/html
#   make test   -> .venv, the whole pytest suite
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# processes that execute notebooks before the Sphinx build (1: myst-nb executes them one by one)
JOBS ?= 2
# passed through the environment, so that the shell never parses its value
export JOBS

export PATH := $(BIN):$(PATH)
export PYTHONHASHSEED := 0
# A fixed date makes figures and HTML byte-identical from one build to the next.
export SOURCE_DATE_EPOCH ?= 1767225600
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help book pdf test verify serve clean lock venv

help:
	@echo "make book    build the executed book into _build/html"
	@echo "make pdf     the book as one PDF in _build/pdf/book.pdf (needs Chromium), linked from the site"
	@echo "make test    run the test suite"
	@echo "make verify  re-execute every notebook and compare with the paper, number by number"
	@echo "make serve   serve _build/html on http://localhost:$(PORT)"
	@echo "make clean   remove _build (the venv stays; rm -rf .venv to drop it)"
	@echo "make lock    re-resolve requirements.lock and environment.yml from pyproject.toml"

venv: $(STAMP)

# uv installs the locked versions (about 15 s on a fresh machine; pip took about 2 minutes for the same lock).
UV_VERSION := 0.13.9
UV := $(BIN)/python -m uv

$(VENV)/.uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@touch $@

$(STAMP): requirements.lock pyproject.toml $(VENV)/.uv
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# build-book re-executes and re-renders every page when src/ or data/ changed since the last
# successful build, and fails (naming the notebook and cell) when any notebook raises; with nothing
# changed since the last successful build it says so and stops (make book FORCE=1 runs Sphinx anyway).
book: $(STAMP)
	@$(BIN)/python -m intake_alliance build-book --jobs "$$JOBS" $(if $(FORCE),--force,)

# The PDF edition: the executed book on one page, printed by headless Chromium (apt-get install chromium).
# The second build-book only re-renders the intro, which then links the PDF (copied into the site).
pdf: $(STAMP)
	@$(BIN)/python -m intake_alliance build-pdf --check
	@$(MAKE) --no-print-directory book
	@$(BIN)/python -m intake_alliance build-pdf
	@$(BIN)/python -m intake_alliance build-book --jobs "$$JOBS"

test: $(STAMP)
	$(BIN)/python -m pytest

verify: $(STAMP)
	$(BIN)/python -m intake_alliance verify

serve:
	@test -d _build/html || { echo "no _build/html yet: run 'make book' first"; exit 1; }
	@test ! -e _build/html/BUILD_NOT_CURRENT.txt -a ! -L _build/html/BUILD_NOT_CURRENT.txt || { echo "make serve: refused: $$(cat _build/html/BUILD_NOT_CURRENT.txt)"; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build

# Re-resolves pyproject.toml (with the test extra) with uv, for the venv's Python. Versions already in the lock are
# kept where they still fit, so that the book's numbers and figures do not move by accident;
# make lock UPGRADE=1 lets every package move to its newest release. environment.yml follows the lock.
lock: $(VENV)/.uv
	$(UV) pip compile pyproject.toml --extra test --python $(BIN)/python --quiet \
	  --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade,) -o requirements.lock
	PYTHONPATH=src $(BIN)/python -m intake_alliance write-env-files
