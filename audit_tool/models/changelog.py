"""The append-only change log: who changed which record, when, from what to what."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from audit_tool.models.base import Base


class ChangeLogEntry(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_uuid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str | None] = mapped_column(String(36))
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Each entry's hash covers its content and the previous entry's hash, so an edited or
    # deleted row breaks the chain (checked by `audit-tool log verify`).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


def chain_hash(prev_hash: str | None, fields: dict[str, Any]) -> str:
    """SHA-256 of an entry's content and the previous entry's hash (a stable format)."""
    at = fields["at"]
    if isinstance(at, datetime):
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        at = at.isoformat(timespec="microseconds")
    content = {
        "id": fields["id"],
        "at": at,
        "actor": fields["actor_name"],
        "action": fields["action"],
        "entity": fields["entity"],
        "entity_uuid": fields["entity_uuid"],
        "summary": fields["summary"],
        "before": fields["before"],
        "after": fields["after"],
        "reason": fields["reason"],
        "prev": prev_hash or "",
    }
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
