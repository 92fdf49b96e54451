"""The change log: one entry per create, update and delete, in the same transaction."""

from __future__ import annotations

import bisect
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, inspect, null, or_, select, text, update
from sqlalchemy.orm import Session

from audit_tool.errors import NotFound
from audit_tool.models import ChangeLogEntry
from audit_tool.models.changelog import content_digest, link_hash
from audit_tool.services import text_search
from audit_tool.services.actors import Actor, require

_SKIP = {"created_at", "updated_at"}
_CHAIN_LOCK = 7_200_318  # PostgreSQL advisory lock id that serialises appends to the chain
# What a retention run leaves of an entry whose content it removed, and where the run's own
# entry lists the ids it redacted ([first, last] ranges). `check_chain` accepts a redacted
# entry only in exactly this form and only if a later run lists it.
REDACTED_SUMMARY = "[removed by retention run {run}]"
RETENTION_ACTION = "retention"
REDACTED_KEY = "log_entries_redacted"


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
    entry.digest = content_digest(entry.nonce, _fields(entry))
    entry.hash = link_hash(prev, _fields(entry), entry.digest)
    return entry


def _as_stored(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else json.loads(json.dumps(value))


def redacted_summary(run_id: int) -> str:
    return REDACTED_SUMMARY.format(run=run_id)


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


def _fields(entry: ChangeLogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor_id": entry.actor_id,
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
    db: Any,
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


def count_matching(db: Any, actor: Actor, flt: LogFilter | None = None) -> int:
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


def choices(db: Any, actor: Actor) -> LogChoices:
    require(actor, "changelog.view")
    c = ChangeLogEntry
    with db.session() as session:

        def distinct(column: Any) -> tuple[str, ...]:
            return tuple(
                v for v in session.scalars(select(column).distinct().order_by(column)) if v
            )

        return LogChoices(distinct(c.entity), distinct(c.action), distinct(c.actor_name))


def audit_record_uuids(db: Any, actor: Actor, audit_uuid: str) -> tuple[str, ...]:
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


def audit_history(db: Any, actor: Actor, audit_uuid: str, *, limit: int = 500) -> list[LogRow]:
    """Every entry about one audit and its parts, newest first."""
    uuids = audit_record_uuids(db, actor, audit_uuid)
    return entries(db, actor, flt=LogFilter(entity_uuids=uuids), limit=limit)


def count(db: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    message: str
    broken_id: int | None  # the first entry that does not match the chain
    entries: int  # how many were checked before the answer


class _Redactions:
    """Which retention run lists each redacted entry, from the runs' own entries."""

    def __init__(self, session: Session) -> None:
        spans: list[tuple[int, int, int]] = []
        runs = select(ChangeLogEntry.id, ChangeLogEntry.after).where(
            ChangeLogEntry.action == RETENTION_ACTION,
            ChangeLogEntry.entity == RETENTION_ACTION,
            ChangeLogEntry.redacted_at.is_(None),
        )
        for run_id, after in session.execute(runs):
            listed = after.get(REDACTED_KEY) if isinstance(after, dict) else None
            for span in listed if isinstance(listed, list) else []:
                # A malformed list is left out; the run's own digest then fails anyway.
                if (
                    isinstance(span, list)
                    and len(span) == 2
                    and all(isinstance(v, int) and not isinstance(v, bool) for v in span)
                    and span[0] <= span[1] < run_id
                ):
                    spans.append((span[0], span[1], run_id))
        spans.sort()
        self._spans = spans
        self._starts = [s[0] for s in spans]

    def run_for(self, entry_id: int) -> int | None:
        # Runs never list the same entry twice, so the spans do not overlap.
        at = bisect.bisect_right(self._starts, entry_id)
        if at == 0:
            return None
        first, last, run_id = self._spans[at - 1]
        return run_id if first <= entry_id <= last else None


def _entry_problem(entry: ChangeLogEntry, prev: str | None, redactions: _Redactions) -> str | None:
    """Why an entry does not match the chain, or None if it does."""
    fields = _fields(entry)
    if (
        entry.prev_hash != prev
        or entry.digest is None
        or entry.hash != link_hash(prev, fields, entry.digest)
    ):
        return "it was altered, or an entry before it was removed"
    if entry.redacted_at is None:
        if entry.nonce is None or content_digest(entry.nonce, fields) != entry.digest:
            return "it was altered, or an entry before it was removed"
        return None
    run_id = redactions.run_for(entry.id)
    if run_id is None:
        return "it is marked as removed by retention, but no retention run lists it"
    placeholder = (redacted_summary(run_id), None, None, "", None)
    if (entry.summary, entry.before, entry.after, entry.reason, entry.nonce) != placeholder:
        return f"it was altered after retention run {run_id} removed its content"
    return None


def check_chain(db: Any) -> ChainCheck:
    """Walk the chain from the first entry; stop at the first that does not match.

    Every entry's hash must cover its header, its content digest and the previous hash. An
    entry that keeps its content must match its digest; one whose content a retention run
    removed must hold exactly that run's placeholder and be listed by the run's entry."""
    prev: str | None = None
    n = 0
    with db.session() as session:
        redactions = _Redactions(session)
        for entry in session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id)):
            n += 1
            problem = _entry_problem(entry, prev, redactions)
            if problem is not None:
                return ChainCheck(
                    False,
                    f"change log entry {entry.id} ({entry.action} {entry.entity} by "
                    f"{entry.actor_name}) does not match the chain: {problem}",
                    entry.id,
                    n,
                )
            prev = entry.hash
    return ChainCheck(True, f"{n} change log entries verified", None, n)


def newest(db: Any) -> tuple[int, str] | None:
    """The newest entry's id and hash: kept outside the database (say, in the quarterly
    report's notes), it shows later whether the chain up to it was rebuilt."""
    with db.session() as session:
        row = session.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.hash).order_by(ChangeLogEntry.id.desc())
        ).first()
    return (int(row[0]), str(row[1])) if row is not None and row[1] else None


def verify(db: Any) -> tuple[bool, str]:
    """Walk the chain; return (ok, message naming the first broken entry)."""
    result = check_chain(db)
    return result.ok, result.message
