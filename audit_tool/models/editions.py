"""Report editions: the QA lead's commentary on each section of a report, kept as numbered
versions (a draft being written, published versions frozen), as briefings are.

An edition belongs to the report of one period (a quarter, month or year, by its first day)
narrowed by one set of filters: the report the commentary was written beside. Exports of that
report print the newest edition the reader may see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base, HasUuid, Timestamped

EDITION_STATUSES = ("draft", "published")


class ReportEdition(HasUuid, Timestamped, Base):
    __tablename__ = "report_editions"
    __table_args__ = (
        # One version number per report; two leads starting a version at once: one fails.
        UniqueConstraint(
            "period_by",
            "period_start",
            "filters_key",
            "version",
            name="uq_report_editions_version",
        ),
        Index("ix_report_editions_report", "period_by", "period_start", "filters_key"),
    )
    period_by: Mapped[str] = mapped_column(String(10))  # quarter, month or year
    period_start: Mapped[date] = mapped_column(Date)  # the whole period's first day
    period_end: Mapped[date] = mapped_column(Date)  # and its last
    period_label: Mapped[str] = mapped_column(String(40))
    # The report's filters as canonical JSON (sorted keys, only those set): "{}" for none.
    filters_key: Mapped[str] = mapped_column(String(600), default="{}")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("report_editions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # {section key: the lead's text, in the briefings' light markup}
    commentary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}
