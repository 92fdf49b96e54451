"""Learning points, actions and feedback to the worker at the service layer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import changelog, learning, learning_actions, reference, worker_feedback
from audit_tool.services.learning import LearningFilter
from tests.factories import complete_review, final_audit, looped_audit

TODAY = date(2026, 3, 1)


def point(world, actor, uuid, text="Child's wishes recorded in their words", **kw):
    kw.setdefault("kind", "strength")
    kw.setdefault("item_key", "voice_of_child")
    kw.setdefault("themes", ["Voice of the child"])
    return learning.add_learning_point(world.db, actor, uuid, text=text, **kw)


def test_learning_points_with_themes_and_practice_area(world):
    uuid = looped_audit(world)
    row = point(
        world, world.auditor, uuid, themes=["  Voice of   the child ", "neglect", "NEGLECT"]
    )
    assert row.themes == ("neglect", "voice of the child")  # trimmed, lower-case, each once
    assert row.item_label == "Voice of the child" and row.kind_label == "Strength"
    assert row.in_briefing and row.author_name == "Alex Auditor"
    changed = learning.update_learning_point(
        world.db,
        world.auditor,
        row.uuid,
        kind="development",
        text="Plans not shared with the family",
        item_key="plans",
        themes=["plans"],
        in_briefing=False,
    )
    assert (changed.kind, changed.item_key, changed.themes, changed.in_briefing) == (
        "development",
        "plans",
        ("plans",),
        False,
    )
    assert learning.theme_tags(world.db, world.lead) == ["plans"]
    learning.delete_learning_point(world.db, world.auditor, row.uuid)
    assert learning.audit_learning(world.db, world.auditor, uuid) == []
    log = changelog.entries(world.db, world.lead, entity="learning_point", entity_uuid=row.uuid)
    assert [e.action for e in log] == ["delete", "update", "create"]
    assert log[1].before["themes"] == ["neglect", "voice of the child"]
    assert log[1].after["themes"] == ["plans"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"kind": "opinion"}, "kind"),
        ({"text": "   "}, "text"),
        ({"item_key": "no_such_item"}, "item"),
    ],
)
def test_bad_learning_points_are_refused(world, kw, field):
    uuid = looped_audit(world)
    with pytest.raises(ValidationError) as info:
        point(world, world.auditor, uuid, **kw)
    assert field in info.value.fields
    assert learning.list_learning(world.db, world.lead) == []


def test_learning_view_filters(world):
    a = looped_audit(world, ref="C1000")
    b = looped_audit(world, ref="C1002", programme="p-other")
    point(world, world.auditor, a, themes=["voice", "neglect"])
    point(world, world.auditor, a, kind="development", item_key="plans", themes=["plans"])
    point(world, world.auditor, b, text="Chronology up to date", item_key=None, themes=["voice"])

    def texts(**kw):
        return sorted(
            r.text for r in learning.list_learning(world.db, world.lead, LearningFilter(**kw))
        )

    assert len(texts()) == 3
    assert texts(theme="Voice") == [
        "Child's wishes recorded in their words",
        "Chronology up to date",
    ]
    assert texts(kind="development") == ["Child's wishes recorded in their words"]
    assert texts(item_key="plans") == ["Child's wishes recorded in their words"]
    assert texts(programme_key="p-other") == ["Chronology up to date"]
    assert texts(team_key="through_care") == ["Chronology up to date"]
    assert texts(text="chronology") == ["Chronology up to date"]
    assert texts(final_only=True) == []
    today = date.today()
    assert len(texts(date_from=today, date_to=today)) == 3  # recorded today, not yet final
    assert texts(date_to=today - timedelta(days=1)) == []
    assert learning.theme_tags(world.db, world.lead)[0] == "voice"  # most used first


def test_final_audits_lock_learning_and_a_lead_chooses_for_briefings(world):
    uuid = final_audit(world)
    with pytest.raises(ValidationError, match="final and locked"):
        point(world, world.moderator, uuid)
    open_uuid = looped_audit(world, ref="C1001")
    row = point(world, world.auditor, open_uuid)
    with pytest.raises(PermissionDenied):
        learning.set_in_briefing(world.db, world.moderator, row.uuid, False)
    out = learning.set_in_briefing(world.db, world.lead, row.uuid, False)
    assert not out.in_briefing
    chosen = learning.list_learning(world.db, world.lead, LearningFilter(in_briefing_only=True))
    assert chosen == []


def test_learning_is_blind_until_both_reviews_are_in(world):
    uuid = looped_audit(world)
    mine = point(world, world.auditor, uuid)
    theirs = point(world, world.auditor2, uuid, text="Genogram missing", kind="development")
    assert [r.uuid for r in learning.audit_learning(world.db, world.auditor, uuid)] == [mine.uuid]
    assert [r.uuid for r in learning.list_learning(world.db, world.auditor2)] == [theirs.uuid]
    with pytest.raises(PermissionDenied):
        learning.delete_learning_point(world.db, world.auditor2, mine.uuid)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    assert len(learning.audit_learning(world.db, world.auditor2, uuid)) == 2
    assert len(learning.list_learning(world.db, world.moderator)) == 2
    with pytest.raises(PermissionDenied):  # a viewer reads reports and briefings only
        learning.list_learning(world.db, world.viewer)


def test_actions_overdue_complete_cancel_reopen(world):
    uuid = looped_audit(world)
    late = learning_actions.add_action(
        world.db,
        world.auditor,
        uuid,
        text="Update the chronology",
        owner_key="tm1",
        due_on=TODAY - timedelta(days=3),
        today=TODAY,
    )
    later = learning_actions.add_action(
        world.db,
        world.auditor,
        uuid,
        text="Reissue guidance on plans",
        owner_key="lead1",
        due_on=TODAY + timedelta(days=30),
        scope="service",
        today=TODAY,
    )
    assert late.overdue and not later.overdue and later.scope == "service"
    assert learning_actions.overdue_count(world.db, world.lead, today=TODAY) == 1
    owner = reference.actor_for(world.db, "tm1")
    assert [
        a.uuid for a in learning_actions.list_actions(world.db, owner, "mine", today=TODAY)
    ] == [late.uuid]
    done = learning_actions.set_action_status(
        world.db, owner, late.uuid, "done", note="Chronology brought up to date", today=TODAY
    )
    assert (done.status, done.completed_by, done.completed_on) == (
        "done",
        "Terry Manager",
        date.today(),
    )
    assert not done.overdue
    assert learning_actions.overdue_count(world.db, world.lead, today=TODAY) == 0
    with pytest.raises(ValidationError, match="already"):
        learning_actions.set_action_status(world.db, owner, late.uuid, "done")
    with pytest.raises(ValidationError, match="why"):
        learning_actions.set_action_status(world.db, world.lead, later.uuid, "cancelled")
    cancelled = learning_actions.set_action_status(
        world.db, world.lead, later.uuid, "cancelled", note="Covered by the new procedure"
    )
    assert cancelled.status == "cancelled" and cancelled.completion_note
    reopened = learning_actions.set_action_status(world.db, world.lead, later.uuid, "open")
    assert reopened.status == "open" and reopened.completed_on is None
    log = changelog.entries(world.db, world.lead, entity="action", entity_uuid=late.uuid)
    assert [e.action for e in log] == ["status", "create"]
    assert log[0].actor_name == "Terry Manager" and log[0].after["status"] == "done"
    by_due = learning_actions.list_actions(world.db, world.lead, "all", today=TODAY)
    assert [a.uuid for a in by_due] == [late.uuid, later.uuid]  # sorted by due date


def test_bad_actions_are_refused(world):
    uuid = looped_audit(world)
    reference.save_person(
        world.db,
        world.lead,
        key="gone",
        name="Gone Person",
        agency_key="csc",
        team_key=None,
        roles=[],
        active=False,
    )
    for kw, field in [
        ({"text": ""}, "text"),
        ({"scope": "everyone"}, "scope"),
        ({"due_on": None}, "due_on"),
        ({"owner_key": "gone"}, "owner"),
        ({"owner_key": "nobody"}, "owner"),
    ]:
        args = {"text": "Do it", "owner_key": "tm1", "due_on": TODAY, "scope": "case"}
        args.update(kw)
        with pytest.raises(ValidationError) as info:
            learning_actions.add_action(world.db, world.auditor, uuid, **args)
        assert field in info.value.fields
    assert learning_actions.list_actions(world.db, world.lead) == []


def test_actions_from_inadequate_audits_are_flagged_and_final_audits_take_actions(world):
    uuid = final_audit(world, overall="inadequate")
    row = learning_actions.add_action(
        world.db,
        world.moderator,
        uuid,
        text="Strategy discussion now",
        owner_key="tm1",
        due_on=TODAY,
    )
    assert row.from_inadequate
    good = final_audit(world, ref="C1001")
    assert not learning_actions.add_action(
        world.db, world.lead, good, text="Share", owner_key="tm1", due_on=TODAY
    ).from_inadequate


def test_who_sees_which_actions(world):
    uuid = looped_audit(world)
    action = learning_actions.add_action(
        world.db, world.auditor, uuid, text="Chronology", owner_key="tm1", due_on=TODAY
    )
    # The other auditor, blind, does not see it; the owner does, though not on the audit.
    assert learning_actions.list_actions(world.db, world.auditor2) == []
    owner = reference.actor_for(world.db, "tm1")
    assert [a.uuid for a in learning_actions.list_actions(world.db, owner)] == [action.uuid]
    with pytest.raises(PermissionDenied):
        learning_actions.set_action_status(world.db, world.auditor2, action.uuid, "done")
    with pytest.raises(PermissionDenied):
        learning_actions.list_actions(world.db, world.viewer)


def test_worker_feedback(world):
    uuid = looped_audit(world)
    assert worker_feedback.get_worker_feedback(world.db, world.auditor, uuid).missing
    with pytest.raises(ValidationError) as info:
        worker_feedback.save_worker_feedback(
            world.db,
            world.auditor,
            uuid,
            given_to_worker=True,
            given_to_manager=True,
            given_on=None,
        )
    assert "given_on" in info.value.fields
    saved = worker_feedback.save_worker_feedback(
        world.db,
        world.auditor,
        uuid,
        given_to_worker=True,
        given_to_manager=False,
        given_on=date(2026, 1, 20),
        how="Face to face",
    )
    assert saved.missing  # the manager has not been told yet
    saved = worker_feedback.save_worker_feedback(
        world.db,
        world.auditor,
        uuid,
        given_to_worker=True,
        given_to_manager=True,
        given_on=date(2026, 1, 20),
        how="Face to face",
    )
    assert not saved.missing
    assert worker_feedback.get_worker_feedback(world.db, world.moderator, uuid) == saved
    log = changelog.entries(world.db, world.lead, entity="worker_feedback", entity_uuid=uuid)
    assert [e.action for e in log] == ["update", "create"]


def test_worker_feedback_percentage_counts_final_audits(world):
    first = final_audit(world, ref="C1000")
    final_audit(world, ref="C1001")
    worker_feedback.save_worker_feedback(
        world.db,
        world.moderator,
        first,
        given_to_worker=True,
        given_to_manager=True,
        given_on=date(2026, 1, 20),
    )
    assert worker_feedback.worker_feedback_pct(world.db, world.lead) == 50.0
