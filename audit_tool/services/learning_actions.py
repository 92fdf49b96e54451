"""Actions raised from audits, to follow the learning up.

An action is for the case (update the chronology) or for the service (reissue guidance), with
an owner, a due date and a status: open, done (who and when recorded, with a note) or
cancelled. Actions from audits graded inadequate are flagged. An action is overdue when it is
open and due before a day: today in the live views (the sidebar, Actions, the Dashboard), the
report's `to` in the report (shared/INTERFACES.md). `is_overdue` and `overdue_condition`
(reporting/overdue.py, which the report uses too) are that one definition, in Python and in
SQL; everything that says "overdue" uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from audit_tool.access import scope as access_scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import (
    Action,
    Audit,
    Case,
    Complaint,
    ComplaintAction,
    Person,
    Programme,
    Review,
    Team,
)
from audit_tool.models.learning import ACTION_STATUSES
from audit_tool.reporting.overdue import is_overdue, overdue_condition
from audit_tool.services import changelog, conflicts
from audit_tool.services.audit_extras import (
    audit_for,
    blind_filter,
    changed,
    check_author,
    scope_filter,
    visible_to,
)

if TYPE_CHECKING:
    from audit_tool.store import Database

SCOPES = ("case", "service")
SCOPE_LABELS = {"case": "For the case", "service": "For the service"}
STATUS_LABELS = {"open": "Open", "done": "Done", "cancelled": "Cancelled"}


@dataclass(frozen=True)
class ActionRow:
    uuid: str
    audit_uuid: str | None
    case_ref: str | None
    team_name: str | None
    programme_key: str | None
    text: str
    owner_key: str
    owner_name: str
    due_on: date
    status: str
    scope: str
    completed_on: date | None
    completed_by: str | None
    completion_note: str
    from_inadequate: bool  # raised from an audit graded inadequate
    overdue: bool
    author_name: str | None
    revision: int = 0  # pass back as expected_revision when saving an edit
    complaint_ref: str | None = None  # the complaint it was raised from (not an audit)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _inadequate(audit: Audit | None) -> bool:
    if audit is None:
        return False
    if audit.final_overall == "inadequate":
        return True
    return any(r.overall == "inadequate" and r.status == "submitted" for r in audit.reviews)


def _action_row(session: Session, action: Action, today: date) -> ActionRow:
    audit = session.get(Audit, action.audit_id) if action.audit_id else None
    owner = session.get(Person, action.owner_id)
    assert owner is not None
    done_by = session.get(Person, action.completed_by_id) if action.completed_by_id else None
    author = session.get(Person, action.author_id) if action.author_id else None
    return ActionRow(
        uuid=action.uuid,
        audit_uuid=audit.uuid if audit else None,
        case_ref=audit.case.ref if audit else None,
        team_name=audit.case.team.name if audit else None,
        programme_key=audit.programme.key if audit else None,
        text=action.text,
        owner_key=owner.key,
        owner_name=owner.name,
        due_on=action.due_on,
        status=action.status,
        scope=action.scope,
        completed_on=action.completed_on,
        completed_by=done_by.name if done_by else None,
        completion_note=action.completion_note,
        from_inadequate=_inadequate(audit),
        overdue=is_overdue(action.status, action.due_on, today),
        author_name=author.name if author else None,
        revision=action.revision,
    )


def _owner(session: Session, key: str) -> Person:
    person = session.scalar(select(Person).where(Person.key == key))
    if person is None:
        raise ValidationError(f"No person with key '{key}'", {"owner": "Choose an owner"})
    if not person.active:
        raise ValidationError(
            f"{person.name} is no longer active", {"owner": "Choose an active person"}
        )
    return person


def _check_action(text: str, scope: str, due_on: date | None) -> None:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Say what needs to be done"
    if scope not in SCOPES:
        errors["scope"] = "Choose for the case or for the service"
    if due_on is None:
        errors["due_on"] = "Give a due date"
    if errors:
        raise ValidationError("The action was not saved: " + "; ".join(errors.values()), errors)


def add_action(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    *,
    text: str,
    owner_key: str,
    due_on: date | None,
    scope: str = "case",
    today: date | None = None,
) -> ActionRow:
    """Raise an action from an audit (its auditors, moderator or a QA lead). Allowed on a final
    audit too: actions are how the learning is followed up."""
    with db.transaction() as session:
        audit = audit_for(session, actor, audit_uuid, "action.record", write=True, locked_ok=True)
        _check_action(text, scope, due_on)
        owner = _owner(session, owner_key)
        assert due_on is not None
        action = Action(
            audit_id=audit.id,
            text=text.strip(),
            owner_id=owner.id,
            due_on=due_on,
            status="open",
            scope=scope,
            author_id=actor.person_id,
        )
        session.add(action)
        session.flush()
        changed(session, audit)
        changelog.record(
            session,
            actor,
            "create",
            "action",
            action.uuid,
            after=changelog.snapshot(action),
            summary=f"Action for {owner.name} raised in the audit of case {audit.case.ref}",
        )
        return _action_row(session, action, today or date.today())


def _action(session: Session, uuid: str) -> Action:
    action = session.scalar(select(Action).where(Action.uuid == uuid))
    if action is None:
        raise NotFound(f"No action {uuid}")
    return action


def _may_update(session: Session, actor: Actor, action: Action) -> Audit | None:
    """The owner, who raised it, a QA lead, or anyone on the audit may move an action on."""
    require(actor, "action.record")
    audit = session.get(Audit, action.audit_id) if action.audit_id else None
    if "lead" in actor.roles or actor.person_id in (action.owner_id, action.author_id):
        return audit
    if audit is not None:
        audit_for(session, actor, audit.uuid, "action.record", write=True, locked_ok=True)
        check_author(actor, audit, action.author_id, "action")
        return audit
    raise PermissionDenied(f"{actor.name} may not change this action")


def update_action(
    db: Database,
    actor: Actor,
    uuid: str,
    *,
    text: str,
    owner_key: str,
    due_on: date | None,
    scope: str,
    today: date | None = None,
    expected_revision: int | None = None,
) -> ActionRow:
    with conflicts.guard(db, actor, "action", uuid, "this action"), db.transaction() as session:
        action = _action(session, uuid)
        audit = _may_update(session, actor, action)
        conflicts.check_revision(session, actor, action, expected_revision, "action", "this action")
        _check_action(text, scope, due_on)
        owner = _owner(session, owner_key)
        assert due_on is not None
        before = changelog.snapshot(action)
        action.text, action.owner_id, action.due_on, action.scope = (
            text.strip(),
            owner.id,
            due_on,
            scope,
        )
        session.flush()
        after = changelog.snapshot(action)
        if after != before:
            if audit is not None:
                changed(session, audit)
            changelog.record_changes(
                session, actor, "action", action.uuid, before, after, summary="Action changed"
            )
        return _action_row(session, action, today or date.today())


def set_action_status(
    db: Database,
    actor: Actor,
    uuid: str,
    status: str,
    *,
    note: str = "",
    on: date | None = None,
    today: date | None = None,
) -> ActionRow:
    """Complete (done), cancel or reopen an action. Done records who and when; cancelling
    needs a note saying why."""
    if status not in ACTION_STATUSES:
        raise ValidationError(f"'{status}' is not an action status")
    with conflicts.guard(db, actor, "action", uuid, "this action"), db.transaction() as session:
        action = _action(session, uuid)
        audit = _may_update(session, actor, action)
        if status == action.status:
            raise ValidationError(f"The action is already {STATUS_LABELS[status].lower()}")
        if status == "cancelled" and not note.strip():
            raise ValidationError(
                "Say why the action is cancelled", {"note": "A reason is required"}
            )
        before = changelog.snapshot(action)
        action.status = status
        if status in ("done", "cancelled"):
            action.completed_on = on or date.today()
            action.completed_by_id = actor.person_id
            action.completion_note = note.strip()
        else:
            action.completed_on = None
            action.completed_by_id = None
            action.completion_note = note.strip()
        session.flush()
        if audit is not None:
            changed(session, audit)
        changelog.record(
            session,
            actor,
            "status",
            "action",
            action.uuid,
            before={k: before[k] for k in ("status", "completed_on", "completion_note")},
            after={
                "status": status,
                "completed_on": changelog.json_safe(action.completed_on),
                "completion_note": action.completion_note,
            },
            summary=f"Action {STATUS_LABELS[status].lower()}",
            reason=note.strip(),
        )
        return _action_row(session, action, today or date.today())


def audit_actions(
    db: Database, actor: Actor, audit_uuid: str, *, today: date | None = None
) -> list[ActionRow]:
    with db.session() as session:
        audit = audit_for(session, actor, audit_uuid, "action.view")
        return action_rows(session, actor, audit, today=today)


def action_rows(
    session: Session, actor: Actor, audit: Audit, *, today: date | None = None
) -> list[ActionRow]:
    """audit_actions inside a caller's session; the caller has checked "action.view"."""
    actions = session.scalars(
        select(Action).where(Action.audit_id == audit.id).order_by(Action.due_on, Action.id)
    )
    return [
        _action_row(session, a, today or date.today())
        for a in actions
        if visible_to(actor, audit, a.author_id)
    ]


def _actions_stmt(actor: Actor, which: str, today: date) -> Any:
    stmt = select(Action)
    in_scope = scope_filter(actor, Action.audit_id)
    if not access_scope.sees_all(actor):
        # Actions raised from complaints follow the complaint's scope (access.scope).
        hidden = (
            select(ComplaintAction.action_id)
            .join(Complaint, Complaint.id == ComplaintAction.complaint_id)
            .where(~access_scope.complaint_in_scope(actor, Complaint.id, Complaint.agency_id))
        )
        in_scope = and_(in_scope, Action.id.not_in(hidden))
    visible = or_(in_scope, Action.owner_id == actor.person_id)
    stmt = stmt.where(visible).where(blind_filter(actor, Action.audit_id, Action.author_id))
    if which == "mine":
        stmt = stmt.where(Action.owner_id == actor.person_id)
    elif which == "overdue":
        stmt = stmt.where(overdue_condition(today))
    elif which == "open":
        stmt = stmt.where(Action.status == "open")
    elif which != "all":
        raise ValidationError(f"'{which}' is not a list of actions")
    return stmt


def list_actions(
    db: Database,
    actor: Actor,
    which: str = "all",
    *,
    programme_key: str | None = None,
    team_key: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
    limit: int = 20_000,
) -> list[ActionRow]:
    """ "mine" (I own them), "open", "overdue" or "all", by due date, oldest first. Non-leads
    see the actions they own and those of audits they review or moderate. The period filters
    by due date."""
    require(actor, "action.view")
    today = today or date.today()
    stmt = _actions_stmt(actor, which, today)
    if programme_key or team_key:
        stmt = stmt.join(Audit, Action.audit_id == Audit.id)
        if programme_key:
            stmt = stmt.where(
                Audit.programme_id.in_(select(Programme.id).where(Programme.key == programme_key))
            )
        if team_key:
            stmt = stmt.join(Case, Audit.case_id == Case.id).where(
                Case.team_id.in_(select(Team.id).where(Team.key == team_key))
            )
    if date_from:
        stmt = stmt.where(Action.due_on >= date_from)
    if date_to:
        stmt = stmt.where(Action.due_on <= date_to)
    stmt = stmt.order_by(Action.due_on, Action.id).limit(limit)
    ids = stmt.with_only_columns(Action.id).subquery()
    with db.session() as session:
        return [_listed_action(r, today) for r in session.execute(_action_columns(ids))]


def _action_columns(ids: Any) -> Any:
    """The actions whose ids `ids` selects, as the plain columns _listed_action reads, by due
    date."""
    owner, done_by, author = aliased(Person), aliased(Person), aliased(Person)
    inadequate = select(Review.audit_id).where(
        Review.overall == "inadequate", Review.status == "submitted"
    )
    # Plain columns rather than ORM objects, one query: 2,000 rows in a fraction of the time.
    return (
        select(
            Action.uuid,
            Audit.uuid,
            Case.ref,
            Team.name,
            Programme.key,
            Action.text,
            owner.key,
            owner.name,
            Action.due_on,
            Action.status,
            Action.scope,
            Action.completed_on,
            done_by.name,
            Action.completion_note,
            (Audit.final_overall == "inadequate") | Audit.id.in_(inadequate),
            author.name,
            Complaint.reference,
        )
        .where(Action.id.in_(select(ids.c.id)))
        .join(owner, Action.owner_id == owner.id)
        .outerjoin(Audit, Action.audit_id == Audit.id)
        .outerjoin(Case, Audit.case_id == Case.id)
        .outerjoin(Team, Case.team_id == Team.id)
        .outerjoin(Programme, Audit.programme_id == Programme.id)
        .outerjoin(done_by, Action.completed_by_id == done_by.id)
        .outerjoin(author, Action.author_id == author.id)
        .outerjoin(ComplaintAction, ComplaintAction.action_id == Action.id)
        .outerjoin(Complaint, Complaint.id == ComplaintAction.complaint_id)
        .order_by(Action.due_on, Action.id)
    )


def _listed_action(r: Any, today: date) -> ActionRow:
    """An ActionRow of a row _action_columns selected."""
    return ActionRow(
        uuid=r[0],
        audit_uuid=r[1],
        case_ref=r[2],
        team_name=r[3],
        programme_key=r[4],
        text=r[5],
        owner_key=r[6],
        owner_name=r[7],
        due_on=r[8],
        status=r[9],
        scope=r[10],
        completed_on=r[11],
        completed_by=r[12],
        completion_note=r[13],
        from_inadequate=bool(r[14]),
        overdue=is_overdue(r[9], r[8], today),
        author_name=r[15],
        complaint_ref=r[16],
    )


def listed_actions(session: Session, ids: Any, today: date) -> list[ActionRow]:
    """The actions whose ids the select `ids` (one column) returns, by due date, read in the
    caller's session (services.complaints lists a complaint's actions with it)."""
    subquery = ids.subquery()
    wanted = select(subquery.c[0].label("id")).subquery()
    return [_listed_action(r, today) for r in session.execute(_action_columns(wanted))]


# The checks of an action's fields and owner, for actions raised elsewhere (complaints).
check_action = _check_action
action_owner = _owner


def overdue_count(db: Database, actor: Actor, *, today: date | None = None) -> int:
    """Overdue actions the acting user sees, today: the sidebar's and the Dashboard's count."""
    require(actor, "action.view")
    stmt = _actions_stmt(actor, "overdue", today or date.today())
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(stmt.with_only_columns(Action.id).subquery())
            )
            or 0
        )
