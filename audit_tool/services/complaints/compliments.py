"""Compliments: when, which agency and team, from whom (a role, never a name), a summary and
its themes. The summary may be marked shareable (quoted in briefings, bulletins and reports)
only once the names check the briefings use (services.privacy) finds nobody in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import Agency, Compliment, ComplimentTheme, Team
from audit_tool.models.complaints import COMPLIMENT_FROM
from audit_tool.services import changelog, conflicts, privacy
from audit_tool.services.complaints.rules import FROM_LABELS, agency_and_team, check_may_record
from audit_tool.services.learning import clean_themes

if TYPE_CHECKING:
    from audit_tool.store import Database


@dataclass(frozen=True)
class ComplimentInput:
    received_on: date | None
    agency_key: str
    from_role: str
    summary: str
    themes: tuple[str, ...] = ()
    team_key: str | None = None
    shareable: bool = False


@dataclass(frozen=True)
class ComplimentRow:
    uuid: str
    received_on: date
    agency_key: str
    agency_name: str
    team_key: str | None
    team_name: str | None
    from_role: str
    summary: str
    themes: tuple[str, ...]
    shareable: bool
    revision: int = 0

    @property
    def from_label(self) -> str:
        return FROM_LABELS[self.from_role]


@dataclass(frozen=True)
class ComplimentFilter:
    agency_key: str | None = None
    team_key: str | None = None
    theme: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    shareable_only: bool = False


def shareable_problems(db: Database, actor: Actor, summary: str) -> list[str]:
    """What in a summary identifies someone (empty: it may be shared). For the dialog's
    check before the user ticks "shareable"."""
    require(actor, "compliment.record")
    with db.session() as session:
        return [str(h) for h in privacy.find_hits(session, summary)]


def _check(session: Session, data: ComplimentInput, today: date) -> tuple[Agency, Team | None]:
    errors: dict[str, str] = {}
    if data.received_on is None:
        errors["received_on"] = "Give the date the compliment was received"
    elif data.received_on > today:
        errors["received_on"] = "The date cannot be in the future"
    agency, team = agency_and_team(session, data.agency_key, data.team_key, errors)
    if data.from_role not in COMPLIMENT_FROM:
        errors["from_role"] = "Choose who it came from (a role, such as parent or professional)"
    if not data.summary.strip():
        errors["summary"] = "Say what the compliment was about"
    elif data.shareable:
        hits = privacy.find_hits(session, data.summary)
        if hits:
            errors["shareable"] = (
                "Take out what identifies someone before it can be shared (found: "
                + privacy.describe(hits)
                + ")"
            )
    if errors:
        count = len(errors)
        raise ValidationError(
            f"The compliment was not saved: {count} problem{'s' if count > 1 else ''}: "
            + "; ".join(errors.values()),
            errors,
        )
    assert agency is not None
    return agency, team


def check_compliment(
    db: Database, actor: Actor, data: ComplimentInput, *, today: date | None = None
) -> None:
    """Check a compliment as saving it would (every problem at once), writing nothing."""
    require(actor, "compliment.record")
    with db.session() as session:
        _check(session, data, today or date.today())


def _apply(c: Compliment, data: ComplimentInput, agency: Agency, team: Team | None) -> None:
    assert data.received_on is not None
    c.received_on, c.agency_id = data.received_on, agency.id
    c.team_id = team.id if team is not None else None
    c.from_role, c.summary, c.shareable = data.from_role, data.summary.strip(), data.shareable
    wanted = clean_themes(list(data.themes))
    c.themes[:] = [t for t in c.themes if t.theme in wanted]
    have = {t.theme for t in c.themes}
    c.themes.extend(ComplimentTheme(theme=t) for t in wanted if t not in have)


def _snapshot(c: Compliment) -> dict[str, Any]:
    snap = changelog.snapshot(c)
    snap["themes"] = sorted(t.theme for t in c.themes)
    return snap


def _row(session: Session, c: Compliment) -> ComplimentRow:
    agency = session.get(Agency, c.agency_id)
    team = session.get(Team, c.team_id) if c.team_id else None
    assert agency is not None
    return ComplimentRow(
        uuid=c.uuid,
        received_on=c.received_on,
        agency_key=agency.key,
        agency_name=agency.name,
        team_key=team.key if team else None,
        team_name=team.name if team else None,
        from_role=c.from_role,
        summary=c.summary,
        themes=tuple(sorted(t.theme for t in c.themes)),
        shareable=c.shareable,
        revision=c.revision,
    )


def record_compliment(
    db: Database, actor: Actor, data: ComplimentInput, *, today: date | None = None
) -> ComplimentRow:
    with db.transaction() as session:
        agency = session.scalar(select(Agency).where(Agency.key == data.agency_key))
        check_may_record(actor, agency, "compliment.record", "compliments")
        agency, team = _check(session, data, today or date.today())
        c = Compliment(author_id=actor.person_id)
        _apply(c, data, agency, team)
        session.add(c)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "compliment",
            c.uuid,
            after=_snapshot(c),
            summary=f"Compliment from a {FROM_LABELS[c.from_role].lower()} recorded "
            f"({agency.name})",
        )
        return _row(session, c)


def _visible(session: Session, actor: Actor, uuid: str, operation: str) -> Compliment:
    require(actor, operation)
    c = session.scalar(select(Compliment).where(Compliment.uuid == uuid))
    if c is None or not scope.can_see_agency_record(actor, c.agency_id, operation):
        raise NotFound(f"No compliment {uuid}")
    return c


def update_compliment(
    db: Database,
    actor: Actor,
    uuid: str,
    data: ComplimentInput,
    *,
    expected_revision: int | None = None,
    today: date | None = None,
) -> ComplimentRow:
    what = "this compliment"
    with conflicts.guard(db, actor, "compliment", uuid, what), db.transaction() as session:
        c = _visible(session, actor, uuid, "compliment.record")
        conflicts.check_revision(session, actor, c, expected_revision, "compliment", what)
        new_agency = session.scalar(select(Agency).where(Agency.key == data.agency_key))
        if new_agency is not None and new_agency.id != c.agency_id:
            check_may_record(actor, new_agency, "compliment.record", "compliments")
        agency, team = _check(session, data, today or date.today())
        before = _snapshot(c)
        _apply(c, data, agency, team)
        session.flush()
        after = _snapshot(c)
        if after != before:
            conflicts.touch(session, c)
            changelog.record_changes(
                session, actor, "compliment", c.uuid, before, after, summary="Compliment changed"
            )
        return _row(session, c)


def delete_compliment(db: Database, actor: Actor, uuid: str) -> None:
    with db.transaction() as session:
        c = _visible(session, actor, uuid, "compliment.record")
        before = _snapshot(c)
        session.delete(c)
        session.flush()
        changelog.record(
            session,
            actor,
            "delete",
            "compliment",
            uuid,
            before=before,
            summary="Compliment removed",
        )


def list_compliments(
    db: Database, actor: Actor, flt: ComplimentFilter | None = None, *, limit: int = 20_000
) -> list[ComplimentRow]:
    """The compliments the actor may see (a lead all, anyone else their agency's), newest
    first."""
    require(actor, "compliment.view")
    flt = flt or ComplimentFilter()
    stmt = select(Compliment).where(
        scope.agency_in_scope(actor, Compliment.agency_id, "compliment.view")
    )
    if flt.agency_key:
        stmt = stmt.where(
            Compliment.agency_id.in_(select(Agency.id).where(Agency.key == flt.agency_key))
        )
    if flt.team_key:
        stmt = stmt.where(Compliment.team_id.in_(select(Team.id).where(Team.key == flt.team_key)))
    if flt.theme:
        stmt = stmt.where(
            Compliment.id.in_(
                select(ComplimentTheme.compliment_id).where(
                    func.lower(ComplimentTheme.theme) == flt.theme.strip().lower()
                )
            )
        )
    if flt.date_from:
        stmt = stmt.where(Compliment.received_on >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Compliment.received_on <= flt.date_to)
    if flt.shareable_only:
        stmt = stmt.where(Compliment.shareable.is_(True))
    stmt = stmt.order_by(Compliment.received_on.desc(), Compliment.id.desc()).limit(limit)
    with db.session() as session:
        return [_row(session, c) for c in session.scalars(stmt)]
