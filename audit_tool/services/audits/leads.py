"""What a QA lead does to an audit's moderation: records a multi-agency panel's summary,
and reopens a final audit with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Moderation
from audit_tool.reporting import aggregates
from audit_tool.services import changelog, conflicts
from audit_tool.services.audits.reading import audit_view, load_audit
from audit_tool.services.audits.revisions import bump, touch
from audit_tool.services.audits.states import move
from audit_tool.services.audits.views import AuditView

if TYPE_CHECKING:
    from audit_tool.store import Database


def record_panel_summary(db: Database, actor: Actor, audit_uuid: str, text: str) -> AuditView:
    """A QA lead records the multi-agency panel's shared findings, learning and actions;
    the moderator then confirms the panel's overall judgement."""
    require(actor, "audit.panel")
    text = text.strip()
    with db.transaction() as session:
        audit = load_audit(session, audit_uuid)
        if audit.kind != "multi_agency":
            raise ValidationError("Only a multi-agency audit has a panel summary")
        if audit.status not in ("in_moderation", "returned"):
            raise ValidationError(
                "The panel meets once every agency's review is in, before the final grades"
            )
        if not text:
            raise ValidationError(
                "Record the panel's findings", {"panel_summary": "The summary is empty"}
            )
        moderation = audit.moderation
        if moderation is None:
            assert audit.moderator_id is not None
            moderation = Moderation(audit=audit, moderator_id=audit.moderator_id)
            session.add(moderation)
        before = moderation.panel_summary or ""
        moderation.panel_summary = text
        session.flush()
        bump(session, audit)
        changelog.record(
            session,
            actor,
            "panel",
            "audit",
            audit.uuid,
            before={"panel_summary": before},
            after={"panel_summary": text},
            summary=f"Panel summary recorded for the audit of case {audit.case.ref}",
        )
        return audit_view(session, actor, audit)


def reopen(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    reason: str,
    *,
    expected_revision: int | None = None,
) -> AuditView:
    """A QA lead reopens a final audit for moderation; the reason is kept in the change log."""
    require(actor, "audit.reopen")
    reason = reason.strip()
    try:
        return _reopen(db, actor, audit_uuid, reason, expected_revision)
    except StaleDataError as exc:
        raise conflicts.conflict_after_rollback(
            db, actor, "audit", audit_uuid, "this audit"
        ) from exc


def _reopen(
    db: Database, actor: Actor, audit_uuid: str, reason: str, expected_revision: int | None
) -> AuditView:
    with db.transaction() as session:
        audit = load_audit(session, audit_uuid)
        if expected_revision is not None and audit.revision != expected_revision:
            raise conflicts.conflict(session, actor, "audit", audit.uuid, "this audit")
        if audit.status != "final":
            raise ValidationError(f"The audit of case {audit.case.ref} is not final")
        if audit.kind == "single":
            raise ValidationError("A single audit has no moderation to reopen")
        if not reason:
            raise ValidationError(
                "Give the reason for reopening", {"reason": "A reason is required"}
            )
        touch(session, audit)
        aggregates.remove(session, [audit.id])  # the report's counts, while still final
        before = {"status": audit.status, "final_overall": audit.final_overall}
        move(audit, "in_moderation")
        audit.final_overall = None
        audit.finalised_at = None
        if audit.moderation is not None:
            audit.moderation.completed_at = None
        session.flush()
        changelog.record(
            session,
            actor,
            "reopen",
            "audit",
            audit.uuid,
            before=before,
            after={"status": audit.status, "final_overall": None},
            reason=reason,
            summary=f"Audit of case {audit.case.ref} reopened",
        )
        return audit_view(session, actor, audit)
