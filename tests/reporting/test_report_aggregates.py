"""The report's kept counts of final answers (reporting/aggregates.py): the report gives the same
figures from them as from counting every answer, and they stay equal to a recount as audits
are confirmed, reopened, submitted as single audits, imported from packs and redacted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from audit_tool.access.actors import Actor
from audit_tool.models import Programme, ReportAnswerCount, TemplateItem
from audit_tool.reporting import aggregates, report_answers
from audit_tool.reporting import report as reports
from audit_tool.reporting.periods import periods
from audit_tool.services import audits, demo, packs, retention, seed
from audit_tool.store import Database, open_database
from tests.factories import backdate, complete_review, final_audit, looped_audit

TODAY = date(2026, 3, 15)


def problems(db: Database) -> list[str]:
    with db.session() as session:
        return aggregates.check(session)


def kept_rows(db: Database) -> int:
    """The answers the kept counts hold."""
    with db.session() as session:
        return int(session.scalar(select(func.sum(ReportAnswerCount.n))) or 0)


def both_ways(
    db: Database, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The report from the kept counts and from the answers themselves (generated_at aside),
    and how many kept months the first one read."""
    read: list[int] = []
    real = report_answers._kept

    def spy(session: Any, months: dict[int, int], *args: Any) -> Any:
        read.append(len(months))
        return real(session, months, *args)

    monkeypatch.setattr(report_answers, "_kept", spy)
    fast = reports.compute(db, Actor.system(), today=TODAY, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(reports._Scope, "kept_usable", property(lambda self: False))
        slow = reports.compute(db, Actor.system(), today=TODAY, **kwargs)
    for report in (fast, slow):
        report.pop("generated_at")
    return fast, slow, sum(read)


def test_split_reads_whole_months_and_counts_the_cut_ends() -> None:
    spans = periods(date(2025, 2, 10), date(2025, 7, 20), "quarter", year_start=1, today=TODAY)
    parts = report_answers.split(spans)
    # Q1 from 10 February: March whole; Q2 whole; Q3 to 20 July: no whole month.
    assert sorted(parts.months.items()) == [
        (aggregates.month_of(date(2025, m, 1)), p) for m, p in ((3, 0), (4, 1), (5, 1), (6, 1))
    ]
    assert parts.rest == [
        (datetime(2025, 2, 10, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),
        (datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 7, 21, tzinfo=UTC)),
    ]
    whole = report_answers.split(periods(date(2025, 1, 1), date(2025, 12, 31), "year", today=TODAY))
    assert len(whole.months) == 12 and whole.rest == []


def test_a_demo_database_gives_the_same_report_both_ways(
    db: Database, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.generate(db, system, audits=400, seed=2, today=TODAY)
    assert problems(db) == [] and kept_rows(db) > 0
    with db.session() as session:
        programme = session.scalar(select(Programme.key).order_by(Programme.id).limit(1))
    settings: list[dict[str, Any]] = [
        # The whole range, calendar quarters: whole months and both ends cut mid-month.
        {"date_from": date(2024, 3, 10), "date_to": TODAY, "by": "quarter", "year_start_month": 1},
        # Financial years from a month's first day: every month whole but the current one.
        {"date_from": date(2024, 4, 1), "date_to": date(2026, 2, 28), "by": "year"},
        {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31), "by": "month"},
        # A programme: the kept counts hold it.
        {
            "date_from": date(2024, 1, 1),
            "date_to": TODAY,
            "by": "quarter",
            "filters": reports.Filters(programme=programme),
        },
    ]
    for kwargs in settings:
        fast, slow, months = both_ways(db, monkeypatch, **kwargs)
        assert fast == slow, kwargs
        assert months > 0, kwargs  # the kept counts were read
        assert any(p["items"] for p in fast["periods"]), kwargs  # and there were answers


def test_counts_follow_confirm_reopen_single_audits_and_backdating(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = world.db
    assert kept_rows(db) == 0
    first = final_audit(world, ref="C1000", overall="good")
    final_audit(world, ref="C1001", overall="requires_improvement")
    single = looped_audit(world, ref="C1002", kind="single", reviewers=["aud1"], moderator=None)
    complete_review(world, world.auditor, single, overall="good")
    assert problems(db) == [] and kept_rows(db) > 0
    with_three = kept_rows(db)

    audits.reopen(db, world.lead, first, "New information from the police")
    assert problems(db) == [] and kept_rows(db) < with_three
    backdate(db, single, datetime(2026, 1, 20, 9, tzinfo=UTC))
    assert problems(db) == []

    since = {"date_from": date(2025, 12, 1), "date_to": date(2026, 12, 31), "by": "month"}
    fast, slow, months = both_ways(db, monkeypatch, **since)
    assert fast == slow and months > 0
    assert sum(p["audits_final"] for p in fast["periods"]) == 2


def test_a_pack_import_and_a_retention_run_keep_them(
    world: Any, tmp_path: Path, system: Actor
) -> None:
    final_audit(world, ref="C1000")
    pack = packs.export_pack(world.db, world.lead, source="Test partnership")
    seed.register()
    target = open_database(tmp_path / "target.sqlite")
    try:
        packs.import_pack(target, system, pack)
        assert problems(target) == [] and kept_rows(target) == kept_rows(world.db) > 0
    finally:
        target.close()
    retention.apply(world.db, system, today=date(2040, 1, 1))
    assert problems(world.db) == [] and kept_rows(world.db) > 0


def test_the_check_names_a_count_that_differs(world: Any) -> None:
    final_audit(world, ref="C1000")
    with world.db.transaction() as session:
        row = session.scalars(select(ReportAnswerCount).limit(1)).one()
        row.n += 1
        found = aggregates.check(session)
        assert len(found) == 1 and f"{row.item_key} = {row.value!r}" in found[0]
        aggregates.rebuild(session)
        assert aggregates.check(session) == []


def test_a_key_free_text_in_one_template_and_counted_in_another(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    final_audit(world, ref="C1000")
    with world.db.transaction() as session:
        # The multi-agency template's free-text item takes a key the case-file template grades.
        text_item = session.scalars(select(TemplateItem).where(TemplateItem.kind == "text")).one()
        taken = set(
            session.scalars(
                select(TemplateItem.key).where(TemplateItem.template_id == text_item.template_id)
            )
        )
        key = session.scalars(
            select(TemplateItem.key)
            .where(TemplateItem.kind == "grade", TemplateItem.key.not_in(taken))
            .order_by(TemplateItem.id)
            .limit(1)
        ).one()
        text_item.key = key
        session.flush()
        assert not report_answers._counted_alike(session, [key])
    fast, slow, _ = both_ways(
        world.db, monkeypatch, date_from=date(2020, 1, 1), date_to=date(2030, 12, 31), by="year"
    )
    assert fast == slow
