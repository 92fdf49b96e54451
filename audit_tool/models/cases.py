"""Cases: a child's record in the case-management system, by reference and initials only."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_tool.models.base import Base, HasUuid, Timestamped
from audit_tool.models.reference import Person, Team

CASE_TYPES = ("early_help", "cin", "cp", "cla", "care_leaver", "send", "other")
CASE_TYPE_LABELS = {
    "early_help": "Early help",
    "cin": "Child in need",
    "cp": "Child protection",
    "cla": "Child looked after",
    "care_leaver": "Care leaver",
    "send": "SEND",
    "other": "Other",
}


class Case(HasUuid, Timestamped, Base):
    __tablename__ = "cases"
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    initials: Mapped[str] = mapped_column(String(8), index=True)
    case_type: Mapped[str] = mapped_column(String(20), index=True)
    level_of_need: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Set when retention replaced the reference and initials (every audit of it had expired).
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    team: Mapped[Team] = relationship(lazy="joined")
    worker: Mapped[Person | None] = relationship(foreign_keys=[worker_id], lazy="joined")
    manager: Mapped[Person | None] = relationship(foreign_keys=[manager_id], lazy="joined")

    __mapper_args__ = {"version_id_col": revision}
