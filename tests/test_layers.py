"""The layer contract in pyproject.toml ([tool.importlinter], checked by `lint-imports` in make
lint) names every part of the package, so a new module cannot sit outside it unnoticed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "audit_tool"


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _top_level() -> set[str]:
    """audit_tool's modules and packages (the root package itself aside)."""
    names = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    names |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    return {f"audit_tool.{name}" for name in names}


def test_every_module_is_in_a_layer():
    layers = _contracts()["layers"]["layers"]
    named = {part.strip() for layer in layers for part in layer.replace("|", ":").split(":")}
    assert named == _top_level()


def test_the_qt_rule_covers_everything_but_the_window():
    qt = _contracts()["qt"]
    assert set(qt["source_modules"]) == _top_level() - {"audit_tool.ui"}
    assert set(qt["forbidden_modules"]) == {"PySide6", "shiboken6"}


def test_the_layers_run_from_the_window_down_to_the_models():
    layers = [layer.split(":")[0].strip() for layer in _contracts()["layers"]["layers"]]
    assert layers[:6] == [
        "audit_tool.ui",
        "audit_tool.services",
        "audit_tool.reporting",
        "audit_tool.access",
        "audit_tool.store",
        "audit_tool.models",
    ]
