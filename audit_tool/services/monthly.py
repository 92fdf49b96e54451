"""Standing monthly audits: the plan (which template, looped or dip-sample audits, which
cases) and what each person is expected to do each month: a number of audits and of
moderations, set for everyone with a role ("two audits a month for each auditor") or for one
person, which replaces what their roles give them.

The draw that turns these into each month's audits is services/monthly_draw.py; who did what
against them, services/monthly_compliance.py."""

from __future__ import annotations

import calendar
import json
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
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
    # The first month drawn automatically (ISO date of its first day), set when the plan is
    # turned on: that month if its first working day is still to come, else the next; a lead
    # draws the month they turn it on in with draw_now (services.monthly_draw).
    starts: str = ""

    @property
    def first_month(self) -> date | None:
        return date.fromisoformat(self.starts) if self.starts else None

    @classmethod
    def from_json(cls, text: str | None) -> MonthlyPlan:
        data = json.loads(text) if text else {}
        return cls(
            active=bool(data.get("active", False)),
            template_key=str(data.get("template_key", "")),
            audit_kind=str(data.get("audit_kind", "looped")),
            team_keys=tuple(data.get("team_keys") or ()),
            case_types=tuple(data.get("case_types") or ()),
            starts=str(data.get("starts", "")),
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
    today: date | None = None,
) -> MonthlyPlan:
    """Set the standing plan. Turned on, it draws each month's audits from the next first
    working day on (this month's too if its first working day is still to come)."""
    require(actor, "programme.edit")
    plan = MonthlyPlan(active, template_key.strip(), audit_kind, team_keys, case_types)
    with db.transaction() as session:
        errors = _plan_errors(session, plan)
        if errors:
            raise ValidationError(
                "The monthly plan was not saved: " + "; ".join(errors.values()), errors
            )
        before = read_plan(session)
        if active and before.active and before.starts:
            plan = replace(plan, starts=before.starts)
        elif active:
            plan = replace(plan, starts=_first_month(today or date.today()).isoformat())
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


def _first_month(today: date) -> date:
    month = today.replace(day=1)
    return month if today < first_working_day(month) else next_month(month)


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


# ---------------------------------------------------------------- the calendar


def first_working_day(month: date) -> date:
    """The month's first weekday that is not a bank holiday in England and Wales (of those
    that can fall in a month's first days: New Year's Day, Good Friday, Easter Monday and the
    early May bank holiday)."""
    day = month.replace(day=1)
    holidays = _bank_holidays(day.year)
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def _bank_holidays(year: int) -> set[date]:
    new_year = date(year, 1, 1)
    while new_year.weekday() >= 5:  # the substitute day
        new_year += timedelta(days=1)
    easter = _easter(year)
    first_may = date(year, 5, 1)
    early_may = first_may + timedelta(days=(7 - first_may.weekday()) % 7)
    return {new_year, easter - timedelta(days=2), easter + timedelta(days=1), early_may}


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    n = h + l_ - 7 * m + 114
    return date(year, n // 31, n % 31 + 1)


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


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
