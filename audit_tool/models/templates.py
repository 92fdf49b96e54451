"""Grading scales and versioned audit templates with their items."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_tool.models.base import Base, HasUuid, Timestamped

ITEM_KINDS = ("grade", "yes_no", "number", "text")
TEMPLATE_KINDS = ("looped", "single", "multi_agency", "send")


class GradingScale(HasUuid, Base):
    __tablename__ = "grading_scales"
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    levels: Mapped[list[ScaleLevel]] = relationship(
        order_by="ScaleLevel.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ScaleLevel(Base):
    """One grade on a scale. `rank` 1 is best; None means the level is not graded (n/a)."""

    __tablename__ = "scale_levels"
    __table_args__ = (UniqueConstraint("scale_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("grading_scales.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int | None] = mapped_column(SmallInteger)
    position: Mapped[int] = mapped_column(SmallInteger)


class AuditTemplate(HasUuid, Timestamped, Base):
    __tablename__ = "audit_templates"
    __table_args__ = (UniqueConstraint("key", "version"),)
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="looped")
    description: Mapped[str] = mapped_column(Text, default="")
    scale_id: Mapped[int] = mapped_column(ForeignKey("grading_scales.id"))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    scale: Mapped[GradingScale] = relationship(lazy="joined")
    items: Mapped[list[TemplateItem]] = relationship(
        order_by="TemplateItem.position", cascade="all, delete-orphan", lazy="selectin"
    )


class TemplateItem(HasUuid, Base):
    __tablename__ = "template_items"
    __table_args__ = (UniqueConstraint("template_id", "key"),)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("audit_templates.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    limiting: Mapped[bool] = mapped_column(Boolean, default=False)
    section: Mapped[str] = mapped_column(String(200), default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
