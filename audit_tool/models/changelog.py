"""The append-only change log: who changed which record, when, from what to what."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
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
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Chain format 2: `digest` commits to the content (summary, before, after, reason) under a
    # random `nonce`; `hash` covers the entry's id, time, actor, action, record, digest and the
    # previous entry's hash. An edited or deleted row breaks the chain (checked by `audit-tool
    # log verify`), yet retention can replace an entry's content (and drop its nonce, so the
    # digest no longer confirms a guess at the text) and mark it `redacted_at`, keeping the
    # chain intact. A redacted entry must be listed by a later retention run's entry.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    nonce: Mapped[str | None] = mapped_column(String(32))
    digest: Mapped[str | None] = mapped_column(String(64))
    # Indexed: the checkpoint (store/checkpoint.py) counts emptied entries on every open.
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class ChangeLogHead(Base):
    """One row: how many entries the chain holds and its newest entry, kept by the database
    itself (triggers on change_log, see store/loghead.py) as each entry is sealed with its hash.
    A chain shorter than its head lost entries. On PostgreSQL the trigger runs with its owner's
    rights and the app's users may only read this table (docs/deployment.md)."""

    __tablename__ = "change_log_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    newest_id: Mapped[int | None] = mapped_column(Integer)
    newest_hash: Mapped[str | None] = mapped_column(String(64))


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _utc_text(at: Any) -> Any:
    if isinstance(at, datetime):
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        return at.isoformat(timespec="microseconds")
    return at


def content_digest(nonce: str, fields: dict[str, Any]) -> str:
    """SHA-256 of an entry's content under its nonce (chain format 2)."""
    content = {
        "nonce": nonce,
        "summary": fields["summary"],
        "before": fields["before"],
        "after": fields["after"],
        "reason": fields["reason"],
    }
    return hashlib.sha256(_canonical(content)).hexdigest()


def link_hash(prev_hash: str | None, fields: dict[str, Any], digest: str) -> str:
    """SHA-256 of an entry's header, its content digest and the previous hash (format 2)."""
    header = {
        "v": 2,
        "id": fields["id"],
        "at": _utc_text(fields["at"]),
        "actor_id": fields["actor_id"],
        "actor": fields["actor_name"],
        "action": fields["action"],
        "entity": fields["entity"],
        "entity_uuid": fields["entity_uuid"],
        "digest": digest,
        "prev": prev_hash or "",
    }
    return hashlib.sha256(_canonical(header)).hexdigest()


def chain_hash(prev_hash: str | None, fields: dict[str, Any]) -> str:
    """Chain format 1 (before migration 0006): SHA-256 of an entry's content and the previous
    entry's hash. Kept unchanged for migration 0002, which chains entries in this format."""
    at = _utc_text(fields["at"])
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
