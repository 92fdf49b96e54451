"""`audit-tool db upgrade`: bring a database (file or server) to this version's schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError

from audit_tool.errors import DatabaseError
from audit_tool.store import database as store_db
from audit_tool.store.urls import to_url


@dataclass(frozen=True)
class UpgradeResult:
    database: str
    before: str | None
    after: str | None
    backup: Path | None


def upgrade_database(target: str | Path, *, key: str | None = None) -> UpgradeResult:
    """`key`: the passphrase when the target is an encrypted SQLite file."""
    url = to_url(target)
    if url.get_backend_name() == "sqlite" and url.database:
        key = store_db.check_sqlite_file(Path(url.database), key=key, create=True)
    else:
        key = None
    db = store_db.Database(url, store_db._make_engine(url, key), key)
    try:
        before = db.current_revision()
        backup = None
        if before is None or before == store_db.SCHEMA_HEAD:
            store_db.ensure_schema(db, create=True, upgrade=False)
        else:
            if before not in store_db.SCHEMA_ORDER:
                store_db.ensure_schema(db)  # raises the "newer version" error
            backup = store_db.upgrade_schema(db)
        return UpgradeResult(db.display_name, before, db.current_revision(), backup)
    except OperationalError as exc:
        raise DatabaseError(f"Cannot open {db.display_name}: {store_db._first_line(exc)}") from exc
    finally:
        db.close()
