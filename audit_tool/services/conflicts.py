"""Lost races: a ConflictError that says who saved the newer version of a record, and when.

Every editable record carries a revision (SQLAlchemy's version counter). When a save finds a
newer revision than the one the user started from, nothing is written and the user is told
who changed the record and when, from the record's own time stamp and the newest entry of the
change log about it (or, for an audit, about anything inside it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access.actors import Actor
from audit_tool.errors import ConflictError
from audit_tool.models import (
    Action,
    Audit,
    Briefing,
    Case,
    ChangeLogEntry,
    Feedback,
    LearningPoint,
    Moderation,
    Review,
)

if TYPE_CHECKING:
    from audit_tool.store import Database

# entity name (as in the change log) -> model with `uuid` and `updated_at`
MODELS: dict[str, Any] = {
    "audit": Audit,
    "review": Review,
    "moderation": Moderation,
    "learning_point": LearningPoint,
    "action": Action,
    "feedback": Feedback,
    "case": Case,
    "briefing": Briefing,
}
# Entries that record no change to the record.
_NOT_CHANGES = ("view", "export")


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _related(session: Session, entity: str, uuid: str) -> list[str]:
    """The uuids whose changes count as changes of this record: for an audit, everything
    inside it that bumps its revision (reviews, moderation, learning, actions, feedback)."""
    uuids = [uuid]
    if entity != "audit":
        return uuids
    audit_id = session.scalar(select(Audit.id).where(Audit.uuid == uuid))
    if audit_id is None:
        return uuids
    for model in (Review, Moderation, LearningPoint, Action, Feedback):
        uuids.extend(session.scalars(select(model.uuid).where(model.audit_id == audit_id)))
    return uuids


def last_change(
    session: Session, entity: str, uuid: str
) -> tuple[str | None, int | None, datetime | None]:
    """Who last changed the record (name and person id, from the change log) and when (the
    later of the record's time stamp and that entry)."""
    entry = session.execute(
        select(ChangeLogEntry.actor_name, ChangeLogEntry.actor_id, ChangeLogEntry.at)
        .where(
            ChangeLogEntry.entity_uuid.in_(_related(session, entity, uuid)),
            ChangeLogEntry.action.not_in(_NOT_CHANGES),
        )
        .order_by(ChangeLogEntry.id.desc())
        .limit(1)
    ).first()
    model = MODELS.get(entity)
    stamp = (
        _aware(session.scalar(select(model.updated_at).where(model.uuid == uuid)))
        if model is not None
        else None
    )
    if entry is None:
        return None, None, stamp
    at = _aware(entry.at)
    when = max(t for t in (at, stamp) if t is not None) if (at or stamp) else None
    return entry.actor_name, entry.actor_id, when


def when_text(at: datetime, *, today: datetime | None = None) -> str:
    """ "at 14:32" today, "on 3 Mar 2026 at 14:32" another day (the user's local time)."""
    local = at.astimezone()
    today_local = (today or datetime.now(UTC)).astimezone().date()
    if local.date() == today_local:
        return f"at {local:%H:%M}"
    return f"on {local.day} {local:%b %Y} at {local:%H:%M}"


def conflict(
    session: Session,
    actor: Actor | None,
    entity: str,
    uuid: str,
    what: str,
) -> ConflictError:
    """The error for a save that lost a race on `what` ("this review"), read in `session`."""
    name, person_id, at = last_change(session, entity, uuid)
    if name is None:
        who = "Someone else"
    elif actor is not None and person_id is not None and person_id == actor.person_id:
        who = f"You ({name}, in another window or on another computer)"
    else:
        who = name
    when = f" {when_text(at)}" if at is not None else ""
    return ConflictError(
        f"{who} changed {what}{when}; your changes were not saved. "
        "Reload to see the newer version, or copy your text aside first.",
        changed_by=name,
        changed_at=at,
        entity=entity,
        entity_uuid=uuid,
    )


def conflict_after_rollback(
    db: Database, actor: Actor | None, entity: str, uuid: str, what: str
) -> ConflictError:
    """The same, after the losing transaction was rolled back (a stale flush)."""
    with db.session() as session:
        return conflict(session, actor, entity, uuid, what)


@contextmanager
def guard(db: Database, actor: Actor | None, entity: str, uuid: str, what: str) -> Iterator[None]:
    """Wrap a unit of work on one record: a stale write (someone saved a newer revision in
    between) becomes a ConflictError naming who and when, after the rollback."""
    try:
        yield
    except StaleDataError as exc:
        raise conflict_after_rollback(db, actor, entity, uuid, what) from exc


def check_revision(
    session: Session,
    actor: Actor | None,
    record: Any,
    expected_revision: int | None,
    entity: str,
    what: str,
) -> None:
    """Refuse a save made from a screen that showed an older revision of the record."""
    if expected_revision is not None and record.revision != expected_revision:
        raise conflict(session, actor, entity, record.uuid, what)


def touch(session: Session, record: Any) -> None:
    """Count a change to the record's children (answers, themes) in its own revision."""
    record.updated_at = datetime.now(UTC)
    session.flush()
