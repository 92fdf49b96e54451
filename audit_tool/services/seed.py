"""Defaults every new database starts with: the Ofsted scale, templates, feedback questions."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from audit_tool.models import (
    AuditTemplate,
    FeedbackQuestion,
    GradingScale,
    ScaleLevel,
    Setting,
    TemplateItem,
)
from audit_tool.resources import resource
from audit_tool.store import database

OFSTED_LEVELS = (
    ("outstanding", "Outstanding", 1),
    ("good", "Good", 2),
    ("requires_improvement", "Requires improvement to be good", 3),
    ("inadequate", "Inadequate", 4),
    ("not_applicable", "Not applicable", None),
)

FEEDBACK_QUESTIONS = (
    (
        "child_views",
        "The practitioner spoke with the child and gained their wishes, feelings and views.",
    ),
    ("right_agencies", "The practitioner spoke to the right agencies as part of the assessment."),
    ("family_views", "The family was given opportunities to share their views and opinions."),
    ("copy_of_plan", "The family received a copy of the child's assessment or plan."),
    ("contactable", "The parent can get hold of the worker when they need to."),
    ("positive_difference", "The service made a positive difference to the child and family."),
)

DEFAULT_TEMPLATES = ("moderated_case_file", "jtai_multi_agency", "send_ehc_plan")

DEFAULT_SETTINGS = {
    "partnership_name": "County Safeguarding Children Partnership",
    "installation_name": "Audit Tool",
}


def load_template_file(key: str) -> dict[str, Any]:
    with open(resource("templates", f"{key}.json"), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def template_items(items: list[dict[str, Any]]) -> list[TemplateItem]:
    """Template items from their JSON form (a template file, or an audit pack)."""
    return [
        TemplateItem(
            key=item["key"],
            label=item["label"],
            kind=item["kind"],
            limiting=bool(item.get("limiting", False)),
            section=item.get("section", ""),
            guidance=item.get("guidance", ""),
            position=i,
        )
        for i, item in enumerate(items)
    ]


def register() -> None:
    """Give every database this process creates the defaults (the store's `on_create` hook).
    Called once at start by each entry point: cli.py, tests/conftest.py, the bench scripts."""
    database.on_create(install_defaults)


def install_defaults(db: database.Database) -> None:
    """Idempotent: adds whatever of the defaults a database lacks."""
    with db.transaction() as session:
        scale = session.scalar(select(GradingScale).where(GradingScale.key == "ofsted"))
        if scale is None:
            scale = GradingScale(key="ofsted", name="Ofsted")
            scale.levels = [
                ScaleLevel(key=k, label=label, rank=rank, position=i)
                for i, (k, label, rank) in enumerate(OFSTED_LEVELS)
            ]
            session.add(scale)
            session.flush()
        for key in DEFAULT_TEMPLATES:
            exists = session.scalar(select(AuditTemplate.id).where(AuditTemplate.key == key))
            if exists is not None:
                continue
            data = load_template_file(key)
            template = AuditTemplate(
                key=data["key"],
                version=data["version"],
                name=data["name"],
                kind=data["kind"],
                description=data.get("description", ""),
                scale_id=scale.id,
            )
            template.items = template_items(data["items"])
            session.add(template)
        have = set(session.scalars(select(FeedbackQuestion.key)))
        for i, (key, text_value) in enumerate(FEEDBACK_QUESTIONS):
            if key not in have:
                session.add(FeedbackQuestion(key=key, text=text_value, position=i))
        settings = set(session.scalars(select(Setting.key)))
        for key, value in DEFAULT_SETTINGS.items():
            if key not in settings:
                session.add(Setting(key=key, value=value))
