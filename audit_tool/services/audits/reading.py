"""Reading one audit as the acting user may see it: loading, who takes part, the agency
scope, and blindness (until every review is submitted, an auditor sees no other review)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied
from audit_tool.models import Audit, Person, Review, Setting
from audit_tool.models.coordination import OFFLINE_SOURCE_SETTING, Checkout
from audit_tool.models.templates import AuditTemplate
from audit_tool.services import changelog
from audit_tool.services.audits.returns import changed_since_return
from audit_tool.services.audits.views import (
    Answer,
    AuditView,
    CheckoutNote,
    ModerationView,
    ReviewView,
)
from audit_tool.services.templates import TemplateRow, template_row

if TYPE_CHECKING:
    from audit_tool.store import Database


def load_audit(session: Session, uuid: str) -> Audit:
    """The audit, or NotFound; no access check (callers check before they show it)."""
    audit = session.scalar(select(Audit).where(Audit.uuid == uuid))
    if audit is None:
        raise NotFound(f"No audit {uuid}")
    return audit


def load_review(session: Session, uuid: str) -> Review:
    """The review, or NotFound; no access check."""
    review = session.scalar(select(Review).where(Review.uuid == uuid))
    if review is None:
        raise NotFound(f"No review {uuid}")
    return review


def template_of(session: Session, audit: Audit) -> TemplateRow:
    """The template (version) the audit is recorded against."""
    template = session.get(AuditTemplate, audit.template_id)
    assert template is not None
    return template_row(template)


def _is_reviewer(actor: Actor, audit: Audit) -> bool:
    return any(r.reviewer_id == actor.person_id for r in audit.reviews)


def is_moderator(actor: Actor, audit: Audit) -> bool:
    """Whether the acting user is this audit's moderator."""
    return actor.person_id is not None and audit.moderator_id == actor.person_id


def check_can_view(actor: Actor, audit: Audit) -> None:
    """Refuse an audit outside the actor's agency scope as if it did not exist."""
    require(actor, "audit.view")
    if not scope.can_see_audit(actor, audit):
        raise NotFound(f"No audit {audit.uuid}")


def check_takes_part(actor: Actor, audit: Audit) -> None:
    """Changing what an audit holds is for its auditors, its moderator and QA leads."""
    check_can_view(actor, audit)
    if "lead" in actor.roles or _is_reviewer(actor, audit) or is_moderator(actor, audit):
        return
    raise PermissionDenied(
        f"{actor.name} is not an auditor or the moderator of this audit of case {audit.case.ref}"
    )


def blind_for(actor: Actor, audit: Audit) -> bool:
    """Whether the acting user must not see other reviews yet: they review this audit and
    not every review is submitted."""
    return _is_reviewer(actor, audit) and any(r.status != "submitted" for r in audit.reviews)


def answers_of(rows: list[Any]) -> dict[str, Answer]:
    """Review or moderation answer rows as item key -> Answer."""
    return {a.item_key: Answer(a.value, a.comment) for a in rows}


def review_view(review: Review, *, hidden: bool) -> ReviewView:
    """A review as callers get it; `hidden`: blind, only who and the status."""
    person = review.reviewer
    agency_name = person.agency.name
    if hidden:
        return ReviewView(
            review.uuid, person.key, person.name, agency_name, review.part, review.status, True
        )
    return ReviewView(
        uuid=review.uuid,
        reviewer_key=person.key,
        reviewer_name=person.name,
        agency_name=agency_name,
        part=review.part,
        status=review.status,
        hidden=False,
        submitted_at=review.submitted_at,
        overall=review.overall,
        strengths=review.strengths,
        worries=review.worries,
        next_steps=review.next_steps,
        return_comment=review.return_comment,
        answers=answers_of(review.answers),
        revision=review.revision,
        changed_since_return=changed_since_return(review),
    )


def audit_view(session: Session, actor: Actor, audit: Audit) -> AuditView:
    """The audit as the acting user may see it: other reviews hidden while they are blind,
    no moderation in progress for someone not on the audit. Callers check access first."""
    blind = blind_for(actor, audit)
    reviews = []
    for review in audit.reviews:
        own = review.reviewer_id == actor.person_id
        if own:
            hidden = False
        elif blind:
            hidden = True
        elif is_moderator(actor, audit) or "lead" in actor.roles or _is_reviewer(actor, audit):
            # The moderator and leads read submitted reviews, not another person's draft.
            hidden = review.status == "draft"
        else:
            hidden = True
        reviews.append(review_view(review, hidden=hidden))
    moderation = None
    # Someone who only sees the audit (same agency, not on it) sees no moderation in progress.
    takes_part = "lead" in actor.roles or _is_reviewer(actor, audit) or is_moderator(actor, audit)
    if audit.moderation is not None and not blind and (takes_part or audit.status == "final"):
        m = audit.moderation
        moderator = session.get(Person, m.moderator_id)
        assert moderator is not None
        moderation = ModerationView(
            moderator.key,
            moderator.name,
            m.completed_at,
            m.overall,
            m.rationale,
            m.panel_summary,
            answers_of(m.answers),
        )
    case = audit.case
    mine = next((r.uuid for r in audit.reviews if r.reviewer_id == actor.person_id), None)
    return AuditView(
        uuid=audit.uuid,
        case_ref=case.ref,
        case_initials=case.initials,
        case_type=case.case_type,
        team_name=case.team.name,
        programme_key=audit.programme.key,
        programme_name=audit.programme.name,
        kind=audit.kind,
        status=audit.status,
        due_on=audit.due_on,
        moderator_key=audit.moderator.key if audit.moderator else None,
        moderator_name=audit.moderator.name if audit.moderator else None,
        final_overall=audit.final_overall,
        finalised_at=audit.finalised_at,
        revision=audit.revision,
        template=template_of(session, audit),
        reviews=tuple(reviews),
        moderation=moderation,
        my_review=mine,
        checked_out=_checkout_note(session, audit),
    )


def _checkout_note(session: Session, audit: Audit) -> CheckoutNote | None:
    row = session.scalars(
        select(Checkout)
        .where(Checkout.audit_id == audit.id, Checkout.checked_in_at.is_(None))
        .order_by(Checkout.checked_out_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    person = session.get(Person, row.person_id)
    return CheckoutNote(
        person_key=person.key if person is not None else "",
        person_name=person.name if person is not None else "someone",
        since=row.checked_out_at,
        label=row.label,
        offline_copy=session.get(Setting, OFFLINE_SOURCE_SETTING) is not None,
    )


def get_audit(db: Database, actor: Actor, audit_uuid: str, *, log_view: bool = False) -> AuditView:
    """An audit as the acting user may see it (blind where the rules say so).

    `log_view`: a screen is opening the audit's full text for a person to read, so the change
    log records who viewed which case's audit (once per opening, not on reloads or autosave)."""
    if log_view:
        with db.transaction() as session:
            audit = load_audit(session, audit_uuid)
            check_can_view(actor, audit)
            view = audit_view(session, actor, audit)
            changelog.record(
                session,
                actor,
                "view",
                "audit",
                audit.uuid,
                summary=f"Viewed the audit of case {audit.case.ref}",
            )
            return view
    with db.session() as session:
        audit = load_audit(session, audit_uuid)
        check_can_view(actor, audit)
        return audit_view(session, actor, audit)
