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


def test_an_entry_in_words_item_labels_and_grade_names_in_one_query(world):
    from sqlalchemy import event

    from audit_tool.services.changelog_words import FieldChange, describe

    uuid = looped_audit(world)
    review = audits.get_audit(world.db, world.auditor, uuid).my_review
    assert review is not None
    audits.save_review(world.db, world.auditor, review, answers={"plans": Answer("good")})
    audits.save_review(
        world.db,
        world.auditor,
        review,
        answers={
            "plans": Answer("requires_improvement", "No contingency"),
            "family_has_copy": Answer("not_applicable"),
        },
        overall="good",
    )
    newest = _review_updates(world, review)[0]
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(world.db.engine, "before_cursor_execute", seen)
    try:
        rows = describe(world.db, world.lead, newest)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", seen)
    assert FieldChange("Plans", "Good", "Requires improvement to be good") in rows
    assert FieldChange("Plans (comment)", "(empty)", "No contingency") in rows
    assert FieldChange("Overall grade", "(none)", "Good") in rows
    assert any(
        r.after == "Not applicable" and r.label.startswith("Family has a copy") for r in rows
    )
    assert not any("_" in f"{r.label}{r.before}{r.after}" for r in rows)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 1

    # A submission holds the whole review: one row per answered item, in words.
    complete_review(world, world.auditor, uuid, overall="good")
    (submitted,) = [
        e
        for e in changelog.entries(world.db, world.lead, entity="review", entity_uuid=review)
        if e.action == "submit"
    ]
    words = describe(world.db, world.lead, submitted)
    assert FieldChange("Status", "(none)", "Submitted") in words
    assert FieldChange("Voice of the child", "(none)", "Good") in words
    assert not any("_" in f"{r.label}{r.after}" for r in words)


def test_cases_and_family_feedback_in_words(world):
    from datetime import date

    from audit_tool.services import cases, feedback
    from audit_tool.services.changelog_words import FieldChange, describe
    from audit_tool.services.feedback import FeedbackInput

    cases.update_case(
        world.db,
        world.lead,
        "C1000",
        cases.CaseInput(ref="C1000", initials="AB", case_type="cp", team="through_care"),
    )
    (entry,) = changelog.entries(world.db, world.lead, entity="case", limit=1)
    words = describe(world.db, world.lead, entry)
    assert FieldChange("Case type", "Child in need", "Child protection") in words
    assert FieldChange("Team", "Assessment Team North", "Through Care Team") in words

    uuid = looped_audit(world)
    data = FeedbackInput("parent", "phone", date(2026, 1, 5), True, {"child_views": "yes"})
    row = feedback.add_feedback(world.db, world.auditor, data, audit_uuid=uuid)
    data = FeedbackInput("parent", "face_to_face", date(2026, 1, 6), True, {"child_views": "no"})
    feedback.update_feedback(world.db, world.auditor, row.uuid, data)
    (entry,) = changelog.entries(world.db, world.lead, entity_uuid=row.uuid, limit=1)
    words = describe(world.db, world.lead, entry)
    assert FieldChange("Channel", "Phone", "Face to face") in words
    assert FieldChange("Collected on", "5 Jan 2026", "6 Jan 2026") in words
    (answer,) = [w for w in words if (w.before, w.after) == ("Yes", "No")]
    assert "_" not in answer.label and answer.label != "Answers child views"
