"""Migration 0016: the monthly expectations and the monthly draws are added to a 0011
database with its people intact, and go again on downgrade; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.services import monthly, monthly_draw, seed
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, Database, required_tables
from audit_tool.store.urls import to_url
from tests.factories import build_world, world_of

BEFORE = "0015_complaints"
TABLES = ("monthly_expectations", "monthly_runs")


def _database_at_0011(url: str) -> None:
    """A 0011 database holding a person, written the way that schema held them."""
    engine = create_engine(to_url(url))
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as conn:
            assert not inspect(conn).has_table("monthly_runs")
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
                    "SELECT 'p1', 'old1', 'Olive Old', id, 'Team manager', true, false, 0, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM agencies"
                )
            )
    finally:
        engine.dispose()


def _people(db: Database) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT key, name FROM people ORDER BY key"))]


def test_a_0011_database_gains_monthly_expectations_and_draws(url, tmp_path):
    _database_at_0011(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        assert _people(db) == [("old1", "Olive Old")]
        seed.install_defaults(db)
        build_world(db, Actor.system())
        world = world_of(db)
        monthly.save_plan(
            db, world.lead, active=True, template_key="moderated_case_file", today=date(2026, 3, 1)
        )
        monthly.set_expectation(db, world.lead, role="auditor", audits=1, moderations=0)
        draw = monthly_draw.roll_over(db, world.lead, today=date(2026, 3, 2))
        assert draw is not None and draw.audits >= 1
    finally:
        db.close()


def test_downgrade_removes_the_monthly_tables(url, tmp_path):
    _database_at_0011(url)
    open_database(url, backup_folder=tmp_path).close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.connect() as conn:
            assert not any(inspect(conn).has_table(t) for t in TABLES)
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert all(inspect(conn).has_table(t) for t in TABLES)
    finally:
        engine.dispose()


def test_monthly_tables_are_required_only_from_0012():
    assert set(TABLES) <= required_tables(SCHEMA_HEAD)
    assert not set(TABLES) & required_tables(BEFORE)
