"""The change log: one entry per create, update and delete, in the same transaction."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, inspect, null, or_, select, text, update
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound
from audit_tool.models import ChangeLogEntry
from audit_tool.models.changelog import content_digest, link_hash
from audit_tool.services import text_search
from audit_tool.store import chain, checkpoint
from audit_tool.store.chain import ChainCheck, entry_fields, redacted_summary

if TYPE_CHECKING:
    from audit_tool.store import Database

# The retention run's placeholder and list: defined with the chain check (store/chain.py).
REDACTED_SUMMARY = chain.REDACTED_SUMMARY
RETENTION_ACTION = chain.RETENTION_ACTION
REDACTED_KEY = chain.REDACTED_KEY

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
    # Stored as it reads back, so the digest computed now matches the one `check_chain` computes.
    before, after = _as_stored(before), _as_stored(after)
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
        nonce=secrets.token_hex(16),
    )
    session.add(entry)
    session.flush()
    assert entry.nonce is not None
    entry.digest = content_digest(entry.nonce, entry_fields(entry))
    entry.hash = link_hash(prev, entry_fields(entry), entry.digest)
    return entry


def _as_stored(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else json.loads(json.dumps(value))


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Ids as sorted [first, last] runs: [1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    ranges: list[list[int]] = []
    for i in sorted(set(ids)):
        if ranges and ranges[-1][1] == i - 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return ranges


def redact(session: Session, run: ChangeLogEntry, ids: Iterable[int], at: datetime) -> int:
    """Replace the content of these entries by the placeholder of retention run `run` (whose
    entry, already recorded in this transaction, lists them) and drop their nonces; the chain
    stays valid because each entry's hash covers its digest, not its content. Returns how many
    were redacted."""
    wanted = sorted(set(ids))
    if wanted and wanted[-1] >= run.id:
        raise ValueError("a retention run can only redact entries older than its own")
    done = 0
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        result = session.execute(
            update(ChangeLogEntry)
            .where(ChangeLogEntry.id.in_(chunk), ChangeLogEntry.redacted_at.is_(None))
            .values(
                summary=redacted_summary(run.id),
                before=null(),
                after=null(),
                reason="",
                nonce=None,
                redacted_at=at,
            )
            .execution_options(synchronize_session=False)
        )
        done += int(getattr(result, "rowcount", 0) or 0)
    return done


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


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on each side. A field holding a map (a review's answers
    by item) is compared key by key and logged as "field.key" for the keys that changed, so a
    save that changes one answer does not copy every other answer into the log."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for key in dict.fromkeys([*after, *(k for k in before if isinstance(before[k], dict))]):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        if isinstance(was, dict | None) and isinstance(now, dict | None) and (was or now):
            was, now = was or {}, now or {}
            for sub in dict.fromkeys([*was, *now]):
                if was.get(sub) != now.get(sub):
                    old[f"{key}.{sub}"], new[f"{key}.{sub}"] = was.get(sub), now.get(sub)
        else:
            old[key], new[key] = was, now
    return old, new


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
    actor_id: int | None = None


@dataclass(frozen=True)
class LogFilter:
    """What the change-log view narrows by; every field optional. Dates are whole local days,
    both ends included."""

    entity: str | None = None
    entity_uuid: str | None = None
    entity_uuids: tuple[str, ...] | None = None  # one record's history across its parts
    person: str | int | None = None  # an actor's name, or their person id
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None  # in the summary or the reason, any case


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _where(flt: LogFilter) -> list[Any]:
    c = ChangeLogEntry
    where: list[Any] = []
    if flt.entity:
        where.append(c.entity == flt.entity)
    if flt.entity_uuid:
        where.append(c.entity_uuid == flt.entity_uuid)
    if flt.entity_uuids is not None:
        where.append(c.entity_uuid.in_(flt.entity_uuids))
    if isinstance(flt.person, int):
        where.append(c.actor_id == flt.person)
    elif flt.person:
        where.append(c.actor_name == flt.person)
    if flt.action:
        where.append(c.action == flt.action)
    if flt.date_from is not None:
        where.append(c.at >= _local_midnight_utc(flt.date_from))
    if flt.date_to is not None:
        where.append(c.at < _local_midnight_utc(flt.date_to + timedelta(days=1)))
    wanted = text_search.search_text(flt.text)
    if wanted:
        needle = wanted.lower()
        where.append(
            or_(
                func.lower(c.summary).contains(needle, autoescape=True),
                func.lower(c.reason).contains(needle, autoescape=True),
            )
        )
    return where


def _log_row(e: ChangeLogEntry) -> LogRow:
    return LogRow(
        e.id,
        e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC),
        e.actor_name,
        e.action,
        e.entity,
        e.entity_uuid,
        e.summary,
        e.before,
        e.after,
        e.reason,
        e.actor_id,
    )


def entries(
    db: Database,
    actor: Actor,
    *,
    entity: str | None = None,
    entity_uuid: str | None = None,
    limit: int = 500,
    flt: LogFilter | None = None,
) -> list[LogRow]:
    """Entries newest first, narrowed by `entity`/`entity_uuid` or a whole LogFilter."""
    require(actor, "changelog.view")
    flt = flt or LogFilter()
    if entity or entity_uuid:
        flt = replace(flt, entity=entity or flt.entity, entity_uuid=entity_uuid or flt.entity_uuid)
    stmt = (
        select(ChangeLogEntry).where(*_where(flt)).order_by(ChangeLogEntry.id.desc()).limit(limit)
    )
    with db.session() as session:
        return [_log_row(e) for e in session.scalars(stmt)]


def count_matching(db: Database, actor: Actor, flt: LogFilter | None = None) -> int:
    """How many entries the filter matches (for "showing the newest 500 of N")."""
    require(actor, "changelog.view")
    stmt = select(func.count(ChangeLogEntry.id)).where(*_where(flt or LogFilter()))
    with db.session() as session:
        return int(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class LogChoices:
    """The values the view's filters offer: those that occur in the log."""

    entities: tuple[str, ...]
    actions: tuple[str, ...]
    people: tuple[str, ...]


def choices(db: Database, actor: Actor) -> LogChoices:
    require(actor, "changelog.view")
    c = ChangeLogEntry
    with db.session() as session:

        def distinct(column: Any) -> tuple[str, ...]:
            return tuple(
                v for v in session.scalars(select(column).distinct().order_by(column)) if v
            )

        return LogChoices(distinct(c.entity), distinct(c.action), distinct(c.actor_name))


def audit_record_uuids(db: Database, actor: Actor, audit_uuid: str) -> tuple[str, ...]:
    """The uuids under which an audit's history is logged: the audit itself (status changes,
    views, worker feedback), its reviews, and its learning points, actions, family feedback and
    urgent concerns."""
    from audit_tool.models import (
        Action,
        Audit,
        Feedback,
        LearningPoint,
        Moderation,
        Review,
        UrgentConcern,
    )

    require(actor, "changelog.view")
    with db.session() as session:
        audit_id = session.scalar(select(Audit.id).where(Audit.uuid == audit_uuid))
        if audit_id is None:
            raise NotFound(f"No audit {audit_uuid}")
        uuids = [audit_uuid]
        for model in (Review, Moderation, LearningPoint, Action, Feedback, UrgentConcern):
            uuids += session.scalars(select(model.uuid).where(model.audit_id == audit_id))
        return tuple(uuids)


def audit_history(db: Database, actor: Actor, audit_uuid: str, *, limit: int = 500) -> list[LogRow]:
    """Every entry about one audit and its parts, newest first."""
    uuids = audit_record_uuids(db, actor, audit_uuid)
    return entries(db, actor, flt=LogFilter(entity_uuids=uuids), limit=limit)


def count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0)


def check_chain(db: Database) -> ChainCheck:
    """Walk the chain from the first entry; stop at the first that does not match.

    Every entry's hash must cover its header, its content digest and the previous hash. An
    entry that keeps its content must match its digest; one whose content a retention run
    removed must hold exactly that run's placeholder and be listed by the run's entry. The
    chain must end where its head record says, and a database with audits must have a log.
    For an SQLite file, the chain must also agree with the checkpoint this computer keeps
    outside the file (what it last saw); when it does, the checkpoint moves on."""
    with db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            # One snapshot for the walk and the head record it is held against.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        result = chain.check(session)
    if not result.ok:
        return result
    problem = checkpoint.advance(db)
    if problem is not None:
        return ChainCheck(False, problem, None, result.entries)
    return result


def newest(db: Database) -> tuple[int, str] | None:
    """The newest entry's id and hash: kept outside the database (say, in the quarterly
    report's notes), it shows later whether the chain up to it was rebuilt."""
    with db.session() as session:
        row = session.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.hash).order_by(ChangeLogEntry.id.desc())
        ).first()
    return (int(row[0]), str(row[1])) if row is not None and row[1] else None


def verify(db: Database) -> tuple[bool, str]:
    """Walk the chain; return (ok, message naming the first broken entry)."""
    result = check_chain(db)
    return result.ok, result.message
