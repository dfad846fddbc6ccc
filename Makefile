# pupilstats: the README's two commands are `make demo` and `make test`.
# Both bootstrap .venv from nothing but Python 3.11+ and pip, installing exactly what uv.lock pins.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.synced

export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: demo test bench lint install clean browser

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/uv --version 2>/dev/null | grep -q "uv $(UV_VERSION)" || { \
	  $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/pupilstats demo

# The import contracts (pyproject.toml, [tool.importlinter]) are checked first: it takes a second.
# pytest runs on two xdist workers (pyproject.toml's addopts) and starts many Python processes
# (workers, Prefect's test server, CLI and crash-test subprocesses): they share compiled
# bytecode under .venv/pycache even where the environment sets PYTHONDONTWRITEBYTECODE, or each
# would compile Prefect, GX and polars from source again (seconds a process).
test: $(STAMP) browser
	$(BIN)/lint-imports --no-cache
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache $(BIN)/python -m pytest -q

bench: $(STAMP)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --group bench --python $(BIN)/python
	$(BIN)/python -m bench

# Debian's chromium for the browser tests (tests marked `browser`); skipped when present.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) .prefect .pytest_cache .ruff_cache
