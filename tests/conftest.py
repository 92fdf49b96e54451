"""Fixtures for real resources: a fresh database per test (SQLite file or PostgreSQL)."""

from __future__ import annotations

import os
import shutil
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


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _fresh_pg_database(reason: str | None, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of `template`, or empty), dropped afterwards."""
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from sqlalchemy import text

    name = f"audit_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield _pg_url(name)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def pg_url(pg_available: str | None) -> Iterator[str]:
    """URL of a brand-new empty PostgreSQL database, dropped after the test."""
    yield from _fresh_pg_database(pg_available)


class Templates:
    """Databases made once per test process (each xdist worker has its own) and copied for
    each test: an SQLite file is copied in microseconds and PostgreSQL copies a template
    database (CREATE DATABASE ... TEMPLATE) in a fraction of the time the schema and the
    defaults take to create. `world` templates also hold factories.build_world's data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[bool, Path] = {}
        self._pg: dict[bool, str] = {}

    def sqlite(self, *, world: bool) -> Path:
        if world not in self._sqlite:
            path = self.folder / ("world.sqlite" if world else "empty.sqlite")
            database = open_database(path)
            self._fill(database, world=world)
            with database.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
            self._sqlite[world] = path
        return self._sqlite[world]

    def copy_sqlite(self, target: Path, *, world: bool) -> Database:
        shutil.copyfile(self.sqlite(world=world), target)
        return open_database(target)

    def pg(self, *, world: bool) -> str:
        if world not in self._pg:
            from sqlalchemy import text

            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            name = f"audit_tpl_{worker}_{'world' if world else 'empty'}_{uuid.uuid4().hex[:8]}"
            engine = _pg_admin_engine()
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine.dispose()
            self._pg[world] = name  # dropped by drop() even if filling it fails
            database = open_database(_pg_url(name))
            try:
                self._fill(database, world=world)
            finally:
                database.close()  # a template database must have no connections
        return self._pg[world]

    @staticmethod
    def _fill(database: Database, *, world: bool) -> None:
        if world:
            factories.build_world(database, Actor.system("test set-up"))

    def drop(self) -> None:
        if not self._pg:
            return
        from sqlalchemy import text

        engine = _pg_admin_engine()
        with engine.connect() as conn:
            for name in self._pg.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


# The names of this file's world fixtures whose data is already in the test's database.
_WORLDS_IN_TEMPLATE = pytest.StashKey[set[str]]()


def _world_from_template(request: pytest.FixtureRequest, name: str) -> bool:
    """Whether the test uses this file's `name` fixture (`world` or `sqlite_world`), directly
    or through other fixtures, and not only a module's own fixture of that name. If so the
    database starts as a copy of the world template and the world fixture just reads it."""
    if name not in request.fixturenames:
        return False
    defs = request.node._fixtureinfo.name2fixturedefs.get(name, ())
    for fixturedef in reversed(defs):  # the overriding definition first
        if fixturedef.func.__module__ == __name__:
            request.node.stash.setdefault(_WORLDS_IN_TEMPLATE, set()).add(name)
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
    """A new, empty (defaults only) database on each backend; with the `world` fixture, the
    world's data is in it from the start (a copy of a template built once per process)."""
    world = _world_from_template(request, "world")
    if request.param == "sqlite":
        database = _templates.copy_sqlite(tmp_path / "test.sqlite", world=world)
        yield database
        database.close()
        return
    gen = _fresh_pg_database(pg_available, _templates.pg(world=world) if not pg_available else None)
    url = next(gen)
    database = open_database(url)
    try:
        yield database
    finally:
        database.close()
        gen.close()


@pytest.fixture
def sqlite_db(
    request: pytest.FixtureRequest, tmp_path: Path, _templates: Templates
) -> Iterator[Database]:
    """A new SQLite database file (for GUI tests, which need only one backend)."""
    world = _world_from_template(request, "sqlite_world")
    database = _templates.copy_sqlite(tmp_path / "test.sqlite", world=world)
    yield database
    database.close()


@pytest.fixture
def system() -> Actor:
    return Actor.system("test set-up")


def _world(
    request: pytest.FixtureRequest, name: str, database: Database, system: Actor
) -> factories.World:
    if name in request.node.stash.get(_WORLDS_IN_TEMPLATE, set()):
        return factories.world_of(database)
    return factories.build_world(database, system)


@pytest.fixture
def world(request: pytest.FixtureRequest, db: Database, system: Actor) -> factories.World:
    """Reference data (agencies, teams, people of every role) and a few cases."""
    return _world(request, "world", db, system)


@pytest.fixture
def sqlite_world(
    request: pytest.FixtureRequest, sqlite_db: Database, system: Actor
) -> factories.World:
    return _world(request, "sqlite_world", sqlite_db, system)
