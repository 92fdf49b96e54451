"""Programmes, audits, their reviews and answers, moderations and urgent concerns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_tool.models.base import Base, HasUuid, Timestamped
from audit_tool.models.cases import Case
from audit_tool.models.reference import Person
from audit_tool.models.templates import AuditTemplate

PROGRAMME_KINDS = ("monthly", "thematic", "multi_agency", "send")
AUDIT_KINDS = ("looped", "single", "multi_agency", "send")
AUDIT_STATUSES = ("draft", "in_review", "in_moderation", "returned", "final")
REVIEW_STATUSES = ("draft", "submitted", "returned")
SEND_PARTS = ("education", "health", "social_care")


class Programme(HasUuid, Timestamped, Base):
    __tablename__ = "programmes"
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    theme: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[int] = mapped_column(ForeignKey("audit_templates.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    sample_seed: Mapped[int | None] = mapped_column(Integer)
    sample_filters: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    template: Mapped[AuditTemplate] = relationship(lazy="joined")


class Audit(HasUuid, Timestamped, Base):
    __tablename__ = "audits"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("audit_templates.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Final overall grade and its date, copied from the moderation (or single review) when the
    # audit becomes final, so lists and reports need not join through the moderation.
    final_overall: Mapped[str | None] = mapped_column(String(40))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Set when retention removed the audit's free text (its grades stay for statistics).
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(lazy="joined")
    programme: Mapped[Programme] = relationship(lazy="joined")
    template: Mapped[AuditTemplate] = relationship()
    moderator: Mapped[Person | None] = relationship(foreign_keys=[moderator_id])
    reviews: Mapped[list[Review]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="Review.id"
    )
    moderation: Mapped[Moderation | None] = relationship(
        back_populates="audit", cascade="all, delete-orphan", uselist=False
    )

    __mapper_args__ = {"version_id_col": revision}


class Review(HasUuid, Timestamped, Base):
    """One auditor's independent audit of the case (one part, for SEND; one agency's, for JTAI)."""

    __tablename__ = "reviews"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    part: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overall: Mapped[str | None] = mapped_column(String(40))
    strengths: Mapped[str] = mapped_column(Text, default="")
    worries: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    return_comment: Mapped[str] = mapped_column(Text, default="")
    # What the review held when last returned (JSON: answers, overall, summary), to mark what
    # its auditor changed since; None until it is first returned.
    at_return: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    audit: Mapped[Audit] = relationship(back_populates="reviews")
    reviewer: Mapped[Person] = relationship()
    answers: Mapped[list[ReviewAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewAnswer.id"
    )

    __mapper_args__ = {"version_id_col": revision}


class ReviewAnswer(Base):
    __tablename__ = "review_answers"
    __table_args__ = (UniqueConstraint("review_id", "item_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")


class Moderation(HasUuid, Timestamped, Base):
    __tablename__ = "moderations"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), unique=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overall: Mapped[str | None] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text, default="")
    panel_summary: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    audit: Mapped[Audit] = relationship(back_populates="moderation")
    answers: Mapped[list[ModerationAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="ModerationAnswer.id"
    )

    __mapper_args__ = {"version_id_col": revision}


class ModerationAnswer(Base):
    __tablename__ = "moderation_answers"
    __table_args__ = (UniqueConstraint("moderation_id", "item_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    moderation_id: Mapped[int] = mapped_column(ForeignKey("moderations.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")


class UrgentConcern(HasUuid, Timestamped, Base):
    """A child may be unsafe now: raised from inside an audit, closed only with a response."""

    __tablename__ = "urgent_concerns"
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    what: Mapped[str] = mapped_column(Text)
    why_urgent: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    response: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
