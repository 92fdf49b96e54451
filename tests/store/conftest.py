"""Fixtures the migration tests share."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_available):  # type: ignore[no-untyped-def]
    """Where an old database is made for a migration test: a file, or a new PostgreSQL one."""
    if request.param == "sqlite":
        yield str(tmp_path / "old.sqlite")
    else:
        yield request.getfixturevalue("pg_url")
