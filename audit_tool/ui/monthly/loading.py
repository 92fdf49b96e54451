"""What the monthly view shows, read in one call in the pool (after drawing this month's
audits, if they are due and not drawn yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from audit_tool.access.actors import Actor
from audit_tool.services import monthly, monthly_compliance, monthly_draw, reference, templates
from audit_tool.services.monthly import ExpectationRow, MonthlyPlan
from audit_tool.services.monthly_compliance import MonthCompliance
from audit_tool.services.monthly_draw import MonthDraw
from audit_tool.store import Database


@dataclass(frozen=True)
class MonthlyScreen:
    draw: MonthDraw | None  # what opening the view drew, if anything
    plan: MonthlyPlan
    expectations: tuple[ExpectationRow, ...]
    months: tuple[MonthCompliance, ...]  # newest first
    templates: tuple[tuple[str, str], ...]  # key, label
    teams: tuple[tuple[str, str], ...]  # key, name
    people: tuple[tuple[str, str], ...]  # key, "name (job title)" of auditors and moderators


def load(db: Database, actor: Actor, today: date | None) -> MonthlyScreen:
    draw = monthly_draw.roll_over(db, actor, today=today)
    tpls = templates.list_templates(db, actor) if actor.can("template.view") else []
    people = [
        (p.key, f"{p.name} ({p.job_title})" if p.job_title else p.name)
        for p in reference.list_people(db, actor, include_inactive=False)
        if {"auditor", "moderator"} & set(p.roles)
    ]
    return MonthlyScreen(
        draw=draw,
        plan=monthly.get_plan(db, actor),
        expectations=tuple(monthly.list_expectations(db, actor)),
        months=tuple(monthly_compliance.history(db, actor, today=today)),
        templates=tuple((t.key, f"{t.name} (v{t.version})") for t in tpls),
        teams=tuple(
            (t.key, t.name)
            for t in reference.list_teams(db, actor, include_inactive=False, with_case_counts=False)
        ),
        people=tuple(people),
    )
