"""Pack export reads in batches (issue 15, point 8): the statements an export issues do not
grow with the number of audits, the batched JSON is the same as one audit at a time, and a
cancelled export or import changes nothing."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from audit_tool.access.actors import Actor
from audit_tool.errors import Cancelled
from audit_tool.models import Audit, ChangeLogEntry, Programme
from audit_tool.services import demo, pack_export, packs
from audit_tool.store.database import open_database

TODAY = date(2026, 6, 30)


def _statements(db: Any, fn: Any) -> int:
    seen = {"count": 0}

    def count(*_args: Any) -> None:
        seen["count"] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return seen["count"]


def _log_rows(db: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0)


@pytest.fixture
def demo_db(db: Any) -> Any:
    demo.generate(db, Actor.system("test set-up"), audits=300, seed=1, today=TODAY)
    return db


def test_export_statements_do_not_grow_with_the_audits(demo_db):
    """One programme's few audits and all 300 take the same statements (per-audit queries
    took about 10 per audit: 3,099 for these 300)."""
    db, system = demo_db, Actor.system("test")
    with db.session() as session:
        counts = Counter(
            session.execute(select(Programme.key, Audit.id).join(Audit.programme)).scalars()
        )
    smallest = min(counts, key=lambda k: (counts[k], k))
    few = _statements(db, lambda: packs.export_pack(db, system, programme_key=smallest))
    every = _statements(db, lambda: packs.export_pack(db, system))
    assert counts[smallest] < 20 and sum(counts.values()) == 300
    # A few statements load only what some audits have (themes, answers): never per audit.
    assert every <= few + 4
    assert every < 40


def test_batches_give_the_same_json_as_one_audit_at_a_time(demo_db, monkeypatch):
    db = demo_db
    monkeypatch.setattr(pack_export, "CHUNK", 7)  # many batches, and partial ones
    with db.session() as session:
        audits = list(session.scalars(select(Audit).order_by(Audit.id)))
        batched = pack_export.audits_json(session, audits)
        single = [packs.one_audit_json(a, session) for a in audits]
    assert json.dumps(batched) == json.dumps(single)
    assert sum(len(a["reviews"]) + len(a["learning_points"]) for a in batched) > 300


def test_a_cancelled_export_writes_and_records_nothing(demo_db, tmp_path: Path):
    db, out = demo_db, tmp_path / "pack.json"
    before = _log_rows(db)
    seen: list[tuple[int, int]] = []

    def stop_after_first(done: int, total: int) -> bool:
        seen.append((done, total))
        return len(seen) < 2

    with pytest.raises(Cancelled, match="nothing was written"):
        packs.write_pack(db, Actor.system("test"), out, progress=stop_after_first)
    assert not out.exists() and _log_rows(db) == before
    assert seen[0] == (0, 600)
    # Left to run, progress ends at its total.
    seen.clear()
    assert packs.write_pack(db, Actor.system("test"), out, progress=lambda *p: not seen.append(p))
    assert seen[-1] == (600, 600) and out.exists()


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> Any:
    database = open_database(tmp_path / "other.sqlite")
    yield database
    database.close()


@pytest.fixture
def small_demo_db(db: Any) -> Any:
    """Enough audits for an import to stop late in (importing is the slow part: 300 audits
    took 30 s per backend here, for no more checking)."""
    demo.generate(db, Actor.system("test set-up"), audits=40, seed=1, today=TODAY)
    return db


def test_a_cancelled_import_leaves_the_database_as_it_was(small_demo_db, empty_sqlite):
    pack = packs.export_pack(small_demo_db, Actor.system("test"))
    audits = len(pack["audits"])
    target = empty_sqlite
    before = _log_rows(target)
    calls: list[int] = []

    def stop_late(done: int, total: int) -> bool:
        calls.append(done)
        return done < total - 1  # the very last audit written, then cancel before commit

    with pytest.raises(Cancelled, match="nothing was changed"):
        packs.import_pack(target, Actor.system("test"), copy.deepcopy(pack), stop_late)
    with target.session() as session:
        assert session.scalar(select(func.count()).select_from(Audit)) == 0
    assert _log_rows(target) == before and calls[-1] == 2 * audits - 1
    report = packs.import_pack(target, Actor.system("test"), pack, lambda d, t: True)
    assert audits >= 30 and len(report.created) == audits
