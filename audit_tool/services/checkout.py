"""Offline work with a team server: audits checked out to a laptop file (check-in is
services.checkin).

Check-out writes a NEW SQLite file (encrypted when a passphrase is given) holding what the
auditor needs, carried by the audit pack exchange (services.packs): reference data, the
template, the programme and the audits with their reviews, feedback, learning and actions, plus
the auditor's own account (the same password hash, so they log in offline as at the office;
the other people in the file have no password). Blindness holds in the file: while an audit is
blind for the auditor, the other auditors' reviews travel as empty placeholders (who and
whether submitted, so the audit's state stays right offline, but no grade or text), and the
moderation and other people's entries are left out. A `Checkout` row on the server records
each audit that left; nobody else may check it out until it is checked in.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import Audit, Person, Programme, Review, Setting
from audit_tool.models.coordination import OFFLINE_SOURCE_SETTING, Checkout
from audit_tool.services import changelog, packs
from audit_tool.services.audits import STATUS_LABELS
from audit_tool.services.audits.reading import blind_for

if TYPE_CHECKING:
    from audit_tool.store import Database

SOURCE_SETTING = OFFLINE_SOURCE_SETTING  # in the laptop file: where its audits came from
_EXTRAS = (("learning_points", "learning_point"), ("actions", "action"), ("feedback", "feedback"))


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


def candidates(db: Database, actor: Actor) -> list[CheckoutCandidate]:
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
    server_db: Database,
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
