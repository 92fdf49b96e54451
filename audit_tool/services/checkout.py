"""Offline work with a team server: audits checked out to a laptop file and checked back in.

Check-out writes a NEW SQLite file (encrypted when a passphrase is given) holding what the
auditor needs, carried by the audit pack exchange (services.packs): reference data, the
template, the programme and the audits with their reviews, feedback, learning and actions, plus
the auditor's own account (the same password hash, so they log in offline as at the office;
the other people in the file have no password). Blindness holds in the file: while an audit is
blind for the auditor, the other auditors' reviews travel as empty placeholders (who and
whether submitted, so the audit's state stays right offline, but no grade or text), and the
moderation and other people's entries are left out. A `Checkout` row on the server records
each audit that left; nobody else may check it out until it is checked in.

Check-in reads the file's audits back as a pack and applies the pack conflict rules per audit,
in one server transaction:
- changed offline only (file revision moved, server revision still the one that left): the
  auditor's own reviews, the audit's feedback, learning, actions and worker feedback they could
  see are applied (the other auditors' reviews and anything withheld stay as they are);
- changed on the server only, or on neither side: nothing to apply, the checkout is closed;
- changed on both sides: a conflict, reported with who changed it on the server and when; the
  server keeps its version and the checkout STAYS OPEN, so the offline text is not forgotten.
  To resolve, open the file (it is an ordinary Audit Tool database) to copy the text aside,
  then check in again discarding the conflicting changes (`discard_conflicts`), which closes
  those checkouts; the file keeps its copy.
A file whose checkouts this server does not know is refused whole.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import (
    Action,
    Audit,
    ChangeLogEntry,
    Feedback,
    FeedbackAnswer,
    FeedbackQuestion,
    LearningPoint,
    LearningTheme,
    Person,
    Programme,
    Review,
    ReviewAnswer,
    Setting,
    UrgentConcern,
    WorkerFeedback,
)
from audit_tool.models.coordination import OFFLINE_SOURCE_SETTING, Checkout
from audit_tool.services import changelog, packs
from audit_tool.services.audits import STATUS_LABELS, TRANSITIONS, Answer
from audit_tool.services.audits.answers import validate_answers
from audit_tool.services.audits.concerns import notify_concern
from audit_tool.services.audits.reading import blind_for, template_of
from audit_tool.services.audits.reviews import review_snapshot
from audit_tool.services.audits.revisions import bump

SOURCE_SETTING = OFFLINE_SOURCE_SETTING  # in the laptop file: where its audits came from
_EXTRAS = (("learning_points", "learning_point"), ("actions", "action"), ("feedback", "feedback"))
_EXTRA_LABELS = {"learning_point": "Learning point", "action": "Action", "feedback": "Feedback"}


# ---------------------------------------------------------------- what callers get


@dataclass(frozen=True)
class CheckoutCandidate:
    """An audit the acting auditor reviews, as the check-out dialog lists it."""

    audit_uuid: str
    case_ref: str
    programme: str
    status_label: str
    review_status: str
    checked_out_by: str | None = None  # an open checkout's holder
    checked_out_at: datetime | None = None
    checked_out_to: str = ""

    @property
    def available(self) -> bool:
        return self.checked_out_by is None


@dataclass(frozen=True)
class CheckedOutAudit:
    audit_uuid: str
    case_ref: str


@dataclass
class CheckoutResult:
    path: Path
    audits: list[CheckedOutAudit]
    left_out: list[str] = field(default_factory=list)  # "case C1: why"
    encrypted: bool = False

    def lines(self) -> list[str]:
        out = [f"checked out: case {a.case_ref} ({a.audit_uuid})" for a in self.audits]
        out += [f"left out: {why}" for why in self.left_out]
        out.append(
            f"{len(self.audits)} audit(s) checked out to {self.path}"
            + (" (encrypted)" if self.encrypted else "")
        )
        return out


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


# ---------------------------------------------------------------- checks


def _check_person(actor: Actor) -> None:
    if actor.person_id is None or actor.key is None:
        raise PermissionDenied(
            f"{actor.name} is not a person: audits are checked out by the auditor who works on "
            "them (log in, or give --user)"
        )
    require(actor, "audit.review")


def _open_checkouts(session: Session, audit_ids: Iterable[int]) -> dict[int, Checkout]:
    ids = list(audit_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Checkout).where(Checkout.audit_id.in_(ids), Checkout.checked_in_at.is_(None))
    )
    return {c.audit_id: c for c in rows}


def _name(session: Session, person_id: int) -> str:
    person = session.get(Person, person_id)
    return person.name if person is not None else "someone"


def _when(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M") + " UTC"


def _mine(actor: Actor) -> Any:
    """Audits the actor reviews, as a condition on Audit.id."""
    return Audit.id.in_(select(Review.audit_id).where(Review.reviewer_id == actor.person_id))


def candidates(db: Any, actor: Actor) -> list[CheckoutCandidate]:
    """The audits the actor reviews that are not final, with who holds any open checkout."""
    _check_person(actor)
    with db.session() as session:
        rows = list(
            session.scalars(
                select(Audit)
                .where(_mine(actor), Audit.status != "final", scope.audit_in_scope(actor, Audit.id))
                .order_by(Audit.due_on, Audit.id)
            )
        )
        held = _open_checkouts(session, (a.id for a in rows))
        out = []
        for audit in rows:
            mine = next(r for r in audit.reviews if r.reviewer_id == actor.person_id)
            hold = held.get(audit.id)
            out.append(
                CheckoutCandidate(
                    audit_uuid=audit.uuid,
                    case_ref=audit.case.ref,
                    programme=audit.programme.name,
                    status_label=STATUS_LABELS[audit.status],
                    review_status=mine.status,
                    checked_out_by=_name(session, hold.person_id) if hold else None,
                    checked_out_at=hold.checked_out_at if hold else None,
                    checked_out_to=hold.label if hold else "",
                )
            )
        return out


def _chosen(
    session: Session, actor: Actor, audit_uuids: list[str] | None, programme_key: str | None
) -> tuple[list[Audit], list[str]]:
    """The audits to check out, locked; refuses what the actor may not take."""
    left_out: list[str] = []
    if audit_uuids:
        chosen = []
        for uuid in dict.fromkeys(audit_uuids):
            audit = session.scalar(
                select(Audit)
                .where(Audit.uuid == uuid, scope.audit_in_scope(actor, Audit.id))
                .with_for_update(of=Audit)
            )
            if audit is None:
                raise NotFound(f"No audit {uuid}")
            if not any(r.reviewer_id == actor.person_id for r in audit.reviews):
                raise PermissionDenied(
                    f"{actor.name} is not an auditor of the audit of case {audit.case.ref}; "
                    "only its auditors check it out"
                )
            if programme_key and audit.programme.key != programme_key:
                raise ValidationError(
                    f"The audit of case {audit.case.ref} is not in programme {programme_key}"
                )
            if audit.status == "final":
                raise ValidationError(
                    f"The audit of case {audit.case.ref} is final and locked: nothing to do offline"
                )
            chosen.append(audit)
        held = _open_checkouts(session, (a.id for a in chosen))
        for audit in chosen:
            hold = held.get(audit.id)
            if hold is not None:
                who = "you" if hold.person_id == actor.person_id else _name(session, hold.person_id)
                raise ConflictError(
                    f"The audit of case {audit.case.ref} is already checked out by {who} "
                    f"since {_when(hold.checked_out_at)}"
                    + (f" ({hold.label})" if hold.label else "")
                    + "; it must be checked in first"
                )
        return chosen, left_out
    stmt = (
        select(Audit)
        .where(_mine(actor), Audit.status != "final", scope.audit_in_scope(actor, Audit.id))
        .order_by(Audit.id)
        .with_for_update(of=Audit)
    )
    if programme_key:
        programme = session.scalar(select(Programme.id).where(Programme.key == programme_key))
        if programme is None:
            raise NotFound(f"No programme {programme_key}")
        stmt = stmt.where(Audit.programme_id == programme)
    found = list(session.scalars(stmt))
    held = _open_checkouts(session, (a.id for a in found))
    chosen = []
    for audit in found:
        hold = held.get(audit.id)
        if hold is None:
            chosen.append(audit)
        else:
            who = "you" if hold.person_id == actor.person_id else _name(session, hold.person_id)
            left_out.append(
                f"case {audit.case.ref}: already checked out by {who} since "
                f"{_when(hold.checked_out_at)}"
            )
    if not chosen:
        where = f" in programme {programme_key}" if programme_key else ""
        raise ValidationError(
            f"{actor.name} has no audit to check out{where}: none that they review is open "
            "and not already checked out"
        )
    return chosen, left_out


# ---------------------------------------------------------------- the pack that travels


def _strip_blind(actor: Actor, audit: Audit, data: dict[str, Any]) -> dict[str, Any]:
    """What the auditor may see of this audit; other reviews as empty placeholders if blind."""
    data = dict(data)
    data["moderation"] = None  # the moderator's working copy stays on the server
    if not blind_for(actor, audit):
        return data
    reviews = []
    for r in data["reviews"]:
        if r["reviewer"] == actor.key:
            reviews.append(r)
        else:
            reviews.append(
                r
                | {
                    "overall": None,
                    "answers": {},
                    "comments": {},
                    "strengths": "",
                    "worries": "",
                    "next_steps": "",
                    "return_comment": "",
                }
            )
    data["reviews"] = reviews
    for key, _entity in _EXTRAS:
        data[key] = [x for x in data[key] if x.get("author") == actor.key]
    return data


def _build_pack(
    session: Session, audits: list[Audit], audit_json: list[dict[str, Any]], source: str
) -> dict[str, Any]:
    """An audit pack (v1) of these audits with the reference data they name."""
    pack = packs.build_pack(
        session,
        audits,
        audit_json,
        source,
        "{names} use a scale other than Ofsted's, which the offline file cannot carry: work "
        "on those audits online",
    )
    packs.check_schema(pack)
    return pack


# ---------------------------------------------------------------- check-out


def _remove_file(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        candidate.unlink(missing_ok=True)


def _check_target(target: Path, passphrase: str | None) -> None:
    if target.suffix.lower() not in (".sqlite", ".db", ".sqlite3"):
        raise ValidationError(f"{target.name}: give the offline file a name ending in .sqlite")
    if target.exists():
        raise ValidationError(f"{target} already exists: choose a new file for the check-out")
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist")
    if passphrase is not None:
        from audit_tool.store.crypto import validate_new_passphrase

        validate_new_passphrase(passphrase)


def checkout(
    server_db: Any,
    actor: Actor,
    target_path: str | Path,
    *,
    audit_uuids: list[str] | None = None,
    programme_key: str | None = None,
    passphrase: str | None = None,
) -> CheckoutResult:
    """Check audits out to a new local file (all the actor's open audits if none are named)."""
    _check_person(actor)
    target = Path(target_path).expanduser().resolve()
    if server_db.path is not None and server_db.path.resolve() == target:
        raise ValidationError("The offline file cannot be the server database itself")
    _check_target(target, passphrase)
    now = datetime.now(UTC)
    label = f"{target.name} on {socket.gethostname()}"[:200]
    created = False
    try:
        with server_db.transaction() as session:
            audits, left_out = _chosen(session, actor, audit_uuids, programme_key)
            audit_json = [_strip_blind(actor, a, packs.one_audit_json(a, session)) for a in audits]
            pack = _build_pack(
                session, audits, audit_json, f"Check-out from {server_db.display_name}"
            )
            rows = []
            for audit in audits:
                row = Checkout(
                    audit_id=audit.id,
                    person_id=actor.person_id,
                    label=label,
                    revision=audit.revision,
                    checked_out_at=now,
                    checked_in_at=None,
                )
                session.add(row)
                rows.append((row, audit))
            session.flush()
            me = session.get(Person, actor.person_id)
            assert me is not None
            account = (me.username, me.password_hash, me.must_change_password)
            created = True
            _write_local(
                target, passphrase, pack, actor, account, rows, server_db.display_name, now
            )
            for row, audit in rows:
                changelog.record(
                    session,
                    actor,
                    "checkout",
                    "audit",
                    audit.uuid,
                    after={"checkout": row.uuid, "revision": row.revision, "to": label},
                    summary=f"Audit of case {audit.case.ref} checked out for offline work "
                    f"({label})",
                )
            result = CheckoutResult(
                path=target,
                audits=[CheckedOutAudit(a.uuid, a.case.ref) for a in audits],
                left_out=left_out,
                encrypted=passphrase is not None,
            )
    except BaseException:
        if created:
            _remove_file(target)
        raise
    return result


def _write_local(
    target: Path,
    passphrase: str | None,
    pack: dict[str, Any],
    actor: Actor,
    account: tuple[str | None, str | None, bool],
    rows: list[tuple[Checkout, Audit]],
    source: str,
    now: datetime,
) -> None:
    from audit_tool.store import open_database

    local = open_database(target, create=True, key=passphrase)
    try:
        packs.import_pack(local, Actor.system("check-out"), pack)
        with local.transaction() as session:
            me = session.scalar(select(Person).where(Person.key == actor.key))
            assert me is not None
            me.username, me.password_hash, me.must_change_password = account
            me.failed_logins, me.locked_until = 0, None
            local_ids = dict(session.execute(select(Audit.uuid, Audit.id)).all())
            for row, audit in rows:
                session.add(
                    Checkout(
                        uuid=row.uuid,
                        audit_id=local_ids[audit.uuid],
                        person_id=me.id,
                        label=source[:200],
                        revision=row.revision,
                        checked_out_at=now,
                        checked_in_at=None,
                    )
                )
            setting = session.get(Setting, SOURCE_SETTING)
            if setting is None:
                session.add(Setting(key=SOURCE_SETTING, value=source))
            else:
                setting.value = source
    finally:
        local.close()


# ---------------------------------------------------------------- check-in


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
    server_db: Any,
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
            where_from = source.value if source is not None else "another server"
            offline_concerns = _local_concerns(lsession, local_audits)
        by_uuid = {a["id"]: a for a in pack["audits"]}
        wanted = [(c.uuid, local_audits[c.audit_id].uuid) for c in open_rows]
        report = CheckinReport()
        closed: list[str] = []
        with server_db.transaction() as session:
            server_rows = {
                c.uuid: c
                for c in session.scalars(
                    select(Checkout).where(Checkout.uuid.in_([u for u, _ in wanted]))
                )
            }
            unknown = [u for u, _ in wanted if u not in server_rows]
            if unknown:
                raise ValidationError(
                    f"{path.name} was not checked out from this server (it came from "
                    f"{where_from}; {len(unknown)} checkout(s) unknown here): nothing was "
                    "checked in"
                )
            for checkout_uuid, _audit_uuid in wanted:
                row = server_rows[checkout_uuid]
                if row.person_id != actor.person_id:
                    raise PermissionDenied(
                        f"{path.name} was checked out by {_name(session, row.person_id)}; only "
                        "they can check it in"
                    )
            # An urgent concern raised offline reaches the server whatever happens to the rest
            # (conflicts included): a child may be unsafe now.
            report.concerns = _carry_concerns(session, actor, offline_concerns)
            now = datetime.now(UTC)
            for checkout_uuid, audit_uuid in wanted:
                row = server_rows[checkout_uuid]
                data = by_uuid[audit_uuid]
                audit = session.scalar(
                    select(Audit).where(Audit.id == row.audit_id).with_for_update(of=Audit)
                )
                assert audit is not None
                item = CheckedOutAudit(audit.uuid, audit.case.ref)
                if row.checked_in_at is not None:
                    report.unchanged.append(item)
                    closed.append(checkout_uuid)
                    continue
                local_changed = data["revision"] != row.revision
                server_changed = audit.revision != row.revision
                if local_changed and server_changed:
                    server_json = packs.one_audit_json(audit, session)
                    who, when, what = _server_change(
                        session, audit, row.checked_out_at, server_json
                    )
                    conflict = CheckinConflict(
                        audit.uuid, audit.case.ref, who, when, what, row.revision, audit.revision
                    )
                    if not discard_conflicts:
                        report.conflicts.append(conflict)
                        continue
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
                closed.append(checkout_uuid)
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
        if closed:
            with local.transaction() as lsession:
                for c in lsession.scalars(select(Checkout).where(Checkout.uuid.in_(closed))):
                    c.checked_in_at = datetime.now(UTC)
        return report
    finally:
        local.close()


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


def _apply(session: Session, actor: Actor, audit: Audit, data: dict[str, Any]) -> None:
    """Apply the file's copy of an audit unchanged on the server since it left."""
    blind = blind_for(actor, audit)
    server = packs.one_audit_json(audit, session)
    submitted = _apply_reviews(session, actor, audit, data)
    _apply_extras(session, actor, audit, data, server, blind)
    _apply_worker_feedback(session, actor, audit, data, server)
    session.flush()
    if submitted:
        _settle_status(session, actor, audit)
    bump(session, audit)


def _apply_reviews(session: Session, actor: Actor, audit: Audit, data: dict[str, Any]) -> bool:
    """The actor's own reviews from the file; True if one of them was submitted offline."""
    template = template_of(session, audit)
    submitted = False
    for r in data["reviews"]:
        if r["reviewer"] != actor.key:
            continue
        review = next((x for x in audit.reviews if x.uuid == r["id"]), None)
        if review is None or review.reviewer_id != actor.person_id:
            raise ValidationError(
                f"The file's review {r['id']} of case {audit.case.ref} is not yours on the "
                "server: nothing was checked in"
            )
        if (review.status, r["status"]) not in (
            ("draft", "draft"),
            ("returned", "returned"),
            ("submitted", "submitted"),
            ("draft", "submitted"),
            ("returned", "submitted"),
        ):
            raise ValidationError(
                f"The file's review of case {audit.case.ref} is {r['status']} but "
                f"{review.status} on the server: nothing was checked in"
            )
        comments = r.get("comments", {})
        answers = {
            k: Answer(None if v is None else str(v), comments.get(k, ""))
            for k, v in r["answers"].items()
        }
        errors = validate_answers(template, answers, r["overall"])
        if errors:
            raise ValidationError(
                f"The file's review of case {audit.case.ref} has answers that are not valid "
                f"({'; '.join(errors.values())}): nothing was checked in",
                errors,
            )
        before = {**review_snapshot(review), "status": review.status}
        review.overall = r["overall"]
        review.strengths, review.worries = r["strengths"], r["worries"]
        review.next_steps = r["next_steps"]
        by_key = {a.item_key: a for a in review.answers}
        for key, answer in answers.items():
            row = by_key.get(key)
            if row is None:
                review.answers.append(
                    ReviewAnswer(item_key=key, value=answer.value, comment=answer.comment)
                )
            else:
                row.value, row.comment = answer.value, answer.comment
        for key, row in by_key.items():
            if key not in answers:
                review.answers.remove(row)
        if r["status"] == "submitted" and review.status != "submitted":
            review.status = "submitted"
            review.submitted_at = packs.parse_time(r["submitted_at"]) or datetime.now(UTC)
            submitted = True
        session.flush()
        changelog.record_changes(
            session,
            actor,
            "review",
            review.uuid,
            before,
            {**review_snapshot(review), "status": review.status},
            summary=f"Review of case {audit.case.ref} checked in from offline work",
        )
    return submitted


def _settle_status(session: Session, actor: Actor, audit: Audit) -> None:
    """The audit's state after a review submitted offline, by the same rule as online."""
    before = audit.status
    if audit.kind == "single" and audit.status == "in_review":
        review = audit.reviews[0]
        audit.status = "final"
        audit.final_overall = review.overall
        audit.finalised_at = review.submitted_at
    elif audit.status in ("in_review", "returned") and all(
        r.status == "submitted" for r in audit.reviews
    ):
        audit.status = "in_moderation"
    if audit.status == before:
        return
    session.flush()
    changelog.record(
        session,
        actor,
        "status",
        "audit",
        audit.uuid,
        before={"status": before},
        after={"status": audit.status},
        summary=f"Audit of case {audit.case.ref}: {TRANSITIONS[(before, audit.status)]}",
    )


def _person_id(session: Session, key: str | None, where: str) -> int | None:
    if not key:
        return None
    found = session.scalar(select(Person.id).where(Person.key == key))
    if found is None:
        raise ValidationError(f"{where}: no person '{key}' on the server: nothing was checked in")
    return int(found)


def _apply_extras(
    session: Session,
    actor: Actor,
    audit: Audit,
    data: dict[str, Any],
    server: dict[str, Any],
    blind: bool,
) -> None:
    """Feedback, learning and actions: created, changed or deleted offline among those the
    auditor could see; what was withheld from the file stays as it is."""
    for key, entity in _EXTRAS:
        theirs = {x["id"]: x for x in server[key]}
        seen = {u: x for u, x in theirs.items() if not blind or x.get("author") == actor.key}
        ours = {x["id"]: x for x in data[key]}
        label = _EXTRA_LABELS[entity]
        for uuid, item in ours.items():
            if theirs.get(uuid) == item:
                continue
            if uuid not in theirs and _exists_elsewhere(session, entity, uuid):
                raise ValidationError(
                    f"The file's {label.lower()} {uuid} belongs to another audit on the server: "
                    "nothing was checked in"
                )
            _upsert(session, audit, entity, item)
            changelog.record(
                session,
                actor,
                "update" if uuid in theirs else "create",
                entity,
                uuid,
                before=theirs.get(uuid),
                after=item,
                summary=f"{label} for the audit of case {audit.case.ref} checked in from "
                "offline work",
            )
        for uuid, item in seen.items():
            if uuid in ours:
                continue
            model = _MODELS[entity]
            row = session.scalar(select(model).where(model.uuid == uuid))
            if row is not None:
                session.delete(row)
                changelog.record(
                    session,
                    actor,
                    "delete",
                    entity,
                    uuid,
                    before=item,
                    summary=f"{label} of the audit of case {audit.case.ref} deleted offline",
                )
        session.flush()


_MODELS: dict[str, Any] = {
    "learning_point": LearningPoint,
    "action": Action,
    "feedback": Feedback,
}


def _exists_elsewhere(session: Session, entity: str, uuid: str) -> bool:
    model = _MODELS[entity]
    return session.scalar(select(model.id).where(model.uuid == uuid)) is not None


def _upsert(session: Session, audit: Audit, entity: str, x: dict[str, Any]) -> None:
    where = f"{entity} {x['id']}"
    model = _MODELS[entity]
    row = session.scalar(select(model).where(model.uuid == x["id"]))
    if entity == "learning_point":
        point = row or LearningPoint(uuid=x["id"], audit_id=audit.id)
        point.kind, point.text, point.item_key = x["kind"], x["text"], x["item"]
        point.in_briefing = x.get("in_briefing", True)
        point.author_id = _person_id(session, x.get("author"), where)
        point.themes = [LearningTheme(theme=t) for t in dict.fromkeys(x["themes"])]
        session.add(point)
    elif entity == "action":
        owner = _person_id(session, x["owner"], where)
        assert owner is not None
        action = row or Action(uuid=x["id"], audit_id=audit.id)
        action.text, action.owner_id = x["text"], owner
        action.due_on = packs.parse_date(x["due_on"])
        action.status, action.scope = x["status"], x.get("scope", "case")
        action.completed_on = packs.parse_date(x["completed_on"])
        action.completed_by_id = _person_id(session, x.get("completed_by"), where)
        action.completion_note = x.get("completion_note", "")
        action.author_id = _person_id(session, x.get("author"), where)
        session.add(action)
    else:
        known = set(session.scalars(select(FeedbackQuestion.key)))
        missing = sorted(set(x["answers"]) - known)
        if missing:
            raise ValidationError(
                f"{where}: no feedback question {', '.join(missing)} on the server: "
                "nothing was checked in"
            )
        fb = row or Feedback(uuid=x["id"], audit_id=audit.id, case_id=audit.case_id)
        fb.respondent, fb.channel = x["respondent"], x["channel"]
        fb.collected_on = packs.parse_date(x["collected_on"])
        fb.consent, fb.comment, fb.shareable = x["consent"], x["comment"], x["shareable"]
        fb.author_id = _person_id(session, x.get("author"), where)
        fb.answers = [FeedbackAnswer(question_key=k, answer=v) for k, v in x["answers"].items()]
        session.add(fb)
    session.flush()


def _apply_worker_feedback(
    session: Session, actor: Actor, audit: Audit, data: dict[str, Any], server: dict[str, Any]
) -> None:
    ours, theirs = data["worker_feedback"], server["worker_feedback"]
    if ours == theirs:
        return
    wf = session.get(WorkerFeedback, audit.id)
    before = changelog.snapshot(wf) if wf else None
    if wf is None:
        wf = WorkerFeedback(audit_id=audit.id)
        session.add(wf)
    wf.given_to_worker, wf.given_to_manager = ours["given_to_worker"], ours["given_to_manager"]
    wf.given_on = packs.parse_date(ours["given_on"])
    wf.how = ours.get("how", "")
    session.flush()
    changelog.record(
        session,
        actor,
        "update" if before else "create",
        "worker_feedback",
        audit.uuid,
        before=before,
        after=changelog.snapshot(wf),
        summary=f"Feedback to the worker for the audit of case {audit.case.ref} checked in "
        "from offline work",
    )
