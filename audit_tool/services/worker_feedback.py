"""Feedback given to the worker: whether the audited worker and their manager were told the
findings, when and how; the moderator is reminded before confirming when it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Audit, WorkerFeedback
from audit_tool.services import changelog
from audit_tool.services.audit_extras import audit_for, changed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from audit_tool.store import Database


@dataclass(frozen=True)
class WorkerFeedbackRow:
    given_to_worker: bool
    given_to_manager: bool
    given_on: date | None
    how: str

    @property
    def missing(self) -> bool:
        return not (self.given_to_worker and self.given_to_manager)


NO_WORKER_FEEDBACK = WorkerFeedbackRow(False, False, None, "")


def get_worker_feedback(db: Database, actor: Actor, audit_uuid: str) -> WorkerFeedbackRow:
    with db.session() as session:
        return worker_feedback_row(session, audit_for(session, actor, audit_uuid, "learning.view"))


def worker_feedback_row(session: Session, audit: Audit) -> WorkerFeedbackRow:
    """get_worker_feedback inside a caller's session; the caller has checked "learning.view"."""
    wf = session.get(WorkerFeedback, audit.id)
    if wf is None:
        return NO_WORKER_FEEDBACK
    return WorkerFeedbackRow(wf.given_to_worker, wf.given_to_manager, wf.given_on, wf.how)


def save_worker_feedback(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    *,
    given_to_worker: bool,
    given_to_manager: bool,
    given_on: date | None,
    how: str = "",
) -> WorkerFeedbackRow:
    """Record whether the worker and their manager were given feedback on the audit (by any of
    its auditors, its moderator or a QA lead; also once final, as it often comes after)."""
    errors: dict[str, str] = {}
    given = given_to_worker or given_to_manager
    if given and given_on is None:
        errors["given_on"] = "Give the date the feedback was given"
    if given_on is not None and given_on > date.today():
        errors["given_on"] = "The date cannot be in the future"
    if errors:
        raise ValidationError(
            "Feedback to the worker was not saved: " + "; ".join(errors.values()), errors
        )
    with db.transaction() as session:
        audit = audit_for(session, actor, audit_uuid, "learning.record", write=True, locked_ok=True)
        wf = session.get(WorkerFeedback, audit.id)
        before = changelog.snapshot(wf) if wf else None
        if wf is None:
            wf = WorkerFeedback(audit_id=audit.id)
            session.add(wf)
        wf.given_to_worker, wf.given_to_manager = given_to_worker, given_to_manager
        wf.given_on = given_on if given else None
        wf.how = how.strip()[:200]
        session.flush()
        after = changelog.snapshot(wf)
        if after != before:
            changed(session, audit)
            changelog.record(
                session,
                actor,
                "update" if before else "create",
                "worker_feedback",
                audit.uuid,
                before=before,
                after=after,
                summary=f"Feedback to the worker recorded for the audit of case {audit.case.ref}",
            )
        return WorkerFeedbackRow(wf.given_to_worker, wf.given_to_manager, wf.given_on, wf.how)


def worker_feedback_pct(db: Database, actor: Actor, audit_ids_stmt: Any = None) -> float | None:
    """Share of final audits whose worker received direct feedback."""
    from audit_tool.services.feedback import pct

    require(actor, "learning.view")
    finals = select(Audit.id).where(Audit.status == "final")
    if audit_ids_stmt is not None:
        finals = finals.where(Audit.id.in_(audit_ids_stmt))
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(finals.subquery())) or 0
        given = (
            session.scalar(
                select(func.count())
                .select_from(WorkerFeedback)
                .where(
                    WorkerFeedback.audit_id.in_(finals),
                    WorkerFeedback.given_to_worker.is_(True),
                )
            )
            or 0
        )
    return pct(int(given), int(total))
