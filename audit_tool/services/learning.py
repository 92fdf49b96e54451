"""Learning from audits: learning points (actions are services.learning_actions, feedback
given to the worker services.worker_feedback).

A learning point is a strength or an area for development, about a practice area (a template
item) or none, tagged with free themes, and allowed into briefings or not. A QA lead picks
across audits which belong in a briefing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import (
    Audit,
    AuditTemplate,
    Case,
    LearningPoint,
    LearningTheme,
    Person,
    Programme,
    Team,
)
from audit_tool.services import changelog, conflicts, text_search
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

KINDS = ("strength", "development")
KIND_LABELS = {"strength": "Strength", "development": "Area for development"}
MAX_THEME = 100


def clean_themes(themes: list[str] | tuple[str, ...]) -> list[str]:
    """Tags trimmed, spaces collapsed, lower-case, each once, in the order given."""
    out: list[str] = []
    for theme in themes:
        tag = re.sub(r"\s+", " ", theme).strip().lower()
        if tag and tag not in out:
            out.append(tag[:MAX_THEME])
    return out


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
    db: Database,
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
    db: Database,
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


def delete_learning_point(db: Database, actor: Actor, uuid: str) -> None:
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


def set_in_briefing(db: Database, actor: Actor, uuid: str, in_briefing: bool) -> LearningRow:
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


def audit_learning(db: Database, actor: Actor, audit_uuid: str) -> list[LearningRow]:
    with db.session() as session:
        return learning_rows(session, actor, audit_for(session, actor, audit_uuid, "learning.view"))


def learning_rows(session: Session, actor: Actor, audit: Audit) -> list[LearningRow]:
    """audit_learning inside a caller's session; the caller has checked "learning.view"."""
    labels = _item_labels(session, audit.template_id)
    points = session.scalars(
        select(LearningPoint).where(LearningPoint.audit_id == audit.id).order_by(LearningPoint.id)
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
    db: Database, actor: Actor, flt: LearningFilter | None = None, *, limit: int = 20_000
) -> list[LearningRow]:
    """Learning points across audits, newest first. The period is that of the audit: when it
    was finalised, or, for one not yet final, when the point was recorded."""
    require(actor, "learning.view")
    flt = flt or LearningFilter()
    when = func.coalesce(Audit.finalised_at, LearningPoint.created_at)
    stmt = _filtered(_learning_columns(actor), flt, when)
    stmt = stmt.order_by(when.desc(), LearningPoint.id.desc()).limit(limit)
    with db.session() as session:
        return _learning_rows(session, session.execute(stmt).all())


def _learning_columns(actor: Actor) -> Any:
    """The learning points the actor sees, as the plain columns list_learning reads."""
    author = aliased(Person)
    # Plain columns rather than ORM objects: 8,000 rows in a tenth of the time.
    return (
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


def _filtered(stmt: Any, flt: LearningFilter, when: Any) -> Any:
    """`stmt` narrowed by the filter; `when` is the date the period applies to."""
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
    return stmt


def _learning_rows(session: Session, found: Sequence[Any]) -> list[LearningRow]:
    """LearningRows of the rows _learning_columns selected, with their themes and the
    labels of their practice areas."""
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


def theme_tags(db: Database, actor: Actor) -> list[str]:
    """Every theme tag in use, most used first (for completion)."""
    require(actor, "learning.view")
    stmt = (
        select(LearningTheme.theme)
        .group_by(LearningTheme.theme)
        .order_by(func.count().desc(), LearningTheme.theme)
    )
    with db.session() as session:
        return list(session.scalars(stmt))


def practice_areas(db: Database, actor: Actor) -> list[tuple[str, str]]:
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
