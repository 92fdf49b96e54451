"""The team-server load test (bench/bench_load.py) keeps working and keeps its proof honest:
a short run with a few users reconciles, and its reconciliation catches a lost update."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import text

from audit_tool.services import audits, reference
from audit_tool.store import open_database

BENCH = Path(__file__).resolve().parents[1] / "bench"

pytestmark = pytest.mark.postgres


@pytest.fixture
def bench_load(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # On sys.path before the import: the spawned user processes import the module by name.
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_load

    return bench_load


@pytest.mark.slow
def test_three_users_for_three_seconds_reconcile(bench_load: ModuleType, pg_url: str) -> None:
    lines: list[str] = []
    report = bench_load.run_load_test(
        users=3,
        seconds=3,
        demo_audits=100,
        reviews_per_auditor=6,
        ready_per_moderator=2,
        think_ms=0,
        database_url=pg_url,
        log=lines.append,
    )

    assert report.problems == []
    assert report.reconciled
    assert sorted(u.role for u in report.users) == ["auditor", "auditor", "moderator"]
    assert all(u.started and not u.crashed for u in report.users)
    # Every kind of write happened, so each kind of count was reconciled.
    auditors = [u for u in report.users if u.role == "auditor"]
    assert sum(u.count("save") for u in auditors) > 0
    assert sum(u.count("submit") for u in auditors) > 0
    moderator = next(u for u in report.users if u.role == "moderator")
    assert moderator.moderation_saves + len(moderator.confirmed) + moderator.count("return") > 0
    assert report.writes == sum(u.writes for u in report.users) > 0
    # A save from an outdated copy is refused as a conflict, never written.
    stale = sum(len(u.latencies.get("stale_save", [])) for u in auditors)
    assert sum(u.conflicts["stale_save"] for u in auditors) == stale
    assert sum(u.errors.total() for u in report.users) == 0
    assert f"no lost update: {report.writes} writes by 3 users reconciled" in report.text
    assert "[budget: p95 draft save < 100 ms]" in report.text
    assert "save a review draft" in report.text


def test_reconciliation_catches_a_lost_and_an_uncounted_write(
    bench_load: ModuleType, pg_url: str
) -> None:
    db = open_database(pg_url)
    try:
        specs, _ = bench_load.prepare(db, 3, 60, 4, 1)
        base = bench_load.baseline(db)
        spec = next(s for s in specs if s.role == "auditor")
        result = bench_load.UserResult(spec.key, spec.role)
        auditor = bench_load.Auditor(db, spec, result)
        auditor.step("save_draft")
        auditor.step("save_draft")
        first, second = result.links
        assert (first.kind, second.kind) == ("save", "save")
        assert first.review_uuid == second.review_uuid
        assert bench_load.reconcile(db, base, [result]) == (2, [])

        # The second save is lost: the review is put back as the first save left it.
        with db.transaction() as session:
            session.execute(
                text("UPDATE reviews SET strengths = :s, revision = :r WHERE uuid = :u"),
                {"s": first.text, "r": first.after, "u": first.review_uuid},
            )
        _, problems = bench_load.reconcile(db, base, [result])
        assert any(first.review_uuid in p and f"database has {first.after}" in p for p in problems)
        assert any("its last counted save wrote" in p for p in problems)

        # A write nobody counted (the same review saved behind the user's back).
        with db.transaction() as session:
            session.execute(
                text("UPDATE reviews SET strengths = :s, revision = :r WHERE uuid = :u"),
                {"s": second.text, "r": second.after, "u": first.review_uuid},
            )
        assert bench_load.reconcile(db, base, [result]) == (2, [])
        actor = reference.actor_for(db, spec.key)
        audits.save_review(db, actor, first.review_uuid, strengths="Not counted by anyone")
        _, problems = bench_load.reconcile(db, base, [result])
        assert len(problems) == 2
        assert all(first.review_uuid in p for p in problems)
    finally:
        db.close()
