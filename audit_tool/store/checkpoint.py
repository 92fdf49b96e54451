"""The change-log checkpoint kept on this computer, outside the database file: for each SQLite
file the app uses, how many entries its chain held, its newest entry and hash, and how many of
those entries a retention run had emptied, as last seen here.

Someone who changes the file elsewhere (another computer or account, or a copy put back) cannot
change this record too: a chain that no longer holds the entry seen here, holds it with another
hash, holds fewer entries, or has entries seen here emptied by a retention run that was not run
here, is reported by `log verify` and the checkpoint is not moved on past it. The checkpoint is
moved on when a database is opened or closed, after a verify and after a retention run, each
time only if the chain still agrees with it. Files live in `checkpoints/` in the data folder,
readable by the user alone; someone acting as this user can rewrite them (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

FOLDER = "checkpoints"
_RUN = re.compile(r"\[removed by retention run (\d+)\]")


class OpenDatabase(Protocol):
    """What the checkpoint needs of an open database (a store.database.Database, which
    calls this module as it opens and closes, so it is not imported here)."""

    @property
    def engine(self) -> Engine: ...

    @property
    def path(self) -> Path | None: ...  # None for a server

    @property
    def is_sqlite(self) -> bool: ...


@dataclass(frozen=True)
class Checkpoint:
    database: str
    entries: int
    newest_id: int | None
    newest_hash: str | None
    redacted: int  # entries up to newest_id whose content a retention run had removed
    at: str  # when it was taken (UTC, ISO)


def file_for(database: Path) -> Path:
    from audit_tool.config import data_dir

    name = hashlib.sha256(str(Path(database).resolve()).encode("utf-8")).hexdigest()[:32]
    return data_dir() / FOLDER / f"{name}.json"


def read(database: Path) -> Checkpoint | None:
    path = file_for(database)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Checkpoint(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        # Unreadable: say so in the log and start again from what the database holds now.
        log.warning("The change-log checkpoint %s could not be read: %s", path, exc)
        return None


def _write_private(path: Path, content: str) -> None:
    """Write a file readable by this user alone, all or nothing (a temporary file beside it,
    replaced in one step)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        # Closed before it replaces the old one (Windows cannot replace an open file). Not
        # synced: a checkpoint lost to a power cut is only a check less, never a false alarm.
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(checkpoint: Checkpoint) -> None:
    _write_private(file_for(Path(checkpoint.database)), json.dumps(asdict(checkpoint)))


def current(conn: Connection, database: Path) -> Checkpoint:
    """What the database's chain holds now."""
    entries = int(conn.execute(text("SELECT count(*) FROM change_log")).scalar() or 0)
    newest = conn.execute(text("SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1")).first()
    newest_id = int(newest[0]) if newest is not None else None
    redacted = _redacted_up_to(conn, newest_id)
    return Checkpoint(
        str(Path(database).resolve()),
        entries,
        newest_id,
        newest[1] if newest is not None else None,
        redacted,
        datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _redacted_up_to(conn: Connection, newest_id: int | None) -> int:
    if newest_id is None:
        return 0
    # "+id": SQLite reads the redacted_at index (few rows) rather than every row up to n.
    stmt = text("SELECT count(*) FROM change_log WHERE redacted_at IS NOT NULL AND +id <= :n")
    return int(conn.execute(stmt, {"n": newest_id}).scalar() or 0)


def problem(conn: Connection, saved: Checkpoint) -> str | None:
    """Why the database's chain no longer agrees with what this computer saw, or None."""
    if saved.newest_id is None:
        return None
    seen = f"entry {saved.newest_id} (hash {(saved.newest_hash or '')[:12]}...)"
    when = f"on {saved.at[:10]}"
    row = conn.execute(
        text("SELECT hash FROM change_log WHERE id = :id"), {"id": saved.newest_id}
    ).first()
    if row is None:
        return (
            f"{seen}, the newest this computer saw in the change log {when}, is missing: "
            "the log was cut short since"
        )
    if row[0] != saved.newest_hash:
        return (
            f"entry {saved.newest_id} no longer has the hash this computer saw {when} "
            f"({(saved.newest_hash or '')[:12]}...): the chain was rebuilt since"
        )
    # All entries less those after it (few): a count of all reads the smallest index.
    total = int(conn.execute(text("SELECT count(*) FROM change_log")).scalar() or 0)
    after = conn.execute(
        text("SELECT count(*) FROM change_log WHERE id > :n"), {"n": saved.newest_id}
    ).scalar()
    held = total - int(after or 0)
    if held < saved.entries:
        return (
            f"the change log holds {held} entries up to entry {saved.newest_id}, but this "
            f"computer saw {saved.entries} {when}: {saved.entries - held} were removed"
        )
    if _redacted_up_to(conn, saved.newest_id) > saved.redacted:
        entry = conn.execute(
            text(
                "SELECT id, summary FROM change_log WHERE redacted_at IS NOT NULL "
                "AND +id <= :n ORDER BY redacted_at DESC, id LIMIT 1"
            ),
            {"n": saved.newest_id},
        ).first()
        assert entry is not None
        run = _RUN.search(entry[1] or "")
        by = f"retention run {run.group(1)}" if run else "a retention run"
        return (
            f"entry {entry[0]} lost its content to {by}, which was not run on this computer: "
            f"this computer saw that entry with its content {when} (the log then ended at "
            f"{seen})"
        )
    return None


def _file_path(db: OpenDatabase) -> Path | None:
    return db.path if db.is_sqlite and db.path is not None else None


def check(db: OpenDatabase) -> str | None:
    """Why an SQLite database's change log disagrees with this computer's checkpoint, or None
    (also for servers and for a file this computer has not seen)."""
    path = _file_path(db)
    saved = read(path) if path is not None else None
    if saved is None:
        return None
    try:
        with db.engine.connect() as conn:
            return problem(conn, saved)
    except SQLAlchemyError as exc:
        log.warning("The change log of %s could not be held against its checkpoint: %s", path, exc)
        return None


def advance(db: OpenDatabase, *, trusted: bool = False) -> str | None:
    """Move this computer's checkpoint on to what the database holds now, unless the chain no
    longer agrees with it (then return why, and leave it). `trusted`: what it holds now was
    made here (a database just created, whatever was seen before at its path; a retention run
    made here on a log that agreed with the checkpoint). Best effort: a database that cannot be
    read is left to the checks that open it."""
    path = _file_path(db)
    if path is None:
        return None
    try:
        with db.engine.connect() as conn:
            saved = None if trusted else read(path)
            why = problem(conn, saved) if saved is not None else None
            if why is None:
                write(current(conn, path))
            return why
    except (SQLAlchemyError, OSError) as exc:
        log.warning("The change-log checkpoint of %s was not updated: %s", path, exc)
        return None


def reset(conn: Connection, database: Path) -> None:
    """Start again from what `conn`'s database holds (a backup just restored at `database`)."""
    write(current(conn, database))
