"""Migration 0015: the complaint and compliment tables are added to a 0011 database with its
people intact, work at once, and go again on downgrade; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.services import complaints, seed
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, required_tables
from audit_tool.store.urls import to_url
from tests.factories import build_world, world_of

BEFORE = "0014_report_aggregates"
TABLES = {
    "complaints",
    "complaint_agencies",
    "complaint_points",
    "complaint_point_themes",
    "complaint_learning",
    "complaint_learning_themes",
    "complaint_actions",
    "compliments",
    "compliment_themes",
}


def _database_at_0011(url: str) -> None:
    engine = create_engine(to_url(url))
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as conn:
            assert not TABLES & set(inspect(conn).get_table_names())
            conn.execute(
                text(
                    "INSERT INTO agencies (uuid, key, name, active, created_at, updated_at) "
                    "VALUES ('a1', 'old_agency', 'Old Agency', true, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
    finally:
        engine.dispose()


def test_a_0011_database_gains_complaints_and_compliments(url, tmp_path):
    _database_at_0011(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        seed.install_defaults(db)
        build_world(db, Actor.system())
        lead = world_of(db).lead
        row = complaints.record_complaint(
            db,
            lead,
            complaints.ComplaintInput(
                reference="OLD-1",
                received_on=date(2026, 3, 2),
                agency_key="old_agency",
                stage="stage1",
                points=(complaints.PointInput("", ("delay",)),),
            ),
        )
        assert row.agency_name == "Old Agency" and row.due_on == date(2026, 3, 16)
    finally:
        db.close()


def test_downgrade_removes_the_tables(url, tmp_path):
    _database_at_0011(url)
    open_database(url, backup_folder=tmp_path).close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.connect() as conn:
            assert not TABLES & set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT name FROM agencies")).scalar() == "Old Agency"
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_the_tables_are_required_only_from_0015():
    assert required_tables(SCHEMA_HEAD) >= TABLES
    assert not TABLES & required_tables(BEFORE)
