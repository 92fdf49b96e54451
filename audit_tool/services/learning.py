"""Learning from audits: learning points, actions, and feedback given to the worker.

- A learning point is a strength or an area for development, about a practice area (a template
  item) or none, tagged with free themes, and allowed into briefings or not. A QA lead picks
  across audits which belong in a briefing.
- An action is for the case (update the chronology) or for the service (reissue guidance),
  with an owner, a due date and a status: open, done (who and when recorded, with a note) or
  cancelled. Actions from audits graded inadequate are flagged. An action is overdue when it is
  open and due before a day: today in the live views (the sidebar, Actions, the Dashboard), the
  report's `to` in the report (shared/INTERFACES.md). `is_overdue` and `overdue_condition`
  (reporting/overdue.py, which the report uses too) are that one definition, in Python and in
  SQL; everything that says "overdue" uses them.
- Worker feedback records whether the audited worker and their manager were told the findings,
  when and how; the moderator is reminded before confirming when it is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import (
    Action,
    Audit,
    AuditTemplate,
    Case,
    LearningPoint,
    LearningTheme,
    Person,
    Programme,
    Review,
    Team,
    WorkerFeedback,
)
from audit_tool.models.learning import ACTION_STATUSES
from audit_tool.reporting.overdue import is_overdue, overdue_condition
from audit_tool.services import changelog, conflicts, text_search
from audit_tool.services.audit_extras import (
    audit_for,
    blind_filter,
    changed,
    check_author,
    scope_filter,
    visible_to,
)

KINDS = ("strength", "development")
KIND_LABELS = {"strength": "Strength", "development": "Area for development"}
SCOPES = ("case", "service")
SCOPE_LABELS = {"case": "For the case", "service": "For the service"}
STATUS_LABELS = {"open": "Open", "done": "Done", "cancelled": "Cancelled"}
MAX_THEME = 100


def clean_themes(themes: list[str] | tuple[str, ...]) -> list[str]:
    """Tags trimmed, spaces collapsed, lower-case, each once, in the order given."""
    out: list[str] = []
    for theme in themes:
        tag = re.sub(r"\s+", " ", theme).strip().lower()
        if tag and tag not in out:
            out.append(tag[:MAX_THEME])
    return out


# ---------------------------------------------------------------- learning points


@dataclass(frozen=True)
class LearningRow:
    uuid: str
    audit_uuid: str
    case_ref: str
    team_name: str
    programme_key: str
    programme_name: str
    kind: str
    text: str
    item_key: str | None
    item_label: str | None
    themes: tuple[str, ...]
    in_briefing: bool
    author_name: str | None
    recorded_on: date
    audit_status: str
    finalised_on: date | None = None  # the audit's; the period of list_learning uses it
    revision: int = 0  # pass back as expected_revision when saving an edit

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def period_date(self) -> date:
        """The date list_learning's period filters on: finalised, else recorded."""
        return self.finalised_on or self.recorded_on


def _item_labels(session: Session, template_id: int) -> dict[str, str]:
    template = session.get(AuditTemplate, template_id)
    assert template is not None
    return {i.key: i.label for i in template.items}


def _learning_row(
    session: Session, lp: LearningPoint, audit: Audit, labels: dict[str, str] | None = None
) -> LearningRow:
    labels = labels if labels is not None else _item_labels(session, audit.template_id)
    author = session.get(Person, lp.author_id) if lp.author_id else None
    return LearningRow(
        uuid=lp.uuid,
        audit_uuid=audit.uuid,
        case_ref=audit.case.ref,
        team_name=audit.case.team.name,
        programme_key=audit.programme.key,
        programme_name=audit.programme.name,
        kind=lp.kind,
        text=lp.text,
        item_key=lp.item_key,
        item_label=labels.get(lp.item_key) if lp.item_key else None,
        themes=tuple(sorted(t.theme for t in lp.themes)),
        in_briefing=lp.in_briefing,
        author_name=author.name if author else None,
        recorded_on=lp.created_at.date(),
        audit_status=audit.status,
        finalised_on=audit.finalised_at.date() if audit.finalised_at else None,
        revision=lp.revision,
    )


def _check_learning(
    session: Session, audit: Audit, kind: str, text: str, item_key: str | None
) -> None:
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose strength or area for development"
    if not text.strip():
        errors["text"] = "Write the learning point"
    if item_key and item_key not in _item_labels(session, audit.template_id):
        errors["item"] = f"'{item_key}' is not a practice area of this audit's template"
    if errors:
        raise ValidationError(
            "The learning point was not saved: " + "; ".join(errors.values()), errors
        )


def _lp_snapshot(lp: LearningPoint) -> dict[str, Any]:
    snap = changelog.snapshot(lp)
    snap["themes"] = sorted(t.theme for t in lp.themes)
    return snap


def _set_themes(lp: LearningPoint, themes: list[str]) -> None:
    wanted = clean_themes(themes)
    lp.themes[:] = [t for t in lp.themes if t.theme in wanted]
    have = {t.theme for t in lp.themes}
    lp.themes.extend(LearningTheme(theme=t) for t in wanted if t not in have)


def add_learning_point(
    db: Any,
    actor: Actor,
    audit_uuid: str,
    *,
    kind: str,
    text: str,
    item_key: str | None = None,
    themes: list[str] | tuple[str, ...] = (),
    in_briefing: bool = True,
) -> LearningRow:
    with db.transaction() as session:
        audit = audit_for(session, actor, audit_uuid, "learning.record", write=True)
        _check_learning(session, audit, kind, text, item_key)
        lp = LearningPoint(
            audit_id=audit.id,
            kind=kind,
            text=text.strip(),
            item_key=item_key or None,
            in_briefing=in_briefing,
            author_id=actor.person_id,
        )
        _set_themes(lp, list(themes))
        session.add(lp)
        session.flush()
        changed(session, audit)
        changelog.record(
            session,
            actor,
            "create",
            "learning_point",
            lp.uuid,
            after=_lp_snapshot(lp),
            summary=f"{KIND_LABELS[kind]} recorded in the audit of case {audit.case.ref}",
        )
        return _learning_row(session, lp, audit)


def _point(session: Session, uuid: str) -> LearningPoint:
    lp = session.scalar(select(LearningPoint).where(LearningPoint.uuid == uuid))
    if lp is None:
        raise NotFound(f"No learning point {uuid}")
    return lp


def update_learning_point(
    db: Any,
    actor: Actor,
    uuid: str,
    *,
    kind: str,
    text: str,
    item_key: str | None,
    themes: list[str] | tuple[str, ...],
    in_briefing: bool,
    expected_revision: int | None = None,
) -> LearningRow:
    what = "this learning point"
    with conflicts.guard(db, actor, "learning_point", uuid, what), db.transaction() as session:
        lp = _point(session, uuid)
        audit = session.get(Audit, lp.audit_id)
        assert audit is not None
        audit_for(session, actor, audit.uuid, "learning.record", write=True)
        check_author(actor, audit, lp.author_id, "learning point")
        conflicts.check_revision(session, actor, lp, expected_revision, "learning_point", what)
        _check_learning(session, audit, kind, text, item_key)
        before = _lp_snapshot(lp)
        lp.kind, lp.text, lp.item_key, lp.in_briefing = kind, text.strip(), item_key, in_briefing
        _set_themes(lp, list(themes))
        session.flush()
        after = _lp_snapshot(lp)
        if after != before:
            conflicts.touch(session, lp)
            changed(session, audit)
            changelog.record_changes(
                session,
                actor,
                "learning_point",
                lp.uuid,
                before,
                after,
                summary=f"Learning point in the audit of case {audit.case.ref} changed",
            )
        return _learning_row(session, lp, audit)


def delete_learning_point(db: Any, actor: Actor, uuid: str) -> None:
    what = "this learning point"
    with conflicts.guard(db, actor, "learning_point", uuid, what), db.transaction() as session:
        lp = _point(session, uuid)
        audit = session.get(Audit, lp.audit_id)
        assert audit is not None
        audit_for(session, actor, audit.uuid, "learning.record", write=True)
        check_author(actor, audit, lp.author_id, "learning point")
        before = _lp_snapshot(lp)
        session.delete(lp)
        session.flush()
        changed(session, audit)
        changelog.record(
            session,
            actor,
            "delete",
            "learning_point",
            uuid,
            before=before,
            summary=f"Learning point removed from the audit of case {audit.case.ref}",
        )


def set_in_briefing(db: Any, actor: Actor, uuid: str, in_briefing: bool) -> LearningRow:
    """A QA lead's choice of whether a learning point may go into briefings (at any time:
    this is about publishing, not the audit's findings, so a final audit does not lock it)."""
    require(actor, "learning.select")
    what = "this learning point"
    with conflicts.guard(db, actor, "learning_point", uuid, what), db.transaction() as session:
        lp = _point(session, uuid)
        audit = session.get(Audit, lp.audit_id)
        assert audit is not None
        if lp.in_briefing != in_briefing:
            before = _lp_snapshot(lp)
            lp.in_briefing = in_briefing
            session.flush()
            changed(session, audit)
            changelog.record_changes(
                session,
                actor,
                "learning_point",
                lp.uuid,
                before,
                _lp_snapshot(lp),
                summary=(
                    f"Learning point from case {audit.case.ref} "
                    + ("allowed into briefings" if in_briefing else "kept out of briefings")
                ),
            )
        return _learning_row(session, lp, audit)


def audit_learning(db: Any, actor: Actor, audit_uuid: str) -> list[LearningRow]:
    with db.session() as session:
        audit = audit_for(session, actor, audit_uuid, "learning.view")
        labels = _item_labels(session, audit.template_id)
        points = session.scalars(
            select(LearningPoint)
            .where(LearningPoint.audit_id == audit.id)
            .order_by(LearningPoint.id)
        )
        return [
            _learning_row(session, lp, audit, labels)
            for lp in points
            if visible_to(actor, audit, lp.author_id)
        ]


@dataclass(frozen=True)
class LearningFilter:
    programme_key: str | None = None
    theme: str | None = None
    item_key: str | None = None
    kind: str | None = None
    team_key: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    in_briefing_only: bool = False
    final_only: bool = False
    text: str | None = None


def list_learning(
    db: Any, actor: Actor, flt: LearningFilter | None = None, *, limit: int = 20_000
) -> list[LearningRow]:
    """Learning points across audits, newest first. The period is that of the audit: when it
    was finalised, or, for one not yet final, when the point was recorded."""
    require(actor, "learning.view")
    flt = flt or LearningFilter()
    author = aliased(Person)
    when = func.coalesce(Audit.finalised_at, LearningPoint.created_at)
    # Plain columns rather than ORM objects: 8,000 rows in a tenth of the time.
    stmt = (
        select(
            LearningPoint.id,
            LearningPoint.uuid,
            Audit.uuid,
            Case.ref,
            Team.name,
            Programme.key,
            Programme.name,
            LearningPoint.kind,
            LearningPoint.text,
            LearningPoint.item_key,
            Audit.template_id,
            LearningPoint.in_briefing,
            author.name,
            LearningPoint.created_at,
            Audit.status,
            Audit.finalised_at,
        )
        .join(Audit, LearningPoint.audit_id == Audit.id)
        .join(Case, Audit.case_id == Case.id)
        .join(Team, Case.team_id == Team.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .outerjoin(author, LearningPoint.author_id == author.id)
        .where(scope_filter(actor, LearningPoint.audit_id))
        .where(blind_filter(actor, LearningPoint.audit_id, LearningPoint.author_id))
    )
    if flt.programme_key:
        stmt = stmt.where(Programme.key == flt.programme_key)
    if flt.theme:
        stmt = stmt.where(
            LearningPoint.id.in_(
                select(LearningTheme.learning_point_id).where(
                    func.lower(LearningTheme.theme) == flt.theme.strip().lower()
                )
            )
        )
    if flt.item_key:
        stmt = stmt.where(LearningPoint.item_key == flt.item_key)
    if flt.kind:
        stmt = stmt.where(LearningPoint.kind == flt.kind)
    if flt.team_key:
        stmt = stmt.where(Team.key == flt.team_key)
    if flt.date_from:
        stmt = stmt.where(when >= datetime.combine(flt.date_from, datetime.min.time()))
    if flt.date_to:
        stmt = stmt.where(when < datetime.combine(flt.date_to, datetime.max.time()))
    if flt.in_briefing_only:
        stmt = stmt.where(LearningPoint.in_briefing.is_(True))
    if flt.final_only:
        stmt = stmt.where(Audit.status == "final")
    wanted = text_search.search_text(flt.text)
    if wanted:
        pattern = text_search.contains_pattern(wanted)
        stmt = stmt.where(LearningPoint.text.ilike(pattern, escape=text_search.ESCAPE))
    stmt = stmt.order_by(when.desc(), LearningPoint.id.desc()).limit(limit)
    with db.session() as session:
        found = session.execute(stmt).all()
        themes: dict[int, list[str]] = {}
        ids = [r[0] for r in found]
        for i in range(0, len(ids), 900):
            for point_id, theme in session.execute(
                select(LearningTheme.learning_point_id, LearningTheme.theme).where(
                    LearningTheme.learning_point_id.in_(ids[i : i + 900])
                )
            ):
                themes.setdefault(point_id, []).append(theme)
        labels: dict[int, dict[str, str]] = {}
        rows = []
        for (
            point_id,
            uuid,
            audit_uuid,
            case_ref,
            team_name,
            programme_key,
            programme_name,
            kind,
            text,
            item_key,
            template_id,
            in_briefing,
            author_name,
            created_at,
            status,
            finalised_at,
        ) in found:
            if template_id not in labels:
                labels[template_id] = _item_labels(session, template_id)
            rows.append(
                LearningRow(
                    uuid=uuid,
                    audit_uuid=audit_uuid,
                    case_ref=case_ref,
                    team_name=team_name,
                    programme_key=programme_key,
                    programme_name=programme_name,
                    kind=kind,
                    text=text,
                    item_key=item_key,
                    item_label=labels[template_id].get(item_key) if item_key else None,
                    themes=tuple(sorted(themes.get(point_id, ()))),
                    in_briefing=in_briefing,
                    author_name=author_name,
                    recorded_on=created_at.date(),
                    audit_status=status,
                    finalised_on=finalised_at.date() if finalised_at else None,
                )
            )
        return rows


def theme_tags(db: Any, actor: Actor) -> list[str]:
    """Every theme tag in use, most used first (for completion)."""
    require(actor, "learning.view")
    stmt = (
        select(LearningTheme.theme)
        .group_by(LearningTheme.theme)
        .order_by(func.count().desc(), LearningTheme.theme)
    )
    with db.session() as session:
        return list(session.scalars(stmt))


def practice_areas(db: Any, actor: Actor) -> list[tuple[str, str]]:
    """(item key, label) of the grade items of every active template, each key once."""
    require(actor, "learning.view")
    from audit_tool.models import TemplateItem

    stmt = (
        select(TemplateItem.key, TemplateItem.label)
        .join(AuditTemplate, TemplateItem.template_id == AuditTemplate.id)
        .where(TemplateItem.kind == "grade")
        .order_by(TemplateItem.label)
    )
    out: dict[str, str] = {}
    with db.session() as session:
        for key, label in session.execute(stmt):
            out.setdefault(key, label)
    return sorted(out.items(), key=lambda kv: kv[1].lower())


# ---------------------------------------------------------------- actions


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
    db: Any,
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
    db: Any,
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
    db: Any,
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
    db: Any, actor: Actor, audit_uuid: str, *, today: date | None = None
) -> list[ActionRow]:
    with db.session() as session:
        audit = audit_for(session, actor, audit_uuid, "action.view")
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
    visible = or_(
        scope_filter(actor, Action.audit_id),
        Action.owner_id == actor.person_id,
    )
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
    db: Any,
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
    owner, done_by, author = aliased(Person), aliased(Person), aliased(Person)
    inadequate = select(Review.audit_id).where(
        Review.overall == "inadequate", Review.status == "submitted"
    )
    # Plain columns rather than ORM objects, one query: 2,000 rows in a fraction of the time.
    rows = (
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
        )
        .where(Action.id.in_(select(ids.c.id)))
        .join(owner, Action.owner_id == owner.id)
        .outerjoin(Audit, Action.audit_id == Audit.id)
        .outerjoin(Case, Audit.case_id == Case.id)
        .outerjoin(Team, Case.team_id == Team.id)
        .outerjoin(Programme, Audit.programme_id == Programme.id)
        .outerjoin(done_by, Action.completed_by_id == done_by.id)
        .outerjoin(author, Action.author_id == author.id)
        .order_by(Action.due_on, Action.id)
    )
    with db.session() as session:
        return [
            ActionRow(
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
            )
            for r in session.execute(rows)
        ]


def overdue_count(db: Any, actor: Actor, *, today: date | None = None) -> int:
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


# ---------------------------------------------------------------- feedback to the worker


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


def get_worker_feedback(db: Any, actor: Actor, audit_uuid: str) -> WorkerFeedbackRow:
    with db.session() as session:
        audit = audit_for(session, actor, audit_uuid, "learning.view")
        wf = session.get(WorkerFeedback, audit.id)
        if wf is None:
            return NO_WORKER_FEEDBACK
        return WorkerFeedbackRow(wf.given_to_worker, wf.given_to_manager, wf.given_on, wf.how)


def save_worker_feedback(
    db: Any,
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


def worker_feedback_pct(db: Any, actor: Actor, audit_ids_stmt: Any = None) -> float | None:
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
