"""Opening databases: SQLite settings, clear errors for what is not ours, backups."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from audit_tool.access.actors import Actor
from audit_tool.errors import DatabaseError
from audit_tool.services import cases, seed
from audit_tool.store import database, open_database
from audit_tool.store.snapshot import backup_sqlite
from audit_tool.store.urls import to_url


def test_sqlite_settings_hold_on_every_connection(sqlite_db):
    for _ in range(3):
        with sqlite_db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_are_enforced(sqlite_db):
    with pytest.raises(Exception, match="FOREIGN KEY"), sqlite_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO teams (key, name, agency_id, service_area, active, uuid, "
                "created_at, updated_at) VALUES ('t', 'T', 999, '', 1, 'u', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_urls_and_paths(tmp_path):
    assert to_url(tmp_path / "a.sqlite").get_backend_name() == "sqlite"
    assert to_url("postgresql+psycopg://u@h/db").get_backend_name() == "postgresql"
    assert to_url(f"sqlite:///{tmp_path}/b.sqlite").database == f"{tmp_path}/b.sqlite"


def test_clear_errors_for_what_cannot_be_opened(tmp_path):
    with pytest.raises(DatabaseError, match="No database at"):
        open_database(tmp_path / "missing.sqlite", create=False)
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(tmp_path / "no" / "such" / "folder.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00\x01not a database at all" * 100)
    with pytest.raises(DatabaseError, match="not an Audit Tool database"):
        open_database(junk)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseError, match="not an Audit Tool database"):
        open_database(other)


def test_backup_is_a_consistent_copy_even_during_a_write(sqlite_world, tmp_path):
    db = sqlite_world.db
    writer_ready, release = threading.Event(), threading.Event()

    def hold_a_write() -> None:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE cases SET initials = 'ZZ' WHERE ref = 'C1000'"))
            writer_ready.set()
            release.wait(5)

    thread = threading.Thread(target=hold_a_write)
    thread.start()
    writer_ready.wait(5)
    try:
        target = backup_sqlite(db.engine, tmp_path / "copy.sqlite")
    finally:
        release.set()
        thread.join()
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT initials FROM cases WHERE ref = 'C1000'").fetchone() == ("AB",)
    copied = open_database(target, create=False)
    try:
        assert cases.count_cases(copied, Actor.system(), cases.CaseQuery()) == 3
    finally:
        copied.close()


def test_a_new_database_runs_the_hooks_the_application_registered(tmp_path, monkeypatch):
    """The store seeds through its on_create hooks, not by importing the services: each hook
    runs once, on the database just made (at the head schema), never on reopening it."""
    monkeypatch.setattr(database, "_ON_CREATE", [])
    made: list[str | None] = []

    def note(db: database.Database) -> None:
        made.append(db.current_revision())

    database.on_create(note)
    database.on_create(note)  # registered twice, runs once
    path = tmp_path / "new.sqlite"
    open_database(path).close()
    assert made == [database.SCHEMA_HEAD]
    open_database(path).close()
    assert made == [database.SCHEMA_HEAD]


def test_no_database_is_created_without_the_defaults(tmp_path, monkeypatch):
    """An entry point that forgot `seed.register()` fails before a table is made, so no
    database without the grading scale and templates is ever left behind."""
    monkeypatch.setattr(database, "_ON_CREATE", [])
    path = tmp_path / "new.sqlite"
    with pytest.raises(RuntimeError, match="seed.register"):
        open_database(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    seed.register()
    db = open_database(path)
    try:
        with db.session() as session:
            keys = session.execute(text("SELECT key FROM audit_templates")).scalars().all()
        assert sorted(keys) == sorted(seed.DEFAULT_TEMPLATES)
    finally:
        db.close()
