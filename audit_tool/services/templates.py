"""Audit templates and grading scales: reading the versioned templates that audits follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.errors import NotFound
from audit_tool.models import AuditTemplate
from audit_tool.services.actors import Actor, require


@dataclass(frozen=True)
class ScaleLevelRow:
    key: str
    label: str
    rank: int | None  # 1 is best; None for "Not applicable"


@dataclass(frozen=True)
class TemplateItemRow:
    key: str
    label: str
    kind: str  # grade, yes_no, number or text
    limiting: bool
    section: str
    guidance: str


@dataclass(frozen=True)
class TemplateRow:
    uuid: str
    key: str
    version: int
    name: str
    kind: str
    description: str
    retired: bool
    scale_key: str
    scale_name: str
    levels: tuple[ScaleLevelRow, ...]
    items: tuple[TemplateItemRow, ...]

    @property
    def sections(self) -> list[str]:
        """Section names in the order their first item appears."""
        return list(dict.fromkeys(item.section for item in self.items))

    @property
    def graded_items(self) -> list[TemplateItemRow]:
        return [item for item in self.items if item.kind == "grade"]


def _row(template: AuditTemplate) -> TemplateRow:
    return TemplateRow(
        uuid=template.uuid,
        key=template.key,
        version=template.version,
        name=template.name,
        kind=template.kind,
        description=template.description,
        retired=template.retired,
        scale_key=template.scale.key,
        scale_name=template.scale.name,
        levels=tuple(ScaleLevelRow(lv.key, lv.label, lv.rank) for lv in template.scale.levels),
        items=tuple(
            TemplateItemRow(i.key, i.label, i.kind, i.limiting, i.section, i.guidance)
            for i in template.items
        ),
    )


def list_templates(db: Any, actor: Actor, *, include_retired: bool = False) -> list[TemplateRow]:
    """The latest version of each template, by name."""
    require(actor, "template.view")
    latest = (
        select(AuditTemplate.key, func.max(AuditTemplate.version).label("version"))
        .group_by(AuditTemplate.key)
        .subquery()
    )
    stmt = (
        select(AuditTemplate)
        .join(
            latest,
            (AuditTemplate.key == latest.c.key) & (AuditTemplate.version == latest.c.version),
        )
        .order_by(AuditTemplate.name)
    )
    if not include_retired:
        stmt = stmt.where(AuditTemplate.retired.is_(False))
    with db.session() as session:
        return [_row(t) for t in session.scalars(stmt).unique()]


def get_template(db: Any, actor: Actor, key: str, version: int | None = None) -> TemplateRow:
    """One template: the given version, or the latest."""
    require(actor, "template.view")
    with db.session() as session:
        return _row(_template(session, key, version))


def _template(session: Session, key: str, version: int | None) -> AuditTemplate:
    stmt = select(AuditTemplate).where(AuditTemplate.key == key)
    stmt = (
        stmt.where(AuditTemplate.version == version)
        if version is not None
        else stmt.order_by(AuditTemplate.version.desc()).limit(1)
    )
    template = session.scalars(stmt).unique().first()
    if template is None:
        which = f"version {version} of " if version is not None else ""
        raise NotFound(f"No audit template {which}'{key}'")
    return template
