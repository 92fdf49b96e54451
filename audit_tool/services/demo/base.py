"""The builder's shared machinery: the bulk row buffer, the tables it fills, month and
quarter arithmetic, and the seeded ids, uuids and times every stage draws from."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from audit_tool.errors import Cancelled
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    Case,
    Feedback,
    FeedbackAnswer,
    LearningPoint,
    LearningTheme,
    Moderation,
    ModerationAnswer,
    Person,
    PersonRole,
    Programme,
    Review,
    ReviewAnswer,
    Team,
    WorkerFeedback,
)


@dataclass
class _Rows:
    """Rows waiting for one bulk insert per table, in foreign-key order.

    The answer and tag tables hold millions of short rows of plain integers and text: they
    go in as tuples through the driver's executemany, which skips SQLAlchemy's per-row
    parameter handling (a third of the run time at 200,000 audits). Every other table goes
    through Core `insert()`, which converts dates and times for each backend."""

    tables: tuple[Table, ...]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tuples: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.rows.setdefault(table.name, []).append(row)

    def raw(self, table: Table) -> list[tuple[Any, ...]]:
        """The tuple list for a table in _RAW_COLUMNS, in that column order."""
        return self.tuples.setdefault(table.name, [])

    def flush(self, session: Session) -> None:
        for table in self.tables:
            batch = self.rows.pop(table.name, None)
            if batch:
                session.execute(insert(table), batch)
            plain = self.tuples.pop(table.name, None)
            if plain:
                columns = _RAW_COLUMNS[table.name]
                mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
                sql = (
                    f"INSERT INTO {table.name} ({', '.join(columns)}) "
                    f"VALUES ({', '.join([mark] * len(columns))})"
                )
                session.connection().exec_driver_sql(sql, plain)


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


AGENCY_T, TEAM_T, PERSON_T, ROLE_T = _t(Agency), _t(Team), _t(Person), _t(PersonRole)
CASE_T, PROGRAMME_T, AUDIT_T, REVIEW_T = _t(Case), _t(Programme), _t(Audit), _t(Review)
REVIEW_ANSWER_T, MODERATION_T = _t(ReviewAnswer), _t(Moderation)
MODERATION_ANSWER_T, WORKER_FEEDBACK_T = _t(ModerationAnswer), _t(WorkerFeedback)
LEARNING_POINT_T, LEARNING_THEME_T, ACTION_T = _t(LearningPoint), _t(LearningTheme), _t(Action)
FEEDBACK_T, FEEDBACK_ANSWER_T = _t(Feedback), _t(FeedbackAnswer)
_RAW_COLUMNS = {
    "review_answers": ("id", "review_id", "item_key", "value", "comment"),
    "moderation_answers": ("id", "moderation_id", "item_key", "value", "comment"),
    "learning_themes": ("id", "learning_point_id", "theme"),
    "feedback_answers": ("id", "feedback_id", "question_key", "answer"),
}
_AUDIT_TABLES = (
    AUDIT_T,
    REVIEW_T,
    REVIEW_ANSWER_T,
    MODERATION_T,
    MODERATION_ANSWER_T,
    WORKER_FEEDBACK_T,
    LEARNING_POINT_T,
    LEARNING_THEME_T,
    ACTION_T,
    FEEDBACK_T,
    FEEDBACK_ANSWER_T,
)
_SEQUENCED = (
    AGENCY_T,
    TEAM_T,
    PERSON_T,
    ROLE_T,
    CASE_T,
    PROGRAMME_T,
    AUDIT_T,
    REVIEW_T,
    REVIEW_ANSWER_T,
    MODERATION_T,
    MODERATION_ANSWER_T,
    LEARNING_POINT_T,
    LEARNING_THEME_T,
    ACTION_T,
    FEEDBACK_T,
    FEEDBACK_ANSWER_T,
)


def _month_start(day: date, back: int) -> date:
    """First day of the month `back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(start: date) -> date:
    return _month_start(start, -1) - timedelta(days=1)


def _quarter_start(day: date, back: int) -> date:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, (index % 4) * 3 + 1, 1)


def _quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


class _Base:
    """The seeded state every stage shares: ids, uuids, times, progress."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        today: date,
        progress: Callable[[int, int], bool] | None,
    ) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        self.today_ord = today.toordinal()
        self.progress = progress
        self.total = 0
        self.done = 0
        self.next_id: dict[str, int] = {}
        for table in _SEQUENCED:
            top = session.scalar(select(func.max(table.c.id)))
            self.next_id[table.name] = int(top or 0) + 1
        self.window_start = _month_start(today, 23)
        self.window_ord = self.window_start.toordinal()
        self.stamp = datetime(today.year, today.month, today.day, 8, 0, tzinfo=UTC)

    def _id(self, table: Table) -> int:
        value = self.next_id[table.name]
        self.next_id[table.name] = value + 1
        return value

    def _ids(self, table: Table, count: int) -> int:
        """Allocate `count` consecutive ids; returns the first."""
        first = self.next_id[table.name]
        self.next_id[table.name] = first + count
        return first

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _at(self, day_ord: int, low: int = 0, high: int = 480) -> datetime:
        """A working-day time, `low`..`high` minutes after 09:00 on that day."""
        day = date.fromordinal(min(day_ord, self.today_ord))
        return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(
            minutes=self.rng.randint(low, high)
        )

    def _tick(self, step: int) -> None:
        self.done += step
        if self.progress is not None and not self.progress(self.done, self.total):
            raise Cancelled("Demo data generation cancelled; nothing was written")
