"""Consistent copies of an SQLite database with SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from audit_tool.errors import DatabaseError


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """Copy the live database to `target`, safe while others write (online backup API)."""
    if engine.dialect.name != "sqlite":
        raise DatabaseError("Backups from the app are for SQLite files; use pg_dump on a server")
    target = Path(target)
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose another file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
            check = dest.execute("PRAGMA integrity_check").fetchone()
            if not check or check[0] != "ok":
                raise DatabaseError(f"The backup copy failed its integrity check: {check}")
        finally:
            dest.close()
    finally:
        raw.close()
    tmp.replace(target)
    return target
