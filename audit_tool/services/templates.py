"""Audit templates and grading scales: reading the versioned templates that audits follow."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import AuditTemplate
from audit_tool.models.templates import ITEM_KINDS, TEMPLATE_KINDS
from audit_tool.services import changelog

if TYPE_CHECKING:
    from audit_tool.store import Database


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


def template_row(template: AuditTemplate) -> TemplateRow:
    """A template (one version) as callers get it: its items and its scale's levels."""
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


def list_templates(
    db: Database, actor: Actor, *, include_retired: bool = False
) -> list[TemplateRow]:
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
        return [template_row(t) for t in session.scalars(stmt).unique()]


def get_template(db: Database, actor: Actor, key: str, version: int | None = None) -> TemplateRow:
    """One template: the given version, or the latest."""
    require(actor, "template.view")
    with db.session() as session:
        return template_row(_template(session, key, version))


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


# ---------------------------------------------------------------- editing


@dataclass(frozen=True)
class ItemInput:
    key: str
    label: str
    kind: str
    limiting: bool = False
    section: str = ""
    guidance: str = ""


_KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")


def _check(key: str, name: str, kind: str, items: list[ItemInput]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _KEY.match(key):
        errors["key"] = "Use 1-60 lower-case letters, digits or '_'"
    if not name.strip():
        errors["name"] = "A name is required"
    if kind not in TEMPLATE_KINDS:
        errors["kind"] = f"Choose one of: {', '.join(TEMPLATE_KINDS)}"
    if not any(i.kind == "grade" for i in items):
        errors["items"] = "A template needs at least one graded practice area"
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        where = f"Item {n}"
        if not _KEY.match(item.key):
            errors["items"] = (
                f"{where}: the key '{item.key}' is not valid (lower-case, digits, '_')"
            )
        elif item.key in seen:
            errors["items"] = f"{where}: the key '{item.key}' is used twice"
        elif not item.label.strip():
            errors["items"] = f"{where}: a label is required"
        elif item.kind not in ITEM_KINDS:
            errors["items"] = f"{where}: the kind must be one of {', '.join(ITEM_KINDS)}"
        elif item.limiting and item.kind != "grade":
            errors["items"] = f"{where}: only a graded item can limit the overall grade"
        seen.add(item.key)
    return errors


def save_template(
    db: Database,
    actor: Actor,
    *,
    key: str,
    name: str,
    kind: str,
    items: list[ItemInput],
    description: str = "",
    scale_key: str = "ofsted",
) -> TemplateRow:
    """Create a template, or change one. A template that audits already use gets a new
    version instead, so every audit keeps the version it started with."""
    require(actor, "template.edit")
    key = key.strip()
    errors = _check(key, name, kind, items)
    if errors:
        raise ValidationError("The template was not saved: " + "; ".join(errors.values()), errors)
    from audit_tool.models import GradingScale

    with db.transaction() as session:
        latest = session.scalars(
            select(AuditTemplate)
            .where(AuditTemplate.key == key)
            .order_by(AuditTemplate.version.desc())
            .limit(1)
        ).first()
        scale_id = session.scalar(select(GradingScale.id).where(GradingScale.key == scale_key))
        if scale_id is None:
            raise ValidationError(
                f"No grading scale '{scale_key}'", {"scale": f"No grading scale '{scale_key}'"}
            )
        content: dict[str, Any] = {
            "scale": scale_key,
            "name": name.strip(),
            "kind": kind,
            "description": description.strip(),
            "items": [asdict(i) | {"label": i.label.strip()} for i in items],
        }
        if latest is not None and _held_content(latest) == content:
            return template_row(latest)
        template, action = _template_to_write(session, key, latest, scale_id)
        _fill_template(template, content, kind, scale_id, items)
        session.flush()
        session.expire(template, ["scale"])  # the scale may have changed with scale_id
        changelog.record(
            session,
            actor,
            action,
            "template",
            template.uuid,
            after={"key": key, "version": template.version, **content},
            summary=f"Template {template.name} version {template.version} "
            + ("created" if action == "create" else "changed"),
        )
        return template_row(template)


def _held_content(latest: AuditTemplate) -> dict[str, Any]:
    """A stored template's content, as save_template compares it."""
    return {
        "scale": latest.scale.key,
        "name": latest.name,
        "kind": latest.kind,
        "description": latest.description,
        "items": [
            {
                "key": i.key,
                "label": i.label,
                "kind": i.kind,
                "limiting": i.limiting,
                "section": i.section,
                "guidance": i.guidance,
            }
            for i in latest.items
        ],
    }


def _template_to_write(
    session: Session, key: str, latest: AuditTemplate | None, scale_id: int
) -> tuple[AuditTemplate, str]:
    """A new version if there is none yet or audits use the latest, else the latest with
    its items cleared; and the change-log action ("create" or "update")."""
    from audit_tool.models import Audit

    in_use = latest is not None and session.scalar(
        select(func.count(Audit.id)).where(Audit.template_id == latest.id)
    )
    if latest is None or in_use:
        template = AuditTemplate(
            key=key, version=(latest.version + 1) if latest else 1, scale_id=scale_id
        )
        session.add(template)
        action = "create"
    else:
        template = latest
        action = "update"
        template.items.clear()
        session.flush()
    return template, action


def _fill_template(
    template: AuditTemplate,
    content: dict[str, Any],
    kind: str,
    scale_id: int,
    items: list[ItemInput],
) -> None:
    from audit_tool.models import TemplateItem

    template.name, template.kind = content["name"], kind
    template.scale_id = scale_id
    template.description = content["description"]
    template.items.extend(
        TemplateItem(
            key=i.key,
            label=i.label.strip(),
            kind=i.kind,
            limiting=i.limiting,
            section=i.section.strip(),
            guidance=i.guidance.strip(),
            position=n,
        )
        for n, i in enumerate(items)
    )


def retire_template(db: Database, actor: Actor, key: str) -> None:
    """No new programme may use the template; audits that use it keep it."""
    require(actor, "template.edit")
    with db.transaction() as session:
        template = _template(session, key, None)
        if template.retired:
            return
        template.retired = True
        session.flush()
        changelog.record(
            session,
            actor,
            "retire",
            "template",
            template.uuid,
            after={"key": key, "version": template.version},
            summary=f"Template {template.name} retired",
        )


# ---------------------------------------------------------------- grading scales


@dataclass(frozen=True)
class ScaleRow:
    key: str
    name: str
    levels: tuple[ScaleLevelRow, ...]
    in_use: bool


def list_scales(db: Database, actor: Actor) -> list[ScaleRow]:
    require(actor, "template.view")
    from audit_tool.models import GradingScale

    with db.session() as session:
        used = set(session.scalars(select(AuditTemplate.scale_id)))
        return [
            ScaleRow(
                s.key,
                s.name,
                tuple(ScaleLevelRow(lv.key, lv.label, lv.rank) for lv in s.levels),
                s.id in used,
            )
            for s in session.scalars(select(GradingScale).order_by(GradingScale.name))
        ]


def save_scale(db: Database, actor: Actor, *, key: str, name: str, levels: list[str]) -> ScaleRow:
    """A grading scale: its levels best first; "Not applicable" is always added. A scale a
    template uses cannot change (its audits were graded on it)."""
    require(actor, "template.edit")
    from audit_tool.models import GradingScale, ScaleLevel

    key, name = key.strip(), name.strip()
    labels = [label.strip() for label in levels if label.strip()]
    errors: dict[str, str] = {}
    if not _KEY.match(key):
        errors["key"] = "Use 1-60 lower-case letters, digits or '_'"
    if not name:
        errors["name"] = "A name is required"
    if len(labels) < 2:
        errors["levels"] = "A scale needs at least two levels, best first"
    level_keys = [re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") for label in labels]
    if len(set(level_keys)) != len(level_keys) or "not_applicable" in level_keys:
        errors["levels"] = "Each level needs a different name (Not applicable is added for you)"
    if errors:
        raise ValidationError("The scale was not saved: " + "; ".join(errors.values()), errors)
    with db.transaction() as session:
        scale = session.scalar(select(GradingScale).where(GradingScale.key == key))
        if scale is not None and session.scalar(
            select(func.count(AuditTemplate.id)).where(AuditTemplate.scale_id == scale.id)
        ):
            raise ValidationError(
                f"The scale {scale.name} is used by templates and cannot change; make a new one",
                {"key": "In use"},
            )
        if scale is None:
            scale = GradingScale(key=key, name=name)
            session.add(scale)
            action = "create"
        else:
            scale.name = name
            scale.levels.clear()
            session.flush()
            action = "update"
        scale.levels.extend(
            [
                ScaleLevel(key=k, label=label, rank=n + 1, position=n)
                for n, (k, label) in enumerate(zip(level_keys, labels, strict=True))
            ]
            + [
                ScaleLevel(
                    key="not_applicable", label="Not applicable", rank=None, position=len(labels)
                )
            ]
        )
        session.flush()
        changelog.record(
            session,
            actor,
            action,
            "grading_scale",
            scale.uuid,
            after={"key": key, "name": name, "levels": labels},
            summary=f"Grading scale {name} saved",
        )
        return ScaleRow(
            key,
            name,
            tuple(ScaleLevelRow(lv.key, lv.label, lv.rank) for lv in scale.levels),
            False,
        )
