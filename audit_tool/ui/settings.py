"""QSettings in one place: window layout, last view, last user per database."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings

ORG = "QA Partnership"
APP = "audit-tool"

# Settings files already made private in this run (QSettings keeps a file's mode when it
# rewrites it, so once is enough).
_PRIVATE: set[str] = set()


def app_settings() -> QSettings:
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)
    _make_private(settings.fileName())
    return settings


def _make_private(name: str) -> None:
    """The settings file (which names databases, users and the team server) readable by the
    user alone: made empty and 0600 before Qt first writes it, or tightened if it exists."""
    if name in _PRIVATE or sys.platform == "win32":  # Windows: private in the user's profile
        return
    from audit_tool import fileio

    path = Path(name)
    try:
        if path.exists():
            if path.stat().st_mode & 0o077:
                path.chmod(fileio.PRIVATE_FILE_MODE)
        else:
            fileio.private_dir(path.parent)
            fileio.create_private_file(path)
    except OSError:
        return  # Qt reports an unwritable settings file its own way
    _PRIVATE.add(name)


def last_user_key(database: str) -> str:
    return "lastUser/" + database.replace("/", "|").replace("\\", "|")
