"""Counts kept for the QA report: the final answers to the counted items (grade, yes/no and
number items), by the month the audit became final, its programme and its template.

An audit's answers are added when it becomes final (confirmed, its single review submitted,
checked in or imported from a pack) and taken away when it stops being final (reopened) or its
final answers change (a pack import, a retention run), in the same transaction
(reporting/aggregates.py). The report reads whole months from here instead of counting about
15 answers per audit; it counts the rest (a month cut by the report's range, a filter these
counts do not hold) from the answers themselves, so the figures are the same either way."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base


class ReportAnswerCount(Base):
    __tablename__ = "report_answer_counts"
    __table_args__ = (
        PrimaryKeyConstraint("month", "programme_id", "template_id", "item_key", "value"),
    )
    # The month the audit became final, in UTC, as year * 12 + month - 1 (2026-01 is 24312).
    month: Mapped[int] = mapped_column(Integer)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    template_id: Mapped[int] = mapped_column(ForeignKey("audit_templates.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    n: Mapped[int] = mapped_column(Integer)
