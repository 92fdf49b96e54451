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
`by_service_area`, `by_agency`, `by_theme`, `agreement.confusion`, `feedback_outside` and
`compliance`."""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Case,
    Feedback,
    FeedbackAnswer,
    FeedbackQuestion,
    GradingScale,
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
from audit_tool.reporting.agreement import agreement_from_confusion, pct, round_half_up
from audit_tool.reporting.periods import Period, periods, total_period
from audit_tool.services import learning_actions, settings

FORMAT, VERSION = "qa-report", 1
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
RANK = {g: i + 1 for i, g in enumerate(GRADES)}
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


# ---------------------------------------------------------------- accumulators


@dataclass
class _Acc:
    """The grouped counts of one period, kept raw so that periods merge into the total."""

    overall: Counter[str] = field(default_factory=Counter)
    single: int = 0
    groups: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )  # dimension -> key -> grade counts ("" counts audits without a graded overall)
    items: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    numbers: dict[str, list[float]] = field(default_factory=dict)  # key -> [n, sum, min, max]
    confusion: list[list[int]] = field(default_factory=lambda: [[0] * 4 for _ in range(4)])
    moderation: Counter[str] = field(default_factory=Counter)
    auditors: dict[str, list[int]] = field(default_factory=dict)  # key -> [reviews, sum diff]
    feedback: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    outside: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    worker: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    compliance: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    planned: int = 0
    # report v1.1: family feedback by the case's team, conversations and the families they
    # were with, learning themes, and reviews of multi-agency and SEND audits by the
    # reviewer's agency ("" counts reviews without an Ofsted overall grade).
    feedback_team: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    conversations: int = 0
    families: int = 0  # distinct cases: not additive, so the total is counted on its own
    themes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    reviewer_agency: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    other_scales: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def merge(self, other: _Acc) -> None:
        self.overall.update(other.overall)
        self.single += other.single
        for dim, keys in other.groups.items():
            for key, counts in keys.items():
                self.groups[dim][key].update(counts)
        for key, counts in other.items.items():
            self.items[key].update(counts)
        for key, (n, total, low, high) in other.numbers.items():
            mine = self.numbers.get(key)
            if mine is None:
                self.numbers[key] = [n, total, low, high]
            else:
                mine[0] += n
                mine[1] += total
                mine[2] = min(mine[2], low)
                mine[3] = max(mine[3], high)
        for i in range(4):
            for j in range(4):
                self.confusion[i][j] += other.confusion[i][j]
        self.moderation.update(other.moderation)
        for key, (n, diff) in other.auditors.items():
            mine_a = self.auditors.setdefault(key, [0, 0])
            mine_a[0] += n
            mine_a[1] += diff
        for key, counts in other.feedback.items():
            self.feedback[key].update(counts)
        for key, counts in other.outside.items():
            self.outside[key].update(counts)
        self.worker += other.worker
        self.actions.update(other.actions)
        for key, counts in other.compliance.items():
            self.compliance[key].update(counts)
        self.planned += other.planned
        for team, questions in other.feedback_team.items():
            for key, counts in questions.items():
                self.feedback_team[team][key].update(counts)
        self.conversations += other.conversations
        for dim in ("themes", "reviewer_agency", "other_scales"):
            mine_c, theirs = getattr(self, dim), getattr(other, dim)
            for key, counts in theirs.items():
                mine_c[key].update(counts)


def _grades(counts: Counter[str]) -> dict[str, int]:
    return {g: int(counts.get(g, 0)) for g in GRADES}


def _good(counts: Counter[str]) -> float | None:
    graded = sum(counts.get(g, 0) for g in GRADES)
    return pct(counts.get("outstanding", 0) + counts.get("good", 0), graded)


def _ri(counts: Counter[str]) -> float | None:
    graded = sum(counts.get(g, 0) for g in GRADES)
    return pct(graded - counts.get("inadequate", 0), graded)


def _group(counts: Counter[str]) -> dict[str, Any]:
    return {
        "audits_final": int(sum(counts.values())),
        "overall": _grades(counts),
        "pct_good_or_better": _good(counts),
    }


def _feedback(counts: dict[str, Counter[str]], questions: list[str]) -> dict[str, Any]:
    out = {}
    for key in questions:
        c = counts.get(key, Counter())
        yes, partly, no = c["yes"], c["partly"], c["no"]
        out[key] = {
            "asked": yes + partly + no,
            "yes": yes,
            "partly": partly,
            "no": no,
            "pct_yes": pct(yes, yes + partly + no),
        }
    return out


def _period_json(
    period: Period, acc: _Acc, kinds: dict[str, str], questions: list[str]
) -> dict[str, Any]:
    audits_final = int(sum(acc.overall.values()))
    items: dict[str, Any] = {}
    for key in sorted(set(acc.items) | set(acc.numbers)):
        kind = kinds.get(key)
        if kind == "grade":
            items[key] = {"kind": "grade", "counts": _grades(acc.items[key])}
        elif kind == "yes_no":
            yes, no = acc.items[key]["yes"], acc.items[key]["no"]
            items[key] = {"kind": "yes_no", "yes": yes, "no": no, "pct_yes": pct(yes, yes + no)}
        elif kind == "number":
            n, total, low, high = acc.numbers.get(key, [0, 0.0, 0.0, 0.0])
            items[key] = {
                "kind": "number",
                "n": int(n),
                "min": low if n else None,
                "mean": round_half_up(total / n, 2) if n else None,
                "max": high if n else None,
            }
    agreement = agreement_from_confusion(acc.confusion)
    return {
        "label": period.label,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "partial": period.partial,
        "audits_final": audits_final,
        "audits_single": acc.single,
        "audits_planned": acc.planned,
        "overall": _grades(acc.overall),
        "pct_good_or_better": _good(acc.overall),
        "pct_ri_or_better": _ri(acc.overall),
        "items": items,
        "by_team": {k: _group(v) for k, v in sorted(acc.groups["team"].items())},
        "by_service_area": {k: _group(v) for k, v in sorted(acc.groups["service_area"].items())},
        "by_agency": {k: _group(v) for k, v in sorted(acc.groups["agency"].items())},
        "by_theme": {k: _group(v) for k, v in sorted(acc.groups["theme"].items())},
        "agreement": {
            "pairs": agreement.pairs,
            "exact_pct": agreement.exact_pct,
            "within_one_pct": agreement.within_one_pct,
            "kappa_quadratic": agreement.kappa_quadratic,
            "gwet_ac2": agreement.gwet_ac2,
            "confusion": [list(row) for row in agreement.confusion],
        },
        "moderation": {
            k: int(acc.moderation.get(k, 0)) for k in ("raised", "lowered", "unchanged")
        },
        "auditors": {
            key: {"reviews": n, "mean_difference": round_half_up(diff / n, 2)}
            for key, (n, diff) in sorted(acc.auditors.items())
            if n
        },
        "feedback": _feedback(acc.feedback, questions),
        "feedback_outside": _feedback(acc.outside, questions),
        "worker_feedback_pct": pct(acc.worker, audits_final),
        "actions": {k: int(acc.actions.get(k, 0)) for k in ("open", "overdue", "done")},
        "compliance": {
            key: {k: int(c.get(k, 0)) for k in ("due", "done", "overdue")}
            for key, c in sorted(acc.compliance.items())
        },
        "feedback_by_team": {
            team: _feedback(counts, questions) for team, counts in sorted(acc.feedback_team.items())
        },
        "feedback_conversations": acc.conversations,
        "feedback_families": acc.families,
        "learning_themes": {
            theme: {k: int(c.get(k, 0)) for k in ("strength", "development")}
            for theme, c in sorted(acc.themes.items())
        },
        "by_reviewer_agency": {
            key: {
                "reviews": int(sum(c.values())),
                "overall": _grades(c),
                "pct_good_or_better": _good(c),
            }
            for key, c in sorted(acc.reviewer_agency.items())
        },
        "other_scales": {
            scale: dict(sorted((k, int(n)) for k, n in c.items()))
            for scale, c in sorted(acc.other_scales.items())
        },
    }


# ---------------------------------------------------------------- the queries


def _base_table() -> Table:
    """A temporary table of the report's audits, with a name of its own for each report."""
    return Table(
        f"report_base_{uuid4().hex[:12]}",
        MetaData(),
        Column("audit_id", Integer, primary_key=True),
        Column("p", Integer),
        Column("kind", String(20)),
        Column("overall", String(40)),
        Column("team_id", Integer),
        Column("theme", String(200)),
        Column("template_id", Integer),
        prefixes=["TEMPORARY"],
    )


def _fill_base(session: Session, base: Table, chosen: Any) -> None:
    base.create(session.connection())
    session.execute(
        base.insert().from_select(
            ["audit_id", "p", "kind", "overall", "team_id", "theme", "template_id"], chosen
        )
    )


class _AnswerCounts:
    """The final answers to the counted and number items as (period, item key, value, count):
    the moderation's answers, or the single review's for a single-auditor audit.

    They are most of the report's rows (about 15 per audit), so they are counted on a
    connection of their own, in a thread, while the report's other queries run on the other
    core (both drivers release the GIL while a query runs). SQLite has no hash aggregate: its
    GROUP BY sorts every answer (3 million for 200,000 audits), so there each answer is
    counted into a small keyed table instead (an upsert per answer: half the time), joined from
    the report's audits through the answers' (moderation or review, item) index. PostgreSQL
    groups them. The thread reads in a transaction of its own: an audit finalised while a
    report runs may be counted in one part and not the other (the next report has both)."""

    def __init__(
        self, db: Any, chosen: Any, keys: list[str], other: list[int], grade_keys: list[str]
    ) -> None:
        """`other`: templates graded on another scale than Ofsted's, whose answers to the
        `grade_keys` items are left out (their levels are not the Ofsted grades)."""
        self._db = db
        self._other = other if grade_keys else []
        self._grade_keys = grade_keys
        self._raw: Any = None
        self._stopped = False
        self._rows: list[tuple[int, str, str, int]] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(chosen, keys), name="report-answers", daemon=True
        )
        self._thread.start()

    def result(self) -> list[tuple[int, str, str, int]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._rows

    def stop(self) -> None:
        """Stop counting (the report failed or was cancelled) and wait for the thread."""
        if not self._thread.is_alive():
            return
        self._stopped = True
        stop = getattr(self._raw, "interrupt", None) or getattr(self._raw, "cancel", None)
        if stop is not None:
            try:
                stop()
            except Exception:  # noqa: BLE001 - the thread ends either way
                log.debug("could not interrupt the answers query", exc_info=True)
        self._thread.join()

    def _run(self, chosen: Any, keys: list[str]) -> None:
        try:
            if keys:
                self._rows = self._count(chosen, keys)
        except BaseException as exc:  # noqa: BLE001 - handed to the report's thread
            self._error = exc

    def _count(self, chosen: Any, keys: list[str]) -> list[tuple[int, str, str, int]]:
        with self._db.session() as session:
            connection = session.connection()
            self._raw = connection.connection.driver_connection
            if self._stopped:
                return []
            base = _base_table()
            try:
                _fill_base(session, base, chosen)
                if connection.dialect.name == "sqlite":
                    return self._upsert(session, base.name, keys, self._other, self._grade_keys)
                return self._group(session, base, keys, self._other, self._grade_keys)
            finally:
                base.drop(connection, checkfirst=True)

    @staticmethod
    def _upsert(
        session: Session, base: str, keys: list[str], other: list[int], grade_keys: list[str]
    ) -> list[tuple[int, str, str, int]]:
        acc = f"report_answers_{uuid4().hex[:12]}"
        params: dict[str, Any] = {"keys": keys}
        binds: list[Any] = [bindparam("keys", expanding=True)]
        scale = ""
        if other:  # only where a template is on another scale: the check costs per answer
            scale = "AND NOT (b.template_id IN :other AND +x.item_key IN :grades) "
            params |= {"other": other, "grades": grade_keys}
            binds += [bindparam("other", expanding=True), bindparam("grades", expanding=True)]
        session.execute(
            text(
                f"CREATE TEMPORARY TABLE {acc} (p INTEGER NOT NULL, k TEXT NOT NULL, "
                "v TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (p, k, v)) WITHOUT ROWID"
            )
        )
        try:
            # CROSS JOIN fixes the order (audits, then their moderation or review, then its
            # answers); the unary + keeps SQLite from searching the index once per item key.
            for parent, answers, fk, kind in (
                ("moderations", "moderation_answers", "moderation_id", "b.kind <> 'single'"),
                ("reviews", "review_answers", "review_id", "b.kind = 'single'"),
            ):
                session.execute(
                    text(
                        f"INSERT INTO {acc} (p, k, v, n) "
                        f"SELECT b.p, x.item_key, x.value, 1 FROM {base} AS b "
                        f"CROSS JOIN {parent} AS m CROSS JOIN {answers} AS x "
                        f"WHERE m.audit_id = b.audit_id AND x.{fk} = m.id AND {kind} "
                        "AND +x.item_key IN :keys AND x.value IS NOT NULL "
                        f"{scale}ON CONFLICT (p, k, v) DO UPDATE SET n = n + 1"
                    ).bindparams(*binds),
                    params,
                )
            return [
                (int(p), k, v, int(n))
                for p, k, v, n in session.execute(text(f"SELECT p, k, v, n FROM {acc}"))
            ]
        finally:
            session.execute(text(f"DROP TABLE IF EXISTS {acc}"))

    @staticmethod
    def _group(
        session: Session, base: Table, keys: list[str], other: list[int], grade_keys: list[str]
    ) -> list[tuple[int, str, str, int]]:
        moderated = (
            select(
                base.c.p,
                base.c.template_id,
                ModerationAnswer.item_key.label("key"),
                ModerationAnswer.value,
            )
            .join(Moderation, Moderation.audit_id == base.c.audit_id)
            .join(ModerationAnswer, ModerationAnswer.moderation_id == Moderation.id)
            .where(base.c.kind != "single")
        )
        single = (
            select(
                base.c.p, base.c.template_id, ReviewAnswer.item_key.label("key"), ReviewAnswer.value
            )
            .join(Review, Review.audit_id == base.c.audit_id)
            .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
            .where(base.c.kind == "single")
        )
        answers = moderated.union_all(single).subquery("answers")
        stmt = select(answers.c.p, answers.c.key, answers.c.value, func.count()).where(
            answers.c.key.in_(keys), answers.c.value.is_not(None)
        )
        if other:
            stmt = stmt.where(
                ~and_(answers.c.template_id.in_(other), answers.c.key.in_(grade_keys))
            )
        rows = session.execute(stmt.group_by(answers.c.p, answers.c.key, answers.c.value))
        return [(int(p), k, v, int(n)) for p, k, v, n in rows]


def _index(column: Any, spans: list[tuple[Any, Any]]) -> Any:
    """The period number of a date or time column (NULL outside every period)."""
    return case(
        *[(and_(column >= low, column < high), i) for i, (low, high) in enumerate(spans)],
        else_=None,
    )


def _template_scales(session: Session) -> dict[int, str | None]:
    """Each template's scale: None for the four Ofsted levels (a scale whose graded levels are
    outstanding, good, requires improvement and inadequate), else the scale's key."""
    levels: dict[int, set[str]] = defaultdict(set)
    for scale_id, key in session.execute(
        select(ScaleLevel.scale_id, ScaleLevel.key).where(ScaleLevel.rank.is_not(None))
    ):
        levels[scale_id].add(key)
    keys = dict(session.execute(select(GradingScale.id, GradingScale.key)).all())
    return {
        template_id: None if levels[scale_id] == set(GRADES) else keys[scale_id]
        for template_id, scale_id in session.execute(
            select(AuditTemplate.id, AuditTemplate.scale_id)
        )
    }


def _v11_counts(session: Session, base: Table, accs: list[_Acc], ofsted: list[int]) -> int:
    """The report v1.1 counts of each period: conversations with families and the families
    they were with, learning themes, and the reviews of multi-agency and SEND audits by the
    reviewer's agency. Returns the families of the whole range (distinct cases: the periods'
    counts do not add up to it)."""
    rows = session.execute(
        select(base.c.p, func.count(Feedback.id), func.count(Feedback.case_id.distinct()))
        .join(Feedback, Feedback.audit_id == base.c.audit_id)
        .group_by(base.c.p)
    )
    for p, conversations, families in rows:
        accs[p].conversations += conversations
        accs[p].families += families
    family_total = session.scalar(
        select(func.count(Feedback.case_id.distinct())).join(
            base, Feedback.audit_id == base.c.audit_id
        )
    )
    rows = session.execute(
        select(base.c.p, LearningTheme.theme, LearningPoint.kind, func.count())
        .join(LearningPoint, LearningPoint.audit_id == base.c.audit_id)
        .join(LearningTheme, LearningTheme.learning_point_id == LearningPoint.id)
        .group_by(base.c.p, LearningTheme.theme, LearningPoint.kind)
    )
    for p, theme, kind, n in rows:
        accs[p].themes[theme][kind] += n
    agencies = dict(session.execute(select(Agency.id, Agency.key)).all())
    on_ofsted = set(ofsted)
    rows = session.execute(
        select(base.c.p, Review.agency_id, base.c.template_id, Review.overall, func.count())
        .join(Review, Review.audit_id == base.c.audit_id)
        .where(base.c.kind.in_(("multi_agency", "send")), Review.status == "submitted")
        .group_by(base.c.p, Review.agency_id, base.c.template_id, Review.overall)
    )
    for p, agency_id, template_id, overall, n in rows:
        grade = overall if overall in RANK and template_id in on_ofsted else ""
        accs[p].reviewer_agency[agencies[agency_id]][grade] += n
    return int(family_total or 0)


def compute(
    db: Any,
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
        year_start_month = settings.partnership(db).year_start_month
    spans = periods(date_from, date_to, by, year_start=year_start_month, today=today)
    accs = [_Acc() for _ in spans]
    steps = 11

    def step(n: int) -> None:
        if progress is not None and progress(n, steps) is False:
            raise Cancelled("The report was cancelled")

    step(0)
    times = [(p.lower, p.upper) for p in spans]
    days = [(p.start, p.end + timedelta(days=1)) for p in spans]
    with db.session() as session:
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

        def case_filters(stmt: Any) -> Any:
            """Team, agency and service area narrow by the case's team."""
            if team_ids is not None:
                stmt = stmt.where(Case.team_id.in_(team_ids))
            if area_ids is not None:
                stmt = stmt.where(Case.team_id.in_(area_ids))
            if agency_ids is not None:
                stmt = stmt.where(
                    Case.team_id.in_(select(Team.id).where(Team.agency_id.in_(agency_ids)))
                )
            return stmt

        def audit_filters(stmt: Any) -> Any:
            stmt = case_filters(stmt)
            if programme_id is not None:
                stmt = stmt.where(Audit.programme_id == programme_id)
            if flt.theme:
                stmt = stmt.where(theme_condition(flt.theme))
            return stmt

        def joined(stmt: Any) -> Any:
            """Join the audits' cases and programmes where the filters need them."""
            if team_ids is not None or agency_ids is not None or area_ids is not None:
                stmt = stmt.join(Case, Audit.case_id == Case.id)
            if flt.theme:
                stmt = stmt.join(Programme, Audit.programme_id == Programme.id)
            return stmt

        period_of = _index(Audit.finalised_at, times)
        chosen = audit_filters(
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
        kinds: dict[str, str] = {}
        for key, kind in session.execute(
            select(TemplateItem.key, TemplateItem.kind).order_by(TemplateItem.id)
        ):
            kinds[key] = kind  # the newest version's kind wins
        counted = {k for k, kind in kinds.items() if kind in ("grade", "yes_no")}
        numeric = {k for k, kind in kinds.items() if kind == "number"}
        scales = _template_scales(session)
        ofsted = sorted(t for t, scale in scales.items() if scale is None)
        answers = _AnswerCounts(
            db,
            chosen,
            sorted(counted | numeric),
            sorted(t for t, scale in scales.items() if scale is not None),
            sorted(k for k, kind in kinds.items() if kind == "grade"),
        )
        # The audits in range, their period and what the groupings need, computed once into
        # a temporary table that every query below joins (a CTE would be computed again by
        # each query: on 200,000 audits that was most of the report's time).
        base = _base_table()
        connection = session.connection()
        try:
            _fill_base(session, base, chosen)

            # 1. Final grades by period, team, theme and kind.
            teams = {
                t.id: (t.key, t.service_area or "", t.agency.key)
                for t in session.scalars(select(Team))
            }
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
            step(1)

            # 2. Final answers per item: counted in a thread (_AnswerCounts) meanwhile.
            step(2)
            step(3)

            # 3. Agreement: looped audits with exactly two submitted reviews, both graded.
            first, second = aliased(Review), aliased(Review)
            two = (
                select(Review.audit_id).group_by(Review.audit_id).having(func.count(Review.id) == 2)
            )
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
            step(4)

            # 4. Moderation moves and each auditor's difference from the final grade.
            person_keys = dict(session.execute(select(Person.id, Person.key)).all())
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
            step(5)

            # 5. Family feedback in the audits, and outside audits by the date collected.
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
                .group_by(
                    base.c.p, base.c.team_id, FeedbackAnswer.question_key, FeedbackAnswer.answer
                )
            )
            for p, team_id, key, answer, n in rows:
                accs[p].feedback[key][answer] += n
                accs[p].feedback_team[teams[team_id][0]][key][answer] += n
            if programme_id is None and not flt.theme:  # feedback outside audits has neither
                collected = _index(Feedback.collected_on, days)
                outside = case_filters(
                    select(
                        collected, FeedbackAnswer.question_key, FeedbackAnswer.answer, func.count()
                    )
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
            step(6)

            family_total = _v11_counts(session, base, accs, ofsted)

            # 6. Feedback to the worker.
            rows = session.execute(
                select(base.c.p, func.count())
                .join(WorkerFeedback, WorkerFeedback.audit_id == base.c.audit_id)
                .where(WorkerFeedback.given_to_worker.is_(True))
                .group_by(base.c.p)
            )
            for p, n in rows:
                accs[p].worker += n
            step(7)

            # 7. Actions raised in the period's audits; overdue: open, due before the report's end.
            late = case((learning_actions.overdue_condition(date_to), 1), else_=0)
            rows = session.execute(
                select(base.c.p, Action.status, late, func.count())
                .join(Action, Action.audit_id == base.c.audit_id)
                .group_by(base.c.p, Action.status, late)
            )
            for p, status, overdue, n in rows:
                accs[p].actions[status] += n
                if overdue:
                    accs[p].actions["overdue"] += n
            step(8)

            # 8. Planned: audits (any state) due in the period; compliance: monthly audits per
            # auditor due in the period, done (submitted) or overdue (not, and due before today).
            due = _index(Audit.due_on, days)
            planned = audit_filters(
                joined(
                    select(due, func.count()).where(
                        Audit.due_on >= spans[0].start, Audit.due_on <= spans[-1].end
                    )
                )
            ).group_by(due)
            for p, n in session.execute(planned):
                if p is not None:
                    accs[p].planned += n
            state = case(
                (Review.status == "submitted", literal("done")),
                (Audit.due_on < today, literal("overdue")),
                else_=literal("open"),
            )
            monthly = audit_filters(
                joined(
                    select(due, Review.reviewer_id, state, func.count())
                    .join(Review, Review.audit_id == Audit.id)
                    .where(
                        Audit.programme_id.in_(
                            select(Programme.id).where(Programme.kind == "monthly")
                        ),
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
            step(9)

            # 2 (continued). The final answers counted in the other thread.
            numbers: dict[tuple[int, str], list[float]] = {}
            for p, key, value, n in answers.result():
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
        finally:
            answers.stop()
            base.drop(connection, checkfirst=True)

        # Labels for every key the report names.
        questions = [
            q.key
            for q in session.scalars(
                select(FeedbackQuestion)
                .where(FeedbackQuestion.active.is_(True))
                .order_by(FeedbackQuestion.position)
            )
        ]
        people = {k for acc in accs for k in (*acc.auditors, *acc.compliance)}
        labels = {
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
                for q in session.scalars(
                    select(FeedbackQuestion).order_by(FeedbackQuestion.position)
                )
            },
        }
    total = _Acc()
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
            _period_json(p, acc, kinds, questions) for p, acc in zip(spans, accs, strict=True)
        ],
        "total": _period_json(
            total_period(date_from, date_to, today),
            total,
            kinds,
            questions,
        ),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "filters": flt.as_json(),
        "labels": labels,
    }
    step(11)
    return report


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
    stmt = (
        select(*columns)
        .join(Case, Audit.case_id == Case.id)
        .join(Team, Case.team_id == Team.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(
            Audit.status == "final",
            Audit.finalised_at >= span.lower,
            Audit.finalised_at < span.upper,
            scope.audit_in_scope(actor, Audit.id),
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
    db: Any,
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    filters: Filters | None = None,
) -> list[dict[str, Any]]:
    """One flat row per final audit in the range, with its final answers (for the workbook's
    raw-data sheet): audit, case, team, programme, kind, finalised, overall, then each item."""
    require(actor, "report.view")
    stmt = final_audits_in(
        actor,
        Period("", date_from, date_to),
        filters or Filters(),
        Audit.id,
        *AUDIT_ROW_COLUMNS,
    )
    with db.session() as session:
        rows: dict[int, dict[str, Any]] = {}
        for audit_id, uuid, ref, team, programme, kind, finalised, overall in session.execute(stmt):
            rows[audit_id] = {
                "audit": uuid,
                "case": ref,
                "team": team,
                "programme": programme,
                "kind": kind,
                "finalised": finalised.date() if finalised else None,
                "overall": overall,
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
