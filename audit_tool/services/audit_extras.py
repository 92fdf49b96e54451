"""Who may read and write what an audit holds beside its reviews: feedback, learning, actions.

Whoever may see the audit reads them (access.scope); the people of the audit change them:
its auditors, its moderator and QA leads. While an audit is blind for an auditor (not every
review is in), they see only what they recorded themselves, as with the reviews. Once the
audit is final its record is locked, except that actions still move on (completed, cancelled).
Every saved change counts in the audit's revision, which packs compare."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import Audit, Review
from audit_tool.services.audits.reading import (
    blind_for,
    check_can_view,
    check_takes_part,
    load_audit,
)
from audit_tool.services.audits.revisions import bump


def audit_for(
    session: Session,
    actor: Actor,
    audit_uuid: str,
    operation: str,
    *,
    write: bool = False,
    locked_ok: bool = False,
) -> Audit:
    """The audit, once the acting user may `operation` on it."""
    require(actor, operation)
    audit = load_audit(session, audit_uuid)
    if write:
        check_takes_part(actor, audit)
    else:
        check_can_view(actor, audit)
    if write and audit.status == "final" and not locked_ok:
        raise ValidationError(
            f"The audit of case {audit.case.ref} is final and locked; a QA lead can reopen it"
        )
    return audit


def visible_to(actor: Actor, audit: Audit, author_id: int | None) -> bool:
    """Whether a record of this author is visible to the actor inside this audit."""
    if not blind_for(actor, audit):
        return True
    return author_id is not None and author_id == actor.person_id


def check_author(actor: Actor, audit: Audit, author_id: int | None, what: str) -> None:
    """An auditor still working blind may change only what they recorded themselves."""
    if not visible_to(actor, audit, author_id):
        raise PermissionDenied(f"{actor.name} did not record this {what}")


def changed(session: Session, audit: Audit) -> None:
    bump(session, audit)


def blind_filter(actor: Actor, audit_col: Any, author_col: Any) -> ColumnElement[bool]:
    """A SQL condition for lists across audits: rows of audits still blind for the acting
    user show only their own entries; rows without an audit are not affected."""
    if actor.person_id is None:
        return true()
    # Audits where the actor reviews and some review is not yet submitted.
    mine = select(Review.audit_id).where(Review.reviewer_id == actor.person_id)
    open_reviews = select(Review.audit_id).where(Review.status != "submitted")
    blind = select(Audit.id).where(Audit.id.in_(mine), Audit.id.in_(open_reviews))
    return (audit_col.is_(None)) | (audit_col.not_in(blind)) | (author_col == actor.person_id)


def scope_filter(actor: Actor, audit_col: Any) -> ColumnElement[bool]:
    """Entries of the audits the actor may see (access.scope: a lead all, anyone else their
    agency's and those they review or moderate), and those of no audit."""
    if scope.sees_all(actor):
        return true()
    return audit_col.is_(None) | scope.audit_in_scope(actor, audit_col)


def not_found(what: str, uuid: str) -> NotFound:
    return NotFound(f"No {what} {uuid}")
