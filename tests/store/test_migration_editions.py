"""Migration 0012: the report editions table is added to a populated 0011 database with its
data intact (a person, a briefing, a change log), works at once, and goes again on downgrade;
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.services import changelog, report_editions, seed
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, required_tables
from audit_tool.store.urls import to_url
from tests.factories import build_world, world_of

BEFORE = "0011_review_at_return"


def _database_at_0011(url: str) -> None:
    """A 0011 database holding an agency, a person and a briefing, written the way that
    schema held them."""
    engine = create_engine(to_url(url))
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as conn:
            assert not inspect(conn).has_table("report_editions")
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
            conn.execute(
                text(
                    "INSERT INTO briefings (uuid, title, status, version, audience, sections, "
                    "revision, created_at, updated_at) VALUES ('b1', 'Old briefing', "
                    "'draft', 1, '', '{}', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
    finally:
        engine.dispose()


def test_a_0011_database_gains_report_editions(url, tmp_path):
    _database_at_0011(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM people")).scalars().all() == ["Olive Old"]
            assert conn.execute(text("SELECT title FROM briefings")).scalar() == "Old briefing"
            assert conn.execute(text("SELECT count(*) FROM report_editions")).scalar() == 0
        seed.install_defaults(db)
        build_world(db, Actor.system())
        lead = world_of(db).lead
        key = report_editions.key_for("quarter", date(2026, 2, 1))
        draft = report_editions.save_commentary(db, lead, key, {"summary": "First words"})
        published = report_editions.publish_edition(db, lead, draft.uuid)
        assert (published.version, published.status) == (1, "published")
        assert changelog.verify(db)[0]
    finally:
        db.close()


def test_downgrade_removes_the_report_editions(url, tmp_path):
    _database_at_0011(url)
    open_database(url, backup_folder=tmp_path).close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.connect() as conn:
            assert not inspect(conn).has_table("report_editions")
            assert conn.execute(text("SELECT title FROM briefings")).scalar() == "Old briefing"
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert inspect(conn).has_table("report_editions")
    finally:
        engine.dispose()


def test_report_editions_are_required_only_from_0012():
    assert "report_editions" in required_tables(SCHEMA_HEAD)
    assert "report_editions" not in required_tables(BEFORE)
