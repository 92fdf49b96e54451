"""Complaints and compliments: a learning source beside audits.

A complaint is received by an agency (and team), at a stage of the complaints procedure, with
one or more points raised (each tagged with themes), an outcome, a response due by the stage's
timescale in working days and the date it was answered; several agencies may answer jointly.
Its learning points are its own (the audit learning table belongs to audits); its actions are
ordinary actions (models.learning.Action), linked through complaint_actions, so they are
followed up in the Actions list with the rest. A compliment records from whom (a role, never a
name), a summary that may be shared once it names nobody, and its themes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_tool.models.base import Base, HasUuid, Timestamped

STAGES = ("stage1", "stage2", "ombudsman")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
COMPLIMENT_FROM = ("parent", "carer", "child", "young_person", "professional", "other")


class Complaint(HasUuid, Timestamped, Base):
    __tablename__ = "complaints"
    # The complaints system's own reference (not a case reference): what an import matches on.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    # Worked out from the received date and the stage's timescale when recorded (a later change
    # of the timescale does not move the due date of complaints already held).
    due_on: Mapped[date] = mapped_column(Date, index=True)
    responded_on: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    points: Mapped[list[ComplaintPoint]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ComplaintPoint.position"
    )
    partners: Mapped[list[ComplaintAgency]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": revision}


class ComplaintAgency(Base):
    """Another agency answering the complaint jointly with the one that received it."""

    __tablename__ = "complaint_agencies"
    __table_args__ = (UniqueConstraint("complaint_id", "agency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)


class ComplaintPoint(Base):
    __tablename__ = "complaint_points"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[ComplaintPointTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class ComplaintPointTheme(Base):
    __tablename__ = "complaint_point_themes"
    __table_args__ = (UniqueConstraint("point_id", "theme"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(
        ForeignKey("complaint_points.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(String(100), index=True)


class ComplaintLearning(HasUuid, Timestamped, Base):
    """A strength or an area for development learned from a complaint."""

    __tablename__ = "complaint_learning"
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    in_briefing: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    themes: Mapped[list[ComplaintLearningTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class ComplaintLearningTheme(Base):
    __tablename__ = "complaint_learning_themes"
    __table_args__ = (UniqueConstraint("learning_id", "theme"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learning_id: Mapped[int] = mapped_column(
        ForeignKey("complaint_learning.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(String(100), index=True)


class ComplaintAction(Base):
    """An action (models.learning.Action) raised from a complaint."""

    __tablename__ = "complaint_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), unique=True
    )


class Compliment(HasUuid, Timestamped, Base):
    __tablename__ = "compliments"
    received_on: Mapped[date] = mapped_column(Date, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    from_role: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Only once the names check finds nobody in the summary (services.complaints.compliments).
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    themes: Mapped[list[ComplimentTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": revision}


class ComplimentTheme(Base):
    __tablename__ = "compliment_themes"
    __table_args__ = (UniqueConstraint("compliment_id", "theme"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    compliment_id: Mapped[int] = mapped_column(
        ForeignKey("compliments.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(String(100), index=True)
