"""Migration 0013: the case fields and their values are added to a 0012 database with its cases
intact, and go again on downgrade; on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.services import case_fields, cases, seed
from audit_tool.services.cases import CaseInput
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, required_tables
from audit_tool.store.urls import to_url

BEFORE = "0012_report_editions"
NEW_TABLES = {"case_fields", "case_field_values"}


def _database_at_0012(url: str) -> None:
    """A 0012 database holding a team and a case, written the way that schema held them."""
    engine = create_engine(to_url(url))
    try:
        migrate.upgrade(engine, BEFORE)
        with engine.begin() as conn:
            assert not NEW_TABLES & set(inspect(conn).get_table_names())
            conn.execute(
                text(
                    "INSERT INTO agencies (uuid, key, name, active, created_at, updated_at) "
                    "VALUES ('a1', 'old_agency', 'Old Agency', true, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO teams (uuid, key, name, agency_id, service_area, active, "
                    "created_at, updated_at) SELECT 't1', 'old_team', 'Old Team', id, '', true, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM agencies"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO cases (uuid, ref, initials, case_type, team_id, revision, "
                    "created_at, updated_at) SELECT 'c1', 'OLD1', 'AB', 'cp', id, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM teams"
                )
            )
    finally:
        engine.dispose()


def test_a_0012_database_gains_case_fields_and_its_cases_take_values(url, tmp_path):
    _database_at_0012(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        seed.install_defaults(db)
        lead = Actor.system()
        assert cases.get_case(db, lead, "OLD1").initials == "AB"
        case_fields.save_case_field(
            db, lead, key="pathway", label="Pathway", kind="choice", options=["RED", "AMBER"]
        )
        data = CaseInput(
            ref="OLD1", initials="AB", case_type="cp", team="old_team", fields={"pathway": "red"}
        )
        assert cases.update_case(db, lead, "OLD1", data).revision == 2
        assert case_fields.case_values(db, lead, "OLD1") == {"pathway": "RED"}
    finally:
        db.close()


def test_downgrade_removes_the_case_fields(url, tmp_path):
    _database_at_0012(url)
    open_database(url, backup_folder=tmp_path).close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.connect() as conn:
            assert not NEW_TABLES & set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT ref FROM cases")).scalar() == "OLD1"
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= NEW_TABLES
    finally:
        engine.dispose()


def test_case_fields_are_required_only_from_0013():
    assert required_tables(SCHEMA_HEAD) >= NEW_TABLES
    assert not NEW_TABLES & required_tables(BEFORE)
