"""Every saved change reaches the change log (autosaves of a review and a moderator's drafts
included), each entry holding only what that save changed; and the log reads in words."""

from __future__ import annotations

from audit_tool.services import audits, changelog
from audit_tool.services.audits import Answer
from tests.factories import complete_review, looped_audit


def _review_updates(world, review_uuid):
    rows = changelog.entries(world.db, world.lead, entity="review", entity_uuid=review_uuid)
    return [r for r in rows if r.action == "update"]


def test_two_draft_saves_within_a_minute_are_two_entries_of_what_changed(world):
    uuid = looped_audit(world)
    review = audits.get_audit(world.db, world.auditor, uuid).my_review
    assert review is not None
    audits.save_review(
        world.db,
        world.auditor,
        review,
        answers={"plans": Answer("good"), "visits": Answer(None)},
        strengths="The plan is clear",
    )
    audits.save_review(
        world.db,
        world.auditor,
        review,
        answers={"plans": Answer("requires_improvement", "No contingency")},
        strengths="The plan is clear",
    )
    audits.save_review(world.db, world.auditor, review, strengths="The plan is clear")  # same
    newest, first = _review_updates(world, review)
    # The empty "visits" answer is not a change; the unchanged strengths are not repeated.
    assert first.after == {"answers.plans": ["good", ""], "strengths": "The plan is clear"}
    assert first.before == {"answers.plans": None, "strengths": ""}
    assert newest.before == {"answers.plans": ["good", ""]}
    assert newest.after == {"answers.plans": ["requires_improvement", "No contingency"]}
    assert changelog.verify(world.db)[0]


def test_a_moderators_draft_saves_are_logged(world):
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, world.auditor2, uuid, overall="outstanding")
    mod = world.moderator
    audits.save_moderation(world.db, mod, uuid, answers={"plans": Answer("good")}, overall=None)
    audits.save_moderation(
        world.db, mod, uuid, answers={"plans": Answer("good")}, overall="good", rationale="Why"
    )
    audits.save_moderation(
        world.db, mod, uuid, answers={"plans": Answer("good")}, overall="good", rationale="Why"
    )
    rows = changelog.audit_history(world.db, world.lead, uuid)
    saved = [r for r in rows if r.entity == "moderation"]
    assert [r.action for r in saved] == ["update", "create"]  # the unchanged save: no entry
    assert saved[1].after == {"answers.plans": ["good", ""]}
    assert saved[0].before == {"overall": None, "rationale": ""}
    assert saved[0].after == {"overall": "good", "rationale": "Why"}
