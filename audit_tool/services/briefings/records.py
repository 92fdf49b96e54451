"""What a briefing is and how it is read: its seven sections, the rows and views callers
get, loading one, and who may read it (viewers see published briefings only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, PermissionDenied
from audit_tool.models import Audit, Briefing, Person, Programme
from audit_tool.models.briefings import briefing_audits

if TYPE_CHECKING:
    from audit_tool.store import Database

SECTIONS: tuple[tuple[str, str], ...] = (
    ("background", "Background"),
    ("why", "Why it matters"),
    ("found", "What we found"),
    ("worked_well", "What worked well"),
    ("improve", "What needs to improve"),
    ("voice", "Voice of the child and family"),
    ("todo", "What to do"),
)
SECTION_KEYS = tuple(k for k, _ in SECTIONS)
HEADINGS = dict(SECTIONS)


WORD_BUDGET = 80  # words a section on page one; about seven minutes in all


STATUS_LABELS = {"draft": "Draft", "published": "Published"}


@dataclass(frozen=True)
class BriefingRow:
    uuid: str
    title: str
    programme_key: str | None
    programme_name: str | None
    theme: str | None
    status: str
    version: int
    author_name: str | None
    updated_at: datetime
    published_at: datetime | None
    audits: int

    @property
    def source(self) -> str:
        if self.programme_name:
            return self.programme_name
        if self.theme:
            return f"Theme: {self.theme}"
        return "Chosen audits"

    @property
    def status_label(self) -> str:
        label = STATUS_LABELS[self.status]
        return f"{label} (version {self.version})" if self.version > 1 else label


@dataclass(frozen=True)
class Override:
    kind: str
    text: str
    reason: str
    by: str
    at: str


@dataclass(frozen=True)
class BriefingView:
    row: BriefingRow
    audience: str
    sections: dict[str, str]
    chart: tuple[tuple[str, int], ...]
    sample: str
    references: tuple[str, ...]
    overrides: tuple[Override, ...]
    revision: int
    audit_uuids: tuple[str, ...]
    pdf_sha256: str | None = None
    word_counts: dict[str, int] = field(default_factory=dict)
    # Each section's text as last drafted from the audits (before the lead's edits), so an
    # editor can tell whether a redraft would replace the lead's own words.
    drafted: dict[str, str] = field(default_factory=dict)

    @property
    def uuid(self) -> str:
        return self.row.uuid

    @property
    def published(self) -> bool:
        return self.row.status == "published"

    @property
    def total_words(self) -> int:
        return sum(self.word_counts.values())


@dataclass(frozen=True)
class DeliveryRow:
    uuid: str
    team_name: str
    delivered_on: date
    presenter: str
    attendees: int
    actions: str


# ---------------------------------------------------------------- loading


def load_briefing(session: Session, uuid: str) -> Briefing:
    """The briefing, or NotFound; no access check."""
    briefing = session.scalar(select(Briefing).where(Briefing.uuid == uuid))
    if briefing is None:
        raise NotFound(f"No briefing {uuid}")
    return briefing


def audit_ids_of(session: Session, briefing: Briefing) -> list[int]:
    """The ids of the audits the briefing covers."""
    return list(
        session.scalars(
            select(briefing_audits.c.audit_id).where(briefing_audits.c.briefing_id == briefing.id)
        )
    )


def _row(session: Session, b: Briefing) -> BriefingRow:
    programme = session.get(Programme, b.programme_id) if b.programme_id else None
    author = session.get(Person, b.author_id) if b.author_id else None
    count = session.scalar(
        select(func.count())
        .select_from(briefing_audits)
        .where(briefing_audits.c.briefing_id == b.id)
    )
    return BriefingRow(
        uuid=b.uuid,
        title=b.title,
        programme_key=programme.key if programme else None,
        programme_name=programme.name if programme else None,
        theme=b.theme,
        status=b.status,
        version=b.version,
        author_name=author.name if author else None,
        updated_at=b.updated_at,
        published_at=b.published_at,
        audits=int(count or 0),
    )


def content_of(b: Briefing) -> dict[str, Any]:
    """The briefing's stored content (sections, chart, sample, references, drafted), with
    every part present."""
    data = dict(b.sections or {})
    data.setdefault("sections", {})
    data.setdefault("chart", [])
    data.setdefault("sample", "")
    data.setdefault("references", [])
    return data


def briefing_view(session: Session, b: Briefing) -> BriefingView:
    """The briefing as callers get it; no access check (check_visible or the edit check
    comes first)."""
    from audit_tool.reporting.markup import word_count

    content = content_of(b)
    sections = {key: str(content["sections"].get(key, "")) for key in SECTION_KEYS}
    uuids = session.scalars(
        select(Audit.uuid)
        .join(briefing_audits, briefing_audits.c.audit_id == Audit.id)
        .where(briefing_audits.c.briefing_id == b.id)
        .order_by(Audit.id)
    )
    return BriefingView(
        row=_row(session, b),
        audience=b.audience,
        sections=sections,
        chart=tuple((str(label), int(n)) for label, n in content["chart"]),
        sample=str(content["sample"]),
        references=tuple(str(r) for r in content["references"]),
        overrides=tuple(Override(**o) for o in (b.overrides or [])),
        revision=b.revision,
        audit_uuids=tuple(uuids),
        pdf_sha256=b.pdf_sha256,
        word_counts={key: word_count(text) for key, text in sections.items()},
        drafted={str(k): str(v) for k, v in (content.get("drafted") or {}).items()},
    )


def check_visible(actor: Actor, b: Briefing) -> None:
    """Refuse a draft to someone who may read published briefings only."""
    require(actor, "briefing.view")
    if b.status != "published" and not actor.can("briefing.edit"):
        raise PermissionDenied(f"{actor.name} may read published briefings only")


def list_briefings(db: Database, actor: Actor) -> list[BriefingRow]:
    """Newest first. Viewers, auditors and moderators see published briefings only."""
    require(actor, "briefing.view")
    stmt = select(Briefing).order_by(Briefing.updated_at.desc(), Briefing.id.desc())
    if not actor.can("briefing.edit"):
        stmt = stmt.where(Briefing.status == "published")
    with db.session() as session:
        return [_row(session, b) for b in session.scalars(stmt)]


def get_briefing(db: Database, actor: Actor, uuid: str) -> BriefingView:
    with db.session() as session:
        b = load_briefing(session, uuid)
        check_visible(actor, b)
        return briefing_view(session, b)


def latest_for_programme(db: Database, actor: Actor, programme_key: str) -> BriefingView | None:
    """The newest version of the programme's briefings (published or not), if any."""
    require(actor, "briefing.view")
    with db.session() as session:
        programme = session.scalar(select(Programme).where(Programme.key == programme_key))
        if programme is None:
            raise NotFound(f"No programme with key '{programme_key}'")
        stmt = select(Briefing).where(Briefing.programme_id == programme.id)
        if not actor.can("briefing.edit"):
            stmt = stmt.where(Briefing.status == "published")
        b = session.scalar(stmt.order_by(Briefing.version.desc(), Briefing.id.desc()).limit(1))
        return briefing_view(session, b) if b is not None else None
