"""Standing monthly audits: the plan (which template, looped or dip-sample audits, which
cases) and what each person is expected to do each month: a number of audits and of
moderations, set for everyone with a role ("two audits a month for each auditor") or for one
person, which replaces what their roles give them.

The draw that turns these into each month's audits is services/monthly_draw.py; who did what
against them, services/monthly_compliance.py."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access.actors import ROLE_LABELS, Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import AuditTemplate, Person, Setting, Team
from audit_tool.models.cases import CASE_TYPES
from audit_tool.models.monthly import MonthlyExpectation
from audit_tool.services import changelog
from audit_tool.services.settings import store

if TYPE_CHECKING:
    from audit_tool.store import Database

PLAN_SETTING = "monthly.plan"
PLAN_KINDS = ("looped", "single")
# Who can be expected to audit (the auditor role) and to moderate (the moderator role).
EXPECTATION_ROLES = ("auditor", "moderator", "lead")
MAX_A_MONTH = 20


@dataclass(frozen=True)
class MonthlyPlan:
    """The standing plan. Off (`active` False) until a lead turns it on."""

    active: bool = False
    template_key: str = ""
    audit_kind: str = "looped"  # or "single": dip samples, one auditor and no moderation
    team_keys: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, text: str | None) -> MonthlyPlan:
        data = json.loads(text) if text else {}
        return cls(
            active=bool(data.get("active", False)),
            template_key=str(data.get("template_key", "")),
            audit_kind=str(data.get("audit_kind", "looped")),
            team_keys=tuple(data.get("team_keys") or ()),
            case_types=tuple(data.get("case_types") or ()),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(frozen=True)
class ExpectationRow:
    uuid: str
    role: str | None
    person_key: str | None
    who: str  # "Every auditor" or the person's name
    audits: int
    moderations: int


def read_plan(session: Session) -> MonthlyPlan:
    """The plan as stored (inside the caller's session; no permission needed to know it)."""
    row = session.get(Setting, PLAN_SETTING)
    return MonthlyPlan.from_json(row.value if row is not None else None)


def get_plan(db: Database, actor: Actor) -> MonthlyPlan:
    require(actor, "programme.view")
    with db.session() as session:
        return read_plan(session)


def save_plan(
    db: Database,
    actor: Actor,
    *,
    active: bool,
    template_key: str,
    audit_kind: str = "looped",
    team_keys: tuple[str, ...] = (),
    case_types: tuple[str, ...] = (),
) -> MonthlyPlan:
    """Set the standing plan; from the next first working day (or now, if today is past this
    month's and its audits are not drawn) each month's audits are drawn to it."""
    require(actor, "programme.edit")
    plan = MonthlyPlan(active, template_key.strip(), audit_kind, team_keys, case_types)
    with db.transaction() as session:
        errors = _plan_errors(session, plan)
        if errors:
            raise ValidationError(
                "The monthly plan was not saved: " + "; ".join(errors.values()), errors
            )
        before = read_plan(session)
        store(session, {PLAN_SETTING: plan.to_json()})
        changelog.record_changes(
            session,
            actor,
            "monthly_plan",
            None,
            asdict(before),
            asdict(plan),
            summary="Monthly audit plan " + ("turned on" if plan.active else "saved"),
        )
    return plan


def _plan_errors(session: Session, plan: MonthlyPlan) -> dict[str, str]:
    errors: dict[str, str] = {}
    if plan.audit_kind not in PLAN_KINDS:
        errors["audit_kind"] = "Choose looped audits or dip samples"
    if plan.template_key:
        found = session.scalar(
            select(AuditTemplate.id).where(
                AuditTemplate.key == plan.template_key, AuditTemplate.retired.is_(False)
            )
        )
        if found is None:
            errors["template"] = f"No audit template '{plan.template_key}'"
    elif plan.active:
        errors["template"] = "Choose the template the monthly audits use"
    known = set(session.scalars(select(Team.key).where(Team.key.in_(plan.team_keys))))
    if set(plan.team_keys) - known:
        errors["team"] = f"No team '{sorted(set(plan.team_keys) - known)[0]}'"
    if set(plan.case_types) - set(CASE_TYPES):
        errors["case_type"] = f"Choose case types from: {', '.join(CASE_TYPES)}"
    return errors


# ---------------------------------------------------------------- expectations


def _expectation_row(e: MonthlyExpectation) -> ExpectationRow:
    if e.person is not None:
        who, key = e.person.name, e.person.key
    else:
        who, key = f"Every {ROLE_LABELS.get(e.role or '', e.role or '').lower()}", None
    return ExpectationRow(e.uuid, e.role, key, who, e.audits, e.moderations)


def list_expectations(db: Database, actor: Actor) -> list[ExpectationRow]:
    """Those set for roles first (in EXPECTATION_ROLES order), then those for people by name."""
    require(actor, "programme.view")
    with db.session() as session:
        rows = [_expectation_row(e) for e in session.scalars(select(MonthlyExpectation))]
    order = {role: i for i, role in enumerate(EXPECTATION_ROLES)}
    return sorted(rows, key=lambda r: (r.role is None, order.get(r.role or "", 0), r.who))


def set_expectation(
    db: Database,
    actor: Actor,
    *,
    audits: int,
    moderations: int,
    role: str | None = None,
    person_key: str | None = None,
) -> ExpectationRow:
    """Expect `audits` audits and `moderations` moderations a month of everyone with `role`,
    or of one person (replacing what their roles give them: 0 and 0 exempts them)."""
    require(actor, "programme.edit")
    errors: dict[str, str] = {}
    if (role is None) == (person_key is None):
        errors["who"] = "Choose a role or a person"
    elif role is not None and role not in EXPECTATION_ROLES:
        errors["who"] = f"Choose one of the roles: {', '.join(EXPECTATION_ROLES)}"
    for field, value in (("audits", audits), ("moderations", moderations)):
        if not 0 <= value <= MAX_A_MONTH:
            errors[field] = f"Use a number from 0 to {MAX_A_MONTH}"
    with db.transaction() as session:
        person = None
        if person_key is not None and "who" not in errors:
            person = session.scalar(select(Person).where(Person.key == person_key))
            if person is None:
                errors["who"] = f"No person with key '{person_key}'"
            else:
                errors.update(_role_problems(person, audits, moderations))
        if errors:
            raise ValidationError(
                "The expectation was not saved: " + "; ".join(dict.fromkeys(errors.values())),
                errors,
            )
        where = (
            MonthlyExpectation.role == role
            if person is None
            else MonthlyExpectation.person_id == person.id
        )
        row = session.scalar(select(MonthlyExpectation).where(where))
        before = None if row is None else {"audits": row.audits, "moderations": row.moderations}
        if row is None:
            row = MonthlyExpectation(role=role, person_id=person.id if person else None)
            session.add(row)
        row.audits, row.moderations = audits, moderations
        session.flush()
        session.refresh(row)
        shown = _expectation_row(row)
        changelog.record(
            session,
            actor,
            "create" if before is None else "update",
            "monthly_expectation",
            row.uuid,
            before=before,
            after={"who": shown.person_key or role, "audits": audits, "moderations": moderations},
            summary=f"Monthly expectation for {shown.who}: {audits} audit(s), "
            f"{moderations} moderation(s)",
        )
        return shown


def _role_problems(person: Person, audits: int, moderations: int) -> dict[str, str]:
    errors = {}
    if audits and "auditor" not in person.roles:
        errors["audits"] = f"{person.name} does not have the auditor role"
    if moderations and "moderator" not in person.roles:
        errors["moderations"] = f"{person.name} does not have the moderator role"
    return errors


def remove_expectation(db: Database, actor: Actor, uuid: str) -> None:
    """Remove an expectation: for a person, their roles' expectations apply again."""
    require(actor, "programme.edit")
    with db.transaction() as session:
        row = session.scalar(select(MonthlyExpectation).where(MonthlyExpectation.uuid == uuid))
        if row is None:
            raise NotFound("That expectation was removed already")
        shown = _expectation_row(row)
        session.delete(row)
        changelog.record(
            session,
            actor,
            "delete",
            "monthly_expectation",
            uuid,
            before={"who": shown.person_key or shown.role, "audits": shown.audits},
            summary=f"Monthly expectation for {shown.who} removed",
        )


def expected_now(session: Session) -> dict[int, tuple[int, int]]:
    """person id -> (audits, moderations) a month, for each active person of whom anything is
    expected: their own expectation if they have one, else the most any of their roles gives
    (audits only with the auditor role, moderations only with the moderator role)."""
    rows = list(session.scalars(select(MonthlyExpectation)))
    by_role = {e.role: (e.audits, e.moderations) for e in rows if e.role is not None}
    own = {e.person_id: (e.audits, e.moderations) for e in rows if e.person_id is not None}
    if not rows:
        return {}
    people = session.scalars(select(Person).where(Person.active.is_(True)))
    expected: dict[int, tuple[int, int]] = {}
    for person in people:
        roles = person.roles
        if person.id in own:
            audits, moderations = own[person.id]
        else:
            given = [by_role[r] for r in roles if r in by_role]
            audits = max((a for a, _ in given), default=0)
            moderations = max((m for _, m in given), default=0)
        audits = audits if "auditor" in roles else 0
        moderations = moderations if "moderator" in roles else 0
        if audits or moderations:
            expected[person.id] = (audits, moderations)
    return expected
