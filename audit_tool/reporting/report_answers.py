"""The report's final answers per (period, item, value): read from the kept counts
(reporting/aggregates.py) for every whole month of the range, counted from the answers
themselves (report_sql.AnswerCounts, in a thread) for the rest.

The rest is a month the report's range cuts (its first or last day falls mid-month), or
everything when the report's filters ask what the kept counts do not hold: a team, agency or
service area (a case can change team), a theme (a learning point's tag), or an item key that
is free text in one template version and counted in another. The figures are the same either
way (tests/reporting/test_report_aggregates.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from audit_tool.models import Audit, ReportAnswerCount, TemplateItem
from audit_tool.reporting.aggregates import COUNTED_KINDS, first_day, month_of
from audit_tool.reporting.periods import Period
from audit_tool.reporting.report_sql import AnswerCounts

if TYPE_CHECKING:
    from audit_tool.store import Database

Rows = list[tuple[int, str, str, int]]  # period, item key, value, count


@dataclass(frozen=True)
class Split:
    """The report's periods as whole months (read from the kept counts: month -> period) and
    the parts of months left over (counted: (from, to) in UTC, the end excluded)."""

    months: dict[int, int]
    rest: list[tuple[datetime, datetime]]


def split(spans: list[Period]) -> Split:
    months: dict[int, int] = {}
    rest: list[tuple[datetime, datetime]] = []
    for p, span in enumerate(spans):
        first = month_of(span.start) + (span.start.day != 1)
        after = span.end + timedelta(days=1)
        last = month_of(after) - 1  # the month before the one holding the day after the end
        if first > last:
            rest.append((span.lower, span.upper))
            continue
        for month in range(first, last + 1):
            months[month] = p
        low, high = _midnight(first_day(first)), _midnight(first_day(last + 1))
        if span.lower < low:
            rest.append((span.lower, low))
        if high < span.upper:
            rest.append((high, span.upper))
    return Split(months, rest)


def _midnight(day: Any) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class FinalAnswers:
    """The final answers' counts, as AnswerCounts gives them (`result()`, `stop()`)."""

    def __init__(
        self,
        db: Database,
        session: Session,
        chosen: Any,
        keys: list[str],
        other: list[int],
        grade_keys: list[str],
        *,
        spans: list[Period],
        programme_id: int | None,
        kept_usable: bool,
    ) -> None:
        """`chosen`: the report's audits (report._Scope.chosen); `kept_usable`: whether its
        filters are ones the kept counts hold (none, or a programme)."""
        self._rows: Rows = []
        self._rest: AnswerCounts | None = None
        if not keys:
            return
        if not (kept_usable and _counted_alike(session, keys)):
            self._rest = AnswerCounts(db, chosen, keys, other, grade_keys)
            return
        parts = split(spans)
        if parts.rest:
            within = or_(
                *[and_(Audit.finalised_at >= a, Audit.finalised_at < b) for a, b in parts.rest]
            )
            self._rest = AnswerCounts(db, chosen.where(within), keys, other, grade_keys)
        if parts.months:
            self._rows = _kept(session, parts.months, keys, other, grade_keys, programme_id)

    def result(self) -> Rows:
        if self._rest is None:
            return self._rows
        return self._rows + self._rest.result()

    def stop(self) -> None:
        if self._rest is not None:
            self._rest.stop()


def _counted_alike(session: Session, keys: list[str]) -> bool:
    """Whether no template version has one of these (counted) keys as a free-text item: the
    kept counts hold an answer by its own template's kind, the report by the newest one's."""
    text_kind = session.scalar(
        select(TemplateItem.key)
        .where(TemplateItem.key.in_(keys), TemplateItem.kind.not_in(COUNTED_KINDS))
        .limit(1)
    )
    return text_kind is None


def _kept(
    session: Session,
    months: dict[int, int],
    keys: list[str],
    other: list[int],
    grade_keys: list[str],
    programme_id: int | None,
) -> Rows:
    rc = ReportAnswerCount
    stmt = (
        select(rc.month, rc.template_id, rc.item_key, rc.value, func.sum(rc.n))
        .where(rc.month >= min(months), rc.month <= max(months), rc.item_key.in_(keys))
        .group_by(rc.month, rc.template_id, rc.item_key, rc.value)
    )
    if programme_id is not None:
        stmt = stmt.where(rc.programme_id == programme_id)
    skip_templates, skip_keys = set(other), set(grade_keys)
    counts: dict[tuple[int, str, str], int] = {}
    for month, template_id, key, value, n in session.execute(stmt):
        p = months.get(month)
        if p is None or not n or (template_id in skip_templates and key in skip_keys):
            continue
        slot = (p, key, value)
        counts[slot] = counts.get(slot, 0) + int(n)
    return [(p, k, v, n) for (p, k, v), n in counts.items()]
