"""Template databases for the test fixtures: made once per test process, copied per test.

An SQLite template is copied file to file (microseconds); a PostgreSQL one with CREATE
DATABASE ... TEMPLATE (a fraction of the time the schema and the defaults take to create).
Each xdist worker is its own process with its own templates, so nothing is shared between
workers, and every test still gets a database of its own: no test sees another's data.

A template holds the defaults of a new database, optionally factories.build_world's data, and
optionally a module's scenario on top of the world (see world_recipe)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from audit_tool.access.actors import Actor
from audit_tool.store import Database, open_database
from tests import factories

PG_ADMIN_URL = os.environ.get(
    "AUDIT_TOOL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

# What a template holds: (with the world?, the scenario built on the world, or None).
Recipe = Callable[[factories.World], Any]
Key = tuple[bool, Recipe | None]

# world_recipe's fixture functions -> their recipes (the db fixture looks a test's up here).
RECIPES: dict[Callable[..., Any], Recipe] = {}


def pg_admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def pg_url_of(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


class Templates:
    """The templates of one test process, made when first asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[Key, Path] = {}
        self._pg: dict[Key, str] = {}
        self._results: dict[tuple[str, Key], Any] = {}

    def result(self, backend: str, key: Key) -> Any:
        """What the recipe returned when it built the template (ids of what it made)."""
        return self._results[(backend, key)]

    def copy_sqlite(self, target: Path, key: Key) -> Database:
        if key not in self._sqlite:
            path = self.folder / f"template{len(self._sqlite)}.sqlite"
            database = open_database(path)
            self._results[("sqlite", key)] = self._fill(database, key)
            with database.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
            self._sqlite[key] = path
        shutil.copyfile(self._sqlite[key], target)
        return open_database(target)

    def pg(self, key: Key) -> str:
        """The name of the PostgreSQL template database for `key`."""
        if key not in self._pg:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            name = f"audit_tpl_{worker}_{uuid.uuid4().hex[:12]}"
            engine = pg_admin_engine()
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine.dispose()
            self._pg[key] = name  # dropped by drop() even if filling it fails
            database = open_database(pg_url_of(name))
            try:
                self._results[("postgresql", key)] = self._fill(database, key)
            finally:
                database.close()  # a template database must have no connections
        return self._pg[key]

    @staticmethod
    def _fill(database: Database, key: Key) -> Any:
        with_world, recipe = key
        if not with_world:
            return None
        world = factories.build_world(database, Actor.system("test set-up"))
        return recipe(world) if recipe is not None else None

    def drop(self) -> None:
        if not self._pg:
            return
        engine = pg_admin_engine()
        with engine.connect() as conn:
            for name in self._pg.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


# The test's template key and backend, set by the db fixtures for the world fixtures.
TEMPLATE_OF_TEST = pytest.StashKey[tuple[str, Key]]()


def world_recipe(build: Recipe, *, name: str) -> Any:
    """A fixture named `name` whose value is (world, build(world)), for a scenario that many
    tests share and that takes long to make through the services. `build` runs once per
    process and backend, into a template; each test gets a fresh copy of the database it
    made (so `build` must return what a copy holds too: uuids, keys, not ORM objects).

        def build_scenario(world): ...  # make audits; return their uuids
        scenario = world_recipe(build_scenario, name="scenario")
    """

    def recipe_fixture(
        request: pytest.FixtureRequest, world: factories.World, _templates: Templates
    ) -> Any:
        backend, key = request.node.stash[TEMPLATE_OF_TEST]
        assert key == (True, build), "the db fixture did not copy this recipe's template"
        return world, _templates.result(backend, key)

    RECIPES[recipe_fixture] = build
    return pytest.fixture(recipe_fixture, name=name)


def recipe_of(request: pytest.FixtureRequest) -> Recipe | None:
    """The world_recipe a test uses, directly or through other fixtures (at most one)."""
    found = set()
    for fixture_name in request.fixturenames:
        defs = request.node._fixtureinfo.name2fixturedefs.get(fixture_name, ())
        found |= {RECIPES[d.func] for d in defs if d.func in RECIPES}
    if len(found) > 1:
        raise pytest.UsageError(f"{request.node.nodeid} uses more than one world_recipe")
    return found.pop() if found else None
