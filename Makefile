# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= .demo/demo.sqlite
DEMO_AUDITS ?= 3000

LOCK := requirements/lock.txt

.PHONY: run test lint bench bench-load clean demo package lock wheels-check wheel walkthrough

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the versions in the lock, each checked against its hash; then the project itself.
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	@# sqlcipher3-binary (used before; Linux only) shares the import name with sqlcipher3: remove both,
	@# the lock puts sqlcipher3 back whole.
	$(BIN)/python -m pip show -q sqlcipher3-binary 2>/dev/null && \
		$(BIN)/python -m pip uninstall -y -q sqlcipher3-binary sqlcipher3 || true
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Regenerate the lock after changing a dependency in pyproject.toml: one universal resolution
# (uv) for Windows, macOS and Linux and Python 3.11 on, runtime plus the test and bench extras,
# with hashes.
# Pins already in the lock are kept where they still fit; `make lock UPGRADE=--upgrade` moves
# everything to the newest allowed versions. requirements/runtime.txt (the application's own
# pins, for installing it without the test tools) is cut from the lock. Then `make wheels-check`.
UV ?= uv>=0.13,<0.14
UPGRADE ?=
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' \
		--quiet $(UPGRADE) --output-file $(LOCK)
	$(BIN)/python packaging/runtime_lock.py

# Every pin in the lock has a binary wheel for Windows x64, macOS arm64/x86_64 and Linux x86_64
# on Python 3.11-3.13 (asks PyPI).
wheels-check: $(STAMP)
	$(BIN)/python packaging/check_wheels.py --lock $(LOCK)

$(DEMO_DB): | $(STAMP)
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/audit-tool --database $(DEMO_DB) demo --audits $(DEMO_AUDITS) --seed 1

demo: $(DEMO_DB)

run: $(STAMP) $(DEMO_DB)
	$(BIN)/audit-tool --database $(DEMO_DB)

# Checks anyone can rerun, each printing its figure: ruff, mypy and how much of the package it
# covers (tools/mypy_coverage.py), the layer contract ([tool.importlinter] in pyproject.toml),
# the longest files and functions (tools/code_size.py).
lint: $(STAMP)
	$(BIN)/ruff check audit_tool tests bench docs tools
	$(BIN)/ruff format --check audit_tool tests bench docs tools
	$(BIN)/mypy
	$(BIN)/python tools/mypy_coverage.py
	$(BIN)/lint-imports --no-logo --no-cache
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
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_views.py

bench-load: $(STAMP)  # needs PostgreSQL at 127.0.0.1:5432 (user postgres)
	$(BIN)/python bench/bench_load.py

# A looped audit from start to finish, clicked through the real window by its four people (QA
# lead, two auditors, moderator) on a new demo database: a screenshot per step in
# docs/screenshots/walkthrough/ and the clicks each step took (docs/screenshots/walkthrough.py).
# About a minute. It needs an X server in memory, which `make test` does not:
#   apt-get install -y xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 \
#     libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 \
#     libxcb-xkb1 libegl1 libgl1
walkthrough: $(STAMP)
	@command -v xvfb-run >/dev/null || { echo "xvfb-run is missing: see the walkthrough target in the Makefile"; exit 1; }
	xvfb-run -a -s "-screen 0 1280x800x24" $(BIN)/python docs/screenshots/walkthrough.py

# The wheel for pip and pipx users (dist/audit_tool-<version>-py3-none-any.whl); resources and
# migrations are inside it. build/lib is cleared so no file deleted from the tree slips in.
wheel: $(STAMP)
	rm -rf build/lib
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation --wheel-dir dist .

# The one-folder desktop application in dist/audit-tool/ (packaging/audit-tool.spec), checked
# by its own self-test. Run on each OS to build for it: PyInstaller does not cross-compile.
# PyInstaller comes from the lock (test extras) with everything else.
package: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean packaging/audit-tool.spec --distpath dist --workpath build/pyinstaller
	dist/audit-tool/audit-tool --self-test

clean:
	rm -rf $(VENV) .demo build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
