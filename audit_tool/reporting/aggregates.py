"""The report's kept counts of final answers (models/report_counts.py): added as audits become
final, taken away as they stop being final, rebuilt whole, and checked against a recount.

Every count comes from one definition (`_answers`): the final answers (the moderation's, or the
single review's for a single-auditor audit) of final audits to the items that are graded,
yes/no or numbers in the audit's own template, with a value. Keeping them is a delta of that
definition over the audits a change touches: `kept(session, ids)` takes the audits' counts away
before the change and adds them back after it, in the caller's transaction, so whatever the
change did (confirm, reopen, an import replacing the answers, a retention run clearing some),
the table stays equal to a recount. `check` compares the two; `rebuild` recounts.

The month is the UTC month the audit became final, as year * 12 + month - 1, computed by the
database (`month_index`) so that a rebuild over millions of answers stays one statement."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, delete, func, insert, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from audit_tool.models import (
    Audit,
    Moderation,
    ModerationAnswer,
    ReportAnswerCount,
    Review,
    ReviewAnswer,
    TemplateItem,
)

COUNTED_KINDS = ("grade", "yes_no", "number")
Row = tuple[int, int, int, str, str, int]  # month, programme, template, item key, value, n
_CHUNK = 500  # audit ids per statement (SQLite's limit on bound values is far above)

_UPSERT = text(
    "INSERT INTO report_answer_counts (month, programme_id, template_id, item_key, value, n) "
    "VALUES (:month, :programme_id, :template_id, :item_key, :value, :n) "
    "ON CONFLICT (month, programme_id, template_id, item_key, value) "
    "DO UPDATE SET n = report_answer_counts.n + excluded.n"
)
_DROP_ZERO = text(
    "DELETE FROM report_answer_counts WHERE month = :month AND programme_id = :programme_id "
    "AND template_id = :template_id AND item_key = :item_key AND value = :value AND n = 0"
)


class month_index(FunctionElement[int]):  # noqa: N801 - a SQL function, named as one
    """The UTC month of a timestamp as year * 12 + month - 1."""

    type = Integer()
    inherit_cache = True
    name = "month_index"


@compiles(month_index, "sqlite")
def _month_sqlite(element: month_index, compiler: Any, **kw: Any) -> str:
    # SQLite keeps timestamps as text, 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC.
    column = compiler.process(next(iter(element.clauses)), **kw)
    return (
        f"(CAST(substr({column}, 1, 4) AS INTEGER) * 12 "
        f"+ CAST(substr({column}, 6, 2) AS INTEGER) - 1)"
    )


@compiles(month_index, "postgresql")
def _month_postgresql(element: month_index, compiler: Any, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(CAST(EXTRACT(YEAR FROM {utc}) AS INTEGER) * 12 "
        f"+ CAST(EXTRACT(MONTH FROM {utc}) AS INTEGER) - 1)"
    )


def month_of(day: date) -> int:
    """The month index of a day (or time), as `month_index` computes it in SQL."""
    return day.year * 12 + day.month - 1


def first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def _answers(*where: Any) -> Any:
    """One row per counted final answer: month, programme, template, item key, value."""
    parts = []
    for parent, answers, link, single in (
        (Moderation, ModerationAnswer, ModerationAnswer.moderation_id, False),
        (Review, ReviewAnswer, ReviewAnswer.review_id, True),
    ):
        parts.append(
            select(
                month_index(Audit.finalised_at).label("month"),
                Audit.programme_id.label("programme_id"),
                Audit.template_id.label("template_id"),
                answers.item_key.label("item_key"),
                answers.value.label("value"),
            )
            .select_from(Audit)
            .join(parent, parent.audit_id == Audit.id)
            .join(answers, link == parent.id)
            .join(
                TemplateItem,
                and_(
                    TemplateItem.template_id == Audit.template_id,
                    TemplateItem.key == answers.item_key,
                ),
            )
            .where(
                Audit.status == "final",
                Audit.finalised_at.is_not(None),
                (Audit.kind == "single") if single else (Audit.kind != "single"),
                answers.value.is_not(None),
                TemplateItem.kind.in_(COUNTED_KINDS),
                *where,
            )
        )
    return parts[0].union_all(parts[1]).subquery("answers")


def _grouped(*where: Any) -> Any:
    a = _answers(*where)
    columns = (a.c.month, a.c.programme_id, a.c.template_id, a.c.item_key, a.c.value)
    return select(*columns, func.count()).group_by(*columns)


def recount(session: Session, *where: Any) -> dict[tuple[int, int, int, str, str], int]:
    """The counts as they should be, from the answers themselves (all, or those `where` picks)."""
    return {
        (int(m), int(p), int(t), k, v): int(n)
        for m, p, t, k, v, n in session.execute(_grouped(*where))
    }


def stored(session: Session) -> dict[tuple[int, int, int, str, str], int]:
    """The counts as kept (rows whose count is 0 are left out)."""
    rc = ReportAnswerCount
    return {
        (m, p, t, k, v): n
        for m, p, t, k, v, n in session.execute(
            select(rc.month, rc.programme_id, rc.template_id, rc.item_key, rc.value, rc.n)
        )
        if n
    }


def _apply(session: Session, audit_ids: list[int], sign: int) -> None:
    for i in range(0, len(audit_ids), _CHUNK):
        counts = recount(session, Audit.id.in_(audit_ids[i : i + _CHUNK]))
        if not counts:
            continue
        # In key order, so two transactions changing the same counts take them in one order
        # (PostgreSQL: no deadlock between two confirmations).
        rows = [
            {
                "month": m,
                "programme_id": p,
                "template_id": t,
                "item_key": k,
                "value": v,
                "n": sign * n,
            }
            for (m, p, t, k, v), n in sorted(counts.items())
        ]
        session.execute(_UPSERT, rows)
        if sign < 0:
            session.execute(_DROP_ZERO, rows)


def remove(session: Session, audit_ids: Iterable[int]) -> None:
    """Take away the counts of those of these audits that are final now."""
    _apply(session, sorted(set(audit_ids)), -1)


def add(session: Session, audit_ids: Iterable[int]) -> None:
    """Add the counts of those of these audits that are final now."""
    session.flush()
    _apply(session, sorted(set(audit_ids)), +1)


@contextmanager
def kept(session: Session, audit_ids: Iterable[int | None]) -> Iterator[list[int]]:
    """Around a change to these audits (their status, grades or final answers): their counts
    are taken away before it and added back after it, as they then are. Yields the list of
    ids, to which the body may add the ids of audits it creates."""
    ids = sorted({i for i in audit_ids if i is not None})
    remove(session, ids)
    yield ids
    add(session, ids)


def rebuild(session: Session) -> int:
    """Count every final answer again into the table (a new or repaired database); returns the
    number of rows kept."""
    session.execute(delete(ReportAnswerCount))
    session.execute(
        insert(ReportAnswerCount).from_select(
            ["month", "programme_id", "template_id", "item_key", "value", "n"], _grouped()
        )
    )
    return int(session.scalar(select(func.count()).select_from(ReportAnswerCount)) or 0)


def check(session: Session) -> list[str]:
    """How the kept counts differ from a recount (nothing when they are right), a line each,
    naming only months, ids, item keys and numbers (never an answer's words: only counted
    items are kept)."""
    should, have = recount(session), stored(session)
    problems = []
    for key in sorted(should.keys() | have.keys()):
        if should.get(key, 0) != have.get(key, 0):
            month, programme, template, item, value = key
            problems.append(
                f"{first_day(month):%Y-%m}, programme {programme}, template {template}, "
                f"{item} = {value!r}: kept {have.get(key, 0)}, counted {should.get(key, 0)}"
            )
    return problems
