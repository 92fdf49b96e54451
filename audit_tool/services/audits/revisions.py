"""Counting and guarding changes to an audit: every saved change inside it counts in the
audit's revision (which packs compare), and a save that lost a race to another is refused
with who changed the record and when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor
from audit_tool.errors import ConflictError
from audit_tool.models import Audit, Review
from audit_tool.services import conflicts


def _bump(session: Session, audit: Audit) -> None:
    """Count a change inside the audit (a review or the moderation) in the audit's revision,
    which packs compare. An atomic increment, so two auditors saving at once never collide."""
    session.execute(
        update(Audit)
        .where(Audit.id == audit.id)
        .values(revision=Audit.revision + 1, updated_at=datetime.now(UTC))
    )
    session.expire(audit, ["revision", "updated_at"])


def _conflict(db: Any, actor: Actor, entity: str, uuid: str, what: str) -> ConflictError:
    """A save lost a race (a stale flush, rolled back): say who changed `what` and when."""
    return conflicts.conflict_after_rollback(db, actor, entity, uuid, what)


def _touch(session: Session, record: Audit | Review) -> None:
    """Write the record now, guarded by its revision: a concurrent save of the same record
    makes this raise StaleDataError (on PostgreSQL it waits for the other transaction and
    then finds the newer revision), so at most one of two racing saves goes through."""
    record.updated_at = datetime.now(UTC)
    session.flush()
