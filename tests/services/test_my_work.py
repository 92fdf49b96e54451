"""My work: each person's own to-do list, grouped by what to do next, saying whose turn."""

from __future__ import annotations

from datetime import date, timedelta

from audit_tool.services import audits, briefings, learning_actions, my_work
from audit_tool.services.audits import Answer
from audit_tool.services.my_work import (
    BEHIND,
    CONCERNS,
    DRAFT_BRIEFINGS,
    DUE_THIS_WEEK,
    IN_PROGRESS,
    OVERDUE,
    OVERDUE_ACTIONS,
    RETURNED,
    TO_MODERATE,
    TO_START,
)
from tests.factories import complete_review, final_audit, looped_audit

TODAY = date(2026, 12, 7)


def _due(world, uuid: str, due: date) -> None:
    from sqlalchemy import update

    from audit_tool.models import Audit

    with world.db.transaction() as session:
        session.execute(update(Audit).where(Audit.uuid == uuid).values(due_on=due))


def test_an_auditors_reviews_are_grouped_by_what_to_do_next(world):
    later = looped_audit(world, ref="C1000")
    soon = looped_audit(world, ref="C1001", programme="p-soon")
    late = looped_audit(world, ref="C1002", programme="p-late")
    started = looped_audit(world, ref="C1000", programme="p-started")
    _due(world, later, TODAY + timedelta(days=30))
    _due(world, soon, TODAY + timedelta(days=3))
    _due(world, late, TODAY - timedelta(days=2))
    _due(world, started, TODAY + timedelta(days=30))
    review = audits.get_audit(world.db, world.auditor, started).my_review
    audits.save_review(world.db, world.auditor, review, strengths="Good chronology")

    work = my_work.my_work(world.db, world.auditor, today=TODAY)
    assert [(i.group, i.uuid) for i in work.items] == [
        (OVERDUE, late),
        (DUE_THIS_WEEK, soon),
        (IN_PROGRESS, started),
        (TO_START, later),
    ]
    assert work.group(OVERDUE)[0].turn == "Your turn: your review, overdue by 2 days"
    assert work.group(TO_START)[0].turn == "Your turn: start your review, due 06 Jan"
    assert work.group(TO_START)[0].title.startswith("Case C1000")


def test_returned_reviews_come_first_with_the_moderators_comment(world):
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    assert [i.group for i in my_work.my_work(world.db, world.moderator).items] == [TO_MODERATE]
    assert my_work.my_work(world.db, world.auditor2).items == ()  # submitted: not theirs now
    review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
    audits.return_review(world.db, world.moderator, review_b, "Plans grade: see the March plan")
    (item,) = my_work.my_work(world.db, world.auditor2).items
    assert (item.group, item.kind, item.uuid) == (RETURNED, "review", uuid)
    assert item.turn.startswith("Your turn: returned to you")
    assert item.turn.endswith(': "Plans grade: see the March plan"')  # the comment last, whole
    assert my_work.my_work(world.db, world.moderator).items == ()  # its turn is the auditor's
    audits.save_review(world.db, world.auditor2, review_b, answers={"plans": Answer("good")})
    audits.submit_review(world.db, world.auditor2, review_b)
    assert my_work.my_work(world.db, world.auditor2).items == ()


def test_a_lead_sees_concerns_overdue_actions_late_programmes_and_draft_briefings(world):
    uuid = looped_audit(world)
    audits.raise_concern(world.db, world.auditor, uuid, what="Bruising seen")
    learning_actions.add_action(
        world.db,
        world.lead,
        uuid,
        text="Chase the health visitor",
        owner_key="tm1",
        due_on=date.today() + timedelta(days=1),
    )
    final = final_audit(world, ref="C1001")
    draft = briefings.new_briefing(world.db, world.lead, audit_uuids=[final], title="Neglect")
    later = date.today() + timedelta(days=5)
    work = my_work.my_work(world.db, world.lead, today=later)
    assert [i.group for i in work.items] == [CONCERNS, OVERDUE_ACTIONS, BEHIND, DRAFT_BRIEFINGS]
    assert work.group(CONCERNS)[0].turn.startswith("A response is needed: raised")
    (action,) = work.group(OVERDUE_ACTIONS)
    assert action.title == "Chase the health visitor"
    assert action.turn == "Follow up, overdue by 4 days"
    # One definition of overdue: My work lists what the sidebar counts.
    assert learning_actions.overdue_count(world.db, world.lead, today=later) == 1
    (programme,) = work.group(BEHIND)  # due 31 Jan 2026, one of two audits final
    assert (programme.kind, programme.uuid, programme.title) == (
        "programme",
        "p-test",
        "Test programme",
    )
    assert programme.turn.startswith("1 of 2 audits final, overdue by")
    (brief,) = work.group(DRAFT_BRIEFINGS)
    assert (brief.uuid, brief.title) == (draft.uuid, "Neglect")


def test_a_viewer_has_no_work(world):
    assert my_work.my_work(world.db, world.viewer).items == ()
