"""Fixtures for real resources: a fresh database per test (SQLite file or PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from audit_tool.services.actors import Actor  # noqa: E402
from audit_tool.store import Database, open_database  # noqa: E402
from tests import factories  # noqa: E402
from tests.keyrings import MemoryKeyring, memory_keyring_installed  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "AUDIT_TOOL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Nothing a test does may touch the real user data folder or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AUDIT_TOOL_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    return home


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring for the test, instead of the real one."""
    with memory_keyring_installed() as backend:
        yield backend


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    """None if PostgreSQL answers; otherwise why not (a failure in CI, a skip elsewhere)."""
    try:
        from sqlalchemy import text

        engine = _pg_admin_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}"


def _fresh_pg_database(reason: str | None) -> Iterator[str]:
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"audit_test_{uuid.uuid4().hex[:12]}"
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def pg_url(pg_available: str | None) -> Iterator[str]:
    """URL of a brand-new empty PostgreSQL database, dropped after the test."""
    yield from _fresh_pg_database(pg_available)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, pg_available: str | None
) -> Iterator[Database]:
    """A new, empty (defaults only) database on each backend."""
    if request.param == "sqlite":
        database = open_database(tmp_path / "test.sqlite")
        yield database
        database.close()
        return
    gen = _fresh_pg_database(pg_available)
    url = next(gen)
    database = open_database(url)
    try:
        yield database
    finally:
        database.close()
        gen.close()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A new SQLite database file (for GUI tests, which need only one backend)."""
    database = open_database(tmp_path / "test.sqlite")
    yield database
    database.close()


@pytest.fixture
def system() -> Actor:
    return Actor.system("test set-up")


@pytest.fixture
def world(db: Database, system: Actor) -> factories.World:
    """Reference data (agencies, teams, people of every role) and a few cases."""
    return factories.build_world(db, system)


@pytest.fixture
def sqlite_world(sqlite_db: Database, system: Actor) -> factories.World:
    return factories.build_world(sqlite_db, system)
