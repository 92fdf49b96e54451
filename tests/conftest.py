"""Fixtures for real resources: a fresh database per test (SQLite file or PostgreSQL), each a
copy of a template made once per test process (tests/dbtemplates.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from audit_tool.access.actors import Actor  # noqa: E402
from audit_tool.services import seed  # noqa: E402
from audit_tool.store import Database, open_database  # noqa: E402
from tests import factories  # noqa: E402
from tests.dbtemplates import (  # noqa: E402
    PG_ADMIN_URL,
    TEMPLATE_OF_TEST,
    Key,
    Templates,
    pg_admin_engine,
    pg_url_of,
    recipe_of,
)
from tests.keyrings import MemoryKeyring, memory_keyring_installed  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
seed.register()  # the databases the tests create start with the defaults, as the app's do
__all__ = ["IN_CI", "PG_ADMIN_URL"]  # imported by test modules from here


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow (the package build, the crash test) run first: in parallel workers
    they then overlap the rest of the suite instead of running on alone at its end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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
    return pg_admin_engine()


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    """None if PostgreSQL answers; otherwise why not (a failure in CI, a skip elsewhere)."""
    try:
        from sqlalchemy import text

        engine = pg_admin_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}"


def _fresh_pg_database(reason: str | None, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of `template`, or empty), dropped afterwards."""
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from sqlalchemy import text

    name = f"audit_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    engine = pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield pg_url_of(name)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def pg_url(pg_available: str | None) -> Iterator[str]:
    """URL of a brand-new empty PostgreSQL database, dropped after the test."""
    yield from _fresh_pg_database(pg_available)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


def _uses_world(request: pytest.FixtureRequest, name: str) -> bool:
    """Whether the test uses this file's `name` fixture (`world` or `sqlite_world`), directly
    or through other fixtures, and not only a module's own fixture of that name. If so the
    database starts as a copy of the world template and the world fixture just reads it."""
    if name not in request.fixturenames:
        return False
    defs = request.node._fixtureinfo.name2fixturedefs.get(name, ())
    for fixturedef in reversed(defs):  # the overriding definition first
        if fixturedef.func.__module__ == __name__:
            return True
        if name not in fixturedef.argnames:  # an override that does not use this one
            return False
    return False


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    pg_available: str | None,
    _templates: Templates,
) -> Iterator[Database]:
    """A new, empty (defaults only) database on each backend. With the `world` fixture the
    world's data is in it from the start, and with a world_recipe fixture its scenario too."""
    world = _uses_world(request, "world")
    key: Key = (world, recipe_of(request) if world else None)
    request.node.stash[TEMPLATE_OF_TEST] = (request.param, key)
    if request.param == "sqlite":
        database = _templates.copy_sqlite(tmp_path / "test.sqlite", key)
        yield database
        database.close()
        return
    gen = _fresh_pg_database(pg_available, None if pg_available else _templates.pg(key))
    url = next(gen)
    database = open_database(url)
    try:
        yield database
    finally:
        database.close()
        gen.close()


_SQLITE_TEMPLATE_OF_TEST = pytest.StashKey[Key]()


@pytest.fixture
def sqlite_db(
    request: pytest.FixtureRequest, tmp_path: Path, _templates: Templates
) -> Iterator[Database]:
    """A new SQLite database file (for GUI tests, which need only one backend)."""
    key: Key = (_uses_world(request, "sqlite_world"), None)
    request.node.stash[_SQLITE_TEMPLATE_OF_TEST] = key
    database = _templates.copy_sqlite(tmp_path / "test.sqlite", key)
    yield database
    database.close()


@pytest.fixture
def system() -> Actor:
    return Actor.system("test set-up")


@pytest.fixture
def world(request: pytest.FixtureRequest, db: Database, system: Actor) -> factories.World:
    """Reference data (agencies, teams, people of every role) and a few cases."""
    _backend, (with_world, _recipe) = request.node.stash[TEMPLATE_OF_TEST]
    return factories.world_of(db) if with_world else factories.build_world(db, system)


@pytest.fixture
def sqlite_world(
    request: pytest.FixtureRequest, sqlite_db: Database, system: Actor
) -> factories.World:
    with_world, _recipe = request.node.stash[_SQLITE_TEMPLATE_OF_TEST]
    if with_world:
        return factories.world_of(sqlite_db)
    return factories.build_world(sqlite_db, system)
