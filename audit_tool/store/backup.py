"""Backups of an SQLite database: online copies, automatic rotation, and checked restores.

Copies use SQLite's online backup API, so they are consistent while the app (or another
process) writes. A backup of an encrypted database is encrypted with the same passphrase.

Automatic backups (on leaving the app, `audit-tool backup` without --out) go to the backups
folder: AUDIT_TOOL_BACKUP_DIR, else "backups" in the data folder (config.backup_dir()), named
<stem>-<UTC stamp>.sqlite; the newest AUDIT_TOOL_BACKUP_KEEP (default 10) of each database stem
are kept. The backups before a schema upgrade are written beside the database by
store.database.upgrade_schema and are not rotated.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from audit_tool import crash, fileio
from audit_tool.errors import AuditToolError, DatabaseError, EncryptionKeyError
from audit_tool.store.snapshot import backup_sqlite

if TYPE_CHECKING:
    from audit_tool.store.database import Database

log = logging.getLogger(__name__)

ENV_BACKUP_DIR = "AUDIT_TOOL_BACKUP_DIR"
ENV_BACKUP_KEEP = "AUDIT_TOOL_BACKUP_KEEP"
DEFAULT_KEEP = 10
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def backup_database(db: Database, target: Path) -> Path:
    """A backup of an open database to `target` (encrypted if the database is)."""
    return backup_sqlite(db.engine, Path(target), key=db.key)


# --- automatic backups and rotation -------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    keep: int


def backup_settings(environ: Mapping[str, str] | None = None) -> BackupSettings:
    env = os.environ if environ is None else environ
    folder_text = env.get(ENV_BACKUP_DIR)
    if folder_text:
        folder = Path(folder_text).expanduser()
    else:
        from audit_tool.config import backup_dir

        folder = backup_dir()
    keep_text = env.get(ENV_BACKUP_KEEP)
    keep = DEFAULT_KEEP
    if keep_text:
        try:
            keep = int(keep_text)
        except ValueError:
            keep = 0
        if keep < 1:
            raise DatabaseError(f"{ENV_BACKUP_KEEP} must be a whole number of 1 or more")
    return BackupSettings(folder, keep)


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.sqlite")


def list_backups(folder: Path, stem: str) -> list[Path]:
    """The automatic backups of databases named `stem` in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    pattern = _pattern(stem)
    found: list[tuple[str, int, Path]] = []
    for entry in folder.iterdir():
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file():
            found.append((match.group(1), int(match.group(2) or 0), entry))
    return [path for _stamp, _n, path in sorted(found)]


def prune_backups(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups; returns what was deleted."""
    backups = list_backups(folder, stem)
    doomed = backups[: max(0, len(backups) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def automatic_backup(
    db: Database,
    *,
    settings: BackupSettings | None = None,
    now: datetime | None = None,
) -> Path:
    """Back up an SQLite database into the backups folder and keep the newest `keep`."""
    if not db.is_sqlite or db.path is None:
        raise DatabaseError("Backups from the app are for SQLite files; use pg_dump on a server")
    settings = settings or backup_settings()
    stamp = (now or datetime.now(UTC)).strftime(_STAMP_FORMAT)
    stem = db.path.stem
    target = settings.folder / f"{stem}-{stamp}.sqlite"
    n = 1
    while target.exists() or target.with_name(target.name + ".partial").exists():
        target = settings.folder / f"{stem}-{stamp}-{n}.sqlite"
        n += 1
    backup_database(db, target)
    prune_backups(settings.folder, stem, settings.keep)
    return target


def backup_on_exit(db: Database | None) -> Path | None:
    """The backup taken when the app closes; a failure is logged, never raised."""
    if db is None or not db.is_sqlite:
        return None
    try:
        path = automatic_backup(db)
    except AuditToolError as exc:  # a setting or a full disk: our own sentence
        log.error("The automatic backup of %s failed: %s", db.display_name, exc)
        return None
    except Exception as exc:  # noqa: BLE001 - leaving the app must not fail because of a backup
        report = crash.write_report(exc)  # never a driver's message: it may hold data
        log.error("The automatic backup of %s failed: %s", db.display_name, report.where())
        return None
    log.info("Backed up %s to %s", db.display_name, path)
    return path


# --- checking and restoring ---------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    revision: str
    encrypted: bool
    tables: dict[str, int]


def _open_for_check(path: Path, key: str | None, label: str | Path) -> tuple[Any, bool]:
    from audit_tool.store import crypto

    if path.stat().st_size == 0:
        raise DatabaseError(f"{label} is empty: it is not a backup")
    if crypto.is_plain_sqlite(path):
        return sqlite3.connect(path), False
    if not crypto.is_encrypted(path):
        raise DatabaseError(
            f"{label} is not an Audit Tool backup (not an SQLite file, or it is damaged)"
        )
    if not key:
        raise EncryptionKeyError(
            f"{label} is encrypted (or it is not a database at all): give its passphrase"
        )
    conn = crypto.connect(path, key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except crypto.dbapi().DatabaseError as exc:
        conn.close()
        raise EncryptionKeyError(
            f"Wrong passphrase for {label} (or it is not an Audit Tool backup)"
        ) from exc
    return conn, True


def check_backup(
    path: Path, key: str | None = None, *, label: str | Path | None = None
) -> BackupInfo:
    """Open a backup and check it: integrity, a schema version this code knows, the tables of
    that version, and its change log (the chain, its head record, not empty beside audits)."""
    from audit_tool.store import crypto
    from audit_tool.store.database import SCHEMA_ORDER, missing_tables_message, required_tables

    label = label or path
    conn, encrypted = _open_for_check(path, key, label)
    errors: tuple[type[BaseException], ...] = (sqlite3.DatabaseError,)
    if encrypted:
        errors = (crypto.dbapi().DatabaseError,)
    try:
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise DatabaseError(f"{label} is damaged (integrity check: {check[0][0]})")
            if encrypted:
                problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
                if problems:
                    raise DatabaseError(f"{label} is damaged ({problems[0][0]})")
            has_version = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name = 'alembic_version'"
            ).fetchone()[0]
            if not has_version:
                raise DatabaseError(f"{label} is not an Audit Tool backup (no schema version)")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            tables = crypto.table_counts(conn)
            shape = _shape_problem(conn, row[0] if row else None, label)
        except errors as exc:
            raise DatabaseError(f"{label} is damaged ({exc})") from exc
    finally:
        conn.close()
    revision = row[0] if row else None
    if revision not in SCHEMA_ORDER:
        raise DatabaseError(
            f"{label} was made by a newer version of Audit Tool (schema {revision}); "
            "install the newer version to restore it"
        )
    missing = required_tables(str(revision)) - set(tables)
    if missing:
        raise DatabaseError(missing_tables_message(label, missing))
    if shape is not None:
        raise DatabaseError(shape)
    _check_change_log(path, key, label, str(revision))
    return BackupInfo(str(revision), encrypted, tables)


# The only triggers Audit Tool makes in an SQLite file (store/loghead.py).
_OWN_TRIGGERS = frozenset({"change_log_head_insert", "change_log_head_seal"})


def _shape_problem(conn: Any, revision: str | None, label: str | Path) -> str | None:
    """A backup's schema holding what this version would not make: a trigger of anyone
    else's (it would run on the live database after the restore), or, at this version's own
    schema, a table missing one of its model's columns (exports and reports would then fail)."""
    from audit_tool.models import load_all
    from audit_tool.store.database import SCHEMA_HEAD

    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    foreign = sorted(triggers - _OWN_TRIGGERS)
    if foreign:
        names = ", ".join(foreign[:3])
        return f"{label} holds a trigger Audit Tool does not make ({names}): it is not restored"
    if revision != SCHEMA_HEAD:
        return None  # an older schema's columns are the upgrade's to check and change
    for table in load_all().metadata.sorted_tables:
        have = {r[1] for r in conn.execute(f'PRAGMA table_info("{table.name}")')}
        if not have:
            continue  # a missing table is named by the caller
        lacking = sorted(c.name for c in table.columns if c.name not in have)
        if lacking:
            return (
                f"{label} is not a complete Audit Tool database: its table {table.name} has "
                f"no column {', '.join(lacking[:3])}"
            )
    return None


# The first revisions whose change log is chained in format 2, and that has a head record.
_FORMAT_2 = "0006_change_log_digest"
_HEAD = "0009_change_log_head"


def _check_change_log(path: Path, key: str | None, label: str | Path, revision: str) -> None:
    """Walk a backup's change-log chain (and hold it against its head record); a backup with
    audits and no log is refused too. A backup from before chain format 2 is checked in its
    own format by the upgrade that opens it after the restore."""
    from audit_tool.store import chain
    from audit_tool.store.database import SCHEMA_ORDER, Database, _make_engine
    from audit_tool.store.urls import to_url

    url = to_url(path)
    db = Database(url, _make_engine(url, key), key)
    try:
        with db.session() as session:
            order = SCHEMA_ORDER.index(revision)
            if order >= SCHEMA_ORDER.index(_FORMAT_2):
                result = chain.check(session, head=order >= SCHEMA_ORDER.index(_HEAD))
            else:
                result = chain.empty_check(session)
    finally:
        db.close()
    if not result.ok:
        raise DatabaseError(
            f"{label} was refused: its change log does not check out ({result.message})"
        )


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    backup: Path
    replaced: Path | None
    revision: str
    encrypted: bool


def _sidecars(path: Path) -> tuple[Path, Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")


def _ensure_not_in_use(live: Path, key: str | None) -> None:
    """Refuse a database open in this process or (as far as we can tell) in another."""
    from audit_tool.store import crypto
    from audit_tool.store.open_files import is_open_here

    if is_open_here(live):
        raise DatabaseError(f"{live} is open in this program: close it before restoring")
    if not live.exists():
        return
    if crypto.is_plain_sqlite(live):
        conn: Any = sqlite3.connect(live, timeout=0)
        try:
            try:
                mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            except sqlite3.OperationalError:
                mode = "busy"
            except sqlite3.DatabaseError:
                return  # damaged: nothing to protect from a writer
        finally:
            conn.close()
        if str(mode).lower() != "delete":
            raise DatabaseError(f"{live} is in use (is Audit Tool open on it?): close it first")
        return
    if crypto.is_encrypted(live) and key:
        conn = crypto.connect(live, key, timeout=0)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except crypto.dbapi().DatabaseError:
            conn.close()
            return  # another passphrase: the lock cannot be checked without it
        try:
            crypto.take_exclusive(conn, live)
        finally:
            conn.close()


def _restart_checkpoint(live: Path, key: str | None) -> None:
    """A restore goes back on purpose: this computer's change-log checkpoint of the database
    starts again from the restored chain (else the next verify reports the entries since the
    backup as removed). Best effort: a failure is logged, the restore stands."""
    from audit_tool.store import checkpoint
    from audit_tool.store.database import Database, _make_engine
    from audit_tool.store.urls import to_url

    url = to_url(live)
    db = Database(url, _make_engine(url, key), key)
    try:
        with db.engine.connect() as conn:
            checkpoint.reset(conn, live)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("The change-log checkpoint of %s was not restarted: %s", live, exc)
    finally:
        db.close()


def restore_backup(
    db_path: str | Path, backup_file: str | Path, key: str | None = None
) -> RestoreResult:
    """Replace the database at `db_path` with a checked copy of `backup_file`.

    The backup is copied beside the database and checked there (it opens, with `key` if it is
    encrypted; integrity check; a schema version this code knows; every table of that version;
    its change-log chain, held against its head record) before anything is replaced,
    and the database must not be open in this or (as far as a lock shows) another process.
    The replaced database is kept as <stem>.replaced-<stamp>.sqlite.
    """
    live = Path(db_path).expanduser().resolve()
    source = Path(backup_file).expanduser().resolve()
    if not source.is_file():
        raise DatabaseError(f"No backup at {source}")
    if source == live:
        raise DatabaseError(f"{source} is the database itself, not a backup of it")
    if not live.parent.is_dir():
        raise DatabaseError(f"The folder {live.parent} does not exist")
    from audit_tool.store.open_files import is_open_here

    if is_open_here(live):
        raise DatabaseError(f"{live} is open in this program: close it before restoring")
    stamp = datetime.now(UTC).strftime(_STAMP_FORMAT)
    tmp = live.with_name(f".{live.name}.restoring-{stamp}")
    try:
        fileio.copy_private(source, tmp)
        info = check_backup(tmp, key, label=source)
        # Last, as it checkpoints the live file: a refused backup leaves it byte for byte.
        _ensure_not_in_use(live, key)
    except BaseException:
        for path in (tmp, *_sidecars(tmp)):
            path.unlink(missing_ok=True)
        raise
    replaced = None
    if live.exists():
        replaced = live.with_name(f"{live.stem}.replaced-{stamp}.sqlite")
        n = 1
        while replaced.exists():
            replaced = live.with_name(f"{live.stem}.replaced-{stamp}-{n}.sqlite")
            n += 1
        fileio.replace(live, replaced)
        wal, shm, journal = _sidecars(live)
        # A leftover WAL belongs to the file it was written for: it goes with it.
        if wal.exists():
            fileio.replace(wal, Path(f"{replaced}-wal"))
        if journal.exists():
            fileio.replace(journal, Path(f"{replaced}-journal"))
        fileio.remove(shm)
    fileio.replace(tmp, live)
    for path in _sidecars(tmp):
        path.unlink(missing_ok=True)
    _restart_checkpoint(live, key)
    return RestoreResult(live, source, replaced, info.revision, info.encrypted)


def plain_backups(path: Path) -> list[Path]:
    """Plain copies of a database left by earlier backups (to mention after encrypting it)."""
    import glob

    from audit_tool.store import crypto

    try:
        found = list_backups(backup_settings().folder, path.stem)
    except DatabaseError:
        found = []
    found += sorted(path.parent.glob(f"{glob.escape(path.stem)}.before-*-upgrade-*.sqlite"))
    return [candidate for candidate in found if crypto.is_plain_sqlite(candidate)]
