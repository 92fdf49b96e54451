"""Agency scoping: which cases and audits a person may see, as SQL conditions and checks.

QA leads see every case and audit. Auditors and moderators see the cases and audits of their
own agency, plus the audits they are assigned to (as an auditor or as the moderator) and those
audits' cases: a multi-agency audit brings another agency's case to its auditors. Viewers see no
case or audit at all (reports and published briefings only). Seeing is not taking part: only an
audit's auditors, its moderator and QA leads change what it holds (audits.reading.check_takes_part).

Complaints and compliments are scoped by agency in the same way: a QA lead sees them all; anyone
else with the right to view them, those of their own agency (for a complaint, also those their
agency answers jointly).

The services apply these to every list, search and single read; a record outside the scope is
reported exactly as a missing one, so that nothing about it leaks. Light table handles rather
than the models, so that the case register does not load the audit models at start-up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, column, false, or_, select, table, true
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor

_audits = table("audits", column("id"), column("case_id"), column("moderator_id"))
_reviews = table("reviews", column("audit_id"), column("reviewer_id"))
_cases = table("cases", column("id"), column("team_id"))
_teams = table("teams", column("id"), column("agency_id"))
_complaint_agencies = table("complaint_agencies", column("complaint_id"), column("agency_id"))


def sees_all(actor: Actor) -> bool:
    """QA leads plan, moderate the moderation and report on the whole partnership."""
    return "lead" in actor.roles


def _assigned(actor: Actor) -> ColumnElement[bool]:
    """On the audits table: audits the actor reviews or moderates."""
    if actor.person_id is None:
        return false()
    reviewed = (
        select(_reviews.c.audit_id).where(_reviews.c.reviewer_id == actor.person_id).correlate(None)
    )
    return or_(_audits.c.moderator_id == actor.person_id, _audits.c.id.in_(reviewed))


def _agency_teams(actor: Actor) -> Select[Any]:
    return select(_teams.c.id).where(_teams.c.agency_id == actor.agency_id).correlate(None)


def _agency_cases(actor: Actor) -> Select[Any]:
    return select(_cases.c.id).where(_cases.c.team_id.in_(_agency_teams(actor))).correlate(None)


def visible_audit_ids(actor: Actor) -> Select[Any]:
    """The ids of the audits a non-lead may see (nothing without the right to view audits)."""
    if not actor.can("audit.view"):
        return select(_audits.c.id).where(false()).correlate(None)
    where = [_assigned(actor)]
    if actor.agency_id is not None:
        where.append(_audits.c.case_id.in_(_agency_cases(actor)))
    return select(_audits.c.id).where(or_(*where)).correlate(None)


def audit_in_scope(actor: Actor, audit_id: Any) -> ColumnElement[bool]:
    """A condition on an audit id column: the audit is one the actor may see."""
    if sees_all(actor) and actor.can("audit.view"):
        return true()
    condition: ColumnElement[bool] = audit_id.in_(visible_audit_ids(actor))
    return condition


def case_in_scope(actor: Actor, case_id: Any, team_id: Any = None) -> ColumnElement[bool]:
    """A condition on a case id column (and its team id column, if the query has it, which
    is faster): the case is one the actor may see."""
    if not actor.can("case.view"):
        return false()
    if sees_all(actor):
        return true()
    assigned_cases = select(_audits.c.case_id).where(_assigned(actor)).correlate(None)
    if actor.agency_id is None:
        assigned: ColumnElement[bool] = case_id.in_(assigned_cases)
        return assigned
    own = (
        team_id.in_(_agency_teams(actor))
        if team_id is not None
        else case_id.in_(_agency_cases(actor))
    )
    return or_(own, case_id.in_(assigned_cases))


def can_see_audit(actor: Actor, audit: Any) -> bool:
    """The same rule for one loaded audit (models.Audit)."""
    if not actor.can("audit.view"):
        return False
    if sees_all(actor):
        return True
    if actor.person_id is not None and (
        audit.moderator_id == actor.person_id
        or any(r.reviewer_id == actor.person_id for r in audit.reviews)
    ):
        return True
    return actor.agency_id is not None and audit.case.team.agency_id == actor.agency_id


def can_see_case(session: Session, actor: Actor, case_id: int) -> bool:
    """The same rule for one case, by id."""
    if not actor.can("case.view"):
        return False
    if sees_all(actor):
        return True
    found = session.execute(
        select(_cases.c.id).where(_cases.c.id == case_id, case_in_scope(actor, _cases.c.id))
    ).first()
    return found is not None


def complaint_in_scope(
    actor: Actor, complaint_id: Any, agency_id: Any, operation: str = "complaint.view"
) -> ColumnElement[bool]:
    """A condition on a complaint's id and agency id columns: the actor may see it (a lead
    all; a manager those of their agency, received or answered jointly)."""
    if not actor.can(operation):
        return false()
    if sees_all(actor):
        return true()
    if actor.agency_id is None:
        return false()
    joint = (
        select(_complaint_agencies.c.complaint_id)
        .where(_complaint_agencies.c.agency_id == actor.agency_id)
        .correlate(None)
    )
    condition: ColumnElement[bool] = or_(agency_id == actor.agency_id, complaint_id.in_(joint))
    return condition


def can_see_complaint(actor: Actor, agency_id: int, partner_agency_ids: list[int]) -> bool:
    """The same rule for one loaded complaint."""
    if not actor.can("complaint.view"):
        return False
    if sees_all(actor):
        return True
    return actor.agency_id is not None and (
        agency_id == actor.agency_id or actor.agency_id in partner_agency_ids
    )


def agency_in_scope(actor: Actor, agency_id: Any, operation: str) -> ColumnElement[bool]:
    """A condition on an agency id column, for records kept by agency (compliments): a lead
    sees every agency's, anyone else with the right their own agency's."""
    if not actor.can(operation):
        return false()
    if sees_all(actor):
        return true()
    if actor.agency_id is None:
        return false()
    condition: ColumnElement[bool] = agency_id == actor.agency_id
    return condition


def can_see_agency_record(actor: Actor, agency_id: int, operation: str) -> bool:
    if not actor.can(operation):
        return False
    return sees_all(actor) or (actor.agency_id is not None and agency_id == actor.agency_id)
