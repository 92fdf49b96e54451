"""Alembic: an old database is upgraded on open, with its data intact and a backup first."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from audit_tool.access.actors import Actor
from audit_tool.errors import DatabaseError
from audit_tool.models import load_all
from audit_tool.models.changelog import chain_hash
from audit_tool.services import cases, changelog
from audit_tool.store import migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD
from audit_tool.store.urls import to_url

FIRST = "0001_initial"
ACCOUNTS = "0005_accounts"  # the last revision with chain format 1
NOW = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def _fill_first_revision(engine) -> None:
    """Data written the way the 0001 schema held it, change-log entries without hashes."""

    def row(table: str, **values: object) -> None:
        values.setdefault("uuid", str(uuid.uuid4()))
        values.setdefault("created_at", NOW)
        values.setdefault("updated_at", NOW)
        names = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)

    with engine.begin() as conn:
        row("agencies", id=1, key="csc", name="Children's Social Care", active=True)
        row(
            "teams",
            id=1,
            key="north",
            name="North Team",
            agency_id=1,
            service_area="CIN",
            active=True,
        )
        row(
            "people",
            id=1,
            key="lead",
            name="Lena Lead",
            agency_id=1,
            team_id=None,
            job_title="",
            active=True,
        )
        row(
            "people",
            id=2,
            key="sw",
            name="Sid Worker",
            agency_id=1,
            team_id=1,
            job_title="",
            active=True,
        )
        conn.execute(text("INSERT INTO person_roles (id, person_id, role) VALUES (1, 1, 'lead')"))
        for i in range(25):
            row(
                "cases",
                id=i + 1,
                ref=f"OLD{i:03d}",
                initials="AB",
                case_type="cin",
                level_of_need=3,
                team_id=1,
                worker_id=2,
                manager_id=None,
                opened_on=date(2024, 1, 1 + i),
                closed_on=None,
                revision=1,
            )
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO change_log (id, at, actor_id, actor_name, action, entity, "
                    "entity_uuid, summary, before, after, reason) VALUES (:id, :at, 1, "
                    "'Lena Lead', 'create', 'case', NULL, :summary, NULL, :after, '')"
                ),
                {"id": i + 1, "at": NOW, "summary": f"Case OLD{i:03d} added", "after": '{"a": 1}'},
            )
        if engine.dialect.name == "postgresql":
            # Explicit ids leave PostgreSQL's sequences behind; an app-written database's are not.
            for table in ("agencies", "teams", "people", "person_roles", "cases", "change_log"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "
                        f"FROM {table}"
                    )
                )


def _old_database(url: str) -> None:
    engine = create_engine(to_url(url))
    migrate.upgrade(engine, FIRST)
    _fill_first_revision(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == FIRST
    engine.dispose()


def _check_upgraded(db) -> None:
    lead = Actor.system()
    assert db.current_revision() == SCHEMA_HEAD
    assert cases.count_cases(db, lead, cases.CaseQuery()) == 25
    case = cases.get_case(db, lead, "OLD007")
    assert (case.worker_name, case.team_name, case.opened_on) == (
        "Sid Worker",
        "North Team",
        date(2024, 1, 8),
    )
    assert changelog.count(db) == 3
    ok, message = changelog.verify(db)
    assert ok, message
    # The upgraded database works as a new one does.
    cases.create_case(
        db, lead, cases.CaseInput(ref="NEW1", initials="CD", case_type="cp", team="north")
    )
    assert changelog.verify(db)[0]


def test_sqlite_database_at_first_revision_is_upgraded_on_open_with_a_backup(tmp_path):
    path = tmp_path / "old.sqlite"
    _old_database(str(path))
    db = open_database(path)
    try:
        _check_upgraded(db)
    finally:
        db.close()
    backups = list(tmp_path.glob(f"old.before-{FIRST}-upgrade-*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
        assert copy.execute("SELECT count(*) FROM cases").fetchone() == (25,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_opening_without_upgrade_refuses_and_changes_nothing(tmp_path):
    path = tmp_path / "old.sqlite"
    _old_database(str(path))
    with pytest.raises(DatabaseError, match="older schema .*audit-tool db upgrade"):
        open_database(path, upgrade=False)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
    assert not list(tmp_path.glob("*.before-*"))


def test_postgresql_database_at_first_revision_is_upgraded(pg_url):
    _old_database(pg_url)
    db = open_database(pg_url)
    try:
        _check_upgraded(db)
    finally:
        db.close()


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(DatabaseError, match="newer version of Audit Tool"):
        open_database(path)


def _schema_diffs(url: str) -> list[object]:
    engine = create_engine(to_url(url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, load_all().metadata)
    engine.dispose()
    return diffs


def test_migrations_and_models_describe_the_same_schema(tmp_path, pg_url):
    """A database built by the migrations equals one built from the models, on both backends."""
    migrated = tmp_path / "migrated.sqlite"
    engine = create_engine(to_url(str(migrated)))
    migrate.upgrade(engine, "head")
    engine.dispose()
    assert _schema_diffs(str(migrated)) == []
    assert migrate.head() == SCHEMA_HEAD
    engine = create_engine(to_url(pg_url))
    migrate.upgrade(engine, "head")
    engine.dispose()
    assert _schema_diffs(pg_url) == []


def test_new_database_is_created_at_head(tmp_path: Path):
    db = open_database(tmp_path / "fresh.sqlite")
    try:
        assert db.current_revision() == SCHEMA_HEAD
    finally:
        db.close()
    assert _schema_diffs(str(tmp_path / "fresh.sqlite")) == []


def _database_at_accounts(url: str) -> list[tuple]:
    """A database at 0005 whose change log is chained in format 1: the entries 0002 chained,
    then more as the 0005 application wrote them (JSON values, non-ASCII text, microseconds).
    Returns the entries' content."""
    _old_database(url)
    engine = create_engine(to_url(url))
    migrate.upgrade(engine, ACCOUNTS)
    with engine.begin() as conn:
        prev = conn.execute(text("SELECT hash FROM change_log ORDER BY id DESC LIMIT 1")).scalar()
        for i in range(4, 8):
            fields = {
                "id": i,
                "at": datetime(2025, 6, 2, 10, i, 5, 123456, tzinfo=UTC),
                "actor_name": "Lena Lead",
                "action": "update",
                "entity": "case",
                "entity_uuid": str(uuid.uuid4()),
                "summary": f"Case OLD{i:03d} changed: Zoë’s plan",
                "before": {"initials": "AB", "level_of_need": i},
                "after": {"initials": "ÁB", "level_of_need": i + 1},
                "reason": "" if i % 2 else "typo",
            }
            new_hash = chain_hash(prev, fields)
            conn.execute(
                text(
                    "INSERT INTO change_log (id, at, actor_id, actor_name, action, entity, "
                    "entity_uuid, summary, before, after, reason, prev_hash, hash) VALUES (:id, "
                    ":at, 1, :actor_name, :action, :entity, :entity_uuid, :summary, :before, "
                    ":after, :reason, :prev, :hash)"
                ),
                {
                    **fields,
                    "before": json.dumps(fields["before"]),
                    "after": json.dumps(fields["after"]),
                    "prev": prev,
                    "hash": new_hash,
                },
            )
            prev = new_hash
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('change_log', 'id'), max(id)) "
                    "FROM change_log"
                )
            )
        content = conn.execute(
            text("SELECT id, actor_name, action, summary, reason FROM change_log ORDER BY id")
        ).all()
    engine.dispose()
    return [tuple(r) for r in content]


def _check_rechained(db, content: list[tuple]) -> None:
    assert db.current_revision() == SCHEMA_HEAD
    ok, message = changelog.verify(db)
    assert ok and message == "7 change log entries verified", message
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, actor_name, action, summary, reason, nonce, digest, redacted_at "
                "FROM change_log ORDER BY id"
            )
        ).all()
    assert [tuple(r[:5]) for r in rows] == content  # the content is kept as it was
    assert all(len(r.nonce) == 32 and len(r.digest) == 64 and r.redacted_at is None for r in rows)
    # New entries chain on in format 2.
    cases.create_case(
        db,
        Actor.system(),
        cases.CaseInput(ref="NEW1", initials="CD", case_type="cp", team="north"),
    )
    assert changelog.verify(db) == (True, "8 change log entries verified")


def test_sqlite_database_with_the_old_chain_format_is_rechained_on_upgrade(tmp_path):
    path = tmp_path / "v1.sqlite"
    content = _database_at_accounts(str(path))
    db = open_database(path)
    try:
        _check_rechained(db, content)
    finally:
        db.close()
    assert len(list(tmp_path.glob(f"v1.before-{ACCOUNTS}-upgrade-*.sqlite"))) == 1


def test_postgresql_database_with_the_old_chain_format_is_rechained_on_upgrade(pg_url):
    content = _database_at_accounts(pg_url)
    db = open_database(pg_url)
    try:
        _check_rechained(db, content)
    finally:
        db.close()


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE change_log SET summary = 'Case OLD005 changed' WHERE id = 5",
        "UPDATE change_log SET reason = 'no reason' WHERE id = 5",
        "DELETE FROM change_log WHERE id = 4",
    ],
)
def test_a_tampered_old_chain_refuses_the_upgrade_and_changes_nothing(tmp_path, sql):
    """Re-chaining an edited log would hide the edit: the upgrade stops instead, naming the
    entry, and leaves the file as it was (with the backup taken before it)."""
    path = tmp_path / "v1.sqlite"
    _database_at_accounts(str(path))
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    before = _dump(path)
    with pytest.raises(DatabaseError) as refused:
        open_database(path)
    message = str(refused.value)
    assert "upgrade was refused: change log entry 5 (update case by Lena Lead)" in message
    assert "does not match the chain" in message and "left unchanged" in message
    assert _dump(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (ACCOUNTS,)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(change_log)")}
    assert "digest" not in columns and "redacted_at" not in columns
    (backup,) = tmp_path.glob(f"v1.before-{ACCOUNTS}-upgrade-*.sqlite")
    assert _dump(backup) == before


def test_a_tampered_old_chain_refuses_the_upgrade_on_postgresql(pg_url):
    _database_at_accounts(pg_url)
    engine = create_engine(to_url(pg_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE change_log SET actor_name = 'Someone' WHERE id = 6"))
    with pytest.raises(DatabaseError, match=r"change log entry 6 \(update case by Someone\)"):
        open_database(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == ACCOUNTS
        columns = {c["name"] for c in inspect(conn).get_columns("change_log")}
    engine.dispose()
    assert "digest" not in columns
