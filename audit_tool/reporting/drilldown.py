"""The audits behind a figure of the QA report: the final audits one chart segment counts.

The base set is the report's (reporting/report.py): final audits, each in the period of
`Audit.finalised_at`, narrowed by the report's filters (the case's team or agency, the programme,
a theme on the programme or in a learning point's tags). A segment narrows it further, to one
period and to the group the segment stands for: a final overall grade, a team, an agency, a
service area or a programme theme, with the report's keys ("(none)" for a team without a service
area, "(no theme)" for a programme without one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Agency, Audit, Programme, Team
from audit_tool.reporting.report import AUDIT_ROW_COLUMNS, Filters, Period, final_audits_in

if TYPE_CHECKING:
    from audit_tool.store import Database

NO_SERVICE_AREA = "(none)"
NO_THEME = "(no theme)"


@dataclass(frozen=True)
class AuditBehind:
    """One final audit counted in a figure of the report."""

    uuid: str
    case_ref: str
    team_name: str
    programme_name: str
    kind: str
    finalised_on: date | None
    final_overall: str | None


def _day(value: datetime | None) -> date | None:
    """The UTC date of a completion time (the report's periods are UTC days)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.date()


def audits_behind(
    db: Database,
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    filters: Filters | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    grade: str | None = None,
    team: str | None = None,
    agency: str | None = None,
    service_area: str | None = None,
    theme: str | None = None,
    limit: int = 5000,
) -> list[AuditBehind]:
    """The final audits of the report's range (or of one period inside it) that a segment
    counts, oldest completion first, at most `limit` of them. `None` leaves a dimension open.

    The list names cases, so it needs the right to view audits; a QA lead sees every audit
    behind a figure, anyone else those of their agency and those they review or moderate."""
    require(actor, "report.view")
    require(actor, "audit.view")
    if date_to < date_from:
        raise ValidationError("The report's end date is before its start date")
    flt = filters or Filters()
    start = max(date_from, period_from) if period_from else date_from
    end = min(date_to, period_to) if period_to else date_to
    if end < start:
        return []
    span = Period("", start, end)
    with db.session() as session:
        # The report's filters, refused the same way when a key names nothing.
        for key, model, what in (
            (flt.team, Team, "team"),
            (flt.agency, Agency, "agency"),
            (flt.programme, Programme, "programme"),
        ):
            if key and session.scalar(select(model.id).where(model.key == key)) is None:
                raise ValidationError(f"No {what} with key '{key}'")
        stmt = final_audits_in(
            actor,
            span,
            flt,
            *AUDIT_ROW_COLUMNS,
        ).limit(max(limit, 0))
        # The segment.
        if grade is not None:
            stmt = stmt.where(Audit.final_overall == grade)
        if team is not None:
            stmt = stmt.where(Team.key == team)
        if agency is not None:
            stmt = stmt.where(Team.agency_id.in_(select(Agency.id).where(Agency.key == agency)))
        if service_area is not None:
            stmt = stmt.where(
                or_(Team.service_area.is_(None), Team.service_area == "")
                if service_area == NO_SERVICE_AREA
                else Team.service_area == service_area
            )
        if theme is not None:
            stmt = stmt.where(
                or_(Programme.theme.is_(None), Programme.theme == "")
                if theme == NO_THEME
                else Programme.theme == theme
            )
        return [
            AuditBehind(
                uuid=uuid,
                case_ref=ref,
                team_name=team_name,
                programme_name=programme_name,
                kind=kind,
                finalised_on=_day(finalised),
                final_overall=overall,
            )
            for uuid, ref, team_name, programme_name, kind, finalised, overall in session.execute(
                stmt
            )
        ]
