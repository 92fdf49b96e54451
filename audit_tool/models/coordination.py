"""Working together on a team server: short-lived claims on work only one person may do at a
time, and audits checked out to a laptop to be worked on offline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base, HasUuid

# A setting that only a checked-out laptop file has: the server its audits came from.
OFFLINE_SOURCE_SETTING = "offline.checked_out_from"


class Claim(Base):
    """ "Being moderated by ... since ...": one running app holds it and renews it while the
    work is open; it lapses at `expires_at` if that app goes away."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("entity", "entity_uuid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(36))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64))  # the running app that holds it
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Checkout(HasUuid, Base):
    """An audit checked out from this (server) database to a laptop, until it is checked in."""

    __tablename__ = "checkouts"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")  # where it went: file, laptop
    revision: Mapped[int] = mapped_column(Integer)  # the audit's revision when it left
    checked_out_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
