"""tools/mypy_coverage.py, the mypy coverage figure that `make lint` prints."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mypy_coverage", ROOT / "tools" / "mypy_coverage.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mypy_coverage"] = module  # dataclasses look their module up while the class builds
    spec.loader.exec_module(module)
    return module


mypy_coverage = _load()

STRICT_OVERRIDE = "\n".join(
    f"{name} = {str(value).lower()}" for name, value in mypy_coverage.STRICT_FLAGS.items()
)


def _project(tmp_path: Path, mypy: str) -> Path:
    for name in (
        "__init__.py",
        "cli.py",
        "store/__init__.py",
        "store/database.py",
        "store/migrations/versions/0001_initial.py",
        "services/__init__.py",
        "services/cases.py",
        "ui/app.py",
    ):
        path = tmp_path / "audit_tool" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(mypy, encoding="utf-8")
    return tmp_path


def test_files_are_counted_under_the_configured_folders_less_the_excluded(tmp_path: Path):
    root = _project(
        tmp_path,
        '[tool.mypy]\nfiles = ["audit_tool/store", "audit_tool/services", "audit_tool/cli.py"]\n'
        'exclude = ["migrations/versions/"]\n',
    )
    result = mypy_coverage.coverage(root)
    assert result.summary() == "mypy: 5 of 8 files checked, 0 strict"
    assert [p.as_posix() for p in result.unchecked] == [
        "audit_tool/__init__.py",
        "audit_tool/store/migrations/versions/0001_initial.py",
        "audit_tool/ui/app.py",
    ]


def test_strict_is_every_strict_flag_on_for_the_module(tmp_path: Path):
    root = _project(
        tmp_path,
        '[tool.mypy]\nfiles = ["audit_tool/store", "audit_tool/services"]\n'
        '[[tool.mypy.overrides]]\nmodule = "audit_tool.store.*"\n'
        f"{STRICT_OVERRIDE}\n"
        '[[tool.mypy.overrides]]\nmodule = ["audit_tool.services.cases"]\n'
        "disallow_untyped_defs = true\n",
    )
    result = mypy_coverage.coverage(root)
    # store (its package, database, the migration) strict; services only partly.
    assert [p.as_posix() for p in result.strict] == [
        "audit_tool/store/__init__.py",
        "audit_tool/store/database.py",
        "audit_tool/store/migrations/versions/0001_initial.py",
    ]
    root = _project(tmp_path, '[tool.mypy]\nstrict = true\nfiles = ["audit_tool"]\n')
    assert mypy_coverage.coverage(root).summary() == "mypy: 8 of 8 files checked, 8 strict"
    # A later override turning one flag off makes its module no longer strict.
    root = _project(
        tmp_path,
        '[tool.mypy]\nstrict = true\nfiles = ["audit_tool"]\n'
        '[[tool.mypy.overrides]]\nmodule = "audit_tool.ui.*"\nwarn_return_any = false\n',
    )
    assert mypy_coverage.coverage(root).summary() == "mypy: 8 of 8 files checked, 7 strict"


def test_the_report_on_this_project(capsys: pytest.CaptureFixture[str]):
    assert mypy_coverage.main([]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    total = len(list((ROOT / "audit_tool").rglob("*.py")))
    assert first.startswith("mypy: ") and first.endswith(" strict")
    assert f" of {total} files checked" in first
