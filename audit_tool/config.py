"""Paths and installation-wide defaults (the data folder comes from platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

from audit_tool.fileio import private_dir

APP_DIR_NAME = "audit-tool"
APP_AUTHOR = "QA Partnership"


def data_dir() -> Path:
    """Folder for the default database and backups; AUDIT_TOOL_HOME overrides it.

    Readable by the user alone (0700 on POSIX; on Windows it is in the user's profile). The
    platform's own folder is tightened if an older version made it 0755; a folder named by
    AUDIT_TOOL_HOME is made private when created and otherwise left as its owner set it.
    """
    override = os.environ.get("AUDIT_TOOL_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_DIR_NAME, APP_AUTHOR))
    return private_dir(path, tighten=not override)


def default_database_path() -> Path:
    return data_dir() / "audit-tool.sqlite"


def backup_dir() -> Path:
    return private_dir(data_dir() / "backups", tighten=True)
