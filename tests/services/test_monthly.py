"""Standing monthly audits on SQLite and PostgreSQL: expectations by role and by person, each
month drawn once on its first working day (or at the first call after it, when the app was
closed over it) under the rules of manual assignment, and compliance that shows a manager
with nothing assigned as missing."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import (
    cases,
    changelog,
    monthly,
    monthly_compliance,
    monthly_draw,
    programmes,
)
from tests.factories import World, complete_review

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)


def _plan(world: World, kind: str = "looped") -> None:
    """The plan turned on in January 2026 (so February is its first month)."""
    db, lead = world.db, world.lead
    monthly.save_plan(
        db,
        lead,
        active=True,
        template_key="moderated_case_file",
        audit_kind=kind,
        today=date(2026, 1, 20),
    )
    monthly.set_expectation(db, lead, role="auditor", audits=1, moderations=0)
    monthly.set_expectation(db, lead, role="moderator", audits=0, moderations=1)
    monthly.set_expectation(db, lead, person_key="lead1", audits=0, moderations=0)


def _by_key(
    result: monthly_compliance.MonthCompliance,
) -> dict[str, monthly_compliance.PersonMonth]:
    return {p.person_key: p for p in result.people}


def test_first_working_days():
    assert monthly_draw.first_working_day(date(2026, 2, 1)) == date(2026, 2, 2)  # a Sunday
    assert monthly_draw.first_working_day(date(2027, 1, 1)) == date(2027, 1, 4)  # New Year
    assert monthly_draw.first_working_day(date(2024, 4, 1)) == date(2024, 4, 2)  # Easter Monday
    assert monthly_draw.first_working_day(date(2023, 5, 1)) == date(2023, 5, 2)  # May Day
    assert monthly_draw.first_working_day(date(2026, 4, 1)) == date(2026, 4, 1)  # a Wednesday


def test_the_plan_starts_with_the_next_month_it_can_draw_on_its_first_working_day(world):
    db, lead = world.db, world.lead
    save = {"active": True, "template_key": "moderated_case_file"}
    plan = monthly.save_plan(db, lead, **save, today=date(2026, 3, 1))  # before 2 March
    assert plan.first_month == date(2026, 3, 1)
    plan = monthly.save_plan(db, lead, **save, audit_kind="single", today=date(2026, 5, 9))
    assert plan.first_month == date(2026, 3, 1)  # kept while it stays on
    monthly.save_plan(db, lead, active=False, template_key="moderated_case_file")
    plan = monthly.save_plan(db, lead, **save, today=date(2026, 3, 4))  # on again, later
    assert plan.first_month == date(2026, 4, 1)
    monthly.set_expectation(db, lead, role="auditor", audits=1, moderations=0)
    assert monthly_draw.roll_over(db, lead, today=date(2026, 3, 4)) is None
    # A lead draws the month they turned it on in, and tops it up once more is expected.
    first = monthly_draw.draw_now(db, lead, today=date(2026, 3, 4))
    assert first.programme_key == "monthly-2026-03"
    assert len(programmes.list_assignments(db, lead, "monthly-2026-03")) == first.audits == 3
    for ref in ("C2000", "C2001"):
        cases.create_case(
            db, lead, cases.CaseInput(ref=ref, initials="GH", case_type="cin", team="ppu")
        )
    monthly.set_expectation(db, lead, person_key="aud2", audits=3, moderations=0)
    again = monthly_draw.draw_now(db, lead, today=date(2026, 3, 5))
    assigned = programmes.list_assignments(db, lead, "monthly-2026-03")
    assert len(assigned) == 3 + again.audits
    assert sum(("aud2", None) in a.reviewers for a in assigned) == 3
    assert monthly_draw.roll_over(db, lead, today=date(2026, 3, 6)) is None
    with pytest.raises(PermissionDenied):
        monthly_draw.draw_now(db, world.auditor, today=date(2026, 3, 4))


def test_expectations_by_role_and_by_person(world):
    db, lead = world.db, world.lead
    _plan(world)
    rows = monthly.list_expectations(db, lead)
    assert [(r.who, r.audits, r.moderations) for r in rows] == [
        ("Every auditor", 1, 0),
        ("Every moderator", 0, 1),
        ("Priya Lead", 0, 0),
    ]
    with db.session() as session:
        expected = monthly.expected_now(session)
    assert expected[world.auditor.person_id] == (1, 0)
    assert expected[world.moderator.person_id] == (1, 1)  # the most each role gives
    assert world.lead.person_id not in expected  # exempted by their own expectation
    with pytest.raises(ValidationError, match="does not have the auditor role"):
        monthly.set_expectation(db, lead, person_key="view1", audits=2, moderations=0)
    with pytest.raises(ValidationError, match="from 0 to 20"):
        monthly.set_expectation(db, lead, role="auditor", audits=-1, moderations=0)
    with pytest.raises(ValidationError, match="Choose a role or a person"):
        monthly.set_expectation(db, lead, audits=1, moderations=0)
    with pytest.raises(ValidationError, match="Choose the template"):
        monthly.save_plan(db, lead, active=True, template_key="")
    with pytest.raises(PermissionDenied):
        monthly.set_expectation(db, world.auditor, role="auditor", audits=3, moderations=0)
    monthly.remove_expectation(db, lead, rows[2].uuid)
    assert len(monthly.list_expectations(db, lead)) == 2
    entries = changelog.entries(db, lead, entity="monthly_expectation")
    assert entries and entries[0].summary == "Monthly expectation for Priya Lead removed"


def test_a_month_rolls_over_while_the_app_is_closed(world):
    db, lead = world.db, world.lead
    _plan(world)
    # Nothing before the month's first working day (1 February 2026 is a Sunday).
    assert monthly_draw.roll_over(db, world.auditor, today=date(2026, 2, 1)) is None
    february = monthly_draw.roll_over(db, world.auditor, today=date(2026, 2, 27))
    assert february is not None and february.programme_key == "monthly-2026-02"
    assert monthly_draw.roll_over(db, world.auditor, today=date(2026, 2, 28)) is None  # once
    # Closed from 27 February to 4 March: 1 March is a Sunday, 2 March the first working day.
    assert monthly_draw.roll_over(db, lead, today=date(2026, 3, 1)) is None
    march = monthly_draw.roll_over(db, lead, today=date(2026, 3, 4))
    assert march is not None and march.programme_key == "monthly-2026-03"
    row = programmes.get_programme(db, lead, "monthly-2026-03")
    assert (row.kind, row.starts_on, row.due_on) == ("monthly", MAR, date(2026, 3, 31))

    # Four people owe an audit (aud1, aud2, mod1, tm1) and mod1 a moderation. tm1 manages
    # every case, so the rules of assignment leave nothing they may audit.
    assignments = programmes.list_assignments(db, lead, "monthly-2026-03")
    assert len(assignments) == march.audits == 2
    for a in assignments:
        assert a.kind == "looped" and a.status == "in_review"
        assert "tm1" not in {k for k, _ in a.reviewers} and a.moderator_key not in {
            k for k, _ in a.reviewers
        }
    assert {a.moderator_key for a in assignments} == {"mod1", "lead1"}
    assert march.shortfall == [
        "Terry Manager: 1 audit(s) not drawn: no case left that they may audit with a free "
        "moderator"
    ]
    # A case of another team first: aud1 (Assessment North) gets the Through Care case.
    (with_aud1,) = [a for a in assignments if a.case_ref == "C1002"]
    assert ("aud1", None) in with_aud1.reviewers

    result = monthly_compliance.month_compliance(db, lead, MAR, today=date(2026, 3, 4))
    people = _by_key(result)
    assert people["tm1"].status == "Missing: nothing assigned"
    assert (people["tm1"].audits.expected, people["tm1"].audits.assigned) == (1, 0)
    assert people["mod1"].moderations == monthly_compliance.Tally(1, 1, 0, 0)
    assert people["lead1"].audits.expected == 0 and people["lead1"].moderations.assigned == 1
    assert "view1" not in people and "sw1" not in people
    assert (result.missing, result.programme_key) == (1, "monthly-2026-03")
    assert result.shortfall == tuple(march.shortfall)


def test_done_and_overdue_month_by_month(world):
    db, lead = world.db, world.lead
    _plan(world)
    monthly_draw.roll_over(db, lead, today=date(2026, 2, 2))
    feb = programmes.list_assignments(db, lead, "monthly-2026-02")
    mine = next(a for a in feb if ("aud1", None) in a.reviewers)
    complete_review(world, world.auditor, mine.audit_uuid)
    # In March the February audits not submitted are overdue; aud1's is done.
    february = monthly_compliance.month_compliance(db, lead, FEB, today=date(2026, 3, 4))
    aud1 = _by_key(february)["aud1"]
    assert aud1.audits.done == 1 and aud1.audits.overdue == aud1.audits.assigned - 1
    assert _by_key(february)["aud2"].audits.overdue == 1
    assert _by_key(february)["aud2"].status == "Overdue: 1"

    months = monthly_compliance.history(db, lead, today=date(2026, 3, 4), months=3)
    assert [m.month for m in months] == [MAR, FEB, date(2026, 1, 1)]
    march, february_again, january = months
    assert march.drawn_at is None  # not drawn: history reads, it does not draw
    assert march.audits.expected == 4 and march.audits.assigned == 0 and march.missing == 4
    assert february_again.audits.done == 1 and february_again.drawn_at is not None
    assert january.people == () and january.audits == monthly_compliance.Tally()


def test_expectations_changed_later_do_not_rewrite_a_drawn_month(world):
    db, lead = world.db, world.lead
    _plan(world)
    monthly_draw.roll_over(db, lead, today=date(2026, 2, 2))
    monthly.set_expectation(db, lead, role="auditor", audits=3, moderations=0)
    february = monthly_compliance.month_compliance(db, lead, FEB, today=date(2026, 2, 3))
    assert _by_key(february)["aud2"].audits.expected == 1
    march = monthly_compliance.month_compliance(db, lead, MAR, today=date(2026, 3, 1))
    assert _by_key(march)["aud2"].audits.expected == 3


def test_dip_sample_plan_and_audits_assigned_by_hand(world):
    db, lead = world.db, world.lead
    _plan(world, kind="single")
    # A lead made March's programme by hand and gave aud2 an audit already: it counts.
    programmes.save_programme(
        db,
        lead,
        key="monthly-2026-03",
        name="March, by hand",
        kind="monthly",
        template_key="moderated_case_file",
        starts_on=MAR,
        due_on=date(2026, 3, 31),
    )
    (row,) = programmes.add_audits(db, lead, "monthly-2026-03", ["C1000"], kind="single")
    programmes.assign(db, lead, row.audit_uuid, reviewers=["aud2"])
    draw = monthly_draw.roll_over(db, lead, today=date(2026, 3, 2))
    assert draw is not None and draw.programme_key == "monthly-2026-03"
    assignments = programmes.list_assignments(db, lead, "monthly-2026-03")
    assert all(a.kind == "single" and a.moderator_key is None for a in assignments)
    assert sorted(k for a in assignments for k, _ in a.reviewers) == ["aud1", "aud2", "mod1"]
    assert draw.shortfall[-1] == (
        "Moderations not drawn (dip samples are not moderated): Morgan Moderator (1)"
    )


def test_nothing_is_drawn_while_the_plan_is_off(world):
    db, lead = world.db, world.lead
    monthly.set_expectation(db, lead, role="auditor", audits=2, moderations=0)
    assert monthly_draw.roll_over(db, lead, today=date(2026, 3, 2)) is None
    monthly.save_plan(db, lead, active=False, template_key="moderated_case_file")
    assert monthly_draw.roll_over(db, lead, today=date(2026, 3, 2)) is None
    assert monthly.get_plan(db, world.auditor).template_key == "moderated_case_file"
    with pytest.raises(PermissionDenied):
        monthly_draw.roll_over(db, world.viewer, today=date(2026, 3, 2))


def test_a_month_whose_key_another_programme_took(world):
    db, lead = world.db, world.lead
    _plan(world)
    programmes.save_programme(
        db,
        lead,
        key="monthly-2026-03",
        name="A thematic programme",
        kind="thematic",
        theme="Neglect",
        template_key="moderated_case_file",
        starts_on=MAR,
        due_on=date(2026, 3, 31),
    )
    draw = monthly_draw.roll_over(db, lead, today=date(2026, 3, 2))
    assert draw is not None and draw.programme_key == "monthly-2026-03-standing"
    again = monthly_draw.draw_now(db, lead, today=date(2026, 3, 3))
    assert (again.programme_key, again.audits) == ("monthly-2026-03-standing", 0)
