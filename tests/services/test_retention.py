"""Retention: expired audits lose their words and case identifiers, keep their grades."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import JSON, MetaData, String, Text, cast, func, select, text

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.reporting import report
from audit_tool.services import (
    audits,
    case_fields,
    cases,
    changelog,
    feedback,
    learning,
    learning_actions,
    retention,
    templates,
    worker_feedback,
)
from audit_tool.services.audits import Answer
from audit_tool.services.changelog import LogFilter
from audit_tool.services.feedback import FeedbackInput
from audit_tool.services.templates import ItemInput
from tests.dbtemplates import world_recipe
from tests.factories import final_audit, looped_audit

TODAY = date(2026, 6, 30)
OLD = datetime(2019, 5, 15, 10, 0, tzinfo=UTC)  # final 7 years before TODAY
RECENT = datetime(2025, 5, 15, 10, 0, tzinfo=UTC)  # final 1 year before TODAY
# Never written to the change log by the services (confirm logs answer values, not comments),
# so it must be gone from the database file itself once retention has run.
UNLOGGED = "moderation-comment"


def _add_text_item(world) -> None:
    """The default template, plus a free-text question (its answers are words, not grades)."""
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    items = [
        ItemInput(i.key, i.label, i.kind, i.limiting, i.section, i.guidance) for i in tpl.items
    ]
    items.append(ItemInput("other_notes", "Anything else", "text"))
    templates.save_template(
        world.db, world.lead, key=tpl.key, name=tpl.name, kind=tpl.kind, items=items
    )


def _rich_final_audit(world, ref: str, tag: str = "old", programme: str = "p-test") -> str:
    """A looped audit of `ref` with free text in every place an audit keeps it, made final.
    Every text starts "SECRET-<tag>-"."""
    db, lead = world.db, world.lead
    s = f"SECRET-{tag}-"
    uuid = looped_audit(world, ref=ref, programme=programme)
    learning.add_learning_point(
        db, lead, uuid, kind="strength", text=f"{s}learning-point", themes=["voice"]
    )
    # Once deleted, its words are only in the change log (under a uuid no table holds now).
    deleted = learning.add_learning_point(
        db, lead, uuid, kind="strength", text=f"{s}deleted-point", themes=["voice"]
    )
    learning.delete_learning_point(db, lead, deleted.uuid)
    feedback.add_feedback(
        db,
        lead,
        FeedbackInput(
            "parent",
            "phone",
            date(2026, 1, 10),
            True,
            {"child_views": "yes"},
            comment=f"{s}family-comment",
        ),
        audit_uuid=uuid,
    )
    audits.raise_concern(db, lead, uuid, what=f"{s}concern", why_urgent=f"{s}why")
    tpl = templates.get_template(db, lead, "moderated_case_file")
    grades = {i.key: Answer("good", f"{s}evidence") for i in tpl.graded_items}
    for auditor in (world.auditor, world.auditor2):
        review = audits.get_audit(db, auditor, uuid).my_review
        assert review is not None
        audits.save_review(
            db,
            auditor,
            review,
            answers={**grades, "other_notes": Answer(f"{s}text-answer")},
            overall="good",
            strengths=f"{s}strengths",
            worries=f"{s}worries",
            next_steps=f"{s}next-steps",
        )
        audits.submit_review(db, auditor, review)
    # Returned and resubmitted: what the review held at the return is kept, words included.
    returned = audits.get_audit(db, world.auditor2, uuid).my_review
    assert returned is not None
    audits.return_review(db, world.moderator, returned, f"{s}return-comment")
    audits.submit_review(db, world.auditor2, returned)
    # A moderator's draft, logged; its rationale is then changed, so its words are only in
    # the change log (under the moderation's uuid).
    audits.save_moderation(
        db,
        world.moderator,
        uuid,
        answers={"plans": Answer("good", f"{s}draft-comment")},
        overall="good",
        rationale=f"{s}draft-rationale",
    )
    final = {i.key: Answer("good", s + UNLOGGED) for i in tpl.graded_items}
    audits.confirm(db, world.moderator, uuid, answers=final, overall="good", rationale="")
    action = learning_actions.add_action(
        db,
        lead,
        uuid,
        text=f"{s}action",
        owner_key="tm1",
        due_on=date(2026, 3, 1),
        today=date(2026, 1, 1),
    )
    learning_actions.set_action_status(
        db, lead, action.uuid, "done", note=f"{s}completion", on=date(2026, 2, 1)
    )
    worker_feedback.save_worker_feedback(
        db,
        lead,
        uuid,
        given_to_worker=True,
        given_to_manager=True,
        given_on=date(2026, 1, 5),
        how=f"{s}how",
    )
    return uuid


def _finalised(world, uuid: str, when: datetime) -> None:
    """Move an audit's completion back in time (the services stamp it with now)."""
    with world.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audits SET finalised_at = :t WHERE uuid = :u"), {"t": when, "u": uuid}
        )
        conn.execute(
            text(
                "UPDATE moderations SET completed_at = :t "
                "WHERE audit_id = (SELECT id FROM audits WHERE uuid = :u)"
            ),
            {"t": when, "u": uuid},
        )


def _text_cells(world, needle: str, *, log: bool = False) -> list[str]:
    """Every table.column cell outside the change log (or only in it) that contains `needle`."""
    meta = MetaData()
    meta.reflect(world.db.engine)
    found = []
    with world.db.engine.connect() as conn:
        for table in meta.sorted_tables:
            if (table.name == "change_log") != log:
                continue
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                # JSON is searched as its text (PostgreSQL has no LIKE on json).
                value = cast(column, Text) if isinstance(column.type, JSON) else column
                hits = conn.execute(
                    select(value).where(value.contains(needle, autoescape=True))
                ).all()
                found += [f"{table.name}.{column.name}"] * len(hits)
    return found


def _case_fields(world) -> None:
    """A text field, a choice and the date of birth, with values on C1000 and C1002."""
    db, lead = world.db, world.lead
    case_fields.save_case_field(db, lead, key="school", label="School", kind="text")
    case_fields.save_case_field(
        db, lead, key="pathway", label="Pathway", kind="choice", options=["RED", "AMBER"]
    )
    case_fields.save_case_field(db, lead, key="dob", label="Born", kind="date", birth_date=True)
    for ref, kind, team, worker, level, tag in (
        ("C1000", "cin", "assess_north", "sw1", 3, "old"),
        ("C1002", "cla", "through_care", "sw2", 4, "new"),
    ):
        row = cases.get_case(db, lead, ref)
        data = cases.CaseInput(
            ref=ref,
            initials=row.initials,
            case_type=kind,
            team=team,
            level_of_need=level,
            worker=worker,
            manager="tm1",
            opened_on="2024-01-15",
            fields={"school": f"SECRET-{tag}-school", "pathway": "RED", "dob": "2011-04-05"},
        )
        cases.update_case(db, lead, ref, data)


def _complaint_and_compliment(world, tag: str, on: date) -> None:
    """A complaint answered on `on`, with words in each of its text columns and an action
    with a completion note, and a compliment received that day. Every text starts
    "SECRET-<tag>-"."""
    from audit_tool.services import complaints as C

    db, lead, s = world.db, world.lead, f"SECRET-{tag}-"
    row = C.record_complaint(
        db,
        lead,
        C.ComplaintInput(
            reference=f"{s}ref",
            received_on=on,
            agency_key="csc",
            stage="stage1",
            points=(C.PointInput(f"{s}point", ("delay",)),),
            outcome="upheld",
            responded_on=on,
            case_ref="C1000",
            summary=f"{s}summary",
            learning=(C.LearningInput("development", f"{s}complaint-learning", ("delay",)),),
        ),
    )
    action = C.add_complaint_action(
        db, lead, row.uuid, text=f"{s}complaint-action", owner_key="tm1", due_on=on
    )
    learning_actions.set_action_status(
        db, lead, action.uuid, "done", note=f"{s}complaint-completion", on=on
    )
    C.record_compliment(
        db,
        lead,
        C.ComplimentInput(on, "csc", "parent", f"{s}compliment", ("voice",), shareable=True),
    )


def build_aged(world) -> dict[str, str]:
    """C1000: one audit final 7 years ago. C1001: one final 1 year ago. C1002: one of each.
    C1000 and C1002 hold a school (words), a pathway and a date of birth. A complaint and a
    compliment of 7 years ago, and of last year."""
    _add_text_item(world)
    _case_fields(world)
    _complaint_and_compliment(world, "old", OLD.date())
    _complaint_and_compliment(world, "new", RECENT.date())
    old = _rich_final_audit(world, "C1000")
    recent = final_audit(world, ref="C1001")
    old_kept_case = _rich_final_audit(world, "C1002", "old2")
    recent_same_case = _rich_final_audit(world, "C1002", "new", "p-later")
    _finalised(world, old, OLD)
    _finalised(world, recent, RECENT)
    _finalised(world, old_kept_case, OLD)
    _finalised(world, recent_same_case, RECENT)
    return {"old": old, "recent": recent, "c1002_old": old_kept_case, "c1002_new": recent_same_case}


# (world, the audits' uuids): built once per test process into a template, copied per test.
aged_world = world_recipe(build_aged, name="aged_world")


@pytest.fixture
def aged(aged_world):
    _world, uuids = aged_world
    return uuids


def _year_report(world, year: int) -> dict:
    return report.compute(
        world.db, world.lead, date_from=date(year, 1, 1), date_to=date(year, 12, 31), by="quarter"
    )["total"]


def test_the_default_period_is_six_years_and_a_lead_can_change_it(world):
    assert retention.retention_years(world.db) == 6
    assert retention.set_retention_years(world.db, world.lead, "8") == 8
    assert retention.retention_years(world.db) == 8
    entry = changelog.entries(world.db, world.lead, entity="settings", limit=1)[0]
    assert (entry.before, entry.after) == ({"retention_years": 6}, {"retention_years": 8})
    for bad in (0, 51, "six", ""):
        with pytest.raises(ValidationError, match="1 to 50"):
            retention.set_retention_years(world.db, world.lead, bad)
    with pytest.raises(PermissionDenied):
        retention.set_retention_years(world.db, world.moderator, 7)
    assert retention.retention_years(world.db) == 8


def test_cutoff_handles_leap_days():
    assert retention.cutoff_for(date(2028, 2, 29), 6) == date(2022, 2, 28)
    assert retention.cutoff_for(TODAY, 6) == date(2020, 6, 30)


def test_dry_run_lists_only_expired_audits_and_changes_nothing(world, aged):
    log_before = changelog.count(world.db)
    result = retention.plan(world.db, world.lead, TODAY)
    assert (result.years, result.cutoff) == (6, date(2020, 6, 30))
    assert sorted(a.uuid for a in result.audits) == sorted([aged["old"], aged["c1002_old"]])
    assert {a.case_ref for a in result.audits} == {"C1000", "C1002"}
    assert all(a.finalised_on == OLD.date() for a in result.audits)
    assert result.cases == 1  # C1002 still has an audit within the period
    lines = result.lines()
    assert len(lines) == 3 and lines[-1].startswith("Dry run: 2 audit(s)")
    assert changelog.count(world.db) == log_before
    view = audits.get_audit(world.db, world.lead, aged["old"])
    assert view.reviews[0].strengths == "SECRET-old-strengths"
    # A longer period: nothing has expired yet.
    retention.set_retention_years(world.db, world.lead, 8)
    assert retention.plan(world.db, world.lead, TODAY).audits == ()


def test_running_it_removes_words_and_case_identifiers_but_keeps_grades(world, aged):
    db, lead = world.db, world.lead
    grades_2019 = _year_report(world, 2019)
    assert grades_2019["audits_final"] == 2
    new_cells = _text_cells(world, "SECRET-new")
    assert len(_text_cells(world, "SECRET-old")) > 20 and len(new_cells) > 20
    assert "cases.ref" in _text_cells(world, "C1000")
    # The change log holds the same words: saved reviews, learning points, summaries.
    new_log_cells = _text_cells(world, "SECRET-new", log=True)
    assert len(_text_cells(world, "SECRET-old", log=True)) > 10 and len(new_log_cells) > 10
    assert len(_text_cells(world, "C1000", log=True)) > 10
    with db.session() as session:
        from audit_tool.models import ChangeLogEntry

        last_before_run = session.scalar(select(func.max(ChangeLogEntry.id)))

    run = retention.apply(db, lead, TODAY)
    assert (run.audits, run.cases, run.years, run.cutoff) == (2, 1, 6, date(2020, 6, 30))
    assert (run.complaints, run.compliments) == (1, 1)

    # The expired audits' words are gone from every table; the audit of C1002 still in its
    # period keeps every one of its own.
    assert _text_cells(world, "SECRET-old") == []
    assert _text_cells(world, "SECRET-new") == new_cells
    old = audits.get_audit(db, lead, aged["old"])
    assert all(r.strengths == r.worries == r.next_steps == "" for r in old.reviews)
    assert all(a.comment == "" for r in old.reviews for a in r.answers.values())
    assert old.reviews[0].answers["other_notes"].value is None
    assert old.reviews[0].answers["voice_of_child"].value == "good"  # the grade stays
    assert old.moderation is not None and old.moderation.answers["plans"].comment == ""
    assert old.final_overall == "good"
    with db.session() as session:
        from audit_tool.models import Audit, Case

        redacted = session.scalars(select(Audit.uuid).where(Audit.redacted_at.is_not(None)))
        assert sorted(redacted) == sorted([aged["old"], aged["c1002_old"]])
        refs = set(session.scalars(select(Case.ref)))
    # The case whose only audit expired lost its reference and initials; C1002 did not.
    assert "C1000" not in refs and {"C1001", "C1002"} <= refs
    assert _text_cells(world, "C1000") == []
    # The redacted case lost its words and its date of birth, not its pathway; C1002 kept all.
    assert case_fields.case_values(db, lead, old.case_ref) == {"pathway": "RED"}
    assert set(case_fields.case_values(db, lead, "C1002")) == {"school", "pathway", "dob"}
    assert _text_cells(world, "2011-04-05", log=True) != []  # C1002's history keeps its own
    assert old.case_ref.startswith("RETAINED-") and old.case_initials == "--"
    assert learning.audit_learning(db, lead, aged["old"])[0].text == retention.REMOVED_TEXT

    # Reports still count the expired audits' grades, exactly as before.
    assert _year_report(world, 2019) == grades_2019

    # One change-log entry records the run, without the text, and the chain still holds.
    (entry,) = changelog.entries(db, lead, flt=LogFilter(action="retention"))
    assert entry.after is not None
    assert (entry.after["audits_redacted"], entry.after["cases_redacted"]) == (2, 1)
    assert "reviews.strengths" in entry.after["fields_cleared"]
    assert (
        "case_field_values.value (text fields and date of birth)" in entry.after["fields_cleared"]
    )
    assert "SECRET" not in str(entry.after) + entry.summary and "C1000" not in entry.summary

    # The change log lost the expired audits' words and the redacted case's reference too,
    # entry by entry; the audit still in its period keeps its history; the chain still holds.
    assert _text_cells(world, "SECRET-old", log=True) == []
    assert _text_cells(world, "C1000", log=True) == []
    assert _text_cells(world, "SECRET-new", log=True) == new_log_cells
    with db.session() as session:
        redacted_log = list(
            session.scalars(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.redacted_at.is_not(None))
                .order_by(ChangeLogEntry.id)
            )
        )
    ids = [e.id for e in redacted_log]
    assert len(ids) == run.log_entries == entry.after["log_entries_redacted_count"] > 20
    assert changelog.id_ranges(ids) == entry.after["log_entries_redacted"]
    assert max(ids) <= last_before_run < entry.id
    assert {e.summary for e in redacted_log} == {f"[removed by retention run {entry.id}]"}
    assert all(e.before is None and e.after is None and e.reason == "" for e in redacted_log)
    # Who did what to which record, and when, is still there.
    history = changelog.audit_history(db, lead, aged["old"])
    assert {"create", "submit", "confirm"} <= {r.action for r in history}
    assert all(r.summary == f"[removed by retention run {entry.id}]" for r in history)
    assert changelog.verify(db)[0]

    # A second run finds nothing more to do.
    again = retention.apply(db, lead, TODAY)
    assert (again.audits, again.cases, again.log_entries) == (0, 0, 0)
    assert changelog.verify(db)[0]


def test_log_entries_naming_a_redacted_case_go_even_under_an_old_reference(world):
    """Entries outside the audit's own records that name the case, under its present or an
    earlier reference, are redacted; one naming a longer reference that merely starts the same
    is not."""
    from audit_tool.services import cases

    db, lead = world.db, world.lead
    with db.transaction() as session:
        notes = [
            changelog.record(session, lead, "note", "panel", None, summary=summary, after=after).id
            for summary, after in (
                ("Case C1000 discussed", None),
                ("Panel", {"cases": ["c1000"]}),
                ("Case C10000 discussed", None),
            )
        ]
    row = cases.get_case(db, lead, "C1000")
    cases.update_case(
        db,
        lead,
        "C1000",
        cases.CaseInput(
            ref="Z9-RENAMED", initials="AB", case_type=row.case_type, team=row.team_key
        ),
    )
    uuid = final_audit(world, ref="Z9-RENAMED")
    _finalised(world, uuid, OLD)
    run = retention.apply(db, lead, TODAY)
    assert (run.audits, run.cases) == (1, 1)
    assert _text_cells(world, "Z9-RENAMED", log=True) == []
    assert _text_cells(world, "C1000 ", log=True) == []
    kept = {r.id: r.summary for r in changelog.entries(db, lead, flt=LogFilter(entity="panel"))}
    removed = f"[removed by retention run {run.entry_id}]"
    assert [kept[i] for i in notes] == [removed, removed, "Case C10000 discussed"]
    assert changelog.verify(db)[0]


def test_removed_text_is_gone_from_the_sqlite_file(tmp_path, system):
    from audit_tool.store import open_database
    from tests.factories import build_world

    path = tmp_path / "file.sqlite"
    db = open_database(path)
    try:
        world = build_world(db, system)
        _add_text_item(world)
        uuid = _rich_final_audit(world, "C1000")
        _finalised(world, uuid, OLD)

        def file_bytes() -> bytes:
            wal = path.with_name(path.name + "-wal")
            return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

        secret = f"SECRET-old-{UNLOGGED}".encode()
        assert secret in file_bytes()
        # The review text and the case reference are in the change log as well.
        logged = [b"SECRET-old-strengths", b"SECRET-old-deleted-point", b"C1000"]
        assert all(word in file_bytes() for word in logged)
        run = retention.apply(db, world.lead, TODAY)
        assert run.audits == 1 and run.cases == 1 and run.compacted
        data = file_bytes()
        assert secret not in data
        # Nowhere in the file, change log included: not a word of the audit, nor its case.
        assert b"SECRET-old" not in data and b"C1000" not in data
        assert changelog.verify(db)[0]
    finally:
        db.close()


def test_only_a_lead_may_plan_or_run_retention(world, aged):
    for who in (world.auditor, world.moderator, world.viewer):
        with pytest.raises(PermissionDenied, match="retention|remove expired"):
            retention.plan(world.db, who, TODAY)
        with pytest.raises(PermissionDenied):
            retention.apply(world.db, who, TODAY)
    assert retention.plan(world.db, world.lead, TODAY).audits  # nothing was removed
