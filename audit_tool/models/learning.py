"""Closing the loop: learning points, actions, service-user feedback and worker feedback."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_tool.models.base import Base, HasUuid, Timestamped

FEEDBACK_ANSWERS = ("yes", "partly", "no", "not_asked")
RESPONDENTS = ("parent", "carer", "child", "young_person", "other")
CHANNELS = ("phone", "face_to_face", "online")
ACTION_STATUSES = ("open", "done", "cancelled")


class LearningPoint(HasUuid, Timestamped, Base):
    __tablename__ = "learning_points"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    item_key: Mapped[str | None] = mapped_column(String(60))
    in_briefing: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who wrote it: an auditor sees only their own until every review is in (blindness).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    themes: Mapped[list[LearningTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": revision}


class LearningTheme(Base):
    __tablename__ = "learning_themes"
    __table_args__ = (UniqueConstraint("learning_point_id", "theme"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learning_point_id: Mapped[int] = mapped_column(
        ForeignKey("learning_points.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(String(100), index=True)


class Action(HasUuid, Timestamped, Base):
    __tablename__ = "actions"
    audit_id: Mapped[int | None] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    scope: Mapped[str] = mapped_column(String(20), default="case")
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    completion_note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": revision}


class FeedbackQuestion(Base):
    """The question set is configuration; the six standard keys never change."""

    __tablename__ = "feedback_questions"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Feedback(HasUuid, Timestamped, Base):
    """One conversation with a parent, carer or child; inside an audit or on its own."""

    __tablename__ = "feedback"
    audit_id: Mapped[int | None] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    collected_on: Mapped[date] = mapped_column(Date)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    answers: Mapped[list[FeedbackAnswer]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": revision}


class FeedbackAnswer(Base):
    __tablename__ = "feedback_answers"
    __table_args__ = (UniqueConstraint("feedback_id", "question_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(ForeignKey("feedback_questions.key"))
    answer: Mapped[str] = mapped_column(String(20))


class WorkerFeedback(Base):
    """Whether the audited worker and their manager were given feedback on the audit."""

    __tablename__ = "worker_feedback"
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True
    )
    given_to_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    given_to_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    given_on: Mapped[date | None] = mapped_column(Date)
    how: Mapped[str] = mapped_column(String(200), default="")
