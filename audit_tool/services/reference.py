"""Agencies, teams (with service areas) and people with their roles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, literal, or_, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import Agency, Case, Person, PersonRole, Team
from audit_tool.models.reference import ROLES
from audit_tool.services import changelog, mail, text_search

if TYPE_CHECKING:
    from audit_tool.store import Database

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")


def make_key(name: str) -> str:
    """A key from a display name: 'Family Front Door' -> 'family_front_door'."""
    key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return key[:40] or "item"


def _check_key(key: str, errors: dict[str, str]) -> None:
    if not key:
        errors["key"] = "A key is required"
    elif not KEY_RE.match(key):
        errors["key"] = (
            "Use 1-40 lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )


# ---------------------------------------------------------------- agencies


@dataclass(frozen=True)
class AgencyRow:
    uuid: str
    key: str
    name: str
    active: bool
    teams: int = 0
    people: int = 0


def list_agencies(db: Database, actor: Actor, *, include_inactive: bool = True) -> list[AgencyRow]:
    require(actor, "reference.view")
    teams = select(func.count(Team.id)).where(Team.agency_id == Agency.id).scalar_subquery()
    people = select(func.count(Person.id)).where(Person.agency_id == Agency.id).scalar_subquery()
    stmt = select(Agency.uuid, Agency.key, Agency.name, Agency.active, teams, people).order_by(
        Agency.name
    )
    if not include_inactive:
        stmt = stmt.where(Agency.active.is_(True))
    with db.session() as session:
        return [AgencyRow(*row) for row in session.execute(stmt)]


def _agency_by_key(session: Session, key: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.key == key))
    if agency is None:
        raise NotFound(f"No agency with key '{key}'")
    return agency


def save_agency(
    db: Database,
    actor: Actor,
    *,
    key: str,
    name: str,
    active: bool = True,
    original_key: str | None = None,
) -> AgencyRow:
    """Create (original_key None) or update an agency."""
    require(actor, "reference.edit")
    key, name = key.strip(), name.strip()
    errors: dict[str, str] = {}
    _check_key(key, errors)
    if not name:
        errors["name"] = "A name is required"
    with db.transaction() as session:
        clash = session.scalar(select(Agency).where(Agency.key == key))
        if clash is not None and (original_key is None or clash.key != original_key):
            errors["key"] = f"Key '{key}' is already used by {clash.name}"
        if errors:
            raise ValidationError("The agency was not saved: " + "; ".join(errors.values()), errors)
        if original_key is None:
            agency = Agency(key=key, name=name, active=active)
            session.add(agency)
            session.flush()
            changelog.record(
                session,
                actor,
                "create",
                "agency",
                agency.uuid,
                after=changelog.snapshot(agency),
                summary=f"Agency {name} added",
            )
        else:
            agency = _agency_by_key(session, original_key)
            before = changelog.snapshot(agency)
            agency.key, agency.name, agency.active = key, name, active
            session.flush()
            changelog.record_changes(
                session,
                actor,
                "agency",
                agency.uuid,
                before,
                changelog.snapshot(agency),
                summary=f"Agency {name} changed",
            )
        return AgencyRow(agency.uuid, agency.key, agency.name, agency.active)


def delete_agency(db: Database, actor: Actor, key: str) -> None:
    require(actor, "reference.edit")
    with db.transaction() as session:
        agency = _agency_by_key(session, key)
        used = session.scalar(select(func.count(Team.id)).where(Team.agency_id == agency.id))
        used_people = session.scalar(
            select(func.count(Person.id)).where(Person.agency_id == agency.id)
        )
        if used or used_people:
            raise ValidationError(
                f"{agency.name} has {used} team(s) and {used_people} person(s); "
                "move or delete them first, or mark the agency inactive"
            )
        changelog.record(
            session,
            actor,
            "delete",
            "agency",
            agency.uuid,
            before=changelog.snapshot(agency),
            summary=f"Agency {agency.name} deleted",
        )
        session.delete(agency)


# ---------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamRow:
    uuid: str
    key: str
    name: str
    agency_key: str
    agency_name: str
    service_area: str
    active: bool
    cases: int = 0


def list_teams(
    db: Database,
    actor: Actor,
    *,
    agency_key: str | None = None,
    include_inactive: bool = True,
    with_case_counts: bool = True,
) -> list[TeamRow]:
    """Teams by agency and name; `with_case_counts=False` skips counting their cases."""
    require(actor, "reference.view")
    cases: Any = (
        select(func.count(Case.id)).where(Case.team_id == Team.id).scalar_subquery()
        if with_case_counts
        else literal(0)
    )
    stmt = (
        select(
            Team.uuid,
            Team.key,
            Team.name,
            Agency.key,
            Agency.name,
            Team.service_area,
            Team.active,
            cases,
        )
        .join(Agency, Team.agency_id == Agency.id)
        .order_by(Agency.name, Team.name)
    )
    if agency_key:
        stmt = stmt.where(Agency.key == agency_key)
    if not include_inactive:
        stmt = stmt.where(Team.active.is_(True))
    with db.session() as session:
        return [TeamRow(*row) for row in session.execute(stmt)]


def _team_by_key(session: Session, key: str) -> Team:
    team = session.scalar(select(Team).where(Team.key == key))
    if team is None:
        raise NotFound(f"No team with key '{key}'")
    return team


def save_team(
    db: Database,
    actor: Actor,
    *,
    key: str,
    name: str,
    agency_key: str,
    service_area: str = "",
    active: bool = True,
    original_key: str | None = None,
) -> TeamRow:
    require(actor, "reference.edit")
    key, name, service_area = key.strip(), name.strip(), service_area.strip()
    errors: dict[str, str] = {}
    _check_key(key, errors)
    if not name:
        errors["name"] = "A name is required"
    with db.transaction() as session:
        agency = session.scalar(select(Agency).where(Agency.key == agency_key))
        if agency is None:
            errors["agency"] = "Choose the team's agency"
        clash = session.scalar(select(Team).where(Team.key == key))
        if clash is not None and (original_key is None or clash.key != original_key):
            errors["key"] = f"Key '{key}' is already used by {clash.name}"
        if errors:
            raise ValidationError("The team was not saved: " + "; ".join(errors.values()), errors)
        assert agency is not None
        if original_key is None:
            team = Team(
                key=key, name=name, agency_id=agency.id, service_area=service_area, active=active
            )
            session.add(team)
            session.flush()
            changelog.record(
                session,
                actor,
                "create",
                "team",
                team.uuid,
                after=changelog.snapshot(team),
                summary=f"Team {name} added",
            )
        else:
            team = _team_by_key(session, original_key)
            before = changelog.snapshot(team)
            team.key, team.name, team.agency_id = key, name, agency.id
            team.service_area, team.active = service_area, active
            session.flush()
            changelog.record_changes(
                session,
                actor,
                "team",
                team.uuid,
                before,
                changelog.snapshot(team),
                summary=f"Team {name} changed",
            )
        return TeamRow(
            team.uuid, team.key, team.name, agency.key, agency.name, team.service_area, team.active
        )


def delete_team(db: Database, actor: Actor, key: str) -> None:
    require(actor, "reference.edit")
    with db.transaction() as session:
        team = _team_by_key(session, key)
        cases = session.scalar(select(func.count(Case.id)).where(Case.team_id == team.id)) or 0
        people = session.scalar(select(func.count(Person.id)).where(Person.team_id == team.id))
        if cases or people:
            raise ValidationError(
                f"{team.name} has {cases} case(s) and {people} person(s); "
                "move them first, or mark the team inactive"
            )
        changelog.record(
            session,
            actor,
            "delete",
            "team",
            team.uuid,
            before=changelog.snapshot(team),
            summary=f"Team {team.name} deleted",
        )
        session.delete(team)


def service_areas(db: Database) -> list[str]:
    with db.session() as session:
        return sorted(a for a in session.scalars(select(Team.service_area).distinct()) if a)


# ---------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonRow:
    uuid: str
    key: str
    name: str
    agency_key: str
    agency_name: str
    team_key: str | None
    team_name: str | None
    job_title: str
    roles: tuple[str, ...]
    active: bool
    id: int = field(default=0, compare=False)
    email: str | None = None  # where notice e-mails go (services.mail)


def _person_snapshot(person: Person) -> dict[str, Any]:
    """A person for the change log, without the password hash (never logged)."""
    snap = changelog.snapshot(person)
    snap.pop("password_hash", None)
    return snap


def _person_row(p: Person) -> PersonRow:
    return PersonRow(
        p.uuid,
        p.key,
        p.name,
        p.agency.key,
        p.agency.name,
        p.team.key if p.team else None,
        p.team.name if p.team else None,
        p.job_title,
        tuple(p.roles),
        p.active,
        p.id,
        p.email,
    )


def list_people(
    db: Database,
    actor: Actor,
    *,
    role: str | None = None,
    search: str = "",
    include_inactive: bool = True,
    users_only: bool = False,
) -> list[PersonRow]:
    require(actor, "reference.view")
    stmt = select(Person).order_by(Person.name)
    if role:
        stmt = stmt.where(Person.role_rows.any(PersonRole.role == role))
    if users_only:
        stmt = stmt.where(Person.role_rows.any())
    wanted = text_search.search_text(search)
    if wanted:
        pattern, escape = text_search.contains_pattern(wanted), text_search.ESCAPE
        stmt = stmt.where(
            or_(Person.name.ilike(pattern, escape=escape), Person.key.ilike(pattern, escape=escape))
        )
    if not include_inactive:
        stmt = stmt.where(Person.active.is_(True))
    with db.session() as session:
        return [_person_row(p) for p in session.scalars(stmt)]


def get_person(db: Database, key: str) -> PersonRow:
    with db.session() as session:
        person = session.scalar(select(Person).where(Person.key == key))
        if person is None:
            raise NotFound(f"No person with key '{key}'")
        return _person_row(person)


def actor_for(db: Database, key: str) -> Actor:
    """The acting user for a person key (until accounts and login exist)."""
    person = get_person(db, key)
    if not person.active:
        raise ValidationError(f"{person.name} is marked inactive and cannot use the app")
    if not person.roles:
        raise ValidationError(f"{person.name} has no role in the app")
    with db.session() as session:
        agency_id = session.scalar(select(Agency.id).where(Agency.key == person.agency_key))
    return Actor(
        name=person.name,
        roles=frozenset(person.roles),
        person_id=person.id,
        key=person.key,
        agency_id=agency_id,
    )


def grantable_roles(actor: Actor) -> frozenset[str]:
    """The roles this person may give someone in the app (Admin > People), and so in an
    audit pack they import: a QA lead any role; anyone else none."""
    return frozenset(ROLES) if actor.can("reference.edit") else frozenset()


def save_person(
    db: Database,
    actor: Actor,
    *,
    key: str,
    name: str,
    agency_key: str,
    team_key: str | None = None,
    job_title: str = "",
    roles: tuple[str, ...] | list[str] = (),
    active: bool = True,
    original_key: str | None = None,
    email: str | None = None,
) -> PersonRow:
    """Add or change a person. `email`: where their notice e-mails go ("" removes it; None
    leaves it as it is)."""
    require(actor, "reference.edit")
    key, name, job_title = key.strip(), name.strip(), job_title.strip()
    errors: dict[str, str] = {}
    email = _check_person_fields(actor, key, name, roles, email, errors)
    with db.transaction() as session:
        agency, team = _person_agency_and_team(session, agency_key, team_key, errors)
        clash = session.scalar(select(Person).where(Person.key == key))
        if clash is not None and (original_key is None or clash.key != original_key):
            errors["key"] = f"Key '{key}' is already used by {clash.name}"
        if errors:
            raise ValidationError("The person was not saved: " + "; ".join(errors.values()), errors)
        assert agency is not None
        if original_key is None:
            person = _add_person(
                session,
                actor,
                key=key,
                name=name,
                agency=agency,
                team=team,
                job_title=job_title,
                roles=roles,
                active=active,
                email=email,
            )
        else:
            person = _change_person(
                session,
                actor,
                original_key,
                key=key,
                name=name,
                agency=agency,
                team=team,
                job_title=job_title,
                roles=roles,
                active=active,
                email=email,
            )
        session.flush()
        session.refresh(person)
        return _person_row(person)


def _check_person_fields(
    actor: Actor,
    key: str,
    name: str,
    roles: tuple[str, ...] | list[str],
    email: str | None,
    errors: dict[str, str],
) -> str | None:
    """Note in `errors` what is wrong with a person's own fields (refused outright if the
    actor may not give these roles); the e-mail address stripped."""
    _check_key(key, errors)
    if email is not None:
        email = email.strip()
        if email and (problem := mail.address_problem(email)):
            errors["email"] = problem
    if not name:
        errors["name"] = "A name is required"
    bad = [r for r in roles if r not in ROLES]
    if bad:
        errors["roles"] = f"Unknown role(s): {', '.join(bad)}"
    elif not set(roles) <= grantable_roles(actor):
        raise PermissionDenied(f"{actor.name} may not give the role(s) {', '.join(roles)}")
    return email


def _person_agency_and_team(
    session: Session, agency_key: str, team_key: str | None, errors: dict[str, str]
) -> tuple[Agency | None, Team | None]:
    """The person's agency and team, noting in `errors` if missing or mismatched."""
    agency = session.scalar(select(Agency).where(Agency.key == agency_key))
    if agency is None:
        errors["agency"] = "Choose the person's agency"
    team = None
    if team_key:
        team = session.scalar(select(Team).where(Team.key == team_key))
        if team is None:
            errors["team"] = f"No team with key '{team_key}'"
        elif agency is not None and team.agency_id != agency.id:
            errors["team"] = f"{team.name} belongs to another agency"
    return agency, team


def _add_person(
    session: Session,
    actor: Actor,
    *,
    key: str,
    name: str,
    agency: Agency,
    team: Team | None,
    job_title: str,
    roles: tuple[str, ...] | list[str],
    active: bool,
    email: str | None,
) -> Person:
    """A new person with their roles, and the change-log row."""
    person = Person(
        key=key,
        name=name,
        agency_id=agency.id,
        team_id=team.id if team else None,
        job_title=job_title,
        active=active,
        email=email or None,
    )
    person.role_rows = [PersonRole(role=r) for r in sorted(set(roles))]
    session.add(person)
    session.flush()
    changelog.record(
        session,
        actor,
        "create",
        "person",
        person.uuid,
        after={**_person_snapshot(person), "roles": sorted(set(roles))},
        summary=f"Person {name} added",
    )
    return person


def _change_person(
    session: Session,
    actor: Actor,
    original_key: str,
    *,
    key: str,
    name: str,
    agency: Agency,
    team: Team | None,
    job_title: str,
    roles: tuple[str, ...] | list[str],
    active: bool,
    email: str | None,
) -> Person:
    """Change a stored person (and their roles), with the change-log row."""
    person = session.scalar(select(Person).where(Person.key == original_key))
    if person is None:
        raise NotFound(f"No person with key '{original_key}'")
    before = {**_person_snapshot(person), "roles": person.roles}
    person.key, person.name, person.agency_id = key, name, agency.id
    person.team_id = team.id if team else None
    person.job_title, person.active = job_title, active
    if email is not None:
        person.email = email or None
    wanted = sorted(set(roles))
    if wanted != person.roles:
        session.execute(delete(PersonRole).where(PersonRole.person_id == person.id))
        session.expire(person, ["role_rows"])
        for r in wanted:
            session.add(PersonRole(person_id=person.id, role=r))
        session.flush()
        session.expire(person, ["role_rows"])
    session.flush()
    changelog.record_changes(
        session,
        actor,
        "person",
        person.uuid,
        before,
        {**_person_snapshot(person), "roles": wanted},
        summary=f"Person {name} changed",
    )
    return person


def delete_person(db: Database, actor: Actor, key: str) -> None:
    from audit_tool.models.audits import Audit, Review  # loaded on first use

    require(actor, "reference.edit")
    with db.transaction() as session:
        person = session.scalar(select(Person).where(Person.key == key))
        if person is None:
            raise NotFound(f"No person with key '{key}'")
        cases = session.scalar(
            select(func.count(Case.id)).where(
                or_(Case.worker_id == person.id, Case.manager_id == person.id)
            )
        )
        reviews = session.scalar(
            select(func.count(Review.id)).where(Review.reviewer_id == person.id)
        )
        moderations = session.scalar(
            select(func.count(Audit.id)).where(Audit.moderator_id == person.id)
        )
        if cases or reviews or moderations:
            raise ValidationError(
                f"{person.name} is named on {cases} case(s), {reviews} review(s) and "
                f"{moderations} moderation(s); mark them inactive instead"
            )
        changelog.record(
            session,
            actor,
            "delete",
            "person",
            person.uuid,
            before={**_person_snapshot(person), "roles": person.roles},
            summary=f"Person {person.name} deleted",
        )
        session.delete(person)
