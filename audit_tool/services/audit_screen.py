"""What an audit's screen shows, read in one session: the audit as the acting user may see it
(blind where the rules say so), its urgent concerns, its family feedback, learning points,
actions and feedback to the worker, and, for its moderator while it waits, the proposed final
answers.

The review and moderation windows open from one `audit_screen` call run off the GUI thread;
the feedback, learning and actions tabs re-read theirs with `audit_extras` after a change.
Each part keeps the permission check and the blind rule of its own service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.models import Audit
from audit_tool.services import changelog
from audit_tool.services.audits.concerns import ConcernRow, concern_rows
from audit_tool.services.audits.moderation import proposal_for
from audit_tool.services.audits.reading import audit_view, check_can_view, load_audit
from audit_tool.services.audits.views import Answer, AuditView
from audit_tool.services.feedback import FeedbackRow, feedback_rows
from audit_tool.services.learning import LearningRow, learning_rows
from audit_tool.services.learning_actions import ActionRow, action_rows
from audit_tool.services.worker_feedback import WorkerFeedbackRow, worker_feedback_row

if TYPE_CHECKING:
    from audit_tool.store import Database


@dataclass(frozen=True)
class AuditExtras:
    """The audit's tabs beside the review: what the acting user may see of each."""

    view: AuditView
    feedback: list[FeedbackRow]
    learning: list[LearningRow]
    actions: list[ActionRow]
    worker: WorkerFeedbackRow


@dataclass(frozen=True)
class AuditScreen:
    """Everything the review or moderation window needs to open."""

    view: AuditView
    concerns: list[ConcernRow]
    extras: AuditExtras
    # The moderator's starting answers while the audit waits for them; empty otherwise.
    proposal: dict[str, Answer] = field(default_factory=dict)


def audit_screen(
    db: Database, actor: Actor, audit_uuid: str, *, log_view: bool = False
) -> AuditScreen:
    """The audit's screen in one session. `log_view`: a person is opening the audit's full
    text, so the change log records who viewed which case's audit (as get_audit does)."""
    require(actor, "audit.view")
    if not log_view:
        with db.session() as session:
            return _screen(session, actor, audit_uuid)
    with db.transaction() as session:
        screen = _screen(session, actor, audit_uuid)
        changelog.record(
            session,
            actor,
            "view",
            "audit",
            audit_uuid,
            summary=f"Viewed the audit of case {screen.view.case_ref}",
        )
        return screen


def audit_extras(db: Database, actor: Actor, audit_uuid: str) -> AuditExtras:
    """The feedback, learning, actions and worker-feedback tabs again, in one session."""
    with db.session() as session:
        audit = load_audit(session, audit_uuid)
        check_can_view(actor, audit)
        return _extras(session, actor, audit, audit_view(session, actor, audit))


def _screen(session: Session, actor: Actor, audit_uuid: str) -> AuditScreen:
    audit = load_audit(session, audit_uuid)
    check_can_view(actor, audit)
    view = audit_view(session, actor, audit)
    require(actor, "concern.raise")
    proposal: dict[str, Answer] = {}
    if audit.status == "in_moderation" and view.moderator_key == actor.key:
        proposal = proposal_for(session, audit)
    return AuditScreen(
        view=view,
        concerns=concern_rows(session, actor, audit),
        extras=_extras(session, actor, audit, view),
        proposal=proposal,
    )


def _extras(session: Session, actor: Actor, audit: Audit, view: AuditView) -> AuditExtras:
    for operation in ("feedback.view", "learning.view", "action.view"):
        require(actor, operation)  # the audit itself was checked by the caller
    return AuditExtras(
        view=view,
        feedback=feedback_rows(session, actor, audit),
        learning=learning_rows(session, actor, audit),
        actions=action_rows(session, actor, audit),
        worker=worker_feedback_row(session, audit),
    )
