"""Claims: work only one person may do at a time (moderating an audit), shown to others.

A running app takes a short-lived claim when the work opens, renews it while the work stays
open and releases it when it closes; if the app goes away the claim lapses at `expires_at` and
anyone may take it over. Claims are coordination, not records of work, so they are not in the
change log. `token` identifies the running app (one per window), so the same person in two
windows is told the work is open elsewhere.

Kinds of work that can be claimed, with who may claim them:
- "moderation" (entity_uuid: the audit's uuid): the audit's moderator, while it is ready to
  moderate. `audits.confirm` and `audits.return_review` refuse anyone without the live claim
  while someone else holds one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import Audit, Claim

if TYPE_CHECKING:
    from audit_tool.store import Database

DEFAULT_TTL = timedelta(minutes=2)
KINDS = ("moderation",)


@dataclass(frozen=True)
class Claimed:
    """The claim is ours until `expires_at` (renew before then)."""

    since: datetime
    expires_at: datetime
    ok: bool = True


@dataclass(frozen=True)
class ClaimHeld:
    """Someone else (or this person in another window) holds a live claim."""

    holder_name: str
    since: datetime
    expires_at: datetime
    person_id: int
    ok: bool = False

    @property
    def banner(self) -> str:
        return f"Being moderated by {self.holder_name} since {self.since.astimezone():%H:%M}"


@dataclass(frozen=True)
class Holder:
    holder_name: str
    person_id: int
    token: str
    since: datetime
    expires_at: datetime


def new_token() -> str:
    """An id for one running window's claims."""
    return secrets.token_hex(16)


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _check_may_claim(session: Session, actor: Actor, entity: str, uuid: str) -> None:
    if entity not in KINDS:
        raise ValidationError(f"'{entity}' is not work that can be claimed")
    if actor.person_id is None:
        raise PermissionDenied("Only a signed-in person can take on work")
    require(actor, "audit.moderate")
    audit = session.scalar(select(Audit).where(Audit.uuid == uuid))
    if audit is None:
        raise NotFound(f"No audit {uuid}")
    if audit.moderator_id != actor.person_id:
        raise PermissionDenied(f"{actor.name} is not the moderator of this audit")


def _live(session: Session, entity: str, uuid: str, now: datetime) -> Claim | None:
    row = session.scalar(select(Claim).where(Claim.entity == entity, Claim.entity_uuid == uuid))
    if row is None or _aware(row.expires_at) <= now:
        return None
    return row


def _held(row: Claim) -> ClaimHeld:
    return ClaimHeld(row.holder_name, _aware(row.claimed_at), _aware(row.expires_at), row.person_id)


def claim(
    db: Database,
    actor: Actor,
    entity: str,
    uuid: str,
    token: str,
    ttl: timedelta = DEFAULT_TTL,
    *,
    now: datetime | None = None,
) -> Claimed | ClaimHeld:
    """Take the work (or keep it, if this token holds it already); an expired claim is taken
    over. Returns Claimed, or ClaimHeld naming the live holder."""
    at = _now(now)
    for _attempt in range(3):
        try:
            with db.transaction() as session:
                _check_may_claim(session, actor, entity, uuid)
                assert actor.person_id is not None
                row = session.scalar(
                    select(Claim).where(Claim.entity == entity, Claim.entity_uuid == uuid)
                )
                if row is None:
                    session.add(
                        Claim(
                            entity=entity,
                            entity_uuid=uuid,
                            person_id=actor.person_id,
                            holder_name=actor.name,
                            token=token,
                            claimed_at=at,
                            expires_at=at + ttl,
                        )
                    )
                    session.flush()
                    return Claimed(at, at + ttl)
                if row.token == token:
                    row.expires_at = at + ttl
                    return Claimed(_aware(row.claimed_at), at + ttl)
                if _aware(row.expires_at) > at:
                    return _held(row)
                # Expired: take it over, unless another app took it over first.
                taken = session.execute(
                    update(Claim)
                    .where(Claim.id == row.id, Claim.token == row.token)
                    .values(
                        person_id=actor.person_id,
                        holder_name=actor.name,
                        token=token,
                        claimed_at=at,
                        expires_at=at + ttl,
                    )
                    .execution_options(synchronize_session=False)
                )
                if getattr(taken, "rowcount", 0) == 1:
                    return Claimed(at, at + ttl)
        except IntegrityError:
            pass  # another app inserted the claim at the same moment: read it again
    with db.session() as session:
        row = _live(session, entity, uuid, at)
        if row is not None and row.token != token:
            return _held(row)
        if row is not None:
            return Claimed(_aware(row.claimed_at), _aware(row.expires_at))
    raise ConflictError("The work could not be claimed: others are taking it over; try again")


def renew(
    db: Database,
    actor: Actor,
    entity: str,
    uuid: str,
    token: str,
    ttl: timedelta = DEFAULT_TTL,
    *,
    now: datetime | None = None,
) -> Claimed | ClaimHeld:
    """Keep the work for another `ttl`. If the claim lapsed and someone else took it, says
    who; if it lapsed and nobody did, takes it again."""
    return claim(db, actor, entity, uuid, token, ttl, now=now)


def release(db: Database, actor: Actor, entity: str, uuid: str, token: str) -> bool:
    """Give the work up (the screen closed). Only the holding app's token releases it."""
    with db.transaction() as session:
        result = session.execute(
            delete(Claim).where(
                Claim.entity == entity, Claim.entity_uuid == uuid, Claim.token == token
            )
        )
        return bool(getattr(result, "rowcount", 0))


def current(db: Database, entity: str, uuid: str, *, now: datetime | None = None) -> Holder | None:
    """Who holds the work now, or None (nobody, or the claim expired)."""
    with db.session() as session:
        return holder(session, entity, uuid, now=now)


def holder(
    session: Session, entity: str, uuid: str, *, now: datetime | None = None
) -> Holder | None:
    """The live holder, read inside a caller's transaction."""
    row = _live(session, entity, uuid, _now(now))
    if row is None:
        return None
    return Holder(
        row.holder_name, row.person_id, row.token, _aware(row.claimed_at), _aware(row.expires_at)
    )
