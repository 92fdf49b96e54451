"""The change log: one entry per create, update and delete, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from audit_tool.models import ChangeLogEntry
from audit_tool.models.changelog import chain_hash
from audit_tool.services.actors import Actor, require

_SKIP = {"created_at", "updated_at"}
_CHAIN_LOCK = 7_200_318  # PostgreSQL advisory lock id that serialises appends to the chain


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """A record's column values as JSON-safe data (for the before/after of an entry)."""
    mapper = inspect(obj).mapper
    return {
        attr.key: json_safe(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _SKIP
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_uuid: str | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
    reason: str = "",
) -> ChangeLogEntry:
    """Append an entry. Call inside the transaction that makes the change."""
    session.flush()  # takes SQLite's write lock before we read the last hash
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    prev = session.execute(
        select(ChangeLogEntry.hash).order_by(ChangeLogEntry.id.desc()).limit(1)
    ).scalar()
    entry = ChangeLogEntry(
        at=datetime.now(UTC),
        actor_id=actor.person_id,
        actor_name=actor.name,
        action=action,
        entity=entity,
        entity_uuid=entity_uuid,
        summary=summary,
        before=before,
        after=after,
        reason=reason,
        prev_hash=prev,
    )
    session.add(entry)
    session.flush()
    entry.hash = chain_hash(prev, _fields(entry))
    return entry


def record_changes(
    session: Session,
    actor: Actor,
    entity: str,
    entity_uuid: str | None,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    summary: str,
) -> ChangeLogEntry | None:
    """Append an "update" entry with just the fields that changed; nothing if none did.

    The revision counter is left out: it changes with every save and says nothing."""
    old, new = diff(before, after)
    old.pop("revision", None)
    new.pop("revision", None)
    if not new:
        return None
    return record(
        session, actor, "update", entity, entity_uuid, before=old, after=new, summary=summary
    )


def _fields(entry: ChangeLogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "entity": entry.entity,
        "entity_uuid": entry.entity_uuid,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on each side."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class LogRow:
    id: int
    at: datetime
    actor_name: str
    action: str
    entity: str
    entity_uuid: str | None
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str


def entries(
    db: Any,
    actor: Actor,
    *,
    entity: str | None = None,
    entity_uuid: str | None = None,
    limit: int = 500,
) -> list[LogRow]:
    require(actor, "changelog.view")
    stmt = select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(ChangeLogEntry.entity == entity)
    if entity_uuid:
        stmt = stmt.where(ChangeLogEntry.entity_uuid == entity_uuid)
    with db.session() as session:
        return [
            LogRow(
                e.id,
                e.at,
                e.actor_name,
                e.action,
                e.entity,
                e.entity_uuid,
                e.summary,
                e.before,
                e.after,
                e.reason,
            )
            for e in session.scalars(stmt)
        ]


def count(db: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0)


def verify(db: Any) -> tuple[bool, str]:
    """Walk the chain; return (ok, message naming the first broken entry)."""
    prev: str | None = None
    n = 0
    with db.session() as session:
        for entry in session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id)):
            n += 1
            if entry.prev_hash != prev or entry.hash != chain_hash(prev, _fields(entry)):
                return False, (
                    f"change log entry {entry.id} ({entry.action} {entry.entity} by "
                    f"{entry.actor_name}) does not match the chain: it was altered, or an "
                    "entry before it was removed"
                )
            prev = entry.hash
    return True, f"{n} change log entries verified"
