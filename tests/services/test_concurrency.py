"""Safe concurrent editing on SQLite and PostgreSQL: lost races are refused with who and when,
two confirmations at once give exactly one final audit, and moderation claims."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from audit_tool.errors import ConflictError, ValidationError
from audit_tool.models import ChangeLogEntry
from audit_tool.services import audits, claims, learning, templates
from audit_tool.services.audits import Answer
from audit_tool.store import Database, open_database
from tests import factories
from tests.factories import World

T0 = datetime(2026, 3, 2, 14, 32, tzinfo=UTC)


@pytest.fixture
def second(db: Database) -> Iterator[Database]:
    """Another client of the same database: its own engine, connections and sessions."""
    other = open_database(db.url.render_as_string(hide_password=False))
    yield other
    other.close()


def _graded(world: World, grade: str) -> dict[str, Answer]:
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    return {i.key: Answer(grade) for i in tpl.graded_items}


def _ready_to_moderate(world: World, ref: str = "C1000") -> str:
    uuid = factories.looped_audit(world, ref=ref)
    factories.complete_review(world, world.auditor, uuid, overall="good")
    factories.complete_review(world, world.auditor2, uuid, overall="good")
    return uuid


def test_second_save_of_a_stale_review_is_refused_naming_who_and_when(
    world: World, second: Database
) -> None:
    uuid = factories.looped_audit(world)
    review_uuid = audits.get_audit(world.db, world.auditor, uuid).my_review
    assert review_uuid is not None
    # Two windows open the same draft (the same auditor on two computers).
    first_view = audits.get_audit(world.db, world.auditor, uuid).review(review_uuid)
    second_view = audits.get_audit(second, world.auditor, uuid).review(review_uuid)
    assert first_view.revision == second_view.revision

    saved = audits.save_review(
        world.db,
        world.auditor,
        review_uuid,
        strengths="First window: the child's voice is clear",
        expected_revision=first_view.revision,
    )
    assert saved.revision > first_view.revision

    with pytest.raises(ConflictError) as caught:
        audits.save_review(
            second,
            world.auditor,
            review_uuid,
            strengths="Second window: overwrites?",
            expected_revision=second_view.revision,
        )
    exc = caught.value
    assert exc.changed_by == "Alex Auditor"
    assert exc.changed_at is not None
    assert abs(exc.changed_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert "changed this review at" in str(exc) and "not saved" in str(exc)
    assert f"{exc.changed_at.astimezone():%H:%M}" in str(exc)
    after = audits.get_audit(world.db, world.auditor, uuid).review(review_uuid)
    assert after.strengths == "First window: the child's voice is clear"
    assert after.revision == saved.revision


def test_a_change_to_answers_alone_counts_in_the_review_revision(world: World) -> None:
    uuid = factories.looped_audit(world)
    review_uuid = audits.get_audit(world.db, world.auditor, uuid).my_review
    assert review_uuid is not None
    start = audits.get_audit(world.db, world.auditor, uuid).review(review_uuid).revision
    item = next(iter(_graded(world, "good")))
    saved = audits.save_review(
        world.db, world.auditor, review_uuid, answers={item: Answer("good", "seen in the plan")}
    )
    assert saved.revision > start
    unchanged = audits.save_review(
        world.db, world.auditor, review_uuid, answers={item: Answer("good", "seen in the plan")}
    )
    assert unchanged.revision == saved.revision


def test_moderator_returning_a_review_beats_a_stale_confirm_with_who(
    world: World, second: Database
) -> None:
    uuid = _ready_to_moderate(world)
    seen = audits.get_audit(second, world.moderator, uuid)
    review_uuid = seen.reviews[0].uuid
    audits.return_review(world.db, world.moderator, review_uuid, "Look at the plan again")
    with pytest.raises(ConflictError) as caught:
        audits.confirm(
            second,
            world.moderator,
            uuid,
            answers=_graded(world, "good"),
            overall="good",
            expected_revision=seen.revision,
        )
    assert caught.value.changed_by == "Morgan Moderator"
    assert "changed this audit" in str(caught.value)
    assert audits.get_audit(world.db, world.lead, uuid).status == "returned"


@pytest.mark.parametrize("round_", range(10))
def test_two_confirmations_at_once_exactly_one_wins(
    world: World, second: Database, round_: int
) -> None:
    uuid = _ready_to_moderate(world)
    start = audits.get_audit(world.db, world.moderator, uuid).revision
    grades = {"first": "good", "second": "requires_improvement"}
    clients = {"first": world.db, "second": second}
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def confirm(name: str) -> None:
        barrier.wait()
        try:
            audits.confirm(
                clients[name],
                world.moderator,
                uuid,
                answers=_graded(world, grades[name]),
                overall=grades[name],
                rationale="Both auditors under-read the plan",
                expected_revision=start,
            )
            outcome[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - recorded for the assertions below
            outcome[name] = exc

    threads = [threading.Thread(target=confirm, args=(n,)) for n in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [n for n, result in outcome.items() if result == "ok"]
    assert len(winners) == 1, outcome
    (loser,) = [n for n in clients if n not in winners]
    assert isinstance(outcome[loser], ConflictError), outcome[loser]
    final = audits.get_audit(world.db, world.lead, uuid)
    assert final.status == "final"
    assert final.final_overall == grades[winners[0]]
    with world.db.session() as session:
        confirms = session.scalar(
            select(func.count(ChangeLogEntry.id)).where(
                ChangeLogEntry.entity_uuid == uuid, ChangeLogEntry.action == "confirm"
            )
        )
    assert confirms == 1


def test_stale_learning_point_edit_is_refused_and_keeps_the_first(
    world: World, second: Database
) -> None:
    uuid = factories.looped_audit(world)
    point = learning.add_learning_point(
        world.db, world.auditor, uuid, kind="strength", text="Clear plan", item_key=None, themes=[]
    )
    learning.update_learning_point(
        world.db,
        world.auditor,
        point.uuid,
        kind="strength",
        text="Clear, outcome-focused plan",
        item_key=None,
        themes=[],
        in_briefing=True,
        expected_revision=point.revision,
    )
    with pytest.raises(ConflictError) as caught:
        learning.update_learning_point(
            second,
            world.auditor,
            point.uuid,
            kind="strength",
            text="Stale text",
            item_key=None,
            themes=[],
            in_briefing=True,
            expected_revision=point.revision,
        )
    assert caught.value.changed_by == "Alex Auditor"
    (row,) = learning.audit_learning(world.db, world.auditor, uuid)
    assert row.text == "Clear, outcome-focused plan"


# ---------------------------------------------------------------- claims


def test_claim_is_seen_by_others_refused_while_live_then_expires_and_is_taken_over(
    world: World, second: Database
) -> None:
    uuid = _ready_to_moderate(world)
    mine, other_window = claims.new_token(), claims.new_token()

    got = claims.claim(world.db, world.moderator, "moderation", uuid, mine, now=T0)
    assert isinstance(got, claims.Claimed) and got.expires_at == T0 + claims.DEFAULT_TTL
    holder = claims.current(second, "moderation", uuid, now=T0 + timedelta(seconds=30))
    assert holder is not None and holder.holder_name == "Morgan Moderator"
    assert holder.since == T0

    refused = claims.claim(
        second, world.moderator, "moderation", uuid, other_window, now=T0 + timedelta(minutes=1)
    )
    assert isinstance(refused, claims.ClaimHeld)
    assert refused.holder_name == "Morgan Moderator" and refused.since == T0
    assert refused.banner == f"Being moderated by Morgan Moderator since {T0.astimezone():%H:%M}"

    # Renewed by its holder, it stays live past the first expiry.
    renewed = claims.renew(
        world.db, world.moderator, "moderation", uuid, mine, now=T0 + timedelta(seconds=90)
    )
    assert isinstance(renewed, claims.Claimed) and renewed.since == T0
    assert claims.current(second, "moderation", uuid, now=T0 + timedelta(minutes=3)) is not None

    # The holder's app went away: after expiry nobody holds it, and it can be taken over.
    later = T0 + timedelta(seconds=90) + claims.DEFAULT_TTL + timedelta(seconds=1)
    assert claims.current(second, "moderation", uuid, now=later) is None
    taken = claims.claim(second, world.moderator, "moderation", uuid, other_window, now=later)
    assert isinstance(taken, claims.Claimed) and taken.since == later
    # The first app, back, is told who has it now.
    back = claims.renew(world.db, world.moderator, "moderation", uuid, mine, now=later)
    assert isinstance(back, claims.ClaimHeld) and back.since == later

    assert claims.release(second, world.moderator, "moderation", uuid, other_window)
    assert claims.current(world.db, "moderation", uuid, now=later) is None
    assert not claims.release(second, world.moderator, "moderation", uuid, other_window)


def test_confirm_and_return_are_refused_without_the_live_claim(
    world: World, second: Database
) -> None:
    uuid = _ready_to_moderate(world)
    token = claims.new_token()
    assert claims.claim(world.db, world.moderator, "moderation", uuid, token).ok
    view = audits.get_audit(second, world.moderator, uuid)

    with pytest.raises(ConflictError, match="being moderated by Morgan Moderator in another"):
        audits.confirm(
            second,
            world.moderator,
            uuid,
            answers=_graded(world, "good"),
            overall="good",
            token=claims.new_token(),
        )
    with pytest.raises(ConflictError, match="being moderated by Morgan Moderator"):
        audits.return_review(
            second, world.moderator, view.reviews[0].uuid, "Again", token=claims.new_token()
        )
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_moderation"

    # The holder confirms; the claim guards nothing once released.
    done = audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers=_graded(world, "good"),
        overall="good",
        token=token,
    )
    assert done.status == "final"
    assert claims.release(world.db, world.moderator, "moderation", uuid, token)


def test_only_the_audits_moderator_can_claim_its_moderation(world: World) -> None:
    uuid = _ready_to_moderate(world)
    from audit_tool.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        claims.claim(world.db, world.auditor, "moderation", uuid, claims.new_token())
    with pytest.raises(ValidationError):
        claims.claim(world.db, world.moderator, "briefing", uuid, claims.new_token())
    assert claims.current(world.db, "moderation", uuid) is None
