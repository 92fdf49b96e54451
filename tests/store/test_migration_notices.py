"""Migration 0010: the notices table and each person's e-mail address are added to a 0009
database with its people intact, and go again on downgrade; on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.services import mail, notices, seed
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, Database, required_tables
from audit_tool.store.urls import to_url
from tests.factories import build_world, looped_audit, world_of

BEFORE = "0009_change_log_head"


def _database_at_0009(url: str) -> None:
    """A 0009 database holding a person, written the way that schema held them."""
    engine = create_engine(to_url(url))
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as conn:
            assert "email" not in {c["name"] for c in inspect(conn).get_columns("people")}
            conn.execute(
                text(
                    "INSERT INTO agencies (uuid, key, name, active, created_at, updated_at) "
                    "VALUES ('a1', 'old_agency', 'Old Agency', true, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO people (uuid, key, name, agency_id, job_title, active, "
                    "must_change_password, failed_logins, created_at, updated_at) "
                    "SELECT 'p1', 'old1', 'Olive Old', id, '', true, false, 0, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM agencies"
                )
            )
    finally:
        engine.dispose()


def _people(db: Database) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT key, name FROM people ORDER BY key"))]


def test_a_0009_database_gains_notices_and_email_addresses(url, tmp_path):
    _database_at_0009(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        assert _people(db) == [("old1", "Olive Old")]
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM people")).scalar() is None
        seed.install_defaults(db)
        build_world(db, Actor.system())
        world = world_of(db)
        looped_audit(world)
        assert notices.unread_count(db, world.auditor) == 1
        assert mail.set_email(db, world.lead, "old1", "olive@example.org") == "olive@example.org"
    finally:
        db.close()


def test_downgrade_removes_the_notices_and_the_addresses(url, tmp_path):
    _database_at_0009(url)
    open_database(url, backup_folder=tmp_path).close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.connect() as conn:
            assert not inspect(conn).has_table("notices")
            assert "email" not in {c["name"] for c in inspect(conn).get_columns("people")}
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert inspect(conn).has_table("notices")
    finally:
        engine.dispose()


def test_notices_are_required_only_from_0010():
    assert "notices" in required_tables(SCHEMA_HEAD)
    assert "notices" not in required_tables(BEFORE)
