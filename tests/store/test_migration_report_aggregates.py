"""Migration 0014: an 0011 database holding final audits gains the report's kept counts of
their answers, equal to a recount; they go again on downgrade; on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from audit_tool.access.actors import Actor
from audit_tool.reporting import aggregates
from audit_tool.services import seed
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD, required_tables
from audit_tool.store.urls import to_url
from tests.factories import build_world, complete_review, final_audit, looped_audit

BEFORE = "0013_case_fields"


def _database_at_0011_with_final_audits(url: str) -> int:
    """Final audits made through the services, then the schema taken back to 0011 (as a
    database of the last version holds them); returns the answers the counts held."""
    seed.register()
    db = open_database(url)
    try:
        world = build_world(db, Actor.system())
        final_audit(world, ref="C1000", overall="good")
        final_audit(world, ref="C1001", overall="inadequate")
        single = looped_audit(world, ref="C1002", kind="single", reviewers=["aud1"], moderator=None)
        complete_review(world, world.auditor, single, overall="good")
        with db.session() as session:
            held = sum(aggregates.stored(session).values())
    finally:
        db.close()
    engine = create_engine(to_url(url))
    try:
        command.downgrade(migrate.config(engine), BEFORE)
        with engine.connect() as conn:
            assert not inspect(conn).has_table("report_answer_counts")
    finally:
        engine.dispose()
    return held


def test_an_0011_database_gains_counts_equal_to_a_recount(url, tmp_path):
    held = _database_at_0011_with_final_audits(url)
    db = open_database(url, backup_folder=tmp_path)
    try:
        assert db.current_revision() == SCHEMA_HEAD
        with db.session() as session:
            assert aggregates.check(session) == []
            assert sum(aggregates.stored(session).values()) == held > 0
    finally:
        db.close()


def test_the_counts_are_required_only_from_0014():
    assert "report_answer_counts" in required_tables(SCHEMA_HEAD)
    assert "report_answer_counts" not in required_tables(BEFORE)
