"""The scripts that make the screenshots and the walkthrough (docs/screenshots/*.py) run too
slowly for the suite; their imports of the application are checked here, so that moving code
does not break them unseen (moving ReturnDialog out of moderation_view once did)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parents[1] / "docs" / "screenshots").glob("*.py"))


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("audit_tool")
        for alias in node.names
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_name_a_screenshot_script_imports_exists(script: Path) -> None:
    missing = [
        f"{module}.{name}"
        for module, name in _imports(script)
        if not hasattr(importlib.import_module(module), name)
        and importlib.util.find_spec(f"{module}.{name}") is None
    ]
    assert missing == [], f"{script.name} imports what does not exist: {missing}"
