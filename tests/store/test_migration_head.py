"""Migration 0009: the change log's head record starts from the chain as it is, is kept by the
database from then on, and goes again on downgrade; on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.services import changelog
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, Database
from audit_tool.store.urls import to_url

BEFORE = "0008_revisions"


def _database_at_0008(url: str) -> list[tuple[int, str]]:
    """A 0008 database whose change log holds five entries; returns their ids and hashes."""
    engine = create_engine(to_url(url))
    migrate.upgrade(engine, BEFORE)
    db = Database(to_url(url), engine)
    try:
        with db.transaction() as session:
            for i in range(5):
                changelog.record(
                    session, Actor.system("old app"), "note", "case", None, summary=f"n{i}"
                )
        with engine.connect() as conn:
            return [
                tuple(r) for r in conn.execute(text("SELECT id, hash FROM change_log ORDER BY id"))
            ]
    finally:
        db.close()


def _head(db) -> tuple:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(text("SELECT entries, newest_id, newest_hash FROM change_log_head")).one()
        )


def test_the_head_starts_from_the_chain_and_then_follows_it(url, tmp_path):
    entries = _database_at_0008(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        assert _head(db) == (5, entries[-1][0], entries[-1][1])
        assert changelog.verify(db) == (True, "5 change log entries verified")
        with db.transaction() as session:
            new = changelog.record(session, Actor.system("new app"), "note", "case", None)
        assert _head(db) == (6, new.id, new.hash)
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM change_log WHERE id = :id"), {"id": new.id})
        ok, message = changelog.verify(db)
        assert not ok and f"entry {new.id} is missing" in message
    finally:
        db.close()


def test_downgrade_removes_the_head_and_its_triggers(url, tmp_path):
    _database_at_0008(url)
    open_database(url, backup_folder=tmp_path).close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.begin() as conn:
            assert not inspect(conn).has_table("change_log_head")
            # Entries are still written without the triggers (nothing left pointing at the head).
            conn.execute(
                text(
                    "INSERT INTO change_log (at, actor_name, action, entity, summary, reason, "
                    "hash) VALUES (CURRENT_TIMESTAMP, 'x', 'note', 'case', '', '', 'h')"
                )
            )
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT entries FROM change_log_head")).scalar() == 6
    finally:
        engine.dispose()


def test_the_required_tables_at_the_head_are_the_models_tables():
    """What open and restore require of a database at the head is the schema itself."""
    from audit_tool.models import load_all
    from audit_tool.store.database import required_tables

    assert required_tables(SCHEMA_HEAD) == frozenset(load_all().metadata.tables)
    assert "change_log_head" not in required_tables(BEFORE)
    assert "claims" not in required_tables("0005_accounts")
