# The two commands of the README: `make demo` and `make test`.
# Each creates .venv in the checkout when missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck browser bench bench-select bench-logistic bench-stream bench-dask bench-sparse bench-backend bench-report bench-torch clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ridgeway fit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# The report's end-to-end tests drive Debian's chromium through Playwright's Python client
# (Playwright's own browser download is not used); install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# SCIPY_ARRAY_API=1 lets scikit-learn's estimator checks run their array-API cases (torch,
# array-api-strict) on Ridge and RidgeCV
test: lint typecheck browser
	SCIPY_ARRAY_API=1 $(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_fit.py

bench-select: $(STAMP)
	$(BIN)/python benchmarks/bench_select.py

bench-logistic: $(STAMP)
	$(BIN)/python benchmarks/bench_logistic.py

bench-stream: $(STAMP)
	$(BIN)/python benchmarks/bench_stream.py --dir .bench-data

bench-dask: $(STAMP)
	$(BIN)/python benchmarks/bench_dask.py

bench-sparse: $(STAMP)
	$(BIN)/python benchmarks/bench_sparse.py

bench-backend: $(STAMP)
	$(BIN)/python benchmarks/bench_backend.py

bench-report: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py

bench-torch: $(STAMP)
	$(BIN)/python benchmarks/bench_torch_decay.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
