"""Paths and installation-wide defaults (the data folder comes from platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "audit-tool"
APP_AUTHOR = "QA Partnership"


def data_dir() -> Path:
    """Folder for the default database and backups; AUDIT_TOOL_HOME overrides it."""
    override = os.environ.get("AUDIT_TOOL_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_DIR_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "audit-tool.sqlite"


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path
