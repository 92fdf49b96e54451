"""A briefing leaving the app: exported to PDF and text, published (text and PDF frozen
with their hash), a new version started from a published one, and where it was used."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool import fileio
from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, ValidationError
from audit_tool.models import Briefing, BriefingDelivery, Person, Team
from audit_tool.models.briefings import briefing_audits
from audit_tool.services import changelog
from audit_tool.services.briefings.editing import editable_briefing, identifying_hits, refuse_hits
from audit_tool.services.briefings.records import (
    SECTIONS,
    BriefingView,
    DeliveryRow,
    audit_ids_of,
    briefing_view,
    check_visible,
    content_of,
    load_briefing,
)

if TYPE_CHECKING:
    from audit_tool.reporting.briefing_pdf import BriefingDoc
    from audit_tool.store import Database


def _doc(session: Session, b: Briefing) -> BriefingDoc:
    from audit_tool.reporting.briefing_pdf import BriefingDoc, SectionDoc

    content = content_of(b)
    author = session.get(Person, b.author_id) if b.author_id else None
    from audit_tool.services import settings

    own = settings.read(session)
    when = b.published_at or datetime.now(UTC)
    status = f"Published, version {b.version}" if b.status == "published" else f"Draft {b.version}"
    return BriefingDoc(
        title=b.title,
        partnership=own.name,
        date_text=f"{when.day} {when:%B %Y}",
        audience=b.audience,
        sections=tuple(
            SectionDoc(i + 1, heading, str(content["sections"].get(key, "")))
            for i, (key, heading) in enumerate(SECTIONS)
        ),
        grade_counts=tuple((str(label), int(n)) for label, n in content["chart"]),
        sample=str(content["sample"]),
        references=tuple(str(r) for r in content["references"]),
        author=author.name if author else own.name,
        subject=f"7-minute learning briefing: {b.title}",
        status_label=status,
        logo=own.logo,
    )


@dataclass(frozen=True)
class ExportResult:
    pdf: Path
    sha256: str
    accessible_pdf: Path | None
    text: Path | None


def _write(path: Path, data: bytes) -> None:
    fileio.write_atomic(path, data)  # private (0600), flushed, then renamed over `path`


def export_briefing(
    db: Database,
    actor: Actor,
    uuid: str,
    pdf_path: str | Path,
    *,
    accessible_pdf_path: str | Path | None = None,
    text_path: str | Path | None = None,
    progress: Any = None,
) -> ExportResult:
    """Write the designed PDF (and the accessible PDF and text). A draft is checked for
    identifying details first and refused while any remain; a published briefing is written
    exactly as frozen."""
    from audit_tool.reporting.briefing_pdf import render_pdf, render_text
    from audit_tool.reporting.tagged.briefing import render_tagged_briefing

    with db.session() as session:
        b = load_briefing(session, uuid)
        check_visible(actor, b)
        if b.status != "published":
            refuse_hits(identifying_hits(session, b))
        doc = _doc(session, b)
        frozen = b.pdf if b.status == "published" else None
    if progress:
        progress(1, 3)
    data = frozen if frozen is not None else render_pdf(doc)
    pdf = Path(pdf_path)
    _write(pdf, data)
    accessible = Path(accessible_pdf_path) if accessible_pdf_path else None
    text = Path(text_path) if text_path else None
    if progress:
        progress(2, 3)
    if accessible is not None:
        _write(accessible, render_tagged_briefing(doc))
    if text is not None:
        _write(text, render_text(doc).encode("utf-8"))
    if progress:
        progress(3, 3)
    return ExportResult(pdf, hashlib.sha256(data).hexdigest(), accessible, text)


def publish(
    db: Database, actor: Actor, uuid: str, *, expected_revision: int | None = None
) -> BriefingView:
    """Freeze the briefing: its text and its PDF bytes, with their SHA-256."""
    require(actor, "briefing.publish")
    from audit_tool.reporting.briefing_pdf import render_pdf

    try:
        with db.transaction() as session:
            briefing = editable_briefing(session, actor, uuid, expected_revision)
            refuse_hits(identifying_hits(session, briefing))
            briefing.status = "published"
            briefing.published_at = datetime.now(UTC)
            data = render_pdf(_doc(session, briefing))
            briefing.pdf = data
            briefing.pdf_sha256 = hashlib.sha256(data).hexdigest()
            session.flush()
            changelog.record(
                session,
                actor,
                "publish",
                "briefing",
                briefing.uuid,
                after={"version": briefing.version, "pdf_sha256": briefing.pdf_sha256},
                summary=f"Briefing '{briefing.title}' published (version {briefing.version})",
            )
            return briefing_view(session, briefing)
    except StaleDataError as exc:
        raise ConflictError("This briefing was changed by someone else; reload it") from exc


def new_version(db: Database, actor: Actor, uuid: str) -> BriefingView:
    """A new draft made from a published briefing, keeping its text and audits."""
    require(actor, "briefing.edit")
    with db.transaction() as session:
        source = load_briefing(session, uuid)
        if source.status != "published":
            raise ValidationError("Only a published briefing gets a new version; edit the draft")
        latest = session.scalar(
            select(func.max(Briefing.version)).where(
                (Briefing.id == source.id) | (Briefing.previous_id == source.id)
            )
        )
        draft = Briefing(
            title=source.title,
            programme_id=source.programme_id,
            theme=source.theme,
            status="draft",
            version=int(latest or source.version) + 1,
            previous_id=source.id,
            author_id=actor.person_id,
            audience=source.audience,
            sections=dict(source.sections or {}),
            overrides=list(source.overrides or []),
        )
        session.add(draft)
        session.flush()
        ids = audit_ids_of(session, source)
        if ids:
            session.execute(
                briefing_audits.insert(), [{"briefing_id": draft.id, "audit_id": i} for i in ids]
            )
        changelog.record(
            session,
            actor,
            "create",
            "briefing",
            draft.uuid,
            after={"version": draft.version, "from": source.uuid},
            summary=f"Briefing '{draft.title}': version {draft.version} started",
        )
        return briefing_view(session, draft)


def record_delivery(
    db: Database,
    actor: Actor,
    uuid: str,
    *,
    team_key: str | None = None,
    team_name: str = "",
    delivered_on: date | None,
    presenter: str = "",
    attendees: int = 0,
    actions: str = "",
) -> DeliveryRow:
    """Record a team's returned action-plan page: when, who presented, how many attended,
    what the team will do. Only a published briefing is delivered."""
    require(actor, "briefing.edit")
    errors: dict[str, str] = {}
    if delivered_on is None:
        errors["delivered_on"] = "Give the date the briefing was used"
    elif delivered_on > date.today():
        errors["delivered_on"] = "The date cannot be in the future"
    if attendees < 0:
        errors["attendees"] = "Attendees cannot be negative"
    if not team_key and not team_name.strip():
        errors["team"] = "Say which team used the briefing"
    with db.transaction() as session:
        briefing = load_briefing(session, uuid)
        if briefing.status != "published":
            errors["briefing"] = "Publish the briefing before recording where it was used"
        team = None
        if team_key:
            team = session.scalar(select(Team).where(Team.key == team_key))
            if team is None:
                errors["team"] = f"No team with key '{team_key}'"
        if errors:
            raise ValidationError("Not recorded: " + "; ".join(errors.values()), errors)
        assert delivered_on is not None
        row = BriefingDelivery(
            briefing_id=briefing.id,
            team_id=team.id if team else None,
            team_name=team.name if team else team_name.strip(),
            delivered_on=delivered_on,
            presenter=presenter.strip()[:200],
            attendees=attendees,
            actions=actions.strip(),
        )
        session.add(row)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "briefing_delivery",
            row.uuid,
            after=changelog.snapshot(row),
            summary=f"Briefing '{briefing.title}' used by {row.team_name}",
        )
        return DeliveryRow(
            row.uuid, row.team_name, row.delivered_on, row.presenter, row.attendees, row.actions
        )


def deliveries(db: Database, actor: Actor, uuid: str) -> list[DeliveryRow]:
    with db.session() as session:
        b = load_briefing(session, uuid)
        check_visible(actor, b)
        rows = session.scalars(
            select(BriefingDelivery)
            .where(BriefingDelivery.briefing_id == b.id)
            .order_by(BriefingDelivery.delivered_on.desc(), BriefingDelivery.id.desc())
        )
        return [
            DeliveryRow(r.uuid, r.team_name, r.delivered_on, r.presenter, r.attendees, r.actions)
            for r in rows
        ]
