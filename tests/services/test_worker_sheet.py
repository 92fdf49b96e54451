"""Feedback to the worker: the sheet made from a confirmed audit, and giving it recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import changelog, learning, learning_actions, worker_feedback, worker_sheet
from tests.factories import final_audit, looped_audit


def _with_learning(world) -> str:
    uuid = looped_audit(world)
    learning.add_learning_point(
        world.db, world.auditor, uuid, kind="strength", text="The child's words are in the plan"
    )
    learning.add_learning_point(
        world.db, world.auditor, uuid, kind="development", text="Chronology stops in March"
    )
    return uuid


def test_the_sheet_holds_the_final_grades_learning_actions_and_rationale(world):
    uuid = final_audit(world, overall="requires_improvement")
    due = date.today() + timedelta(days=14)
    learning_actions.add_action(
        world.db, world.moderator, uuid, text="Update the chronology", owner_key="tm1", due_on=due
    )
    sheet = worker_sheet.worker_sheet(world.db, world.moderator, uuid)
    assert (sheet.case_ref, sheet.overall) == ("C1000", "Requires improvement to be good")
    assert sheet.audited_by == ("Alex Auditor", "Bea Auditor")
    assert sheet.moderated_by == "Morgan Moderator" and sheet.manager == "Terry Manager"
    assert sheet.confirmed_on == date.today()
    assert len(sheet.grades) == 12
    assert sheet.grades[0] == ("Voice of the child", "Requires improvement to be good")
    (action,) = sheet.actions
    assert (action.text, action.owner, action.due_on, action.status) == (
        "Update the chronology",
        "Terry Manager",
        due,
        "open",
    )
    # Making the sheet is logged: the audit's text is leaving the app.
    (entry,) = [
        e for e in changelog.entries(world.db, world.lead, entity_uuid=uuid) if e.action == "export"
    ]
    assert entry.summary == "Feedback sheet for the worker made from the audit of case C1000"


def test_learning_points_are_what_works_and_what_to_improve(world):
    from audit_tool.services import audits, templates
    from audit_tool.services.audits import Answer
    from tests.factories import complete_review

    uuid = _with_learning(world)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers={i.key: Answer("good") for i in tpl.graded_items},
        overall="good",
    )
    sheet = worker_sheet.worker_sheet(world.db, world.lead, uuid)
    assert sheet.working_well == ("The child's words are in the plan",)
    assert sheet.to_improve == ("Chronology stops in March",)


def test_only_from_a_final_audit_and_for_those_on_it(world):
    uuid = looped_audit(world)
    with pytest.raises(ValidationError, match="not confirmed yet"):
        worker_sheet.worker_sheet(world.db, world.lead, uuid)
    final = final_audit(world, ref="C1001")
    with pytest.raises(PermissionDenied):
        worker_sheet.worker_sheet(world.db, world.viewer, final)


def test_giving_the_sheet_records_feedback_to_worker_and_manager(world):
    uuid = final_audit(world)
    assert worker_feedback.get_worker_feedback(world.db, world.lead, uuid).missing
    given = worker_sheet.record_sheet_given(world.db, world.moderator, uuid)
    assert (given.given_to_worker, given.given_to_manager, given.given_on, given.how) == (
        True,
        True,
        date.today(),
        "Feedback sheet (PDF)",
    )
    # Already recorded (say, in supervision last week): left as it was.
    worker_feedback.save_worker_feedback(
        world.db,
        world.lead,
        uuid,
        given_to_worker=True,
        given_to_manager=True,
        given_on=date.today() - timedelta(days=7),
        how="In supervision",
    )
    again = worker_sheet.record_sheet_given(world.db, world.moderator, uuid)
    assert again.how == "In supervision"
