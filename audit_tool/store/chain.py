"""Checking a database's change-log chain: every entry against its hashes, redacted entries
against the retention runs that list them, the chain's end against its head record, and a log
that is empty beside audits. Used by `log verify` (services/changelog) and by restore, which
checks a backup before it replaces anything."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.orm import Session

from audit_tool.models import Audit, ChangeLogEntry, ChangeLogHead
from audit_tool.models.changelog import content_digest, link_hash

# What a retention run leaves of an entry whose content it removed, and where the run's own
# entry lists the ids it redacted ([first, last] ranges). The chain accepts a redacted entry
# only in exactly this form and only if a later run lists it.
REDACTED_SUMMARY = "[removed by retention run {run}]"
RETENTION_ACTION = "retention"
REDACTED_KEY = "log_entries_redacted"


def redacted_summary(run_id: int) -> str:
    return REDACTED_SUMMARY.format(run=run_id)


def entry_fields(entry: ChangeLogEntry) -> dict[str, Any]:
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


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    message: str
    broken_id: int | None  # the first entry that does not match the chain (or is missing)
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
    fields = entry_fields(entry)
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


@dataclass
class _Walk:
    prev: str | None = None
    last_id: int | None = None
    n: int = 0


def _walk_from(session: Session, walk: _Walk, redactions: _Redactions) -> ChainCheck | None:
    """Check the entries after `walk.last_id`, advancing `walk`; a ChainCheck if one fails."""
    stmt = select(ChangeLogEntry).order_by(ChangeLogEntry.id)
    if walk.last_id is not None:
        stmt = stmt.where(ChangeLogEntry.id > walk.last_id)
    # Closed whether the walk ends or stops at a bad entry: on PostgreSQL yield_per streams
    # through a server-side cursor, which must not be left for the garbage collector.
    with session.scalars(stmt.execution_options(yield_per=2000)) as entries:
        for entry in entries:
            walk.n += 1
            problem = _entry_problem(entry, walk.prev, redactions)
            if problem is not None:
                return ChainCheck(
                    False,
                    f"change log entry {entry.id} ({entry.action} {entry.entity} by "
                    f"{entry.actor_name}) does not match the chain: {problem}",
                    entry.id,
                    walk.n,
                )
            walk.prev, walk.last_id = entry.hash, entry.id
    session.expunge_all()
    return None


def _head(session: Session) -> tuple[int, int | None, str | None] | None:
    if not inspect(session.connection()).has_table(ChangeLogHead.__tablename__):
        return None
    row = session.execute(
        select(ChangeLogHead.entries, ChangeLogHead.newest_id, ChangeLogHead.newest_hash).where(
            ChangeLogHead.id == 1
        )
    ).first()
    return None if row is None else (int(row[0]), row[1], row[2])


def _entries(n: int) -> str:
    return "1 entry" if n == 1 else f"{n} entries"


def _head_mismatch(walk: _Walk, head: tuple[int, int | None, str | None]) -> ChainCheck:
    entries, newest_id, newest_hash = head
    if newest_id is not None and (walk.last_id is None or newest_id > walk.last_id):
        first = (walk.last_id or 0) + 1
        missing = (
            f"entry {first} is missing (removed after it was written)"
            if first == newest_id
            else f"entries {first} to {newest_id} are missing (removed after they were written)"
        )
        start = (
            "the change log is empty"
            if walk.n == 0
            else f"the change log ends at entry {walk.last_id} after {walk.n} entries"
        )
        return ChainCheck(
            False,
            f"{start}, but its head record says {_entries(entries)} up to entry {newest_id} "
            f"(hash {(newest_hash or '')[:12]}...): {missing}",
            first,
            walk.n,
        )
    if newest_id is not None and newest_id == walk.last_id and entries == walk.n:
        return ChainCheck(
            False,
            f"the change log's newest entry {newest_id} has hash {(walk.prev or '')[:12]}..., "
            f"but its head record says {(newest_hash or '')[:12]}...: the entry was replaced",
            newest_id,
            walk.n,
        )
    return ChainCheck(
        False,
        f"the change log holds {walk.n} entries ending at entry {walk.last_id}, but its head "
        f"record says {entries} entries ending at entry {newest_id}: the log or its head record "
        "was changed outside the app",
        newest_id if newest_id is not None else walk.last_id,
        walk.n,
    )


def _empty_beside_audits(session: Session) -> ChainCheck | None:
    audits = int(session.scalar(select(func.count(Audit.id))) or 0)
    if audits == 0:
        return None
    noun = "audit" if audits == 1 else "audits"
    return ChainCheck(
        False,
        f"the change log is empty but the database holds {audits} {noun}: its entries were removed",
        None,
        0,
    )


def empty_check(session: Session) -> ChainCheck:
    """Only whether a log is empty beside audits (a database from before chain format 2)."""
    n = int(session.scalar(select(func.count(ChangeLogEntry.id))) or 0)
    empty = _empty_beside_audits(session) if n == 0 else None
    return empty or ChainCheck(True, f"{n} change log entries (not checked)", None, n)


def check(session: Session, *, head: bool = True) -> ChainCheck:
    """Walk the chain from the first entry and stop at the first that does not match; then
    hold its end against the head record, which the database keeps as entries are written
    (`head`: the database has one, schema 0009 on).

    Entries appended while the walk runs (the head moved on) are walked too, so a busy
    database does not look shortened."""
    redactions = _Redactions(session)
    walk = _Walk()
    failed = _walk_from(session, walk, redactions)
    if failed is not None:
        return failed
    for attempt in range(5 if head else 0):
        kept = _head(session)
        if kept is None:
            return ChainCheck(
                False,
                "the change log's head record (table change_log_head) is missing: the count "
                "and newest entry it keeps were removed",
                None,
                walk.n,
            )
        if kept == (walk.n, walk.last_id, walk.prev):
            break
        seen = walk.n
        failed = _walk_from(session, walk, redactions)
        if failed is not None:
            return failed
        if walk.n == seen or attempt == 4:
            return _head_mismatch(walk, kept)
    if walk.n == 0:
        empty = _empty_beside_audits(session)
        if empty is not None:
            return empty
    return ChainCheck(True, f"{walk.n} change log entries verified", None, walk.n)


_QUICK = text(
    "SELECT (SELECT max(id) FROM change_log), "
    "(SELECT hash FROM change_log ORDER BY id DESC LIMIT 1), "
    "EXISTS (SELECT 1 FROM audits), "
    "(SELECT entries FROM change_log_head WHERE id = 1), "
    "(SELECT newest_id FROM change_log_head WHERE id = 1), "
    "(SELECT newest_hash FROM change_log_head WHERE id = 1)"
)


def quick_problem(conn: Connection) -> str | None:
    """What opening a database checks in one statement (one snapshot, and no count of a large
    table): the change log ends where its head record says, and is not empty beside audits.
    None if so; the whole chain is walked by `log verify`."""
    last, last_hash, has_audits, entries, newest_id, newest_hash = conn.execute(_QUICK).one()
    holds = "it is empty" if last is None else f"it ends at entry {last}"
    if entries is None:
        why = "its head record (table change_log_head) is missing"
    elif last is None and has_audits:
        audits = conn.execute(select(func.count(Audit.id))).scalar()
        why = f"it is empty but the database holds {audits} audit(s)"
    elif (last, last_hash) != (newest_id, newest_hash):
        why = f"{holds}, but its head record says {_entries(entries)} ending at entry {newest_id}"
    else:
        return None
    return f"the change log does not check out: {why}; run 'audit-tool log verify'"
