"""The looped audit workflow at the service layer: states, blindness, the loop, locks, concerns."""

from __future__ import annotations

import itertools

import pytest

from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import Audit
from audit_tool.services import audits, changelog, reference, templates
from audit_tool.services.audits import Answer
from audit_tool.services.audits.states import move
from tests.factories import looped_audit

GOOD, RI, INADEQUATE, OUTSTANDING = "good", "requires_improvement", "inadequate", "outstanding"


def grades(world, value=GOOD, **overrides):
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    answers = {i.key: Answer(value, f"evidence for {i.key}") for i in tpl.graded_items}
    answers.update({k: Answer(v) for k, v in overrides.items()})
    return answers


def my_review(world, actor, audit_uuid):
    return audits.get_audit(world.db, actor, audit_uuid).my_review


def complete(world, actor, audit_uuid, *, overall=GOOD, **overrides):
    review = my_review(world, actor, audit_uuid)
    audits.save_review(
        world.db,
        actor,
        review,
        answers=grades(world, **overrides),
        overall=overall,
        strengths=f"{actor.name}: strong relationships",
        worries="Chronology out of date",
        next_steps="Update the chronology",
    )
    return audits.submit_review(world.db, actor, review)


def test_a_looped_audit_from_review_to_final(world):
    db, aud1, aud2, mod = world.db, world.auditor, world.auditor2, world.moderator
    uuid = looped_audit(world)
    assert audits.get_audit(db, world.lead, uuid).status == "in_review"

    first = complete(world, aud1, uuid, overall=GOOD)
    assert first.audit_status == "in_review"
    second = complete(world, aud2, uuid, overall=RI, plans=RI)
    assert second.audit_status == "in_moderation"

    proposal = audits.proposal(db, mod, uuid)
    assert proposal["voice_of_child"].value == GOOD  # both agree
    assert "plans" not in proposal and "overall" not in proposal  # they differ
    view = audits.get_audit(db, mod, uuid)
    spread = audits.differences(view)
    assert spread["plans"] == 1 and spread["voice_of_child"] == 0 and spread["overall"] == 1

    # The loop: return aud2's review, it comes back, the audit returns to the queue.
    review2 = view.reviews[1].uuid
    audits.return_review(db, mod, review2, "Plans grade: look at the latest plan")
    assert audits.get_audit(db, aud2, uuid).status == "returned"
    assert audits.get_audit(db, aud2, uuid).review(review2).return_comment.startswith("Plans")
    assert audits.list_audits(db, mod, mine="moderation") == []
    audits.save_review(db, aud2, review2, answers={"plans": Answer(GOOD)})
    assert audits.submit_review(db, aud2, review2).audit_status == "in_moderation"
    assert [r.uuid for r in audits.list_audits(db, mod, mine="moderation")] == [uuid]

    final = grades(world)
    with pytest.raises(ValidationError) as info:
        audits.confirm(db, mod, uuid, answers=final, overall=GOOD)
    assert "rationale" in info.value.fields  # the overall grades still differ
    done = audits.confirm(
        db, mod, uuid, answers=final, overall=GOOD, rationale="RI overall not supported"
    )
    assert (done.status, done.final_overall) == ("final", GOOD)
    assert done.moderation.answers["plans"].value == GOOD and done.finalised_at is not None

    # Final means locked.
    with pytest.raises(ValidationError, match="final and locked"):
        audits.save_review(db, aud1, first.review.uuid, overall=OUTSTANDING)
    with pytest.raises(ValidationError, match="not ready to moderate"):
        audits.confirm(db, mod, uuid, answers=final, overall=OUTSTANDING, rationale="x")

    actions = [e.action for e in changelog.entries(db, world.lead, entity_uuid=uuid)]
    assert actions[0] == "confirm" and "status" in actions
    returns = changelog.entries(db, world.lead, entity="review", entity_uuid=review2)
    assert [e.action for e in returns][:3] == ["submit", "update", "return"]


def test_blind_until_both_reviews_are_submitted(world):
    db, aud1, aud2 = world.db, world.auditor, world.auditor2
    uuid = looped_audit(world)
    complete(world, aud1, uuid, overall=OUTSTANDING)
    audits.save_review(db, aud2, my_review(world, aud2, uuid), answers={"plans": Answer(RI)})

    seen_by_2 = audits.get_audit(db, aud2, uuid)
    other = next(r for r in seen_by_2.reviews if r.reviewer_key == "aud1")
    assert other.hidden and other.overall is None and other.answers == {}
    assert other.strengths == other.worries == other.next_steps == ""
    own = seen_by_2.review(seen_by_2.my_review)
    assert not own.hidden and own.answers["plans"].value == RI
    seen_by_1 = audits.get_audit(db, aud1, uuid)
    assert next(r for r in seen_by_1.reviews if r.reviewer_key == "aud2").hidden
    # Lists never carry an unfinished audit's grades.
    (row,) = audits.list_audits(db, aud2, mine="assigned")
    assert row.final_overall is None and row.my_role == "reviewer"
    # The moderator sees submitted reviews, not the other auditor's draft.
    by_mod = audits.get_audit(db, world.moderator, uuid)
    assert [r.hidden for r in by_mod.reviews] == [False, True]

    complete(world, aud2, uuid)
    after = audits.get_audit(db, aud2, uuid)
    assert next(r for r in after.reviews if r.reviewer_key == "aud1").overall == OUTSTANDING


def test_who_may_do_what(world):
    db = world.db
    uuid = looped_audit(world)
    review1 = my_review(world, world.auditor, uuid)
    with pytest.raises(PermissionDenied, match="only Alex Auditor"):
        audits.save_review(db, world.auditor2, review1, overall=GOOD)
    with pytest.raises(PermissionDenied):
        audits.get_audit(db, world.viewer, uuid)
    tm1 = reference.actor_for(db, "tm1")  # an auditor of the case's agency, not on this audit
    assert audits.get_audit(db, tm1, uuid).reviews[0].hidden  # sees it, not the reviews
    with pytest.raises(PermissionDenied, match="not an auditor or the moderator"):
        audits.raise_concern(db, tm1, uuid, what="Not theirs to raise from here")
    reference.save_person(
        db, world.lead, key="pol1", name="Pat Police", agency_key="police", roles=["auditor"]
    )
    police = reference.actor_for(db, "pol1")  # another agency's auditor: not even there
    with pytest.raises(NotFound, match=f"No audit {uuid}"):
        audits.get_audit(db, police, uuid)
    assert audits.list_audits(db, police) == []
    complete(world, world.auditor, uuid)
    complete(world, world.auditor2, uuid)
    with pytest.raises(PermissionDenied):  # an auditor cannot moderate
        audits.confirm(db, world.auditor, uuid, answers=grades(world), overall=GOOD)
    with pytest.raises(PermissionDenied, match="not the moderator"):  # nor another moderator
        audits.confirm(db, world.lead, uuid, answers=grades(world), overall=GOOD)
    assert len(audits.list_audits(db, world.lead)) == 1  # leads see every audit


def test_illegal_steps_are_refused_with_a_clear_error(world):
    db, mod = world.db, world.moderator
    uuid = looped_audit(world)
    review1 = my_review(world, world.auditor, uuid)
    with pytest.raises(ValidationError, match="not ready to moderate"):
        audits.return_review(db, mod, review1, "too early")
    with pytest.raises(ValidationError, match="cannot be submitted: 12 practice area"):
        audits.submit_review(db, world.auditor, review1)
    with pytest.raises(ValidationError) as info:
        audits.save_review(db, world.auditor, review1, answers={"plans": Answer("brilliant")})
    assert "not a grade" in info.value.fields["plans"]
    with pytest.raises(ValidationError):
        audits.save_review(db, world.auditor, review1, answers={"no_such_item": Answer(GOOD)})
    complete(world, world.auditor, uuid)
    with pytest.raises(ValidationError, match="is submitted"):
        audits.submit_review(db, world.auditor, review1)
    with pytest.raises(ValidationError, match="not final"):
        audits.reopen(db, world.lead, uuid, "why not")
    complete(world, world.auditor2, uuid)
    with pytest.raises(ValidationError, match="look at again") as info:
        audits.return_review(db, mod, review1, "  ")
    assert "comment" in info.value.fields


def test_every_transition_outside_the_table_is_refused(world):
    states = ("draft", "in_review", "in_moderation", "returned", "final")
    for before, after in itertools.product(states, states):
        audit = Audit(status=before)
        if (before, after) in audits.TRANSITIONS:
            move(audit, after)
            assert audit.status == after
        else:
            with pytest.raises(ValidationError):
                move(audit, after)
            assert audit.status == before


def test_reopen_needs_a_lead_and_a_reason(world):
    db = world.db
    uuid = looped_audit(world)
    complete(world, world.auditor, uuid)
    complete(world, world.auditor2, uuid)
    audits.confirm(db, world.moderator, uuid, answers=grades(world), overall=GOOD)
    with pytest.raises(PermissionDenied):
        audits.reopen(db, world.moderator, uuid, "I changed my mind")
    with pytest.raises(ValidationError, match="reason"):
        audits.reopen(db, world.lead, uuid, " ")
    view = audits.reopen(db, world.lead, uuid, "New information from the police")
    assert view.status == "in_moderation" and view.final_overall is None
    entry = changelog.entries(db, world.lead, entity_uuid=uuid)[0]
    assert entry.action == "reopen" and entry.reason == "New information from the police"
    assert entry.before == {"status": "final", "final_overall": GOOD}
    again = audits.confirm(db, world.moderator, uuid, answers=grades(world), overall=GOOD)
    assert again.status == "final"


def test_single_audit_is_final_on_submission(world):
    uuid = looped_audit(world, kind="single", reviewers=["aud1"], moderator=None)
    result = complete(world, world.auditor, uuid, overall=RI)
    assert result.audit_status == "final"
    view = audits.get_audit(world.db, world.lead, uuid)
    assert (view.final_overall, view.moderation) == (RI, None)
    with pytest.raises(ValidationError, match="no moderation to reopen"):
        audits.reopen(world.db, world.lead, uuid, "check")


def test_grade_warnings_do_not_block(world):
    uuid = looped_audit(world)
    result = complete(world, world.auditor, uuid, overall=GOOD, voice_of_child=INADEQUATE)
    assert result.review.status == "submitted"
    assert any("Voice of the child is graded Inadequate and limits" in w for w in result.warnings)
    uuid2 = looped_audit(world, ref="C1001")
    result = complete(world, world.auditor, uuid2, overall=OUTSTANDING)
    assert any("better than every practice area" in w for w in result.warnings)


def test_not_applicable_counts_as_an_answer(world):
    uuid = looped_audit(world)
    result = complete(world, world.auditor, uuid, supervision="not_applicable")
    assert result.review.answers["supervision"].value == "not_applicable"


def test_stale_saves_are_refused(world):
    uuid = looped_audit(world)
    review = my_review(world, world.auditor, uuid)
    first = audits.save_review(world.db, world.auditor, review, strengths="one")
    audits.save_review(world.db, world.auditor, review, strengths="two")
    with pytest.raises(ConflictError):
        audits.save_review(
            world.db, world.auditor, review, strengths="three", expected_revision=first.revision
        )


def test_every_autosave_in_one_sitting_is_logged_with_what_it_changed(world):
    uuid = looped_audit(world)
    review = my_review(world, world.auditor, uuid)
    before = changelog.count(world.db)
    for text in ("a", "ab", "abc", "abc"):  # the last save changes nothing: no entry
        audits.save_review(world.db, world.auditor, review, strengths=text)
    assert changelog.count(world.db) == before + 3
    newest = changelog.entries(world.db, world.lead, entity_uuid=review, limit=1)[0]
    assert (newest.before, newest.after) == ({"strengths": "ab"}, {"strengths": "abc"})
    view = audits.get_audit(world.db, world.auditor, uuid)
    assert view.review(review).strengths == "abc"


def test_urgent_concern_needs_a_response_from_a_lead_or_the_manager(world):
    db = world.db
    uuid = looped_audit(world)
    tm1 = reference.actor_for(db, "tm1")  # the case's manager
    with pytest.raises(ValidationError):
        audits.raise_concern(db, world.auditor, uuid, what=" ")
    concern = audits.raise_concern(
        db, world.auditor, uuid, what="Child seen with bruising", why_urgent="No visit since"
    )
    assert audits.open_concern_count(db, world.lead) == 1
    assert audits.open_concern_count(db, tm1) == 1
    assert audits.open_concern_count(db, world.auditor2) == 0
    assert [c.uuid for c in audits.list_concerns(db, world.auditor)] == [concern.uuid]
    with pytest.raises(PermissionDenied):
        audits.respond_to_concern(db, world.auditor2, concern.uuid, "seen")
    with pytest.raises(ValidationError, match="response"):
        audits.respond_to_concern(db, tm1, concern.uuid, "")
    closed = audits.respond_to_concern(db, tm1, concern.uuid, "Strategy discussion held today")
    assert (closed.status, closed.responded_by) == ("closed", "Terry Manager")
    assert audits.open_concern_count(db, world.lead) == 0
    with pytest.raises(ValidationError, match="already has a response"):
        audits.respond_to_concern(db, world.lead, concern.uuid, "again")


def test_an_urgent_concern_says_who_was_told_and_reaches_everyone_on_the_audit(world):
    """The raiser sees who was told; the audit's moderator and other auditor see it too."""
    db = world.db
    uuid = looped_audit(world)
    concern = audits.raise_concern(
        db, world.auditor, uuid, what="Child seen with bruising", why_urgent="No visit since"
    )
    assert concern.informed == (
        "Priya Lead (QA lead)",
        "Terry Manager (the case's manager)",
        "Morgan Moderator (moderator of the audit)",
        "Bea Auditor (auditor)",
    )
    for actor in (world.moderator, world.auditor2, world.auditor, world.lead):
        assert [c.uuid for c in audits.list_concerns(db, actor)] == [concern.uuid]
        (on_audit,) = audits.audit_concerns(db, actor, uuid)
        assert (on_audit.what, on_audit.why_urgent) == (
            "Child seen with bruising",
            "No visit since",
        )
    other = looped_audit(world, ref="C1001", programme="p-other")
    assert audits.audit_concerns(db, world.lead, other) == []


def test_every_saved_change_counts_in_the_audit_revision(world):
    """Packs compare audits by revision: a review saved or submitted is a change of the audit."""
    uuid = looped_audit(world)
    start = audits.get_audit(world.db, world.lead, uuid).revision
    review = my_review(world, world.auditor, uuid)
    audits.save_review(world.db, world.auditor, review, strengths="one")
    assert audits.get_audit(world.db, world.lead, uuid).revision == start + 1
    audits.save_review(world.db, world.auditor, review, strengths="one")  # no change
    assert audits.get_audit(world.db, world.lead, uuid).revision == start + 1
    complete(world, world.auditor, uuid)
    assert audits.get_audit(world.db, world.lead, uuid).revision > start + 1


def test_multi_agency_panel_summary_is_a_leads_and_comes_before_confirming(world):
    from audit_tool.services import programmes

    db = world.db
    reference.save_person(
        db, world.lead, key="pc1", name="Pat Constable", agency_key="police", roles=["auditor"]
    )
    police = reference.actor_for(db, "pc1")
    uuid = looped_audit(world, kind="multi_agency", reviewers=["aud1", "pc1"], moderator="mod1")
    assert programmes.list_assignments(db, world.lead, "p-test")[0].kind == "multi_agency"
    with pytest.raises(ValidationError, match="every agency's review is in"):
        audits.record_panel_summary(db, world.lead, uuid, "too early")
    complete(world, world.auditor, uuid)
    complete(world, police, uuid)
    with pytest.raises(ValidationError) as info:
        audits.confirm(db, world.moderator, uuid, answers=grades(world), overall="good")
    assert "panel_summary" in info.value.fields
    with pytest.raises(PermissionDenied):
        audits.record_panel_summary(db, world.moderator, uuid, "Shared findings")
    view = audits.record_panel_summary(db, world.lead, uuid, "Police and CSC shared findings")
    assert view.moderation.panel_summary == "Police and CSC shared findings"
    done = audits.confirm(db, world.moderator, uuid, answers=grades(world), overall="good")
    assert done.status == "final" and done.moderation.panel_summary.startswith("Police")
    single = looped_audit(world, ref="C1001", kind="single", reviewers=["aud1"], moderator=None)
    with pytest.raises(ValidationError, match="Only a multi-agency audit"):
        audits.record_panel_summary(db, world.lead, single, "x")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "The number cannot be below 0"),
        ("100001", "The number cannot be above 100,000"),
        ("nan", "'nan' is not a number"),
        ("inf", "'inf' is not a number"),
        ("9" * 400, "'99999999999999999999...' is not a number"),
    ],
)
def test_number_items_have_bounds(world, typed: str, message: str) -> None:
    """A number item counts something (days since the last visit): -5 used to pass submit."""
    uuid = looped_audit(world)
    view = audits.get_audit(world.db, world.auditor, uuid)
    assert view.my_review is not None
    number = next(i.key for i in view.template.items if i.kind == "number")
    with pytest.raises(ValidationError) as raised:
        audits.save_review(world.db, world.auditor, view.my_review, answers={number: Answer(typed)})
    assert raised.value.fields[number] == message
    audits.save_review(world.db, world.auditor, view.my_review, answers={number: Answer("0")})
