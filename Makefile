# Viet Nam digital-transformation workforce: evidence base, assessments, report site.
# `make report` and `make test` do all set-up on a fresh machine.

PYTHON_SYS ?= python3
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
P         ?=
WORKERS   ?=

.DEFAULT_GOAL := help
QUICK     ?=
.PHONY: system-deps help venv data assess notebooks province site report lint test test-fast bench lab lock clean clean-all

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

# The site's chart library (plotly.js cartesian bundle, pinned version and integrity hash in chart_library.py)
# comes from the npm registry here, at set-up only; without npm the site ships plotly's full bundle and says so.
$(STAMP): requirements.lock pyproject.toml src/analysis/site/chart_library.py
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (analysis)" >/dev/null
	$(PY) scripts/fetch_chart_library.py
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the pinned dependencies

system-deps: ## Install Debian packages for the browser tests (chromium, fonts; needs root)
	bash scripts/install_system_deps.sh

# Each stage's code, from the import graph (analysis/run/inputs.py, standard library only, so the system Python
# writes it before the venv exists): DATA_SRC, ASSESS_SRC (prerequisites below), REPORT_SRC, SITE_SRC (what the
# notebooks and the site read; `analysis run` and `analysis site` check those themselves). Remade when a module changes.
STAGES_MK := build/stages.mk
$(STAGES_MK): $(shell find src/analysis -name "*.py" -o -name "*.yaml") $(wildcard notebooks/*.ipynb)
	@mkdir -p $(@D)
	@PYTHONPATH=src $(PYTHON_SYS) -m analysis.run.inputs make . > $@.tmp && mv $@.tmp $@
-include $(STAGES_MK)

# every file `analysis data` writes: a missing or older one makes `make data` rebuild them all (one run)
PROCESSED_DIR ?= data/processed
PROCESSED := $(addprefix $(PROCESSED_DIR)/,metadata.json manifest.json provinces.csv reports.csv facts.csv \
	tracking.csv derived.csv audit.csv population.csv sources.csv indicators.csv dti_2022.csv \
	national_targets.csv)
$(PROCESSED) &: $(STAMP) $(wildcard data/raw/*) $(DATA_SRC)
	$(PY) -m analysis data

data: $(PROCESSED) ## Validate data/raw and write data/processed (facts, derived, audit, registry)

# The year of the build (config.build_year(): today, or ANALYSIS_TODAY): a status turns from a forecast into
# "was it met?" when the target year passes, so a new year reassesses. The stamp is rewritten (when the year
# changed) as the Makefile is read, so `make -n` tells the truth.
BUILD_YEAR ?= build/build-year
_YEAR := $(shell mkdir -p $(dir $(BUILD_YEAR)); y=$$(PYTHONPATH=src $(PYTHON_SYS) -c "from analysis.config import build_year; \
	print(build_year())" 2>/dev/null) && [ -n "$$y" ] && { [ "$$(cat $(BUILD_YEAR) 2>/dev/null)" = "$$y" ] || \
	echo "$$y" > $(BUILD_YEAR); })
$(BUILD_YEAR):
	@mkdir -p $(@D) && date +%Y > $@

# what `analysis assess` adds to data/processed (and to its manifest)
ASSESSED := $(addprefix $(PROCESSED_DIR)/,assessments.csv national_assessments.csv backtest.csv \
	single_series_backtest.csv)
$(ASSESSED) &: $(PROCESSED) $(ASSESS_SRC) $(BUILD_YEAR)
	$(PY) -m analysis assess

assess: $(ASSESSED) ## Assess every target from data/processed: assessments, national comparison, backtest

# `analysis run` and `analysis site` decide themselves what is out of date (cache keys from what each reads)
notebooks: assess ## Run the province and comparison notebooks (parallel, cached)
	$(PY) -m analysis run $(if $(WORKERS),--workers $(WORKERS))

province: assess ## Rerun one province: make province P=quang-ninh
	$(PY) -m analysis run $(P) --no-compare --force

site: notebooks ## Assemble the report site into site/_build (atomic; the last good site survives a failure)
	$(PY) -m analysis site

report: site ## Build everything: data, assessments, notebooks, report site (open site/_build/index.html)

lint: $(STAMP) ## Lint with ruff (rules in pyproject.toml: syntax errors, undefined names, unused imports)
	$(VENV)/bin/ruff check .

test: $(STAMP) ## Run the whole test suite, ruff first (installs Chromium and fonts first when missing)
	@bash scripts/install_system_deps.sh
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

test-fast: $(STAMP) ## Run ruff and the suite without the slow tests (real browser, notebook runs): under 3 min
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not slow"

bench: notebooks ## Run every benchmark (ratios against the naive way; QUICK=1: a few provinces, for the edit loop)
	$(PY) benchmarks/run_all.py $(if $(QUICK),--quick)

lab: $(STAMP) ## Start JupyterLab in the project environment
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

lock: ## Re-pin requirements.lock from requirements.in in a throwaway venv
	rm -rf /tmp/analysis-lock && $(PYTHON_SYS) -m venv /tmp/analysis-lock
	/tmp/analysis-lock/bin/pip install --quiet -r requirements.in
	(echo "# Pinned with: pip freeze in a fresh venv from requirements.in (Python 3.11). Regenerate: make lock"; \
	 /tmp/analysis-lock/bin/pip freeze) > requirements.lock

clean: ## Remove generated data, build outputs and caches (keeps .venv)
	rm -rf data/processed/* build site/_build .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

clean-all: clean ## Also remove the virtual environment
	rm -rf $(VENV)
