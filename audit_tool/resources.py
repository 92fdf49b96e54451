"""Where the shipped resources (templates, schemas, icons, fonts) are, installed or frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_guide_path() -> Path:
    """docs/user-guide.md (its screenshots beside it in docs/screenshots/): in the frozen
    package under sys._MEIPASS/docs, in a wheel that carries it under audit_tool/docs, in a
    checkout or editable install at the top of the tree.
    The one place that knows where the guide is (Help > User guide reads it through this)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "docs" / "user-guide.md"
    package = Path(__file__).resolve().parent
    inside = package / "docs" / "user-guide.md"  # a wheel that carries the guide in the package
    return inside if inside.exists() else package.parent / "docs" / "user-guide.md"
