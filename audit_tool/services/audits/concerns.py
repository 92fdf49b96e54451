"""Urgent safeguarding concerns: raised from inside an audit, shown at once to those who
must act, and closed only with a recorded response from a QA lead or the case's manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import Audit, Case, Person, Review, UrgentConcern
from audit_tool.services import changelog, notices
from audit_tool.services.audits.reading import check_can_view, check_takes_part, load_audit

if TYPE_CHECKING:
    from audit_tool.store import Database


@dataclass(frozen=True)
class ConcernRow:
    uuid: str
    case_ref: str
    audit_uuid: str | None
    raised_by: str
    raised_at: datetime
    what: str
    why_urgent: str
    status: str
    response: str
    responded_by: str | None
    responded_at: datetime | None
    # Who sees it at once, with why: "Priya Lead (QA lead)", "Tom Manager (the case's
    # manager)", "Morgan Moderator (moderator of the audit)", "Bea Auditor (auditor)".
    informed: tuple[str, ...] = ()


def raise_concern(
    db: Database, actor: Actor, audit_uuid: str, *, what: str, why_urgent: str = ""
) -> ConcernRow:
    require(actor, "concern.raise")
    what = what.strip()
    with db.transaction() as session:
        audit = load_audit(session, audit_uuid)
        check_takes_part(actor, audit)
        if not what:
            raise ValidationError("Say what the concern is", {"what": "Describe the concern"})
        assert actor.person_id is not None
        concern = UrgentConcern(
            audit_id=audit.id,
            case_id=audit.case_id,
            raised_by_id=actor.person_id,
            raised_at=datetime.now(UTC),
            what=what,
            why_urgent=why_urgent.strip(),
            status="open",
        )
        session.add(concern)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "urgent_concern",
            concern.uuid,
            after={"case": audit.case.ref, "what": what, "why_urgent": concern.why_urgent},
            summary=f"Urgent safeguarding concern raised on case {audit.case.ref}",
        )
        notify_concern(session, actor.name, audit, concern)
        return _concern_row(session, concern)


def notify_concern(session: Session, by: str, audit: Audit, concern: UrgentConcern) -> None:
    """A notice (and e-mail) of a new concern to those it informs who use the app (have a
    role in it: a case's manager may not); `by`: who raised it."""
    users = session.scalars(
        select(Person.id)
        .where(Person.id.in_(_told(session, concern, audit.case)), Person.active.is_(True))
        .where(Person.role_rows.any())
        .order_by(Person.id)
    )
    notices.add(
        session,
        "concern",
        audit,
        list(users),
        f"Urgent concern raised by {by}: Case {audit.case.ref}",
        by,
    )


def _informed(session: Session, concern: UrgentConcern, case: Case) -> tuple[str, ...]:
    """Everyone who sees the concern at once (the raiser aside), each with their part."""
    return tuple(_told(session, concern, case).values())


def _told(session: Session, concern: UrgentConcern, case: Case) -> dict[int, str]:
    """_informed by person id."""
    from audit_tool.models import PersonRole

    told: dict[int, str] = {}
    leads = session.scalars(
        select(Person)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "lead", Person.active.is_(True))
        .order_by(Person.name)
    )
    for person in leads:
        told.setdefault(person.id, f"{person.name} (QA lead)")
    if case.manager_id is not None:
        manager = session.get(Person, case.manager_id)
        if manager is not None:
            told.setdefault(manager.id, f"{manager.name} (the case's manager)")
    audit = session.get(Audit, concern.audit_id) if concern.audit_id else None
    if audit is not None:
        if audit.moderator is not None:
            told.setdefault(audit.moderator.id, f"{audit.moderator.name} (moderator of the audit)")
        for review in audit.reviews:
            reviewer = session.get(Person, review.reviewer_id)
            if reviewer is not None:
                told.setdefault(reviewer.id, f"{reviewer.name} (auditor)")
    told.pop(concern.raised_by_id, None)
    return told


def _concern_row(session: Session, concern: UrgentConcern) -> ConcernRow:
    case = session.get(Case, concern.case_id)
    raised = session.get(Person, concern.raised_by_id)
    responder = session.get(Person, concern.responded_by_id) if concern.responded_by_id else None
    audit_uuid = session.scalar(select(Audit.uuid).where(Audit.id == concern.audit_id))
    assert case is not None and raised is not None
    return ConcernRow(
        concern.uuid,
        case.ref,
        audit_uuid,
        raised.name,
        concern.raised_at,
        concern.what,
        concern.why_urgent,
        concern.status,
        concern.response,
        responder.name if responder else None,
        concern.responded_at,
        _informed(session, concern, case),
    )


def _concern_filter(actor: Actor) -> Any:
    """Who sees a concern: leads all; a case's manager theirs; the audit's auditors and
    moderator those raised on it; anyone the ones they raised."""
    if "lead" in actor.roles:
        return True
    managed = select(Case.id).where(Case.manager_id == actor.person_id)
    reviewing = select(Review.audit_id).where(Review.reviewer_id == actor.person_id)
    moderating = select(Audit.id).where(Audit.moderator_id == actor.person_id)
    return or_(
        UrgentConcern.case_id.in_(managed),
        UrgentConcern.raised_by_id == actor.person_id,
        UrgentConcern.audit_id.in_(reviewing),
        UrgentConcern.audit_id.in_(moderating),
    )


def audit_concerns(db: Database, actor: Actor, audit_uuid: str) -> list[ConcernRow]:
    """The urgent concerns raised on one audit, newest first, for the audit's screens."""
    require(actor, "concern.raise")
    with db.session() as session:
        audit = load_audit(session, audit_uuid)
        check_can_view(actor, audit)
        return concern_rows(session, actor, audit)


def concern_rows(session: Session, actor: Actor, audit: Audit) -> list[ConcernRow]:
    """audit_concerns inside a caller's session; the caller has checked that the actor may view
    the audit and raise concerns."""
    stmt = (
        select(UrgentConcern)
        .where(UrgentConcern.audit_id == audit.id, _concern_filter(actor))
        .order_by(UrgentConcern.raised_at.desc())
    )
    return [_concern_row(session, c) for c in session.scalars(stmt)]


def list_concerns(db: Database, actor: Actor, *, open_only: bool = True) -> list[ConcernRow]:
    require(actor, "concern.raise")
    stmt = (
        select(UrgentConcern).where(_concern_filter(actor)).order_by(UrgentConcern.raised_at.desc())
    )
    if open_only:
        stmt = stmt.where(UrgentConcern.status == "open")
    with db.session() as session:
        return [_concern_row(session, c) for c in session.scalars(stmt)]


def open_concern_count(db: Database, actor: Actor) -> int:
    """Open concerns this person must act on: all for a lead, their cases' for a manager."""
    require(actor, "concern.raise")
    if "lead" in actor.roles:
        where: Any = True
    else:
        where = UrgentConcern.case_id.in_(select(Case.id).where(Case.manager_id == actor.person_id))
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count(UrgentConcern.id)).where(UrgentConcern.status == "open", where)
            )
            or 0
        )


def respond_to_concern(db: Database, actor: Actor, concern_uuid: str, response: str) -> ConcernRow:
    """Close a concern with the response made; only a QA lead or the case's manager."""
    require(actor, "concern.respond")
    response = response.strip()
    with db.transaction() as session:
        concern = session.scalar(select(UrgentConcern).where(UrgentConcern.uuid == concern_uuid))
        if concern is None:
            raise NotFound(f"No urgent concern {concern_uuid}")
        case = session.get(Case, concern.case_id)
        assert case is not None
        if "lead" not in actor.roles and case.manager_id != actor.person_id:
            raise PermissionDenied(
                "Only a QA lead or the case's manager can respond to an urgent concern"
            )
        if concern.status != "open":
            raise ValidationError("This concern already has a response")
        if not response:
            raise ValidationError(
                "Record what was done in response", {"response": "A response is required"}
            )
        concern.status = "closed"
        concern.response = response
        concern.responded_by_id = actor.person_id
        concern.responded_at = datetime.now(UTC)
        session.flush()
        changelog.record(
            session,
            actor,
            "respond",
            "urgent_concern",
            concern.uuid,
            before={"status": "open"},
            after={"status": "closed", "response": response},
            summary=f"Urgent concern on case {case.ref} closed with a response",
        )
        return _concern_row(session, concern)
