"""Monthly programmes' compliance per auditor for a month: the audits due, done and overdue
(programmes.monthly_compliance; the standing monthly plan's fuller view is services.monthly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from audit_tool.access.actors import Actor, require
from audit_tool.models import Audit, Person, Programme, Review

if TYPE_CHECKING:
    from audit_tool.store import Database


@dataclass(frozen=True)
class ComplianceRow:
    person_key: str
    name: str
    due: int
    done: int
    overdue: int


def monthly_compliance(
    db: Database, actor: Actor, month: date, *, today: date | None = None
) -> list[ComplianceRow]:
    """Per auditor, this month's monthly-programme audits: due, done and overdue."""
    require(actor, "programme.view")
    today = today or date.today()
    first = month.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    stmt = (
        select(Person.key, Person.name, Review.status, Audit.due_on)
        .join(Review, Review.reviewer_id == Person.id)
        .join(Audit, Review.audit_id == Audit.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(Programme.kind == "monthly", Audit.due_on >= first, Audit.due_on < after)
    )
    counts: dict[str, list[Any]] = {}
    with db.session() as session:
        for key, name, status, due_on in session.execute(stmt):
            row = counts.setdefault(key, [name, 0, 0, 0])
            row[1] += 1
            if status == "submitted":
                row[2] += 1
            elif due_on is not None and due_on < today:
                row[3] += 1
    return sorted(
        (ComplianceRow(key, v[0], v[1], v[2], v[3]) for key, v in counts.items()),
        key=lambda r: r.name,
    )
