"""A consistent copy of a live SQLite database, safe while others write (SQLite's online
backup API); the copy of an encrypted database is encrypted with the same passphrase. Backups
(store/backup.py) and the copy taken before a schema upgrade (store/database.py) use it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from audit_tool import fileio
from audit_tool.errors import DatabaseError


def backup_sqlite(engine: Engine, target: Path, *, key: str | None = None) -> Path:
    """Copy the live database to `target`, safe while others write (online backup API).

    `key`: the passphrase of an encrypted database; the copy is encrypted with it.
    """
    if engine.dialect.name != "sqlite":
        raise DatabaseError("Backups from the app are for SQLite files; use pg_dump on a server")
    target = Path(target)
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose another file name")
    fileio.private_dir(target.parent)
    tmp = fileio.temporary_beside(target)  # private (0600), hidden, beside the target
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        encrypted = not isinstance(source, sqlite3.Connection)
        if encrypted and key is None:
            raise DatabaseError("The database is encrypted: its backup needs the passphrase")
        dest: Any
        if encrypted:
            from audit_tool.store import crypto

            dest = crypto.connect(tmp, key)
        else:
            dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)  # type: ignore[union-attr]
            check = dest.execute("PRAGMA integrity_check").fetchone()
            if not check or check[0] != "ok":
                raise DatabaseError(f"The backup copy failed its integrity check: {check}")
        finally:
            dest.close()
    except BaseException:
        fileio.discard(tmp)
        raise
    finally:
        raw.close()
    fileio.finish_atomic(tmp, target)
    return target
