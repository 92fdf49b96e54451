"""Standing monthly audits: how many audits and moderations each person is expected to do
each month (set for everyone with a role, or for one person), and each month's automatic
draw. The plan itself (template, kind of audit, which cases) is a setting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_tool.models.base import Base, HasUuid, Timestamped, utcnow
from audit_tool.models.reference import Person


class MonthlyExpectation(HasUuid, Timestamped, Base):
    """Audits and moderations a month for everyone with `role`, or for one person (which
    replaces what their roles would give them). Exactly one of role and person_id is set."""

    __tablename__ = "monthly_expectations"
    role: Mapped[str | None] = mapped_column(String(20), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), unique=True
    )
    audits: Mapped[int] = mapped_column(Integer, default=0)
    moderations: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person | None] = relationship(lazy="joined")


class MonthlyRun(HasUuid, Base):
    """One month's automatic draw: made once (the month is unique, so two apps opening on
    the same server on the first working day draw it once), with what was expected of each
    person then, so the month's compliance keeps the expectation of its time."""

    __tablename__ = "monthly_runs"
    month: Mapped[date] = mapped_column(Date, unique=True)  # its first day
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), index=True
    )
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seed: Mapped[int] = mapped_column(Integer)
    # person key -> [audits, moderations] expected that month
    expected: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What could not be placed, in words (one line each); empty when all was.
    shortfall: Mapped[str] = mapped_column(Text, default="")
