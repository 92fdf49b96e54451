"""Notices: one row per person per event that concerns them (an audit assigned to them, a
review returned to them, an urgent concern on an audit they are on, an audit they reviewed
confirmed), read in the app's Notices list. Each holds only the case reference and a short
line of text, never case text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base, HasUuid, utcnow

NOTICE_KINDS = ("assigned", "returned", "concern", "confirmed")


class Notice(HasUuid, Base):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_person_id_read_at", "person_id", "read_at"),)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The audit it is about; removed with the audit (and by a retention run, with the case
    # reference it names).
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    case_ref: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
