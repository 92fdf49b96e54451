"""Each month's standing audits, drawn and assigned on the month's first working day, or at
the first service call after it (an app closed over the first day draws when next opened).

The month's programme (monthly-YYYY-MM, made if it does not exist) gets enough audits for
what each person is expected to do (services/monthly.py), less what they already have in the
month's monthly programmes. Cases are drawn at random (the seed is kept) from the plan's
cohort; each audit's auditors and moderator are checked and recorded by programmes.assign_audit,
the very rules of a manual assignment (never the case's own worker or manager, two different
auditors, a moderator who is neither). A case from an auditor's own team is taken only when no
other will do. What cannot be placed is kept with the month, in words. A lead can also draw
the month at once, or top it up after raising what is expected (draw_now)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Audit, AuditTemplate, Case, Person, Programme, Review, Team
from audit_tool.models.monthly import MonthlyRun
from audit_tool.services import changelog, monthly, programmes
from audit_tool.services.monthly import first_working_day, month_end

if TYPE_CHECKING:
    from audit_tool.store import Database

# Who the automatic assignments are recorded as (in the change log and on notices).
DRAWER = "Monthly plan (automatic)"


@dataclass
class MonthDraw:
    """What a month's draw did."""

    month: date
    programme_key: str
    audits: int = 0
    shortfall: list[str] = field(default_factory=list)
    drawn_elsewhere: bool = False  # another app on the server drew it a moment before


def roll_over(db: Database, actor: Actor, *, today: date | None = None) -> MonthDraw | None:
    """Draw this month's standing audits if the plan is on and this month is one of its,
    the month's first working day has come and the month is not drawn yet (by this app or
    another on the same server); None if there was nothing to do. Anyone who may see
    programmes sets it off (opening the app does): the draw acts for the plan a lead set."""
    require(actor, "programme.view")
    today = today or date.today()
    month = today.replace(day=1)
    if today < first_working_day(month):
        return None
    with db.session() as session:
        plan = monthly.read_plan(session)
        done = session.scalar(select(MonthlyRun.id).where(MonthlyRun.month == month))
    first = plan.first_month
    if not plan.active or first is None or month < first or done is not None:
        return None
    draw = _draw_once(db, actor, plan, month)
    return None if draw.drawn_elsewhere else draw


def draw_now(db: Database, actor: Actor, *, today: date | None = None) -> MonthDraw:
    """A lead draws this month's audits now (the month the plan was turned on in, say), or
    tops them up to what is expected today if the month is drawn already: each manager is
    given what they are expected to have and do not."""
    require(actor, "programme.edit")
    month = (today or date.today()).replace(day=1)
    with db.session() as session:
        plan = monthly.read_plan(session)
    if not plan.template_key:
        raise ValidationError("Choose the monthly plan's template and save the plan first")
    return _draw_once(db, actor, plan, month)


def _draw_once(db: Database, actor: Actor, plan: monthly.MonthlyPlan, month: date) -> MonthDraw:
    seed = random.SystemRandom().randrange(1, 2**31)
    try:
        with db.transaction() as session:
            return _draw(session, actor, plan, month, seed)
    except IntegrityError:
        with db.session() as session:  # drawn meanwhile by another app on the same server
            if session.scalar(select(MonthlyRun.id).where(MonthlyRun.month == month)):
                return MonthDraw(month, "", drawn_elsewhere=True)
        raise


def _draw(
    session: Session, actor: Actor, plan: monthly.MonthlyPlan, month: date, seed: int
) -> MonthDraw:
    run = session.scalar(select(MonthlyRun).where(MonthlyRun.month == month))
    topping_up = run is not None
    if run is None:
        run = MonthlyRun(month=month, seed=seed, expected={}, shortfall="")
        session.add(run)
        session.flush()  # claims the month before anything else is written
    programme = _month_programme(session, plan, month)
    run.programme_id = programme.id
    expected = monthly.expected_now(session)
    people = {p.id: p for p in session.scalars(select(Person).where(Person.active.is_(True)))}
    run.expected = {people[pid].key: [a, m] for pid, (a, m) in expected.items()}
    draw = MonthDraw(month, programme.key)
    placer = _Placer(session, plan, month, programme, people, expected, seed)
    placer.place_all(draw)
    drawer = Actor(name=DRAWER, roles=frozenset({"lead"}))
    for audit, reviewers, moderator in placer.placed:
        try:
            programmes.assign_audit(
                session, drawer, audit, reviewers=reviewers, moderator=moderator
            )
        except ValidationError as exc:  # the rules said no after all: leave the case out
            draw.shortfall.append(f"Case {audit.case.ref} left out: {exc}")
            session.delete(audit)
            session.flush()
            continue
        draw.audits += 1
        changelog.record(
            session,
            drawer,
            "create",
            "audit",
            audit.uuid,
            after={"case": audit.case.ref, "programme": programme.key, "kind": audit.kind},
            summary=f"Audit of case {audit.case.ref} drawn for {programme.name}",
        )
    run.shortfall = "\n".join(draw.shortfall)
    how = "topped up" if topping_up else "drawn automatically"
    changelog.record(
        session,
        actor,
        "draw",
        "programme",
        programme.uuid,
        after={"month": month.isoformat(), "audits": draw.audits, "seed": seed},
        summary=f"Monthly audits for {month:%B %Y} {how}: {draw.audits} "
        f"audit(s) (seed {seed})"
        + (f"; {len(draw.shortfall)} shortfall(s)" if draw.shortfall else ""),
    )
    return draw


def _month_programme(session: Session, plan: monthly.MonthlyPlan, month: date) -> Programme:
    """The month's monthly programme: the one made by hand with its key, if any, else new."""
    key = f"monthly-{month:%Y-%m}"
    for candidate in (key, f"{key}-standing"):  # the second if another kind took the first
        programme = session.scalar(select(Programme).where(Programme.key == candidate))
        if programme is None:
            key = candidate
            break
        if programme.kind == "monthly":
            return programme
    template = session.scalar(
        select(AuditTemplate)
        .where(AuditTemplate.key == plan.template_key)
        .order_by(AuditTemplate.version.desc())
        .limit(1)
    )
    if template is None:
        raise ValidationError(f"The monthly plan's template '{plan.template_key}' is missing")
    programme = Programme(
        key=key,
        name=f"Monthly audits, {month:%B %Y}",
        kind="monthly",
        description="Drawn automatically from the standing monthly plan.",
        template_id=template.id,
        starts_on=month,
        due_on=month_end(month),
    )
    session.add(programme)
    session.flush()
    changelog.record(
        session,
        Actor(name=DRAWER, roles=frozenset({"lead"})),
        "create",
        "programme",
        programme.uuid,
        after=changelog.snapshot(programme),
        summary=f"Programme {programme.name} created",
    )
    return programme


def month_counts(session: Session, month: date) -> tuple[dict[int, int], dict[int, int]]:
    """Per person id, the reviews and the moderations they have in the month's monthly
    programmes (audits due in the month)."""
    after = month_end(month) + timedelta(days=1)
    in_month = (
        Programme.kind == "monthly",
        Audit.due_on >= month,
        Audit.due_on < after,
    )
    reviews = session.execute(
        select(Review.reviewer_id, func.count())
        .join(Audit, Review.audit_id == Audit.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(*in_month)
        .group_by(Review.reviewer_id)
    ).all()
    moderations = session.execute(
        select(Audit.moderator_id, func.count())
        .join(Programme, Audit.programme_id == Programme.id)
        .where(*in_month, Audit.moderator_id.is_not(None))
        .group_by(Audit.moderator_id)
    ).all()
    return {p: int(n) for p, n in reviews}, {p: int(n) for p, n in moderations if p}


class _Placer:
    """Chooses each audit's case, auditors and moderator; writes only the new audits."""

    def __init__(
        self,
        session: Session,
        plan: monthly.MonthlyPlan,
        month: date,
        programme: Programme,
        people: dict[int, Person],
        expected: dict[int, tuple[int, int]],
        seed: int,
    ) -> None:
        self.session, self.plan, self.programme, self.people = session, plan, programme, people
        reviews, moderations = month_counts(session, month)
        self.review_load, self.mod_load = dict(reviews), dict(moderations)
        self.audits_left = {
            pid: max(0, a - reviews.get(pid, 0)) for pid, (a, _m) in expected.items()
        }
        self.mods_left = {
            pid: max(0, m - moderations.get(pid, 0)) for pid, (_a, m) in expected.items()
        }
        self.expected = expected
        self.cases = self._cases(month, seed)
        self.placed: list[tuple[Audit, list[str], str | None]] = []

    def _cases(self, month: date, seed: int) -> list[Case]:
        stmt = select(Case).where(
            or_(Case.closed_on.is_(None), Case.closed_on >= month),
            Case.redacted_at.is_(None),
            Case.id.not_in(select(Audit.case_id).where(Audit.programme_id == self.programme.id)),
        )
        if self.plan.team_keys:
            stmt = stmt.join(Team, Case.team_id == Team.id).where(Team.key.in_(self.plan.team_keys))
        if self.plan.case_types:
            stmt = stmt.where(Case.case_type.in_(self.plan.case_types))
        cases = list(self.session.scalars(stmt.order_by(Case.ref)))
        random.Random(seed).shuffle(cases)
        return cases

    # -- who may take part

    def _free(self, pid: int, case: Case) -> bool:
        return pid not in (case.worker_id, case.manager_id)

    def _auditors(self) -> list[int]:
        return [pid for pid, p in self.people.items() if "auditor" in p.roles]

    def _moderators(self) -> list[int]:
        return [pid for pid, p in self.people.items() if "moderator" in p.roles]

    def _by_need(self, left: dict[int, int], load: dict[int, int], pool: list[int]) -> list[int]:
        """Those still owed first (most owed first), then those of whom something is expected,
        then anyone, each by how much they already have this month."""

        def rank(pid: int) -> tuple[int, int, int, str]:
            owed = left.get(pid, 0)
            return (-owed, pid not in self.expected, load.get(pid, 0), self.people[pid].key)

        return sorted(pool, key=rank)

    # -- placing

    def place_all(self, draw: MonthDraw) -> None:
        single = self.plan.audit_kind == "single"
        while any(self.audits_left.values()):
            first = self._by_need(self.audits_left, self.review_load, list(self.audits_left))[0]
            if not self._place(first, single):
                draw.shortfall.append(
                    f"{self.people[first].name}: {self.audits_left[first]} audit(s) not drawn: "
                    "no case left that they may audit"
                    + ("" if single else " with a free moderator")
                )
                self.audits_left[first] = 0
        mods = [f"{self.people[pid].name} ({n})" for pid, n in sorted(self.mods_left.items()) if n]
        if mods:
            why = "dip samples are not moderated" if single else "too few audits this month"
            draw.shortfall.append(f"Moderations not drawn ({why}): " + ", ".join(mods))

    def _place(self, first: int, single: bool) -> bool:
        """One audit for `first` (and, for a looped audit, a second auditor and a moderator):
        a case from another team if there is one, else from their own."""
        team = self.people[first].team_id
        for own_team_too in (False, True):
            for case in self.cases:
                if not self._free(first, case) or (case.team_id == team and not own_team_too):
                    continue
                team_of = self._team_for(first, case, single)
                if team_of is not None:
                    self._record(case, first, *team_of)
                    return True
        return False

    def _team_for(
        self, first: int, case: Case, single: bool
    ) -> tuple[int | None, int | None] | None:
        if single:
            return None, None
        partners = [p for p in self._auditors() if p != first and self._free(p, case)]
        for partner in self._by_need(self.audits_left, self.review_load, partners):
            moderators = [
                m for m in self._moderators() if m not in (first, partner) and self._free(m, case)
            ]
            if moderators:
                return partner, self._by_need(self.mods_left, self.mod_load, moderators)[0]
        return None

    def _record(self, case: Case, first: int, partner: int | None, moderator: int | None) -> None:
        self.cases.remove(case)
        audit = Audit(
            case_id=case.id,
            programme_id=self.programme.id,
            template_id=self.programme.template_id,
            kind="single" if partner is None else "looped",
            status="draft",
            due_on=self.programme.due_on,
        )
        self.session.add(audit)
        self.session.flush()
        self.session.refresh(audit)
        reviewers = [first] if partner is None else [first, partner]
        for pid in reviewers:
            self.review_load[pid] = self.review_load.get(pid, 0) + 1
            if self.audits_left.get(pid):
                self.audits_left[pid] -= 1
        if moderator is not None:
            self.mod_load[moderator] = self.mod_load.get(moderator, 0) + 1
            if self.mods_left.get(moderator):
                self.mods_left[moderator] -= 1
        self.placed.append(
            (
                audit,
                [self.people[p].key for p in reviewers],
                self.people[moderator].key if moderator is not None else None,
            )
        )


def drawn_at(run: MonthlyRun) -> datetime:
    """When the month was drawn (an aware time, as SQLite hands back naive ones)."""
    return run.drawn_at if run.drawn_at.tzinfo else run.drawn_at.replace(tzinfo=UTC)
