"""Offline work checked back in to the team server (the file was written by services.checkout).

Check-in reads the file's audits back as a pack and applies the pack conflict rules per audit,
in one server transaction:
- changed offline only (file revision moved, server revision still the one that left): the
  auditor's own reviews, the audit's feedback, learning, actions and worker feedback they could
  see are applied (the other auditors' reviews and anything withheld stay as they are;
  services.checkin_apply);
- changed on the server only, or on neither side: nothing to apply, the checkout is closed;
- changed on both sides: a conflict, reported with who changed it on the server and when; the
  server keeps its version and the checkout STAYS OPEN, so the offline text is not forgotten.
  To resolve, open the file (it is an ordinary Audit Tool database) to copy the text aside,
  then check in again discarding the conflicting changes (`discard_conflicts`), which closes
  those checkouts; the file keeps its copy.
A file whose checkouts this server does not know is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.models import Audit, ChangeLogEntry, Setting, UrgentConcern
from audit_tool.models.coordination import Checkout
from audit_tool.services import changelog, packs
from audit_tool.services.audits.concerns import notify_concern
from audit_tool.services.checkin_apply import _apply
from audit_tool.services.checkout import (
    _EXTRAS,
    SOURCE_SETTING,
    CheckedOutAudit,
    _build_pack,
    _check_person,
    _name,
)

if TYPE_CHECKING:
    from audit_tool.store import Database

    pass


@dataclass(frozen=True)
class CheckinConflict:
    audit_uuid: str
    case_ref: str
    changed_by: str
    changed_at: datetime | None
    what: str  # the newest server change-log summary for the audit
    base_revision: int
    server_revision: int

    def line(self) -> str:
        when = (
            f" at {self.changed_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC"
            if self.changed_at
            else ""
        )
        what = f" ({self.what})" if self.what else ""
        return (
            f"case {self.case_ref} ({self.audit_uuid}): changed on the server by "
            f"{self.changed_by}{when}{what} and in this file; the server's version is kept"
        )


@dataclass
class CheckinReport:
    applied: list[CheckedOutAudit] = field(default_factory=list)
    unchanged: list[CheckedOutAudit] = field(default_factory=list)
    conflicts: list[CheckinConflict] = field(default_factory=list)
    discarded: list[CheckinConflict] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)  # case refs of concerns raised offline

    def lines(self) -> list[str]:
        out = [
            f"urgent concern raised offline, now on the server: case {ref}" for ref in self.concerns
        ]
        out += [f"applied: case {a.case_ref} ({a.audit_uuid})" for a in self.applied]
        out += [f"unchanged: case {a.case_ref} ({a.audit_uuid})" for a in self.unchanged]
        out += [f"conflict: {c.line()}" for c in self.conflicts]
        out += [f"discarded: {c.line()}" for c in self.discarded]
        out.append(
            f"{len(self.applied)} audit(s) applied, {len(self.unchanged)} unchanged, "
            f"{len(self.conflicts)} conflict(s) left checked out"
            + (f", {len(self.discarded)} discarded" if self.discarded else "")
        )
        if self.conflicts:
            out.append(
                "To resolve a conflict: open the file to copy your text aside, then check it "
                "in again discarding the conflicting changes; the server's version stays."
            )
        return out


def _server_change(
    session: Session, audit: Audit, since: datetime, data: dict[str, Any]
) -> tuple[str, datetime | None, str]:
    """Who last changed the audit (or anything in it) on the server after `since`."""
    uuids = {audit.uuid, *(r.uuid for r in audit.reviews)}
    for key, _entity in _EXTRAS:
        uuids |= {x["id"] for x in data[key]}
    entry = session.scalar(
        select(ChangeLogEntry)
        .where(
            ChangeLogEntry.entity_uuid.in_(uuids),
            ChangeLogEntry.at > since,
            ChangeLogEntry.action.not_in(("view", "checkout", "checkin")),
        )
        .order_by(ChangeLogEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return "someone", None, ""
    return entry.actor_name, entry.at, entry.summary


def _open_local(local_path: str | Path, passphrase: str | None) -> Any:
    from audit_tool.store import open_database

    path = Path(local_path).expanduser()
    if not path.is_file():
        raise ValidationError(f"{path.name}: no such file")
    return open_database(path, create=False, key=passphrase)


def checkin(
    server_db: Database,
    actor: Actor,
    local_path: str | Path,
    *,
    passphrase: str | None = None,
    discard_conflicts: bool = False,
) -> CheckinReport:
    """Bring offline work back: what changed only offline is applied, conflicts are reported.

    One server transaction: either the whole report holds or nothing was written."""
    _check_person(actor)
    path = Path(local_path).expanduser().resolve()
    if server_db.path is not None and server_db.path.resolve() == path:
        raise ValidationError("That is the server database itself, not an offline file")
    local = _open_local(path, passphrase)
    try:
        with local.session() as lsession:
            offline = _read_file(lsession, path)
        report = CheckinReport()
        closed: list[str] = []
        with server_db.transaction() as session:
            server_rows = _server_checkouts(session, actor, path, offline)
            # An urgent concern raised offline reaches the server whatever happens to the rest
            # (conflicts included): a child may be unsafe now.
            report.concerns = _carry_concerns(session, actor, offline.concerns)
            now = datetime.now(UTC)
            for checkout_uuid, audit_uuid in offline.wanted:
                row = server_rows[checkout_uuid]
                data = offline.audits[audit_uuid]
                if _check_in_audit(session, actor, row, data, now, report, discard_conflicts):
                    closed.append(checkout_uuid)
        if closed:
            with local.transaction() as lsession:
                for c in lsession.scalars(select(Checkout).where(Checkout.uuid.in_(closed))):
                    c.checked_in_at = datetime.now(UTC)
        return report
    finally:
        local.close()


@dataclass
class _OfflineFile:
    """What check-in reads from the offline file."""

    wanted: list[tuple[str, str]]  # (checkout uuid, audit uuid) of each open checkout
    audits: dict[str, dict[str, Any]]  # the file's copy of those audits (pack JSON) by uuid
    where_from: str
    concerns: list[dict[str, Any]]  # urgent concerns raised in the file


def _read_file(lsession: Session, path: Path) -> _OfflineFile:
    """The file's open checkouts and its copy of their audits; refuses a file with none."""
    open_rows = list(
        lsession.scalars(
            select(Checkout).where(Checkout.checked_in_at.is_(None)).order_by(Checkout.id)
        )
    )
    source = lsession.get(Setting, SOURCE_SETTING)
    if not open_rows:
        if source is None:
            raise ValidationError(
                f"{path.name} was not checked out from a team server: it holds no "
                "checked-out audits"
            )
        raise ValidationError(f"{path.name}: everything in it is already checked in")
    local_audits = {
        a.id: a
        for a in lsession.scalars(
            select(Audit).where(Audit.id.in_([c.audit_id for c in open_rows]))
        )
    }
    audits = [local_audits[c.audit_id] for c in open_rows]
    pack = _build_pack(
        lsession,
        audits,
        [packs.one_audit_json(a, lsession) for a in audits],
        f"Check-in from {path.name}",
    )
    return _OfflineFile(
        wanted=[(c.uuid, local_audits[c.audit_id].uuid) for c in open_rows],
        audits={a["id"]: a for a in pack["audits"]},
        where_from=source.value if source is not None else "another server",
        concerns=_local_concerns(lsession, local_audits),
    )


def _server_checkouts(
    session: Session, actor: Actor, path: Path, offline: _OfflineFile
) -> dict[str, Checkout]:
    """The server's rows of the file's checkouts, by uuid; refuses the whole file if one is
    unknown here or was checked out by someone else."""
    wanted = offline.wanted
    server_rows = {
        c.uuid: c
        for c in session.scalars(select(Checkout).where(Checkout.uuid.in_([u for u, _ in wanted])))
    }
    unknown = [u for u, _ in wanted if u not in server_rows]
    if unknown:
        raise ValidationError(
            f"{path.name} was not checked out from this server (it came from "
            f"{offline.where_from}; {len(unknown)} checkout(s) unknown here): nothing was "
            "checked in"
        )
    for checkout_uuid, _audit_uuid in wanted:
        row = server_rows[checkout_uuid]
        if row.person_id != actor.person_id:
            raise PermissionDenied(
                f"{path.name} was checked out by {_name(session, row.person_id)}; only "
                "they can check it in"
            )
    return server_rows


def _check_in_audit(
    session: Session,
    actor: Actor,
    row: Checkout,
    data: dict[str, Any],
    now: datetime,
    report: CheckinReport,
    discard_conflicts: bool,
) -> bool:
    """One checked-out audit: applied, unchanged or a conflict, in the report; True when its
    checkout closes (a conflict kept leaves it open)."""
    audit = session.scalar(select(Audit).where(Audit.id == row.audit_id).with_for_update(of=Audit))
    assert audit is not None
    item = CheckedOutAudit(audit.uuid, audit.case.ref)
    if row.checked_in_at is not None:
        report.unchanged.append(item)
        return True
    local_changed = data["revision"] != row.revision
    server_changed = audit.revision != row.revision
    if local_changed and server_changed:
        server_json = packs.one_audit_json(audit, session)
        who, when, what = _server_change(session, audit, row.checked_out_at, server_json)
        conflict = CheckinConflict(
            audit.uuid, audit.case.ref, who, when, what, row.revision, audit.revision
        )
        if not discard_conflicts:
            report.conflicts.append(conflict)
            return False
        report.discarded.append(conflict)
        outcome = "offline changes discarded (conflict)"
    elif local_changed:
        _apply(session, actor, audit, data)
        report.applied.append(item)
        outcome = "offline changes applied"
    else:
        report.unchanged.append(item)
        outcome = "nothing changed offline"
    row.checked_in_at = now
    session.flush()
    changelog.record(
        session,
        actor,
        "checkin",
        "audit",
        audit.uuid,
        before={"revision": row.revision},
        after={"checkout": row.uuid, "revision": audit.revision, "outcome": outcome},
        summary=f"Audit of case {audit.case.ref} checked in: {outcome}",
    )
    return True


def _local_concerns(lsession: Session, local_audits: dict[int, Audit]) -> list[dict[str, Any]]:
    """The urgent concerns recorded in the offline file against its checked-out audits."""
    rows = lsession.scalars(
        select(UrgentConcern).where(UrgentConcern.audit_id.in_(list(local_audits)))
    )
    return [
        {
            "uuid": c.uuid,
            "audit": local_audits[c.audit_id].uuid,
            "raised_at": c.raised_at,
            "what": c.what,
            "why_urgent": c.why_urgent,
        }
        for c in rows
        if c.audit_id is not None
    ]


def _carry_concerns(session: Session, actor: Actor, concerns: list[dict[str, Any]]) -> list[str]:
    """Create on the server the offline concerns it does not hold yet, raised by the actor (the
    only person who works in the file); returns their case references."""
    carried = []
    for c in concerns:
        if session.scalar(select(UrgentConcern.id).where(UrgentConcern.uuid == c["uuid"])):
            continue  # checked in before
        audit = session.scalar(select(Audit).where(Audit.uuid == c["audit"]))
        if audit is None:
            continue
        assert actor.person_id is not None
        concern = UrgentConcern(
            uuid=c["uuid"],
            audit_id=audit.id,
            case_id=audit.case_id,
            raised_by_id=actor.person_id,
            raised_at=c["raised_at"],
            what=c["what"],
            why_urgent=c["why_urgent"],
            status="open",
        )
        session.add(concern)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "urgent_concern",
            concern.uuid,
            after={"case": audit.case.ref, "what": c["what"], "why_urgent": c["why_urgent"]},
            summary=f"Urgent safeguarding concern raised offline on case {audit.case.ref}, "
            "brought in at check-in",
        )
        notify_concern(session, actor.name, audit, concern)
        carried.append(audit.case.ref)
    return carried
