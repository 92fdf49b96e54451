"""The quarterly QA report (shared/INTERFACES.md, report JSON v1): one computation for the
JSON, the PDF, the workbook and the dashboard.

Only final audits count, each in the period of its completion (`Audit.finalised_at`: the
moderation's `completed_at`, or the single review's `submitted_at`). The work is a handful of
SQL GROUP BY queries over a common table of the audits in range, each grouped by period (a
CASE over the period bounds, portable between SQLite and PostgreSQL); Python only merges the
grouped counts into the report's shape, so the report costs little more than the queries a
person would write by hand. The whole range (`total`) is the merge of its periods.

Beyond the v1 keys, the report carries optional keys (audit_tool/resources/schemas/qa-report-v1):
`generated_at`, `filters`, `labels`, and per period `audits_single`, `audits_planned`,
`by_service_area`, `by_agency`, `by_theme`, `agreement.confusion`, `feedback_outside`,
`compliance`, `other_scales`, `feedback_by_service_area`, `by_send_part` and, where the
partnership has choice or yes/no case fields, `by_case_field` (final grades by each such
field's value on the case, "(not recorded)" where it holds none) with their labels in
`labels.case_fields`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    Case,
    Feedback,
    FeedbackAnswer,
    FeedbackQuestion,
    LearningPoint,
    LearningTheme,
    Moderation,
    ModerationAnswer,
    Person,
    Programme,
    Review,
    ReviewAnswer,
    ScaleLevel,
    Team,
    TemplateItem,
    WorkerFeedback,
)
from audit_tool.reporting import partnership
from audit_tool.reporting.overdue import overdue_condition
from audit_tool.reporting.periods import Period, periods, total_period
from audit_tool.reporting.report_answers import FinalAnswers
from audit_tool.reporting.report_json import GRADES, RANK, Acc, period_json
from audit_tool.reporting.report_sql import (
    base_table,
    breakdown_fields,
    count_case_fields,
    fill_base,
    period_index,
    scale_labels,
    template_scale_keys,
    template_scales,
    v11_counts,
)

if TYPE_CHECKING:
    from audit_tool.store import Database

FORMAT, VERSION = "qa-report", 1
ANSWERS = ("yes", "partly", "no")
MODERATED = ("looped", "multi_agency", "send")
Progress = Callable[[int, int], bool]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Filters:
    team: str | None = None
    agency: str | None = None
    programme: str | None = None
    theme: str | None = None
    service_area: str | None = None  # the case's team's service area

    def as_json(self) -> dict[str, str | None]:
        return {
            "team": self.team,
            "agency": self.agency,
            "service_area": self.service_area,
            "programme": self.programme,
            "theme": self.theme,
        }


def compute(
    db: Database,
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    by: str = "quarter",
    filters: Filters | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    year_start_month: int | None = None,
) -> dict[str, Any]:
    """The report as a JSON-ready dict (report JSON v1.1 plus optional keys). The quarters and
    years start in `year_start_month`, or the partnership's setting."""
    require(actor, "report.view")
    flt = filters or Filters()
    today = today or date.today()
    if year_start_month is None:
        year_start_month = partnership.current(db).year_start_month
    spans = periods(date_from, date_to, by, year_start=year_start_month, today=today)
    accs = [Acc() for _ in spans]
    step = _stepper(progress)
    step(0)
    with db.session() as session:
        scope = _Scope.resolve(session, flt, spans)
        kinds = _item_kinds(session)
        family_total = _count(db, session, scope, accs, kinds, date_to, today, step)
        questions = _active_questions(session)
        labels = _labels(session, accs)
        breakdowns = breakdown_fields(session)
        if breakdowns:
            labels["case_fields"] = breakdowns
    total = Acc()
    for acc in accs:
        total.merge(acc)
    total.families = family_total
    step(10)
    report = {
        "format": FORMAT,
        "version": VERSION,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "by": by,
        "year_start_month": year_start_month,
        "periods": [
            period_json(p, acc, kinds, questions, list(breakdowns))
            for p, acc in zip(spans, accs, strict=True)
        ],
        "total": period_json(
            total_period(date_from, date_to, today), total, kinds, questions, list(breakdowns)
        ),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "filters": flt.as_json(),
        "labels": labels,
    }
    step(11)
    return report


def _stepper(progress: Progress | None, steps: int = 11) -> Callable[[int], None]:
    """Report step `n` of `steps` to `progress`; a False answer cancels the report."""

    def step(n: int) -> None:
        if progress is not None and progress(n, steps) is False:
            raise Cancelled("The report was cancelled")

    return step


@dataclass(frozen=True)
class _Scope:
    """The report's periods and its filters resolved to ids, with the conditions they add."""

    flt: Filters
    spans: list[Period]
    team_ids: list[int] | None = None
    agency_ids: list[int] | None = None
    programme_id: int | None = None
    area_ids: list[int] | None = None

    @classmethod
    def resolve(cls, session: Session, flt: Filters, spans: list[Period]) -> _Scope:
        """The filters' keys as ids; a key that names nothing is the user's mistake."""
        team_ids = agency_ids = None
        if flt.team:
            team_ids = list(session.scalars(select(Team.id).where(Team.key == flt.team)))
            if not team_ids:
                raise ValidationError(f"No team with key '{flt.team}'")
        if flt.agency:
            agency_ids = list(session.scalars(select(Agency.id).where(Agency.key == flt.agency)))
            if not agency_ids:
                raise ValidationError(f"No agency with key '{flt.agency}'")
        programme_id = None
        if flt.programme:
            programme_id = session.scalar(
                select(Programme.id).where(Programme.key == flt.programme)
            )
            if programme_id is None:
                raise ValidationError(f"No programme with key '{flt.programme}'")
        area_ids = None
        if flt.service_area:
            area_ids = list(
                session.scalars(select(Team.id).where(Team.service_area == flt.service_area))
            )
            if not area_ids:
                raise ValidationError(f"No team in the service area '{flt.service_area}'")
        return cls(flt, spans, team_ids, agency_ids, programme_id, area_ids)

    @property
    def kept_usable(self) -> bool:
        """Whether the kept answer counts hold these filters: a programme, or none."""
        return (
            self.team_ids is None
            and self.agency_ids is None
            and self.area_ids is None
            and not self.flt.theme
        )

    @property
    def days(self) -> list[tuple[date, date]]:
        """Each period as days, the end excluded (for date columns)."""
        return [(p.start, p.end + timedelta(days=1)) for p in self.spans]

    def case_filters(self, stmt: Any) -> Any:
        """Team, agency and service area narrow by the case's team."""
        if self.team_ids is not None:
            stmt = stmt.where(Case.team_id.in_(self.team_ids))
        if self.area_ids is not None:
            stmt = stmt.where(Case.team_id.in_(self.area_ids))
        if self.agency_ids is not None:
            stmt = stmt.where(
                Case.team_id.in_(select(Team.id).where(Team.agency_id.in_(self.agency_ids)))
            )
        return stmt

    def audit_filters(self, stmt: Any) -> Any:
        stmt = self.case_filters(stmt)
        if self.programme_id is not None:
            stmt = stmt.where(Audit.programme_id == self.programme_id)
        if self.flt.theme:
            stmt = stmt.where(theme_condition(self.flt.theme))
        return stmt

    def joined(self, stmt: Any) -> Any:
        """Join the audits' cases and programmes where the filters need them."""
        if self.team_ids is not None or self.agency_ids is not None or self.area_ids is not None:
            stmt = stmt.join(Case, Audit.case_id == Case.id)
        if self.flt.theme:
            stmt = stmt.join(Programme, Audit.programme_id == Programme.id)
        return stmt

    def chosen(self) -> Any:
        """The report's audits: final in the range and within the filters, with their period
        and what the groupings need."""
        spans = self.spans
        period_of = period_index(Audit.finalised_at, [(p.lower, p.upper) for p in spans])
        return self.audit_filters(
            select(
                Audit.id.label("audit_id"),
                period_of.label("p"),
                Audit.kind.label("kind"),
                Audit.final_overall.label("overall"),
                Case.team_id.label("team_id"),
                Programme.theme.label("theme"),
                Audit.template_id.label("template_id"),
            )
            .join(Case, Audit.case_id == Case.id)
            .join(Programme, Audit.programme_id == Programme.id)
            .where(
                Audit.status == "final",
                Audit.finalised_at >= spans[0].lower,
                Audit.finalised_at < spans[-1].upper,
            )
        )


def item_kinds(db: Database) -> dict[str, str]:
    """Each template item key's kind (grade, yes_no, number or text), the newest version's."""
    with db.session() as session:
        return _item_kinds(session)


def _item_kinds(session: Session) -> dict[str, str]:
    """Each template item key's kind (grade, yes_no, number, ...)."""
    kinds: dict[str, str] = {}
    for key, kind in session.execute(
        select(TemplateItem.key, TemplateItem.kind).order_by(TemplateItem.id)
    ):
        kinds[key] = kind  # the newest version's kind wins
    return kinds


def _count(
    db: Database,
    session: Session,
    scope: _Scope,
    accs: list[Acc],
    kinds: dict[str, str],
    date_to: date,
    today: date,
    step: Callable[[int], None],
) -> int:
    """Count every figure of every period into `accs`; returns the families of the whole range
    (distinct cases: the periods' counts do not add up to it)."""
    chosen = scope.chosen()
    counted = {k for k, kind in kinds.items() if kind in ("grade", "yes_no")}
    numeric = {k for k, kind in kinds.items() if kind == "number"}
    scales = template_scales(session)
    ofsted = sorted(t for t, scale in scales.items() if scale is None)
    answers = FinalAnswers(
        db,
        session,
        chosen,
        sorted(counted | numeric),
        sorted(t for t, scale in scales.items() if scale is not None),
        sorted(k for k, kind in kinds.items() if kind == "grade"),
        spans=scope.spans,
        programme_id=scope.programme_id,
        kept_usable=scope.kept_usable,
    )
    # The audits in range, their period and what the groupings need, computed once into
    # a temporary table that every query below joins (a CTE would be computed again by
    # each query: on 200,000 audits that was most of the report's time).
    base = base_table()
    connection = session.connection()
    try:
        fill_base(session, base, chosen)
        teams = {
            t.id: (t.key, t.service_area or "", t.agency.key) for t in session.scalars(select(Team))
        }
        _count_grades(session, base, accs, scales, teams)
        count_case_fields(session, base, accs, scales)
        step(1)
        # 2. Final answers per item: kept counts, and the rest counted in a thread meanwhile.
        step(2)
        step(3)
        _count_agreement(session, base, accs, ofsted)
        step(4)
        person_keys = dict(session.execute(select(Person.id, Person.key)).all())
        _count_moderation(session, base, accs, ofsted, person_keys)
        step(5)
        _count_feedback(session, base, accs, scope, teams)
        step(6)
        family_total = v11_counts(session, base, accs, ofsted)
        _count_worker_feedback(session, base, accs)
        step(7)
        _count_actions(session, base, accs, date_to)
        step(8)
        _count_planned(session, scope, accs)
        _count_compliance(session, scope, accs, today, person_keys)
        step(9)
        _merge_answers(accs, answers.result(), counted)
    finally:
        answers.stop()
        base.drop(connection, checkfirst=True)
    return family_total


def _count_grades(
    session: Session,
    base: Table,
    accs: list[Acc],
    scales: dict[int, str | None],
    teams: dict[int, tuple[str, str, str]],
) -> None:
    """1. Final grades by period, team, theme and kind."""
    rows = session.execute(
        select(
            base.c.p,
            base.c.team_id,
            base.c.theme,
            base.c.kind,
            base.c.overall,
            base.c.template_id,
            func.count(),
        ).group_by(
            base.c.p,
            base.c.team_id,
            base.c.theme,
            base.c.kind,
            base.c.overall,
            base.c.template_id,
        )
    )
    for p, team_id, theme, kind, overall, template_id, n in rows:
        acc = accs[p]
        other = scales.get(template_id)
        if other is not None:  # another scale: counted, not graded on Ofsted's
            acc.other_scales[other][overall or ""] += n
        grade = overall if overall in RANK and other is None else ""
        acc.overall[grade] += n
        if kind == "single":
            acc.single += n
        team_key, area, agency_key = teams[team_id]
        acc.groups["team"][team_key][grade] += n
        acc.groups["service_area"][area or "(none)"][grade] += n
        acc.groups["agency"][agency_key][grade] += n
        acc.groups["theme"][theme or "(no theme)"][grade] += n


def _count_agreement(session: Session, base: Table, accs: list[Acc], ofsted: list[int]) -> None:
    """3. Agreement: looped audits with exactly two submitted reviews, both graded."""
    first, second = aliased(Review), aliased(Review)
    two = select(Review.audit_id).group_by(Review.audit_id).having(func.count(Review.id) == 2)
    rows = session.execute(
        select(base.c.p, first.overall, second.overall, func.count())
        .join(first, first.audit_id == base.c.audit_id)
        .join(second, and_(second.audit_id == base.c.audit_id, second.id > first.id))
        .where(
            base.c.kind == "looped",
            base.c.template_id.in_(ofsted),
            base.c.audit_id.in_(two),
            first.status == "submitted",
            second.status == "submitted",
            first.overall.in_(GRADES),
            second.overall.in_(GRADES),
        )
        .group_by(base.c.p, first.overall, second.overall)
    )
    for p, a, b, n in rows:
        accs[p].confusion[RANK[a] - 1][RANK[b] - 1] += n


def _count_moderation(
    session: Session,
    base: Table,
    accs: list[Acc],
    ofsted: list[int],
    person_keys: dict[int, str],
) -> None:
    """4. Moderation moves and each auditor's difference from the final grade."""
    rows = session.execute(
        select(base.c.p, Review.reviewer_id, Review.overall, base.c.overall, func.count())
        .join(Review, Review.audit_id == base.c.audit_id)
        .where(
            base.c.kind.in_(MODERATED),
            base.c.template_id.in_(ofsted),
            Review.status == "submitted",
            Review.overall.in_(GRADES),
            base.c.overall.in_(GRADES),
        )
        .group_by(base.c.p, Review.reviewer_id, Review.overall, base.c.overall)
    )
    for p, reviewer_id, review_grade, final_grade, n in rows:
        person = person_keys[reviewer_id]
        diff = RANK[final_grade] - RANK[review_grade]
        move = "raised" if diff < 0 else ("lowered" if diff > 0 else "unchanged")
        accs[p].moderation[move] += n
        entry = accs[p].auditors.setdefault(person, [0, 0])
        entry[0] += n
        entry[1] += diff * n


def _count_feedback(
    session: Session,
    base: Table,
    accs: list[Acc],
    scope: _Scope,
    teams: dict[int, tuple[str, str, str]],
) -> None:
    """5. Family feedback in the audits, and outside audits by the date collected."""
    rows = session.execute(
        select(
            base.c.p,
            base.c.team_id,
            FeedbackAnswer.question_key,
            FeedbackAnswer.answer,
            func.count(),
        )
        .join(Feedback, Feedback.audit_id == base.c.audit_id)
        .join(FeedbackAnswer, FeedbackAnswer.feedback_id == Feedback.id)
        .where(FeedbackAnswer.answer.in_(ANSWERS))
        .group_by(base.c.p, base.c.team_id, FeedbackAnswer.question_key, FeedbackAnswer.answer)
    )
    for p, team_id, key, answer, n in rows:
        accs[p].feedback[key][answer] += n
        accs[p].feedback_team[teams[team_id][0]][key][answer] += n
        accs[p].feedback_area[teams[team_id][1] or "(none)"][key][answer] += n
    if scope.programme_id is not None or scope.flt.theme:
        return  # feedback outside audits has neither
    spans = scope.spans
    collected = period_index(Feedback.collected_on, scope.days)
    outside = scope.case_filters(
        select(collected, FeedbackAnswer.question_key, FeedbackAnswer.answer, func.count())
        .join(Feedback, FeedbackAnswer.feedback_id == Feedback.id)
        .join(Case, Feedback.case_id == Case.id)
        .where(
            Feedback.audit_id.is_(None),
            Feedback.collected_on >= spans[0].start,
            Feedback.collected_on <= spans[-1].end,
            FeedbackAnswer.answer.in_(ANSWERS),
        )
    ).group_by(collected, FeedbackAnswer.question_key, FeedbackAnswer.answer)
    for p, key, answer, n in session.execute(outside):
        if p is not None:
            accs[p].outside[key][answer] += n


def _count_worker_feedback(session: Session, base: Table, accs: list[Acc]) -> None:
    """6. Feedback to the worker."""
    rows = session.execute(
        select(base.c.p, func.count())
        .join(WorkerFeedback, WorkerFeedback.audit_id == base.c.audit_id)
        .where(WorkerFeedback.given_to_worker.is_(True))
        .group_by(base.c.p)
    )
    for p, n in rows:
        accs[p].worker += n


def _count_actions(session: Session, base: Table, accs: list[Acc], date_to: date) -> None:
    """7. Actions raised in the period's audits; overdue: open, due before the report's end."""
    late = case((overdue_condition(date_to), 1), else_=0)
    rows = session.execute(
        select(base.c.p, Action.status, late, func.count())
        .join(Action, Action.audit_id == base.c.audit_id)
        .group_by(base.c.p, Action.status, late)
    )
    for p, status, overdue, n in rows:
        accs[p].actions[status] += n
        if overdue:
            accs[p].actions["overdue"] += n


def _count_planned(session: Session, scope: _Scope, accs: list[Acc]) -> None:
    """8. Planned: audits (any state) due in the period."""
    spans = scope.spans
    due = period_index(Audit.due_on, scope.days)
    planned = scope.audit_filters(
        scope.joined(
            select(due, func.count()).where(
                Audit.due_on >= spans[0].start, Audit.due_on <= spans[-1].end
            )
        )
    ).group_by(due)
    for p, n in session.execute(planned):
        if p is not None:
            accs[p].planned += n


def _count_compliance(
    session: Session,
    scope: _Scope,
    accs: list[Acc],
    today: date,
    person_keys: dict[int, str],
) -> None:
    """8 (continued). Compliance: monthly audits per auditor due in the period, done
    (submitted) or overdue (not, and due before today)."""
    spans = scope.spans
    due = period_index(Audit.due_on, scope.days)
    state = case(
        (Review.status == "submitted", literal("done")),
        (Audit.due_on < today, literal("overdue")),
        else_=literal("open"),
    )
    monthly = scope.audit_filters(
        scope.joined(
            select(due, Review.reviewer_id, state, func.count())
            .join(Review, Review.audit_id == Audit.id)
            .where(
                Audit.programme_id.in_(select(Programme.id).where(Programme.kind == "monthly")),
                Audit.due_on >= spans[0].start,
                Audit.due_on <= spans[-1].end,
            )
        )
    ).group_by(due, Review.reviewer_id, state)
    for p, reviewer_id, status, n in session.execute(monthly):
        if p is None:
            continue
        person = person_keys[reviewer_id]
        accs[p].compliance[person]["due"] += n
        if status in ("done", "overdue"):
            accs[p].compliance[person][status] += n


def _merge_answers(
    accs: list[Acc], rows: list[tuple[int, str, str, int]], counted: set[str]
) -> None:
    """2 (continued). The final answers counted in the other thread: counts for the counted
    items, n, sum, lowest and highest for the numbers."""
    numbers: dict[tuple[int, str], list[float]] = {}
    for p, key, value, n in rows:
        if key in counted:
            accs[p].items[key][value] += n
            continue
        try:
            number = float(value)
        except ValueError:
            continue  # not a number: left out, as an unanswered item
        entry = numbers.setdefault((p, key), [0, 0.0, number, number])
        entry[0] += n
        entry[1] += number * n
        entry[2] = min(entry[2], number)
        entry[3] = max(entry[3], number)
    for (p, key), entry in numbers.items():
        accs[p].numbers[key] = entry


def _active_questions(session: Session) -> list[str]:
    """The feedback questions asked now, in their order."""
    return [
        q.key
        for q in session.scalars(
            select(FeedbackQuestion)
            .where(FeedbackQuestion.active.is_(True))
            .order_by(FeedbackQuestion.position)
        )
    ]


def _labels(session: Session, accs: list[Acc]) -> dict[str, dict[str, str]]:
    """Labels for every key the report names."""
    people = {k for acc in accs for k in (*acc.auditors, *acc.compliance)}
    return {
        "grades": {
            key: label
            for key, label in session.execute(
                select(ScaleLevel.key, ScaleLevel.label).where(ScaleLevel.key.in_(GRADES))
            )
        },
        "items": {
            key: label
            for key, label in session.execute(
                select(TemplateItem.key, TemplateItem.label).order_by(TemplateItem.id)
            )
        },
        "teams": {t.key: t.name for t in session.scalars(select(Team))},
        "agencies": {a.key: a.name for a in session.scalars(select(Agency))},
        "people": {
            key: name
            for key, name in session.execute(
                select(Person.key, Person.name).where(Person.key.in_(sorted(people)))
            )
        }
        if people
        else {},
        "questions": {
            q.key: q.text
            for q in session.scalars(select(FeedbackQuestion).order_by(FeedbackQuestion.position))
        },
        **scale_labels(session),
    }


def theme_condition(theme: str) -> Any:
    """The theme filter: the programme's theme, or a learning point of the audit tagged with
    it (case ignored)."""
    tag = theme.strip().lower()
    tagged = (
        select(LearningPoint.audit_id)
        .join(LearningTheme, LearningTheme.learning_point_id == LearningPoint.id)
        .where(func.lower(LearningTheme.theme) == tag)
    )
    return or_(func.lower(Programme.theme) == tag, Audit.id.in_(tagged))


# What a list of final audits shows of each (the raw-data sheet, the drill-down), in this order.
AUDIT_ROW_COLUMNS = (
    Audit.uuid,
    Case.ref,
    Team.name,
    Programme.name,
    Audit.kind,
    Audit.finalised_at,
    Audit.final_overall,
)


def final_audits_in(actor: Actor, span: Period, flt: Filters, *columns: Any) -> Any:
    """`columns` of the final audits of `span` that the actor may see (the rows name cases:
    none for a viewer), narrowed by the report's filters, joined to their case, team and
    programme, in the order they became final: the raw-data rows and the drill-down lists."""
    return final_audits_of(span, flt, *columns).where(scope.audit_in_scope(actor, Audit.id))


def final_audits_of(span: Period, flt: Filters, *columns: Any) -> Any:
    """`columns` of every final audit of `span` the report counts (not narrowed to a reader's
    scope, as the figures are not), narrowed by the report's filters, joined to their case,
    team and programme, in the order they became final."""
    stmt = (
        select(*columns)
        .join(Case, Audit.case_id == Case.id)
        .join(Team, Case.team_id == Team.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(
            Audit.status == "final",
            Audit.finalised_at >= span.lower,
            Audit.finalised_at < span.upper,
        )
        .order_by(Audit.finalised_at, Audit.id)
    )
    if flt.team:
        stmt = stmt.where(Team.key == flt.team)
    if flt.agency:
        stmt = stmt.where(Team.agency_id.in_(select(Agency.id).where(Agency.key == flt.agency)))
    if flt.service_area:
        stmt = stmt.where(Team.service_area == flt.service_area)
    if flt.programme:
        stmt = stmt.where(Programme.key == flt.programme)
    if flt.theme:
        stmt = stmt.where(theme_condition(flt.theme))
    return stmt


def raw_rows(
    db: Database,
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    filters: Filters | None = None,
) -> list[dict[str, Any]]:
    """One flat row per final audit in the range, with its final answers (for the workbook's
    raw-data sheet): audit, case, team, programme, kind, finalised, overall, the scale it was
    graded on (its key), then each item."""
    require(actor, "report.view")
    stmt = final_audits_in(
        actor,
        Period("", date_from, date_to),
        filters or Filters(),
        Audit.id,
        Audit.template_id,
        *AUDIT_ROW_COLUMNS,
    )
    with db.session() as session:
        scales = template_scale_keys(session)
        rows: dict[int, dict[str, Any]] = {}
        for (
            audit_id,
            template_id,
            uuid,
            ref,
            team,
            programme,
            kind,
            finalised,
            overall,
        ) in session.execute(stmt):
            rows[audit_id] = {
                "audit": uuid,
                "case": ref,
                "team": team,
                "programme": programme,
                "kind": kind,
                "finalised": finalised.date() if finalised else None,
                "overall": overall,
                "scale": scales[template_id],
            }
        ids = list(rows)
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            moderated = (
                select(Moderation.audit_id, ModerationAnswer.item_key, ModerationAnswer.value)
                .join(ModerationAnswer, ModerationAnswer.moderation_id == Moderation.id)
                .where(Moderation.audit_id.in_(chunk))
            )
            single = (
                select(Review.audit_id, ReviewAnswer.item_key, ReviewAnswer.value)
                .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
                .join(Audit, Review.audit_id == Audit.id)
                .where(Review.audit_id.in_(chunk), Audit.kind == "single")
            )
            for audit_id, key, value in session.execute(moderated.union_all(single)):
                rows[audit_id][key] = value
    return list(rows.values())
