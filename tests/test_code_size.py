"""tools/code_size.py, the longest files and functions report that `make lint` prints."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("code_size", ROOT / "tools" / "code_size.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["code_size"] = module  # dataclasses look their module up while the class builds
    spec.loader.exec_module(module)
    return module


code_size = _load()

SOURCE = """
def top():
    return 1


class Form:
    def __init__(self):
        def inner():
            pass

        self.x = 1

    async def load(self):
        pass
"""


def test_functions_are_named_by_class_and_outer_function_with_their_length():
    path = ROOT / "audit_tool" / "example.py"
    found = code_size.functions_of(path, ast.parse(SOURCE))
    assert [(f.name, f.line, f.length) for f in found] == [
        ("top", 2, 2),
        ("Form.__init__", 7, 5),
        ("Form.__init__.inner", 8, 2),
        ("Form.load", 13, 2),
    ]
    assert {f.path for f in found} == {"audit_tool/example.py"}


def test_the_report_lists_the_longest_first_and_strict_fails_over_a_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    package = tmp_path / "audit_tool"
    (package / "migrations").mkdir(parents=True)
    (package / "small.py").write_text("def f():\n    return 1\n", "utf-8")
    body = "".join(f"    x{i} = {i}\n" for i in range(90))
    (package / "big.py").write_text(f"def long():\n{body}", "utf-8")
    (package / "migrations" / "0001.py").write_text("x = 1\n" * 900, "utf-8")
    monkeypatch.setattr(code_size, "ROOT", tmp_path)
    monkeypatch.setattr(code_size, "PACKAGE", package)

    assert code_size.main(["--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 files, 93 lines, 2 functions" in out  # the migration is left out
    assert "functions over 80 lines: 1" in out
    assert "91  audit_tool/big.py:1 long" in out and "small.py" not in out
    assert code_size.main(["--strict"]) == 1
