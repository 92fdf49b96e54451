"""A lead editing a draft briefing: saving the text, drafting one section again, and the
check for identifying details (case references, initials, names) with a lead's allowances."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, ValidationError
from audit_tool.models import Briefing
from audit_tool.services import changelog, privacy
from audit_tool.services.briefings.drafting import draft_content, final_audits
from audit_tool.services.briefings.records import (
    HEADINGS,
    SECTION_KEYS,
    BriefingView,
    audit_ids_of,
    briefing_view,
    content_of,
    load_briefing,
)

if TYPE_CHECKING:
    from audit_tool.store import Database


def editable_briefing(session: Session, actor: Actor, uuid: str, expected: int | None) -> Briefing:
    """The briefing, once the acting user may edit it: a draft (a published one is frozen),
    unchanged since revision `expected` when one is given."""
    require(actor, "briefing.edit")
    briefing = load_briefing(session, uuid)
    if briefing.status == "published":
        raise ValidationError("A published briefing is frozen; make a new version to change it")
    if expected is not None and briefing.revision != expected:
        raise ConflictError("This briefing was changed by someone else since you opened it")
    return briefing


def redraft_section(
    db: Database,
    actor: Actor,
    uuid: str,
    key: str,
    *,
    expected_revision: int | None = None,
    today: date | None = None,
) -> BriefingView:
    """Refresh one section from current data; the others stay as edited. `today` (default:
    the real one) decides which actions are still to do."""
    if key not in SECTION_KEYS:
        raise ValidationError(f"'{key}' is not a section of a briefing")
    try:
        with db.transaction() as session:
            briefing = editable_briefing(session, actor, uuid, expected_revision)
            before = content_of(briefing)["sections"].get(key, "")
            briefing.sections = draft_content(session, briefing, (key,), today=today)
            session.flush()
            changelog.record(
                session,
                actor,
                "update",
                "briefing",
                briefing.uuid,
                before={key: before},
                after={key: briefing.sections["sections"][key]},
                summary=f"Briefing section '{HEADINGS[key]}' drafted again from the audits",
            )
            return briefing_view(session, briefing)
    except StaleDataError as exc:
        raise ConflictError("This briefing was changed by someone else; reload it") from exc


def save_briefing(
    db: Database,
    actor: Actor,
    uuid: str,
    *,
    title: str,
    audience: str,
    sections: dict[str, str],
    sample: str | None = None,
    references: list[str] | None = None,
    expected_revision: int | None = None,
) -> BriefingView:
    """Save the lead's edits. Over-budget sections are allowed (the editor warns)."""
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError(f"Unknown section(s): {', '.join(sorted(unknown))}")
    if not title.strip():
        raise ValidationError("A briefing needs a title", {"title": "Give the briefing a title"})
    try:
        with db.transaction() as session:
            briefing = editable_briefing(session, actor, uuid, expected_revision)
            content = content_of(briefing)
            before = {"title": briefing.title, "audience": briefing.audience, **content["sections"]}
            content["sections"] = {**content["sections"], **sections}
            if sample is not None:
                content["sample"] = sample
            if references is not None:
                content["references"] = [r.strip() for r in references if r.strip()]
            briefing.title, briefing.audience = title.strip()[:300], audience.strip()[:300]
            briefing.sections = content
            session.flush()
            after = {"title": briefing.title, "audience": briefing.audience, **content["sections"]}
            changelog.record_changes(
                session, actor, "briefing", briefing.uuid, before, after, summary="Briefing edited"
            )
            return briefing_view(session, briefing)
    except StaleDataError as exc:
        raise ConflictError("This briefing was changed by someone else; reload it") from exc


# ---------------------------------------------------------------- identifying details


def _all_text(b: Briefing) -> str:
    content = content_of(b)
    parts = [b.title, b.audience, content["sample"], *content["references"]]
    parts += [str(content["sections"].get(k, "")) for k in SECTION_KEYS]
    return "\n".join(parts)


def identifying_hits(session: Session, b: Briefing) -> list[privacy.Hit]:
    """Identifying details in the briefing's whole text, less those a lead allowed."""
    audits = final_audits(session, audit_ids_of(session, b))
    hits = privacy.find_hits(session, _all_text(b), case_ids=[a.case_id for a in audits])
    allowed = {(o["kind"], o["text"].lower()) for o in (b.overrides or [])}
    return [h for h in hits if (h.kind, h.text.lower()) not in allowed]


def check(db: Database, actor: Actor, uuid: str) -> list[privacy.Hit]:
    """Identifying details still in the briefing (those a lead allowed are left out)."""
    require(actor, "briefing.edit")
    with db.session() as session:
        return identifying_hits(session, load_briefing(session, uuid))


def allow(db: Database, actor: Actor, uuid: str, kind: str, text: str, reason: str) -> BriefingView:
    """A lead allows one hit (say, a team named after a place that is also a surname)."""
    require(actor, "briefing.override")
    if not reason.strip():
        raise ValidationError("Say why this may stay in the briefing", {"reason": "Required"})
    with db.transaction() as session:
        briefing = editable_briefing(session, actor, uuid, None)
        if not any(
            h.kind == kind and h.text.lower() == text.lower()
            for h in identifying_hits(session, briefing)
        ):
            raise ValidationError(f"'{text}' is not among the briefing's identifying details")
        entry = {
            "kind": kind,
            "text": text,
            "reason": reason.strip(),
            "by": actor.name,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        briefing.overrides = [*(briefing.overrides or []), entry]
        session.flush()
        changelog.record(
            session,
            actor,
            "allow",
            "briefing",
            briefing.uuid,
            after={"kind": kind, "text": text},
            reason=reason.strip(),
            summary=f"Briefing: {kind} '{text}' allowed by a lead",
        )
        return briefing_view(session, briefing)


def refuse_hits(hits: list[privacy.Hit]) -> None:
    """Refuse to export or publish while identifying details remain."""
    if hits:
        raise ValidationError(
            "The briefing names a child or a person: remove "
            + privacy.describe(hits)
            + " (or a QA lead may allow one with a reason)",
            {"hits": privacy.describe(hits)},
        )
