"""7-minute learning briefings: editable drafts and frozen published versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base, HasUuid, Timestamped


class Briefing(HasUuid, Timestamped, Base):
    __tablename__ = "briefings"
    title: Mapped[str] = mapped_column(String(300))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    theme: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("briefings.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    audience: Mapped[str] = mapped_column(String(300), default="")
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
