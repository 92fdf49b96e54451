"""Complaints: the due date in working days by the partnership's timescales, timeliness, every
problem reported at once, the names check, joint responses, learning and actions, who sees
which complaint; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.services import changelog, learning_actions, reference
from audit_tool.services import complaints as C
from audit_tool.services.complaints import ComplaintInput, LearningInput, PointInput

TODAY = date(2026, 6, 30)


def _input(**changes) -> ComplaintInput:
    base = ComplaintInput(
        reference="CMP-001",
        received_on=date(2025, 12, 19),
        agency_key="csc",
        team_key="assess_north",
        stage="stage1",
        points=(
            PointInput("Calls were not returned", ("communication",)),
            PointInput("The plan was not shared", ("plans", "Communication ")),
        ),
    )
    return replace(base, **changes)


def test_the_response_is_due_ten_working_days_on_across_christmas_and_new_year(world):
    row = C.record_complaint(world.db, world.lead, _input(), today=TODAY)
    # 19 Dec 2025 (a Friday): Christmas, Boxing Day, New Year's Day and two weekends skipped.
    assert row.due_on == date(2026, 1, 7)
    assert row.stage_label == "Stage 1" and row.timeliness == "overdue"
    assert [p.themes for p in row.points] == [("communication",), ("communication", "plans")]
    assert row.themes == ("communication", "plans")
    (entry,) = changelog.entries(world.db, world.lead, entity="complaint", limit=1)
    assert entry.summary == "Complaint CMP-001 (Stage 1, Children's Social Care) recorded"


def test_timeliness_within_late_overdue_and_open(world):
    db, lead = world.db, world.lead
    answered = dict(outcome="upheld", received_on=date(2026, 6, 1))
    within = C.record_complaint(
        db, lead, _input(responded_on=date(2026, 6, 15), **answered), today=TODAY
    )
    assert within.due_on == date(2026, 6, 15) and within.timeliness == "within"
    assert within.within_timescale is True
    late = C.record_complaint(
        db,
        lead,
        _input(reference="CMP-002", responded_on=date(2026, 6, 16), **answered),
        today=TODAY,
    )
    assert late.timeliness == "late" and late.within_timescale is False
    waiting = C.record_complaint(
        db, lead, _input(reference="CMP-003", received_on=date(2026, 6, 29)), today=TODAY
    )
    assert waiting.timeliness == "open" and waiting.within_timescale is None
    figures = C.figures(C.list_complaints(db, lead, today=TODAY))
    assert (figures.complaints, figures.points, figures.answered, figures.within) == (3, 6, 2, 1)
    assert figures.pct_within == 50.0 and figures.overdue == 0
    assert figures.themes[0] == ("communication", 6)


def test_each_stage_has_the_partnership_timescale_and_old_complaints_keep_their_date(world):
    db, lead = world.db, world.lead
    assert C.timescales(db, lead) == {"stage1": 10, "stage2": 25, "ombudsman": 20}
    stage2 = C.record_complaint(
        db, lead, _input(stage="stage2", received_on=date(2026, 5, 1)), today=TODAY
    )
    # 1 May 2026: 25 working days, the two May bank holidays skipped.
    assert stage2.due_on == date(2026, 6, 9)
    C.save_timescales(db, lead, {"stage1": 20, "stage2": "65", "ombudsman": 20})
    assert C.get_complaint(db, lead, stage2.uuid).due_on == date(2026, 6, 9)
    again = C.record_complaint(
        db,
        lead,
        _input(reference="CMP-9", stage="stage2", received_on=date(2026, 5, 1)),
        today=TODAY,
    )
    assert again.due_on == date(2026, 8, 4)
    # Changing the stage (and the date received) works the date out again, with today's
    # timescale: 20 working days from 19 December 2025 (ten to 7 January, then ten more).
    moved = C.update_complaint(db, lead, stage2.uuid, _input(stage="stage1"), today=TODAY)
    assert moved.due_on == date(2026, 1, 21)
    with pytest.raises(ValidationError) as bad:
        C.save_timescales(db, lead, {"stage1": 0, "stage2": "x", "ombudsman": 10})
    assert set(bad.value.fields) == {"stage1", "stage2"}
    with pytest.raises(PermissionDenied):
        C.save_timescales(db, world.moderator, {"stage1": 5})


def test_every_problem_is_reported_at_once_and_nothing_is_saved(world):
    db, lead = world.db, world.lead
    C.record_complaint(db, lead, _input(), today=TODAY)
    bad = _input(
        received_on=date(2027, 1, 1),
        team_key="ppu",
        points=(),
        outcome="partly_upheld",
        joint_agency_keys=("csc",),
        case_ref="NO-SUCH",
    )
    with pytest.raises(ValidationError) as refused:
        C.record_complaint(db, lead, bad, today=TODAY)
    assert set(refused.value.fields) == {
        "reference",
        "received_on",
        "team",
        "points",
        "responded_on",
        "joint",
        "case",
    }
    assert "Public Protection Unit is not a team of" in refused.value.fields["team"]
    with pytest.raises(ValidationError) as backwards:
        C.record_complaint(
            db,
            lead,
            _input(reference="X2", responded_on=date(2025, 12, 1), stage="stage9"),
            today=TODAY,
        )
    assert set(backwards.value.fields) == {"responded_on", "stage"}
    assert len(C.list_complaints(db, lead)) == 1


def test_no_text_that_can_reach_a_briefing_names_anyone(world):
    db, lead = world.db, world.lead
    named = _input(
        case_ref="C1000",
        summary="Mother unhappy with Sam Worker",
        points=(PointInput("About C1001"), PointInput("AB was not seen")),
        learning=(LearningInput("development", "Terry should call back"),),
    )
    with pytest.raises(ValidationError) as refused:
        C.record_complaint(db, lead, named, today=TODAY)
    fields = refused.value.fields
    assert "name 'Sam Worker'" in fields["summary"]
    assert "case reference 'C1001'" in fields["point:0"]
    assert "initials 'AB'" in fields["point:1"]  # the linked case's initials
    assert "name 'Terry'" in fields["learning:0"]
    clean = C.record_complaint(
        db,
        lead,
        replace(
            named,
            summary="Parent unhappy with contact",
            points=(PointInput("Visits were missed"),),
            learning=(LearningInput("development", "Agree visit dates", ("visits",)),),
        ),
        today=TODAY,
    )
    assert clean.case_ref == "C1000" and clean.learning[0].themes == ("visits",)
    with pytest.raises(ValidationError, match="found: name 'Sam Worker'"):
        C.add_complaint_action(
            db, lead, clean.uuid, text="Sam Worker to apologise", owner_key="tm1",
            due_on=date(2026, 7, 1),
        )  # fmt: skip


def test_learning_is_kept_changed_and_removed_with_the_complaint(world):
    db, lead = world.db, world.lead
    first = LearningInput("strength", "Apology was prompt", ("communication",))
    row = C.record_complaint(db, lead, _input(learning=(first,)), today=TODAY)
    kept = row.learning[0]
    second = LearningInput("development", "Share plans with parents", ("plans",))
    changed = C.update_complaint(
        db,
        lead,
        row.uuid,
        _input(learning=(replace(first, uuid=kept.uuid, text="Apology prompt"), second)),
        expected_revision=row.revision,
        today=TODAY,
    )
    assert [(lp.uuid == kept.uuid, lp.text) for lp in changed.learning] == [
        (True, "Apology prompt"),
        (False, "Share plans with parents"),
    ]
    with pytest.raises(ConflictError):
        C.update_complaint(db, lead, row.uuid, _input(), expected_revision=row.revision)
    dropped = C.update_complaint(db, lead, row.uuid, _input(), today=TODAY)
    assert dropped.learning == ()
    history = changelog.entries(db, lead, entity="complaint")
    assert [e.action for e in history][:2] == ["update", "update"]


def test_actions_from_a_complaint_are_followed_up_in_the_actions_list(world):
    db, lead = world.db, world.lead
    row = C.record_complaint(db, lead, _input(), today=TODAY)
    action = C.add_complaint_action(
        db, lead, row.uuid, text="Remind teams to return calls", owner_key="tm1",
        due_on=date(2026, 7, 31), today=TODAY,
    )  # fmt: skip
    assert action.complaint_ref == "CMP-001" and action.scope == "service"
    listed = learning_actions.list_actions(db, lead, "open", today=TODAY)
    assert [a.uuid for a in listed] == [action.uuid]
    done = learning_actions.set_action_status(db, lead, action.uuid, "done", note="Done")
    assert done.status == "done"
    assert C.get_complaint(db, lead, row.uuid).actions == 1
    # An auditor neither sees the complaint nor the actions raised from it, unless theirs.
    assert learning_actions.list_actions(db, world.auditor, "all") == []
    tm1 = reference.actor_for(db, "tm1")
    assert [a.uuid for a in learning_actions.list_actions(db, tm1, "mine")] == [action.uuid]
    C.delete_complaint(db, lead, row.uuid)
    assert learning_actions.list_actions(db, lead, "all") == []


def test_complaints_are_seen_by_leads_and_the_managers_of_the_agency_concerned(world):
    db, lead, system = world.db, world.lead, world.lead
    reference.save_person(
        db, system, key="mod_p", name="Pat Police", agency_key="police", roles=["moderator"]
    )
    police = reference.actor_for(db, "mod_p")
    csc_row = C.record_complaint(db, lead, _input(), today=TODAY)
    joint = C.record_complaint(
        db,
        lead,
        _input(reference="CMP-J", joint_agency_keys=("police",)),
        today=TODAY,
    )
    assert joint.joint and joint.joint_agencies == (("police", "Police"),)
    assert {r.reference for r in C.list_complaints(db, world.moderator)} == {"CMP-001", "CMP-J"}
    assert [r.reference for r in C.list_complaints(db, police)] == ["CMP-J"]
    with pytest.raises(NotFound):
        C.get_complaint(db, police, csc_row.uuid)
    with pytest.raises(NotFound):
        C.update_complaint(db, police, csc_row.uuid, _input())
    with pytest.raises(PermissionDenied):
        C.record_complaint(db, police, _input(reference="CMP-P"), today=TODAY)
    for refused in (world.auditor, world.viewer):
        with pytest.raises(PermissionDenied):
            C.list_complaints(db, refused)
    # A manager records and answers their own agency's complaints.
    own = C.record_complaint(
        db,
        police,
        _input(reference="CMP-P", agency_key="police", team_key="ppu"),
        today=TODAY,
    )
    assert own.agency_name == "Police"
    filtered = C.list_complaints(db, lead, C.ComplaintFilter(agency_key="police", theme="plans"))
    assert [r.reference for r in filtered] == ["CMP-P"]
    assert [r.reference for r in C.list_complaints(db, lead, C.ComplaintFilter(text="shared"))]
