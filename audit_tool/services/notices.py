"""Notices: what happened that concerns the acting person (an audit assigned to them, a review
returned to them, an urgent concern on an audit they are on, an audit they reviewed confirmed).

The services that make these events write the notices with `add`, inside their own transaction,
so a notice exists exactly when its event does; each person reads, counts and marks only their
own. Where the partnership has set up its mail relay, assignments, returns and urgent concerns
are also e-mailed (services.mail) after the transaction commits, naming the case reference and
nothing else of the case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor
from audit_tool.errors import NotFound
from audit_tool.models import Audit, Notice, Person
from audit_tool.services import mail

if TYPE_CHECKING:
    from audit_tool.store import Database

# Which kinds of notice are also sent by e-mail, and the e-mail's first line for each.
_MAIL_LINES = {
    "assigned": "an audit of case {ref} was assigned to you by {by}",
    "returned": "an audit of case {ref} was returned to you by {by}",
    "concern": "an urgent safeguarding concern was raised on the audit of case {ref} by {by}",
}
MAIL_KINDS = frozenset(_MAIL_LINES)
LIST_LIMIT = 200  # the newest notices a list shows


@dataclass(frozen=True)
class NoticeRow:
    uuid: str
    kind: str  # assigned, returned, concern or confirmed
    audit_uuid: str
    case_ref: str
    text: str
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def add(
    session: Session, kind: str, audit: Audit, person_ids: Iterable[int], text: str, by: str
) -> int:
    """Write a notice of this event for each person (once each), inside the caller's
    transaction; queue its e-mail to those with an address, to go once that transaction
    commits. `text` is the notice's line and `by` who acted: only names and the case
    reference, never case text. Returns how many notices were written."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return 0
    ref = audit.case.ref
    now = datetime.now(UTC)
    for person_id in ids:
        session.add(
            Notice(
                person_id=person_id,
                kind=kind,
                audit_id=audit.id,
                case_ref=ref,
                text=text[:300],
                created_at=now,
            )
        )
    session.flush()
    if kind in MAIL_KINDS:
        addresses = session.scalars(
            select(Person.email).where(
                Person.id.in_(ids), Person.active.is_(True), Person.email.is_not(None)
            )
        ).all()
        line = _MAIL_LINES[kind].format(ref=ref, by=by)
        mail.send_after_commit(session, [a for a in addresses if a], line)
    return len(ids)


def _row(notice: Notice, audit_uuid: str) -> NoticeRow:
    return NoticeRow(
        notice.uuid,
        notice.kind,
        audit_uuid,
        notice.case_ref,
        notice.text,
        notice.created_at,
        notice.read_at,
    )


def list_notices(db: Database, actor: Actor, *, unread_only: bool = False) -> list[NoticeRow]:
    """The acting person's own notices, newest first (at most LIST_LIMIT)."""
    if actor.person_id is None:
        return []
    with db.session() as session:
        stmt = (
            select(Notice, Audit.uuid)
            .join(Audit, Audit.id == Notice.audit_id)
            .where(Notice.person_id == actor.person_id)
        )
        if unread_only:
            stmt = stmt.where(Notice.read_at.is_(None))
        stmt = stmt.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(LIST_LIMIT)
        return [_row(n, audit_uuid) for n, audit_uuid in session.execute(stmt)]


def unread_count(db: Database, actor: Actor) -> int:
    """How many of the acting person's notices are unread."""
    if actor.person_id is None:
        return 0
    with db.session() as session:
        return (
            session.scalar(
                select(func.count(Notice.id)).where(
                    Notice.person_id == actor.person_id, Notice.read_at.is_(None)
                )
            )
            or 0
        )


def mark_read(db: Database, actor: Actor, notice_uuid: str) -> NoticeRow:
    """Mark one of the acting person's notices read (another's is not found)."""
    with db.transaction() as session:
        notice = session.scalar(select(Notice).where(Notice.uuid == notice_uuid))
        if notice is None or actor.person_id is None or notice.person_id != actor.person_id:
            raise NotFound("No such notice")
        if notice.read_at is None:
            notice.read_at = datetime.now(UTC)
        audit_uuid = session.scalar(select(Audit.uuid).where(Audit.id == notice.audit_id))
        session.flush()
        return _row(notice, audit_uuid or "")


def mark_all_read(db: Database, actor: Actor) -> int:
    """Mark every unread notice of the acting person read; returns how many."""
    if actor.person_id is None:
        return 0
    with db.transaction() as session:
        result = session.execute(
            update(Notice)
            .where(Notice.person_id == actor.person_id, Notice.read_at.is_(None))
            .values(read_at=datetime.now(UTC))
        )
        return int(getattr(result, "rowcount", 0) or 0)
