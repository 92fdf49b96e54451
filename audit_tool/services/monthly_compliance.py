"""Monthly audit compliance: every manager against what is expected of them in a month,
including those with nothing assigned, with their audits and moderations assigned, done and
overdue; and the same month by month.

A month's expectation is the one its draw recorded (services/monthly_draw.py); for the
current month before it is drawn, today's; for older months never drawn, none (only what was
done is shown). Audits count in the month they are due, in any monthly programme, so audits a
lead assigned by hand count as well as drawn ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.models import Audit, Moderation, Person, Programme, Review
from audit_tool.models.monthly import MonthlyRun
from audit_tool.services import monthly
from audit_tool.services.monthly import month_end
from audit_tool.services.monthly_draw import drawn_at

if TYPE_CHECKING:
    from audit_tool.store import Database

HISTORY_MONTHS = 12


@dataclass(frozen=True)
class Tally:
    """Audits (or moderations) of one person, or of everyone, in a month."""

    expected: int = 0
    assigned: int = 0
    done: int = 0
    overdue: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.expected + other.expected,
            self.assigned + other.assigned,
            self.done + other.done,
            self.overdue + other.overdue,
        )

    @property
    def short(self) -> int:
        """How many fewer were assigned than expected."""
        return max(0, self.expected - self.assigned)


@dataclass(frozen=True)
class PersonMonth:
    person_key: str
    name: str
    job_title: str
    audits: Tally
    moderations: Tally

    @property
    def expected(self) -> bool:
        return bool(self.audits.expected or self.moderations.expected)

    @property
    def status(self) -> str:
        """In words, the worst first: what a lead acts on."""
        a, m = self.audits, self.moderations
        if self.expected and not (a.assigned or m.assigned):
            return "Missing: nothing assigned"
        if a.overdue or m.overdue:
            return f"Overdue: {a.overdue + m.overdue}"
        if a.short or m.short:
            return f"Short: {a.short + m.short} not assigned"
        if a.done >= max(a.expected, a.assigned) and m.done >= max(m.expected, m.assigned):
            return "Done"
        return "On track"


@dataclass(frozen=True)
class MonthCompliance:
    month: date
    people: tuple[PersonMonth, ...]
    drawn_at: datetime | None  # None: not drawn (yet)
    programme_key: str | None
    shortfall: tuple[str, ...]

    @property
    def audits(self) -> Tally:
        return sum((p.audits for p in self.people), Tally())

    @property
    def moderations(self) -> Tally:
        return sum((p.moderations for p in self.people), Tally())

    @property
    def missing(self) -> int:
        return sum(1 for p in self.people if p.status.startswith("Missing"))

    @property
    def below(self) -> int:
        """Managers assigned fewer than expected (those with none included)."""
        return sum(1 for p in self.people if p.audits.short or p.moderations.short)


def month_compliance(
    db: Database, actor: Actor, month: date, *, today: date | None = None
) -> MonthCompliance:
    """Every manager of whom something is expected that month, or who has monthly audits in
    it, by name."""
    require(actor, "programme.view")
    today = today or date.today()
    with db.session() as session:
        return _month(session, month.replace(day=1), today)


def history(
    db: Database, actor: Actor, *, today: date | None = None, months: int = HISTORY_MONTHS
) -> list[MonthCompliance]:
    """This month and the `months` - 1 before it, newest first."""
    require(actor, "programme.view")
    today = today or date.today()
    month = today.replace(day=1)
    result = []
    with db.session() as session:
        people = {p.id: p for p in session.scalars(select(Person))}
        for _ in range(months):
            result.append(_month(session, month, today, people))
            month = (month - timedelta(days=1)).replace(day=1)
    return result


def _month(
    session: Session, month: date, today: date, people: dict[int, Person] | None = None
) -> MonthCompliance:
    run = session.scalar(select(MonthlyRun).where(MonthlyRun.month == month))
    if people is None:
        people = {p.id: p for p in session.scalars(select(Person))}
    key_to_id = {p.key: pid for pid, p in people.items()}
    if run is not None:
        expected = {
            key_to_id[k]: (int(v[0]), int(v[1])) for k, v in run.expected.items() if k in key_to_id
        }
    elif month >= today.replace(day=1):
        expected = monthly.expected_now(session)
    else:
        expected = {}
    audits, moderations = _actuals(session, month, today)
    ids = set(expected) | set(audits) | set(moderations)
    rows = []
    for pid in ids:
        person = people[pid]
        exp_a, exp_m = expected.get(pid, (0, 0))
        rows.append(
            PersonMonth(
                person.key,
                person.name,
                person.job_title,
                Tally(exp_a) + audits.get(pid, Tally()),
                Tally(exp_m) + moderations.get(pid, Tally()),
            )
        )
    rows.sort(key=lambda r: r.name)
    programme_key = None
    if run is not None and run.programme_id is not None:
        programme_key = session.scalar(
            select(Programme.key).where(Programme.id == run.programme_id)
        )
    return MonthCompliance(
        month,
        tuple(rows),
        drawn_at(run) if run is not None else None,
        programme_key,
        tuple(run.shortfall.splitlines()) if run is not None and run.shortfall else (),
    )


def _actuals(
    session: Session, month: date, today: date
) -> tuple[dict[int, Tally], dict[int, Tally]]:
    """Per person id, their reviews and their moderations in the month's monthly audits."""
    after = month_end(month) + timedelta(days=1)
    in_month = (Programme.kind == "monthly", Audit.due_on >= month, Audit.due_on < after)
    reviews = session.execute(
        select(Review.reviewer_id, Review.status, Audit.due_on)
        .join(Audit, Review.audit_id == Audit.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(*in_month)
    ).all()
    moderations = session.execute(
        select(Audit.moderator_id, Moderation.completed_at, Audit.due_on)
        .join(Programme, Audit.programme_id == Programme.id)
        .outerjoin(Moderation, Moderation.audit_id == Audit.id)
        .where(*in_month, Audit.moderator_id.is_not(None), Audit.kind != "single")
    ).all()
    return (
        _tally([(pid, status == "submitted", due) for pid, status, due in reviews], today),
        _tally([(pid, done is not None, due) for pid, done, due in moderations], today),
    )


def _tally(rows: list[tuple[int | None, bool, date | None]], today: date) -> dict[int, Tally]:
    counts: dict[int, list[int]] = {}
    for pid, done, due in rows:
        if pid is None:
            continue
        row = counts.setdefault(pid, [0, 0, 0])
        row[0] += 1
        if done:
            row[1] += 1
        elif due is not None and due < today:
            row[2] += 1
    return {pid: Tally(0, a, d, o) for pid, (a, d, o) in counts.items()}
