"""Actions raised from complaints: ordinary actions (services.learning_actions), linked to the
complaint, so that they are moved on (completed, cancelled, reopened, changed) in the Actions
list like those raised in audits. Raising one needs the right to record the complaint."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.models import Action, Case, ComplaintAction
from audit_tool.services import changelog, privacy
from audit_tool.services.complaints.rules import visible_complaint
from audit_tool.services.learning_actions import (
    ActionRow,
    action_owner,
    check_action,
    listed_actions,
)

if TYPE_CHECKING:
    from audit_tool.store import Database


def add_complaint_action(
    db: Database,
    actor: Actor,
    complaint_uuid: str,
    *,
    text: str,
    owner_key: str,
    due_on: date | None,
    scope: str = "service",
    today: date | None = None,
) -> ActionRow:
    """Raise an action from a complaint (for the service by default: complaints' learning is
    mostly about how the service works)."""
    with db.transaction() as session:
        c = visible_complaint(session, actor, complaint_uuid, "complaint.record")
        check_action(text, scope, due_on)
        case = session.get(Case, c.case_id) if c.case_id else None
        hits = privacy.find_hits(session, text, case_ids=[case.id] if case else [])
        if hits:
            message = f"Take out what identifies someone (found: {privacy.describe(hits)})"
            raise ValidationError(f"The action was not saved: {message}", {"text": message})
        person = action_owner(session, owner_key)
        assert due_on is not None
        action = Action(
            text=text.strip(),
            owner_id=person.id,
            due_on=due_on,
            status="open",
            scope=scope,
            author_id=actor.person_id,
        )
        session.add(action)
        session.flush()
        session.add(ComplaintAction(complaint_id=c.id, action_id=action.id))
        session.flush()
        snap = changelog.snapshot(action)
        snap["complaint_id"] = c.id
        changelog.record(
            session,
            actor,
            "create",
            "action",
            action.uuid,
            after=snap,
            summary=f"Action for {person.name} raised from complaint {c.reference}",
        )
        action_id = action.id
    return complaint_action_rows(db, actor, complaint_uuid, today=today, only=action_id)[0]


def complaint_action_rows(
    db: Database,
    actor: Actor,
    complaint_uuid: str,
    *,
    today: date | None = None,
    only: int | None = None,
) -> list[ActionRow]:
    """The actions raised from a complaint, by due date."""
    with db.session() as session:
        c = visible_complaint(session, actor, complaint_uuid, "complaint.view")
        ids = select(ComplaintAction.action_id).where(ComplaintAction.complaint_id == c.id)
        if only is not None:
            ids = ids.where(ComplaintAction.action_id == only)
        return listed_actions(session, ids, today or date.today())
