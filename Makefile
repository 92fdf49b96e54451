# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= .demo/demo.sqlite
DEMO_AUDITS ?= 3000

.PHONY: run test lint bench bench-load clean demo package

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(DEMO_DB): | $(STAMP)
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/audit-tool --database $(DEMO_DB) demo --audits $(DEMO_AUDITS) --seed 1

demo: $(DEMO_DB)

run: $(STAMP) $(DEMO_DB)
	$(BIN)/audit-tool --database $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check audit_tool tests bench docs tools
	$(BIN)/ruff format --check audit_tool tests bench docs tools
	$(BIN)/mypy
	$(BIN)/python tools/code_size.py

# Parallel workers (pytest-xdist): each has its own template databases and temporary folders.
# Slow tests start first (tests/conftest.py), each on its own worker; tests that share an
# expensive module fixture stay together (xdist_group).
# TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3
test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --durations=15 -n $(TEST_WORKERS) --dist loadgroup

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_cases.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_briefing.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_report.py

bench-load: $(STAMP)  # needs PostgreSQL at 127.0.0.1:5432 (user postgres)
	$(BIN)/python bench/bench_load.py

# The one-folder desktop application in dist/audit-tool/ (packaging/audit-tool.spec), checked
# by its own self-test. Run on each OS to build for it: PyInstaller does not cross-compile.
PYINSTALLER ?= pyinstaller>=6.10,<7
package: $(STAMP)
	$(BIN)/python -c "import PyInstaller" 2>/dev/null || $(BIN)/python -m pip install --quiet '$(PYINSTALLER)'
	$(BIN)/pyinstaller --noconfirm --clean packaging/audit-tool.spec --distpath dist --workpath build/pyinstaller
	dist/audit-tool/audit-tool --self-test

clean:
	rm -rf $(VENV) .demo build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
