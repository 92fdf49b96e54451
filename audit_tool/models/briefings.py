"""7-minute learning briefings: editable drafts, frozen published versions, where they were used."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base, HasUuid, Timestamped

# The audits a briefing was drafted from (a programme's, a theme's, or picked by hand).
briefing_audits = Table(
    "briefing_audits",
    Base.metadata,
    Column("briefing_id", ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True),
    Column("audit_id", ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True, index=True),
)


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
    # {"sections": {key: text}, "chart": [[label, n]], "sample": text, "references": [text]}
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Identifying details a lead allowed, each with a reason: [{kind, text, reason, by, at}]
    overrides: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}


class BriefingDelivery(HasUuid, Timestamped, Base):
    """One use of a briefing by a team, from the action-plan page they returned."""

    __tablename__ = "briefing_deliveries"
    briefing_id: Mapped[int] = mapped_column(
        ForeignKey("briefings.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    team_name: Mapped[str] = mapped_column(String(200), default="")
    delivered_on: Mapped[date] = mapped_column(Date)
    presenter: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[int] = mapped_column(Integer, default=0)
    actions: Mapped[str] = mapped_column(Text, default="")
