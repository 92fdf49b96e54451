"""The shipped resources (fonts, icons, JSON schemas, default templates) in this package's own
folder, found through importlib.resources when installed and in the bundle when frozen.

The files sit beside this module (audit_tool/resources/fonts, icons, schemas, templates), so a
wheel carries them (package-data in pyproject.toml) and an editable install reads them in place.
The PyInstaller build copies them to the same place inside its bundle (packaging/audit-tool.spec),
which sys._MEIPASS names.
"""

from __future__ import annotations

import sys
from importlib import resources as _importlib_resources
from pathlib import Path

from audit_tool.errors import AuditToolError


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen).joinpath(*__name__.split("."))
    root = _importlib_resources.files(__name__)
    if not isinstance(root, Path):  # pragma: no cover - a zipped install, which pip never makes
        raise AuditToolError(
            f"Audit Tool's resources are not in a folder ({root}): install it unpacked (pip)"
        )
    return root


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
    package = Path(__file__).resolve().parent.parent
    inside = package / "docs" / "user-guide.md"  # a wheel that carries the guide in the package
    return inside if inside.exists() else package.parent / "docs" / "user-guide.md"
