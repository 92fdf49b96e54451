"""Lists of complaints a user may see, filtered, with the figures a lead reads first: how many
complaints and points, the share answered within timescale, and the themes raised."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.models import (
    Agency,
    Case,
    Complaint,
    ComplaintAction,
    ComplaintLearning,
    ComplaintPoint,
    ComplaintPointTheme,
    Team,
)
from audit_tool.services import text_search
from audit_tool.services.complaints.records import (
    ComplaintRow,
    PointRow,
    learning_row,
)
from audit_tool.services.complaints.rules import timeliness

if TYPE_CHECKING:
    from audit_tool.store import Database


@dataclass(frozen=True)
class ComplaintFilter:
    agency_key: str | None = None
    team_key: str | None = None
    stage: str | None = None
    outcome: str | None = None
    theme: str | None = None
    date_from: date | None = None  # received on or after
    date_to: date | None = None  # received on or before
    text: str | None = None


@dataclass(frozen=True)
class ComplaintFigures:
    complaints: int
    points: int
    answered: int
    within: int
    overdue: int
    themes: tuple[tuple[str, int], ...]  # theme, points raising it; most first

    @property
    def pct_within(self) -> float | None:
        """Of the complaints answered, the share answered within timescale (0-100, 1 dp)."""
        if not self.answered:
            return None
        return ((2000 * self.within + self.answered) // (2 * self.answered)) / 10


def _filtered(actor: Actor, flt: ComplaintFilter) -> Any:
    stmt = select(Complaint.id).where(
        scope.complaint_in_scope(actor, Complaint.id, Complaint.agency_id)
    )
    if flt.agency_key:
        stmt = stmt.where(
            Complaint.agency_id.in_(select(Agency.id).where(Agency.key == flt.agency_key))
        )
    if flt.team_key:
        stmt = stmt.where(Complaint.team_id.in_(select(Team.id).where(Team.key == flt.team_key)))
    if flt.stage:
        stmt = stmt.where(Complaint.stage == flt.stage)
    if flt.outcome:
        stmt = stmt.where(Complaint.outcome == flt.outcome)
    if flt.theme:
        themed = (
            select(ComplaintPoint.complaint_id)
            .join(ComplaintPointTheme, ComplaintPointTheme.point_id == ComplaintPoint.id)
            .where(func.lower(ComplaintPointTheme.theme) == flt.theme.strip().lower())
        )
        stmt = stmt.where(Complaint.id.in_(themed))
    if flt.date_from:
        stmt = stmt.where(Complaint.received_on >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Complaint.received_on <= flt.date_to)
    wanted = text_search.search_text(flt.text)
    if wanted:
        pattern = text_search.contains_pattern(wanted)
        in_points = select(ComplaintPoint.complaint_id).where(
            ComplaintPoint.text.ilike(pattern, escape=text_search.ESCAPE)
        )
        stmt = stmt.where(
            Complaint.reference.ilike(pattern, escape=text_search.ESCAPE)
            | Complaint.summary.ilike(pattern, escape=text_search.ESCAPE)
            | Complaint.id.in_(in_points)
        )
    return stmt


def list_complaints(
    db: Database,
    actor: Actor,
    flt: ComplaintFilter | None = None,
    *,
    today: date | None = None,
    limit: int = 20_000,
) -> list[ComplaintRow]:
    """The complaints the actor may see, newest received first."""
    require(actor, "complaint.view")
    ids = _filtered(actor, flt or ComplaintFilter())
    stmt = (
        select(Complaint)
        .where(Complaint.id.in_(ids))
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
        .limit(limit)
    )
    with db.session() as session:
        return _rows(session, list(session.scalars(stmt)), today or date.today())


def _rows(session: Session, found: list[Complaint], today: date) -> list[ComplaintRow]:
    agencies = {a.id: a for a in session.scalars(select(Agency))}
    teams = {t.id: t for t in session.scalars(select(Team))}
    ids = [c.id for c in found]
    case_ids = {c.case_id for c in found if c.case_id}
    refs: dict[int, str] = {}
    learning: dict[int, list[ComplaintLearning]] = {}
    actions: Counter[int] = Counter()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for lp in session.scalars(
            select(ComplaintLearning)
            .where(ComplaintLearning.complaint_id.in_(chunk))
            .order_by(ComplaintLearning.id)
        ):
            learning.setdefault(lp.complaint_id, []).append(lp)
        for complaint_id, n in session.execute(
            select(ComplaintAction.complaint_id, func.count())
            .where(ComplaintAction.complaint_id.in_(chunk))
            .group_by(ComplaintAction.complaint_id)
        ):
            actions[complaint_id] = n
    if case_ids:
        refs = dict(session.execute(select(Case.id, Case.ref).where(Case.id.in_(case_ids))).all())
    rows = []
    for c in found:
        points = tuple(PointRow(p.text, tuple(sorted(t.theme for t in p.themes))) for p in c.points)
        team = teams.get(c.team_id) if c.team_id else None
        partners = [agencies[p.agency_id] for p in c.partners]
        rows.append(
            ComplaintRow(
                uuid=c.uuid,
                reference=c.reference,
                received_on=c.received_on,
                agency_key=agencies[c.agency_id].key,
                agency_name=agencies[c.agency_id].name,
                team_key=team.key if team else None,
                team_name=team.name if team else None,
                stage=c.stage,
                points=points,
                outcome=c.outcome,
                due_on=c.due_on,
                responded_on=c.responded_on,
                timeliness=timeliness(c.due_on, c.responded_on, today),
                joint_agencies=tuple(sorted((a.key, a.name) for a in partners)),
                case_ref=refs.get(c.case_id) if c.case_id else None,
                summary=c.summary,
                learning=tuple(learning_row(lp) for lp in learning.get(c.id, [])),
                actions=actions[c.id],
                revision=c.revision,
                themes=tuple(sorted({t for p in points for t in p.themes})),
            )
        )
    return rows


def figures(rows: list[ComplaintRow]) -> ComplaintFigures:
    """The headline figures of listed complaints (no database: what the list shows)."""
    answered = [r for r in rows if r.responded_on is not None]
    themes: Counter[str] = Counter(t for r in rows for p in r.points for t in p.themes)
    return ComplaintFigures(
        complaints=len(rows),
        points=sum(len(r.points) for r in rows),
        answered=len(answered),
        within=sum(1 for r in answered if r.timeliness == "within"),
        overdue=sum(1 for r in rows if r.timeliness == "overdue"),
        themes=tuple(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def complaint_themes(db: Database, actor: Actor) -> list[str]:
    """Every theme in use on complaints' points, compliments and audits' learning, most used
    first (for completion: one vocabulary across all three)."""
    if not (actor.can("complaint.view") or actor.can("compliment.view")):
        require(actor, "complaint.view")
    from audit_tool.models import ComplimentTheme, LearningTheme

    counts: Counter[str] = Counter()
    with db.session() as session:
        for column in (ComplaintPointTheme.theme, ComplimentTheme.theme, LearningTheme.theme):
            for theme, n in session.execute(select(column, func.count()).group_by(column)):
                counts[theme] += n
    return [t for t, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
