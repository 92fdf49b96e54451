"""Counting and guarding changes to an audit: every saved change inside it counts in the
audit's revision (which packs compare), and of two saves racing on one record only one goes
through (the other is then refused with conflicts.conflict_after_rollback)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from audit_tool.models import Audit, Review


def bump(session: Session, audit: Audit) -> None:
    """Count a change inside the audit (a review or the moderation) in the audit's revision,
    which packs compare. An atomic increment, so two auditors saving at once never collide."""
    session.execute(
        update(Audit)
        .where(Audit.id == audit.id)
        .values(revision=Audit.revision + 1, updated_at=datetime.now(UTC))
    )
    session.expire(audit, ["revision", "updated_at"])


def touch(session: Session, record: Audit | Review) -> None:
    """Write the record now, guarded by its revision: a concurrent save of the same record
    makes this raise StaleDataError (on PostgreSQL it waits for the other transaction and
    then finds the newer revision), so at most one of two racing saves goes through."""
    record.updated_at = datetime.now(UTC)
    session.flush()
