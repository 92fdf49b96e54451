"""The audit's screen read in one session (services/audit_screen.py): the same rows, blind
rules and permissions as the services each tab used to call, one view logged per opening."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from audit_tool.errors import NotFound, PermissionDenied
from audit_tool.services import (
    audits,
    changelog,
    feedback,
    learning,
    learning_actions,
    worker_feedback,
)
from audit_tool.services.audit_screen import audit_extras, audit_screen
from audit_tool.services.changelog import LogFilter
from tests.factories import complete_review, looped_audit


def _point(world, actor, uuid, text, kind="strength"):
    return learning.add_learning_point(
        world.db, actor, uuid, kind=kind, text=text, item_key="plans", themes=["plans"]
    )


def _action(world, actor, uuid, text):
    return learning_actions.add_action(
        world.db, actor, uuid, text=text, owner_key="tm1", due_on=date.today() + timedelta(days=9)
    )


def _separately(world, actor, uuid):
    """What each tab read on its own before."""
    db = world.db
    return (
        audits.get_audit(db, actor, uuid),
        audits.audit_concerns(db, actor, uuid),
        feedback.audit_feedback(db, actor, uuid),
        learning.audit_learning(db, actor, uuid),
        learning_actions.audit_actions(db, actor, uuid),
        worker_feedback.get_worker_feedback(db, actor, uuid),
    )


def _together(screen):
    x = screen.extras
    return (screen.view, screen.concerns, x.feedback, x.learning, x.actions, x.worker)


@contextmanager
def _sessions(db):
    """Count the sessions and transactions the code under test opens."""
    opened = {"n": 0}
    session, transaction = db.session, db.transaction

    def counted(fn):
        def wrapper(*args, **kwargs):
            opened["n"] += 1
            return fn(*args, **kwargs)

        return wrapper

    db.session, db.transaction = counted(session), counted(transaction)
    try:
        yield opened
    finally:
        db.session, db.transaction = session, transaction


def test_the_screen_is_what_each_tab_read_blind_rules_included(world):
    uuid = looped_audit(world)
    mine = _point(world, world.auditor, uuid, "Plans shared with the family")
    _point(world, world.auditor2, uuid, "Genogram missing", kind="development")
    _action(world, world.auditor, uuid, "Update the chronology")
    audits.raise_concern(world.db, world.auditor, uuid, what="Bruising not followed up")

    with _sessions(world.db) as opened:
        screen = audit_screen(world.db, world.auditor, uuid)
    assert opened["n"] == 1
    assert _together(screen) == _separately(world, world.auditor, uuid)
    # Blind: the other auditor's learning point is not on this auditor's screen.
    assert [p.uuid for p in screen.extras.learning] == [mine.uuid]
    assert len(screen.concerns) == 1 and screen.proposal == {}
    assert audit_extras(world.db, world.auditor, uuid) == screen.extras


def test_the_moderator_gets_the_proposal_once_both_reviews_are_in(world):
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, world.auditor2, uuid, overall="good")
    for actor in (world.auditor, world.moderator, world.lead):
        assert _together(audit_screen(world.db, actor, uuid)) == _separately(world, actor, uuid)
    screen = audit_screen(world.db, world.moderator, uuid)
    assert screen.proposal == audits.proposal(world.db, world.moderator, uuid)
    assert screen.proposal["overall"].value == "good"
    assert audit_screen(world.db, world.lead, uuid).proposal == {}  # not the moderator


def test_opening_logs_one_view_and_a_refusal_logs_nothing(world):
    uuid = looped_audit(world)
    before = changelog.count(world.db)
    audit_screen(world.db, world.auditor, uuid)  # a reload: not logged
    assert changelog.count(world.db) == before
    audit_screen(world.db, world.auditor, uuid, log_view=True)
    views = changelog.entries(world.db, world.lead, flt=LogFilter(action="view"))
    assert [(v.actor_name, v.entity_uuid, v.summary) for v in views] == [
        ("Alex Auditor", uuid, "Viewed the audit of case C1000")
    ]
    with pytest.raises(PermissionDenied):
        audit_screen(world.db, world.viewer, uuid, log_view=True)
    with pytest.raises(NotFound):
        audit_screen(world.db, world.lead, "no-such-audit", log_view=True)
    assert changelog.count(world.db) == before + 1
