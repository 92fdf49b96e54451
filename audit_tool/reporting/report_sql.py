"""The report's SQL building blocks: the temporary table of the report's audits, the final
answers counted in a thread of their own, the period index of a date column, each template's
grading scale, the report v1.1 counts (conversations, learning themes, reviewer agencies) and
the final grades by the value of each choice and yes/no case field."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from typing import TYPE_CHECKING, Any
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
    select,
    text,
)
from sqlalchemy.orm import Session

from audit_tool.models import (
    Agency,
    Audit,
    AuditTemplate,
    CaseField,
    CaseFieldValue,
    Feedback,
    GradingScale,
    LearningPoint,
    LearningTheme,
    Moderation,
    ModerationAnswer,
    Review,
    ReviewAnswer,
    ScaleLevel,
)
from audit_tool.reporting.report_json import GRADES, RANK, Acc

if TYPE_CHECKING:
    from audit_tool.store import Database

log = logging.getLogger(__name__)


def base_table() -> Table:
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


def fill_base(session: Session, base: Table, chosen: Any) -> None:
    base.create(session.connection())
    session.execute(
        base.insert().from_select(
            ["audit_id", "p", "kind", "overall", "team_id", "theme", "template_id"], chosen
        )
    )


class AnswerCounts:
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
        self, db: Database, chosen: Any, keys: list[str], other: list[int], grade_keys: list[str]
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
            base = base_table()
            try:
                fill_base(session, base, chosen)
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


def period_index(column: Any, spans: list[tuple[Any, Any]]) -> Any:
    """The period number of a date or time column (NULL outside every period)."""
    return case(
        *[(and_(column >= low, column < high), i) for i, (low, high) in enumerate(spans)],
        else_=None,
    )


def template_scales(session: Session) -> dict[int, str | None]:
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


def template_scale_keys(session: Session) -> dict[int, str]:
    """Each template's grading scale, by key."""
    return dict(
        session.execute(
            select(AuditTemplate.id, GradingScale.key).join(
                GradingScale, AuditTemplate.scale_id == GradingScale.id
            )
        ).all()
    )


def scale_labels(session: Session) -> dict[str, Any]:
    """The grading scales' names and their levels' words (labels.scales, labels.levels), so
    that an audit on the partnership's own scale is shown in its words, not its keys."""
    names = dict(session.execute(select(GradingScale.id, GradingScale.key)).all())
    levels: dict[str, dict[str, str]] = {key: {} for key in names.values()}
    for scale_id, key, label in session.execute(
        select(ScaleLevel.scale_id, ScaleLevel.key, ScaleLevel.label).order_by(
            ScaleLevel.scale_id, ScaleLevel.position
        )
    ):
        levels[names[scale_id]][key] = label
    return {
        "scales": dict(session.execute(select(GradingScale.key, GradingScale.name)).all()),
        "levels": levels,
    }


def v11_counts(session: Session, base: Table, accs: list[Acc], ofsted: list[int]) -> int:
    """The report v1.1 counts of each period: conversations with families and the families
    they were with, learning themes, and the reviews of multi-agency and SEND audits by the
    reviewer's agency (and a SEND audit's by its strand). Returns the families of the whole
    range (distinct cases: the periods' counts do not add up to it)."""
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
        select(
            base.c.p,
            Review.agency_id,
            base.c.kind,
            Review.part,
            base.c.template_id,
            Review.overall,
            func.count(),
        )
        .join(Review, Review.audit_id == base.c.audit_id)
        .where(base.c.kind.in_(("multi_agency", "send")), Review.status == "submitted")
        .group_by(
            base.c.p, Review.agency_id, base.c.kind, Review.part, base.c.template_id, Review.overall
        )
    )
    for p, agency_id, kind, part, template_id, overall, n in rows:
        grade = overall if overall in RANK and template_id in on_ofsted else ""
        accs[p].reviewer_agency[agencies[agency_id]][grade] += n
        if kind == "send" and part:  # a SEND audit's strand: education, health or social care
            accs[p].send_part[part][grade] += n
    return int(family_total or 0)


NOT_RECORDED = "(not recorded)"


def breakdown_fields(session: Session) -> dict[str, str]:
    """The case fields the report breaks the grades down by (choices and yes/no), key -> label,
    in their order."""
    stmt = (
        select(CaseField.key, CaseField.label)
        .where(CaseField.kind.in_(("choice", "yes_no")))
        .order_by(CaseField.position, CaseField.id)
    )
    return dict(session.execute(stmt).all())


def count_case_fields(
    session: Session, base: Table, accs: list[Acc], scales: dict[int, str | None]
) -> None:
    """Final grades by period and the case's value of each choice and yes/no case field
    (NOT_RECORDED where the case holds none), into the groups "field:<key>"."""
    fields = session.execute(
        select(CaseField.id, CaseField.key).where(CaseField.kind.in_(("choice", "yes_no")))
    ).all()
    for field_id, key in fields:
        value = CaseFieldValue.value
        rows = session.execute(
            select(base.c.p, value, base.c.overall, base.c.template_id, func.count())
            .select_from(base)
            .join(Audit, Audit.id == base.c.audit_id)
            .outerjoin(
                CaseFieldValue,
                and_(CaseFieldValue.case_id == Audit.case_id, CaseFieldValue.field_id == field_id),
            )
            .group_by(base.c.p, value, base.c.overall, base.c.template_id)
        )
        for p, held, overall, template_id, n in rows:
            grade = overall if overall in RANK and scales.get(template_id) is None else ""
            accs[p].groups[f"field:{key}"][held or NOT_RECORDED][grade] += n
