"""Service-user feedback: conversations in audits and outside them, shareable comments, the
question set and the per-question figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import Audit
from audit_tool.services import changelog, feedback
from audit_tool.services.feedback import FeedbackFilter, FeedbackInput
from tests.factories import complete_review, final_audit, looped_audit

DAY = date(2026, 1, 5)


def conversation(**overrides):
    data = {
        "respondent": "parent",
        "channel": "phone",
        "collected_on": DAY,
        "consent": True,
        "answers": {"child_views": "yes", "contactable": "partly"},
        "comment": "The worker listened and came back when she said she would.",
        "shareable": False,
    }
    data.update(overrides)
    return FeedbackInput(**data)


def revision(world, uuid):
    with world.db.session() as session:
        from sqlalchemy import select

        return session.scalar(select(Audit.revision).where(Audit.uuid == uuid))


def test_feedback_recorded_inside_an_audit(world):
    uuid = looped_audit(world)
    before = revision(world, uuid)
    parent = feedback.add_feedback(world.db, world.auditor, conversation(), audit_uuid=uuid)
    child = feedback.add_feedback(
        world.db,
        world.auditor,
        conversation(respondent="child", channel="face_to_face", answers={"child_views": "no"}),
        audit_uuid=uuid,
    )
    rows = feedback.audit_feedback(world.db, world.auditor, uuid)
    assert [r.respondent for r in rows] == ["parent", "child"]
    assert rows[0].answers == {"child_views": "yes", "contactable": "partly"}
    assert rows[0].case_ref == "C1000" and rows[0].in_audit and rows[0].author_name
    assert revision(world, uuid) == before + 2  # every saved change counts for packs
    log = changelog.entries(world.db, world.lead, entity="feedback")
    assert {e.entity_uuid for e in log} == {parent.uuid, child.uuid}
    assert all(e.action == "create" for e in log)


def test_update_and_delete_are_logged_with_before_and_after(world):
    uuid = looped_audit(world)
    row = feedback.add_feedback(world.db, world.auditor, conversation(), audit_uuid=uuid)
    changed = feedback.update_feedback(
        world.db, world.auditor, row.uuid, conversation(answers={"child_views": "no"})
    )
    assert changed.answers["child_views"] == "no"
    feedback.delete_feedback(world.db, world.auditor, row.uuid)
    assert feedback.audit_feedback(world.db, world.auditor, uuid) == []
    log = changelog.entries(world.db, world.lead, entity="feedback", entity_uuid=row.uuid)
    assert [e.action for e in log] == ["delete", "update", "create"]
    update = log[1]
    # Only the answer that changed, by question ("contactable" stayed "partly").
    assert update.before == {"answers.child_views": "yes"}
    assert update.after == {"answers.child_views": "no"}


@pytest.mark.parametrize(
    ("comment", "found"),
    [
        ("Things got better once c1000 was allocated.", "case reference 'c1000'"),
        ("AB said the plan made sense.", "initials 'AB'"),
        ("Sam Worker always rang back.", "name 'Sam Worker'"),
        ("I could always reach Terry in the office.", "name 'Terry'"),
        ("We talked about C1002 as well.", "case reference 'C1002'"),  # another case held
    ],
)
def test_a_shareable_comment_that_identifies_someone_is_refused(world, comment, found):
    uuid = looped_audit(world)
    with pytest.raises(ValidationError) as info:
        feedback.add_feedback(
            world.db,
            world.auditor,
            conversation(comment=comment, shareable=True),
            audit_uuid=uuid,
        )
    assert found in info.value.fields["shareable"]
    assert "Pseudonymise" in str(info.value)
    assert feedback.audit_feedback(world.db, world.auditor, uuid) == []
    problems = feedback.shareable_problems(world.db, world.auditor, comment, "C1000")
    assert found in problems
    # Not shareable, the same comment is kept: it is only never quoted.
    row = feedback.add_feedback(
        world.db, world.auditor, conversation(comment=comment), audit_uuid=uuid
    )
    assert row.comment == comment and not row.shareable


def test_a_clean_comment_may_be_shared(world):
    uuid = looped_audit(world)
    clean = "My worker listened to my son and the plan is written so we can follow it."
    assert feedback.shareable_problems(world.db, world.auditor, clean, "C1000") == []
    row = feedback.add_feedback(
        world.db, world.auditor, conversation(comment=clean, shareable=True), audit_uuid=uuid
    )
    assert row.shareable
    # Lower-case words that are also parts of names ("worker") do not count.
    assert "Worker" not in clean


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"respondent": "neighbour"}, "respondent"),
        ({"channel": "letter"}, "channel"),
        ({"collected_on": None}, "collected_on"),
        # Well in the future: the parameters are made at collection, the test may run a day on.
        ({"collected_on": date.today() + timedelta(days=30)}, "collected_on"),
        ({"answers": {"not_a_question": "yes"}}, "answer:not_a_question"),
        ({"answers": {"child_views": "maybe"}}, "answer:child_views"),
        ({"consent": False}, "consent"),  # a comment kept without consent
        ({"comment": "", "shareable": True}, "shareable"),
    ],
)
def test_bad_feedback_is_refused_and_changes_nothing(world, overrides, field):
    uuid = looped_audit(world)
    before = revision(world, uuid)
    with pytest.raises(ValidationError) as info:
        feedback.add_feedback(world.db, world.auditor, conversation(**overrides), audit_uuid=uuid)
    assert field in info.value.fields
    assert feedback.list_feedback(world.db, world.lead) == []
    assert revision(world, uuid) == before


def test_who_may_record_and_see_feedback(world):
    uuid = looped_audit(world)
    row = feedback.add_feedback(world.db, world.auditor, conversation(), audit_uuid=uuid)
    # Blind: the other auditor sees none of it until both reviews are in.
    assert feedback.audit_feedback(world.db, world.auditor2, uuid) == []
    assert feedback.list_feedback(world.db, world.auditor2) == []
    with pytest.raises(PermissionDenied):
        feedback.update_feedback(world.db, world.auditor2, row.uuid, conversation())
    # Someone not on the audit, and a viewer, are refused.
    with pytest.raises(PermissionDenied):
        feedback.audit_feedback(world.db, world.viewer, uuid)
    from audit_tool.services import reference

    manager = reference.actor_for(world.db, "tm1")
    with pytest.raises(PermissionDenied):
        feedback.add_feedback(world.db, manager, conversation(), audit_uuid=uuid)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    assert [r.uuid for r in feedback.audit_feedback(world.db, world.auditor2, uuid)] == [row.uuid]
    assert [r.uuid for r in feedback.audit_feedback(world.db, world.moderator, uuid)] == [row.uuid]


def test_a_final_audit_is_locked(world):
    uuid = final_audit(world)
    with pytest.raises(ValidationError, match="final and locked"):
        feedback.add_feedback(world.db, world.moderator, conversation(), audit_uuid=uuid)


def test_feedback_outside_audits_is_recorded_against_a_case_and_counted_apart(world):
    uuid = looped_audit(world)
    feedback.add_feedback(world.db, world.auditor, conversation(), audit_uuid=uuid)
    outside = feedback.add_feedback(
        world.db,
        world.lead,
        conversation(channel="online", answers={"child_views": "no"}),
        case_ref="C1002",
    )
    assert outside.audit_uuid is None and outside.case_ref == "C1002"
    assert outside.team_name == "Through Care Team"
    every = feedback.list_feedback(world.db, world.lead)
    assert len(every) == 2
    only = feedback.list_feedback(world.db, world.lead, FeedbackFilter(source="outside"))
    assert [r.uuid for r in only] == [outside.uuid]
    in_audits = feedback.list_feedback(world.db, world.lead, FeedbackFilter(source="audit"))
    assert [r.case_ref for r in in_audits] == ["C1000"]
    by_team = feedback.list_feedback(world.db, world.lead, FeedbackFilter(team_key="through_care"))
    assert [r.uuid for r in by_team] == [outside.uuid]
    with pytest.raises(ValidationError, match="No case"):
        feedback.add_feedback(world.db, world.lead, conversation(), case_ref="NOPE")
    # Only its author or a lead may change feedback outside audits.
    with pytest.raises(PermissionDenied):
        feedback.delete_feedback(world.db, world.auditor, outside.uuid)
    feedback.delete_feedback(world.db, world.lead, outside.uuid)


def test_summary_per_question_follows_the_report_definition(world):
    """pct_yes = yes / (yes + partly + no); not asked is left out; one decimal, half up."""
    uuid = looped_audit(world)
    for answer in ("yes", "yes", "partly", "no", "not_asked"):
        feedback.add_feedback(
            world.db,
            world.auditor,
            conversation(answers={"child_views": answer, "copy_of_plan": "yes"}),
            audit_uuid=uuid,
        )
    # Two yes out of three answered: 66.666... -> 66.7
    feedback.add_feedback(
        world.db,
        world.lead,
        conversation(answers={"right_agencies": "yes"}),
        case_ref="C1001",
    )
    feedback.add_feedback(
        world.db,
        world.lead,
        conversation(answers={"right_agencies": "partly"}),
        case_ref="C1001",
    )
    feedback.add_feedback(
        world.db,
        world.lead,
        conversation(answers={"right_agencies": "yes"}),
        case_ref="C1001",
    )
    by_key = {s.key: s for s in feedback.summary(world.db, world.lead)}
    views = by_key["child_views"]
    assert (views.asked, views.yes, views.partly, views.no, views.pct_yes) == (4, 2, 1, 1, 50.0)
    assert by_key["copy_of_plan"].pct_yes == 100.0
    assert by_key["right_agencies"].pct_yes == 66.7
    assert by_key["positive_difference"].pct_yes is None  # nobody asked
    outside = {
        s.key: s for s in feedback.summary(world.db, world.lead, FeedbackFilter(source="outside"))
    }
    assert outside["child_views"].asked == 0 and outside["right_agencies"].asked == 3
    assert feedback.pct(1, 8) == 12.5 and feedback.pct(1, 16) == 6.3  # half up, not even


def test_the_question_set_is_configuration_with_stable_standard_keys(world):
    keys = [q.key for q in feedback.list_questions(world.db, world.lead)]
    assert keys == [
        "child_views",
        "right_agencies",
        "family_views",
        "copy_of_plan",
        "contactable",
        "positive_difference",
    ]
    added = feedback.save_question(
        world.db,
        world.lead,
        key="felt_safe",
        text="The child felt safe with the worker.",
        new=True,
    )
    assert not added.standard and added.active
    feedback.save_question(
        world.db, world.lead, key="child_views", text="The worker gained the child's views."
    )
    texts = {q.key: q.text for q in feedback.list_questions(world.db, world.lead)}
    assert texts["child_views"] == "The worker gained the child's views."
    with pytest.raises(ValidationError, match="not saved"):
        feedback.save_question(world.db, world.lead, key="child_views", text="x", active=False)
    with pytest.raises(ValidationError):
        feedback.save_question(world.db, world.lead, key="felt_safe", text="again", new=True)
    with pytest.raises(ValidationError):
        feedback.save_question(world.db, world.lead, key="Bad Key", text="Q?", new=True)
    with pytest.raises(NotFound):
        feedback.save_question(world.db, world.lead, key="nothing", text="Q?")
    with pytest.raises(PermissionDenied):
        feedback.save_question(world.db, world.auditor, key="x_y", text="Q?", new=True)
    # A partnership's own question is answered and counted like the standard ones.
    uuid = looped_audit(world)
    feedback.add_feedback(
        world.db, world.auditor, conversation(answers={"felt_safe": "yes"}), audit_uuid=uuid
    )
    by_key = {s.key: s for s in feedback.summary(world.db, world.lead)}
    assert by_key["felt_safe"].pct_yes == 100.0
    # Deactivated, it is no longer asked or summarised; past answers stay.
    feedback.save_question(
        world.db, world.lead, key="felt_safe", text="The child felt safe.", active=False
    )
    assert "felt_safe" not in {q.key for q in feedback.list_questions(world.db, world.lead)}
    assert "felt_safe" not in {s.key for s in feedback.summary(world.db, world.lead)}
    (row,) = feedback.list_feedback(world.db, world.lead)
    assert row.answers == {"felt_safe": "yes"}
    log = changelog.entries(world.db, world.lead, entity="feedback_question")
    assert len(log) == 3
