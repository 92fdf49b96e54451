"""The words and rules complaints and compliments share: stages and their timescales (working
days, set per partnership), outcomes, whether a response came within its timescale, and who
may see and change which complaint."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import Agency, Setting, Team
from audit_tool.models.complaints import COMPLIMENT_FROM, OUTCOMES, STAGES
from audit_tool.reporting.working_days import add_working_days
from audit_tool.services import changelog

if TYPE_CHECKING:
    from audit_tool.models import Complaint
    from audit_tool.store import Database

STAGE_LABELS = {"stage1": "Stage 1", "stage2": "Stage 2", "ombudsman": "Ombudsman"}
OUTCOME_LABELS = {
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
}
FROM_LABELS = {
    "parent": "Parent",
    "carer": "Carer",
    "child": "Child",
    "young_person": "Young person",
    "professional": "Professional",
    "other": "Other",
}
TIMELINESS_LABELS = {
    "within": "Within timescale",
    "late": "Answered late",
    "overdue": "Overdue",
    "open": "Awaiting response",
}
# The statutory children's complaints procedure in England: stage 1 in 10 working days,
# stage 2 in 25; the Ombudsman's deadline is set case by case (20 working days is usual).
DEFAULT_DAYS = {"stage1": 10, "stage2": 25, "ombudsman": 20}
MAX_DAYS = 130
_SETTING = "complaint_days_{}"
MAX_REFERENCE = 40

assert set(STAGE_LABELS) == set(STAGES) and set(OUTCOME_LABELS) == set(OUTCOMES)
assert set(FROM_LABELS) == set(COMPLIMENT_FROM)


# ---------------------------------------------------------------- timescales


def stored_timescales(session: Session) -> dict[str, int]:
    """Working days allowed for a response at each stage (the partnership's, else defaults)."""
    out = dict(DEFAULT_DAYS)
    keys = [_SETTING.format(stage) for stage in STAGES]
    for key, value in session.execute(
        select(Setting.key, Setting.value).where(Setting.key.in_(keys))
    ):
        try:
            days = int(value)
        except ValueError:
            continue
        if 1 <= days <= MAX_DAYS:
            out[key.removeprefix("complaint_days_")] = days
    return out


def timescales(db: Database, actor: Actor) -> dict[str, int]:
    """The working days allowed at each stage (anyone who sees complaints may read them)."""
    if not (actor.can("complaint.view") or actor.can("reference.edit")):
        require(actor, "complaint.view")
    with db.session() as session:
        return stored_timescales(session)


def save_timescales(db: Database, actor: Actor, days: dict[str, Any]) -> dict[str, int]:
    """A QA lead sets the working days allowed at each stage (1 to 130). Complaints already
    held keep the due date they were given."""
    require(actor, "reference.edit")
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for stage in STAGES:
        raw = days.get(stage, DEFAULT_DAYS[stage])
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = 0
        if isinstance(raw, bool) or not 1 <= value <= MAX_DAYS:
            errors[stage] = f"Give a whole number of working days from 1 to {MAX_DAYS}"
        else:
            clean[stage] = value
    if errors:
        raise ValidationError(
            "The timescales were not saved: " + "; ".join(errors.values()), errors
        )
    from audit_tool.services import settings

    with db.transaction() as session:
        before = stored_timescales(session)
        settings.store(session, {_SETTING.format(s): str(v) for s, v in clean.items()})
        changelog.record_changes(
            session,
            actor,
            "settings",
            None,
            {f"complaint_days_{s}": v for s, v in before.items()},
            {f"complaint_days_{s}": v for s, v in clean.items()},
            summary="Complaint timescales changed",
        )
    return clean


def due_date(session: Session, received_on: date, stage: str) -> date:
    return add_working_days(received_on, stored_timescales(session)[stage])


def timeliness(due_on: date, responded_on: date | None, today: date) -> str:
    """within / late (answered after the due date) / overdue (unanswered, past it) / open."""
    if responded_on is not None:
        return "within" if responded_on <= due_on else "late"
    return "overdue" if today > due_on else "open"


# ---------------------------------------------------------------- agencies and scope


def agency_and_team(
    session: Session, agency_key: str, team_key: str | None, errors: dict[str, str]
) -> tuple[Agency | None, Team | None]:
    agency = session.scalar(select(Agency).where(Agency.key == (agency_key or "").strip()))
    if agency is None:
        errors["agency"] = "Choose the agency" if not agency_key else f"No agency '{agency_key}'"
        return None, None
    team = None
    if team_key:
        team = session.scalar(select(Team).where(Team.key == team_key.strip()))
        if team is None:
            errors["team"] = f"No team '{team_key}'"
        elif team.agency_id != agency.id:
            errors["team"] = f"{team.name} is not a team of {agency.name}"
    return agency, team


def check_may_record(actor: Actor, agency: Agency | None, operation: str, noun: str) -> None:
    """A lead records for any agency; a manager only for their own."""
    require(actor, operation)
    if agency is None or scope.sees_all(actor):
        return
    if actor.agency_id != agency.id:
        raise PermissionDenied(
            f"{actor.name} may record {noun} only for their own agency, not {agency.name}"
        )


def visible_complaint(session: Session, actor: Actor, uuid: str, operation: str) -> Complaint:
    """The complaint, once the actor may `operation` on it; one outside their scope is
    reported as missing."""
    from audit_tool.models import Complaint

    require(actor, operation)
    complaint = session.scalar(select(Complaint).where(Complaint.uuid == uuid))
    if complaint is None or not scope.can_see_complaint(
        actor, complaint.agency_id, [p.agency_id for p in complaint.partners]
    ):
        raise NotFound(f"No complaint {uuid}")
    return complaint
