"""Report editions: the QA lead's commentary on each section of a period's report, written
in the app before export and kept as numbered versions, as briefings are.

An edition belongs to one report: its last period (a quarter, month or year, by the whole
period's first day) and its filters (`EditionKey`, read from a computed report by `key_of`),
so the commentary follows the report from day to day while the quarter runs. The newest
version is a draft the lead edits, or a published version, which is frozen; a new draft
version starts from a published one. Viewers, who read reports but never drafts, see the
newest published version only.

Commentary is checked for identifying details (case references and people's names held in the
database, services/privacy.py, the same check as briefings): publishing refuses while any
remain, and a report exported with a draft's commentary is refused too."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, ValidationError
from audit_tool.models import Person, ReportEdition
from audit_tool.reporting.periods import (
    BY,
    DEFAULT_YEAR_START,
    check_year_start,
    label_of,
    natural_start,
)
from audit_tool.reporting.story import COMMENTARY_SECTIONS
from audit_tool.services import changelog, privacy

if TYPE_CHECKING:
    from audit_tool.store import Database

SECTION_KEYS = tuple(k for k, _h in COMMENTARY_SECTIONS)
HEADINGS = dict(COMMENTARY_SECTIONS)
MAX_CHARS = 6000  # a section's commentary: a few paragraphs, not a second report
CHANGED_SINCE = "This commentary was changed by someone else since you opened it"
FILTER_KEYS = ("team", "agency", "service_area", "programme", "theme")


@dataclass(frozen=True)
class EditionKey:
    """Which report an edition belongs to: the whole period it tells and the filters."""

    by: str
    period_start: date
    period_end: date
    label: str
    filters: tuple[tuple[str, str], ...] = ()  # the filters set, by key

    @property
    def filters_key(self) -> str:
        return json.dumps(dict(self.filters), sort_keys=True, separators=(",", ":"))

    @property
    def description(self) -> str:
        """ "the report for 2025/26 Q3" and its filters, in words."""
        words = [f"{key.replace('_', ' ')} {value}" for key, value in self.filters]
        return f"the report for {self.label}" + (f" ({'; '.join(words)})" if words else "")


def key_for(
    by: str,
    day: date,
    *,
    year_start_month: int = DEFAULT_YEAR_START,
    filters: dict[str, str | None] | None = None,
) -> EditionKey:
    """The key of the report whose last period holds `day`."""
    if by not in BY:
        raise ValidationError(f"Report by quarter, month or year, not '{by}'")
    check_year_start(year_start_month)
    start = natural_start(day, by, year_start_month)
    end = _months_later(start, {"quarter": 3, "month": 1, "year": 12}[by]) - timedelta(days=1)
    chosen = tuple(
        (k, str(v).strip()) for k, v in sorted((filters or {}).items()) if v and str(v).strip()
    )
    unknown = [k for k, _v in chosen if k not in FILTER_KEYS]
    if unknown:
        raise ValidationError(f"Not a report filter: {', '.join(unknown)}")
    return EditionKey(by, start, end, label_of(start, by, year_start_month), chosen)


def _months_later(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def key_of(report: dict[str, Any]) -> EditionKey:
    """The key of a computed report (report JSON): its last period and its filters."""
    last = report["periods"][-1]
    return key_for(
        str(report.get("by", "quarter")),
        date.fromisoformat(str(last["from"])),
        year_start_month=int(report.get("year_start_month") or DEFAULT_YEAR_START),
        filters=report.get("filters") or {},
    )


@dataclass(frozen=True)
class EditionView:
    uuid: str
    key: EditionKey
    version: int
    status: str  # draft or published
    commentary: dict[str, str]
    author_name: str | None
    updated_at: datetime
    published_at: datetime | None
    revision: int
    # Identifying details in the commentary (case references, people's names), described.
    hits: tuple[str, ...] = field(default_factory=tuple)

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def label(self) -> str:
        return f"{'Published' if self.published else 'Draft'}, version {self.version}"

    def as_json(self) -> dict[str, Any]:
        """The edition as the report's `story.edition` gives it."""
        return {
            "uuid": self.uuid,
            "version": self.version,
            "status": self.status,
            "published_at": self.published_at.isoformat(timespec="seconds")
            if self.published_at
            else None,
        }


# ---------------------------------------------------------------- reading


def _of_key(key: EditionKey) -> Any:
    return select(ReportEdition).where(
        ReportEdition.period_by == key.by,
        ReportEdition.period_start == key.period_start,
        ReportEdition.filters_key == key.filters_key,
    )


def _hits(session: Session, commentary: dict[str, Any]) -> tuple[str, ...]:
    text = "\n".join(str(commentary.get(k, "")) for k in SECTION_KEYS)
    return tuple(str(h) for h in privacy.find_hits(session, text))


def _view(session: Session, edition: ReportEdition, key: EditionKey) -> EditionView:
    author = session.get(Person, edition.author_id) if edition.author_id else None
    commentary = {k: str(v) for k, v in (edition.commentary or {}).items() if k in HEADINGS}
    return EditionView(
        uuid=edition.uuid,
        key=key,
        version=edition.version,
        status=edition.status,
        commentary=commentary,
        author_name=author.name if author else None,
        updated_at=_aware(edition.updated_at),
        published_at=_aware(edition.published_at) if edition.published_at else None,
        revision=edition.revision,
        hits=_hits(session, commentary),
    )


def _aware(moment: datetime) -> datetime:
    """A stored time in UTC (SQLite gives it back without its zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _key_of_row(edition: ReportEdition) -> EditionKey:
    filters = json.loads(edition.filters_key or "{}")
    return EditionKey(
        edition.period_by,
        edition.period_start,
        edition.period_end,
        edition.period_label,
        tuple(sorted((str(k), str(v)) for k, v in filters.items())),
    )


def editions(db: Database, actor: Actor, key: EditionKey) -> list[EditionView]:
    """Every version of the report's edition the actor may read, newest first (a viewer:
    the published ones)."""
    require(actor, "report.view")
    stmt = _of_key(key).order_by(ReportEdition.version.desc())
    if not actor.can("report.comment"):
        stmt = stmt.where(ReportEdition.status == "published")
    with db.session() as session:
        return [_view(session, e, key) for e in session.scalars(stmt)]


def current_edition(db: Database, actor: Actor, key: EditionKey) -> EditionView | None:
    """The newest version the actor may read (None: no commentary yet): the one an export
    of the report prints."""
    found = editions(db, actor, key)
    return found[0] if found else None


def refuse_identifying(edition: EditionView | None) -> None:
    """Refuse to let a draft's commentary leave the app while it names someone (a published
    edition was checked when it was published, and is printed exactly as published)."""
    if edition is not None and not edition.published and edition.hits:
        raise ValidationError(
            "The report's commentary names a child or a person: remove "
            + ", ".join(edition.hits)
            + " from the commentary (Dashboard, Commentary...) and export again",
            {"hits": ", ".join(edition.hits)},
        )


# ---------------------------------------------------------------- writing


def _clean(commentary: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(commentary) - set(SECTION_KEYS))
    if unknown:
        raise ValidationError(f"Not a section of the report: {', '.join(unknown)}")
    out = {}
    for key in SECTION_KEYS:
        text = str(commentary.get(key) or "").strip()
        if len(text) > MAX_CHARS:
            raise ValidationError(
                f"The commentary on '{HEADINGS[key]}' is {len(text):,} characters long; "
                f"keep each section's commentary under {MAX_CHARS:,}",
                {key: "Too long"},
            )
        if text:
            out[key] = text
    return out


def _newest(session: Session, key: EditionKey) -> ReportEdition | None:
    return session.scalars(_of_key(key).order_by(ReportEdition.version.desc()).limit(1)).first()


def save_commentary(
    db: Database,
    actor: Actor,
    key: EditionKey,
    commentary: dict[str, str],
    *,
    expected_revision: int | None = None,
) -> EditionView:
    """Save the lead's commentary in the report's draft edition (the first draft is made on
    the first save). A published edition is frozen: start a new version to change it.
    `expected_revision` is the draft's revision the editor opened (None: a new draft)."""
    require(actor, "report.comment")
    cleaned = _clean(commentary)
    try:
        with db.transaction() as session:
            edition = _newest(session, key)
            if edition is not None and edition.status == "published":
                raise ValidationError(
                    f"Version {edition.version} of this report's commentary is published "
                    "and frozen: start a new version to change it"
                )
            if edition is None:
                if expected_revision is not None:
                    raise ConflictError("This commentary was removed; reload it")
                edition = _new_row(session, actor, key, 1, cleaned, None)
                changelog.record(
                    session,
                    actor,
                    "create",
                    "report_edition",
                    edition.uuid,
                    after={"version": 1, **cleaned},
                    summary=f"Commentary on {key.description} written (draft 1)",
                )
                return _view(session, edition, key)
            if expected_revision is not None and edition.revision != expected_revision:
                raise ConflictError(
                    "This commentary was changed by someone else since you opened it"
                )
            before = dict(edition.commentary or {})
            edition.commentary = cleaned
            session.flush()
            changelog.record_changes(
                session,
                actor,
                "report_edition",
                edition.uuid,
                before,
                cleaned,
                summary=f"Commentary on {key.description} edited (draft {edition.version})",
            )
            return _view(session, edition, key)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("This commentary was changed by someone else; reload it") from exc


def _new_row(
    session: Session,
    actor: Actor,
    key: EditionKey,
    version: int,
    commentary: dict[str, str],
    previous: ReportEdition | None,
) -> ReportEdition:
    edition = ReportEdition(
        period_by=key.by,
        period_start=key.period_start,
        period_end=key.period_end,
        period_label=key.label,
        filters_key=key.filters_key,
        status="draft",
        version=version,
        previous_id=previous.id if previous else None,
        author_id=actor.person_id,
        commentary=commentary,
    )
    session.add(edition)
    session.flush()
    return edition


def _load(session: Session, uuid: str) -> ReportEdition:
    edition = session.scalar(select(ReportEdition).where(ReportEdition.uuid == uuid))
    if edition is None:
        raise NotFound("No such report edition")
    return edition


def publish_edition(
    db: Database, actor: Actor, uuid: str, *, expected_revision: int | None = None
) -> EditionView:
    """Publish the draft: its commentary is frozen from then on. Refused while the commentary
    names a child or a person."""
    require(actor, "report.publish")
    try:
        with db.transaction() as session:
            edition = _load(session, uuid)
            key = _key_of_row(edition)
            if edition.status == "published":
                raise ValidationError(f"Version {edition.version} is already published")
            if expected_revision is not None and edition.revision != expected_revision:
                raise ConflictError(
                    "This commentary was changed by someone else since you opened it"
                )
            hits = _hits(session, edition.commentary or {})
            if hits:
                raise ValidationError(
                    "The commentary names a child or a person: remove "
                    + ", ".join(hits)
                    + " before publishing",
                    {"hits": ", ".join(hits)},
                )
            edition.status = "published"
            edition.published_at = datetime.now(UTC)
            session.flush()
            changelog.record(
                session,
                actor,
                "publish",
                "report_edition",
                edition.uuid,
                after={"version": edition.version},
                summary=f"Commentary on {key.description} published (version {edition.version})",
            )
            return _view(session, edition, key)
    except StaleDataError as exc:
        raise ConflictError("This commentary was changed by someone else; reload it") from exc


def new_version(db: Database, actor: Actor, uuid: str) -> EditionView:
    """A new draft version made from the newest published one, keeping its commentary."""
    require(actor, "report.comment")
    try:
        with db.transaction() as session:
            source = _load(session, uuid)
            key = _key_of_row(source)
            newest = _newest(session, key)
            if source.status != "published" or newest is not source:
                raise ValidationError(
                    "A new version starts from the newest published version; edit the draft"
                )
            latest = session.scalar(_of_key(key).with_only_columns(func.max(ReportEdition.version)))
            draft = _new_row(
                session, actor, key, int(latest or 0) + 1, dict(source.commentary or {}), source
            )
            changelog.record(
                session,
                actor,
                "create",
                "report_edition",
                draft.uuid,
                after={"version": draft.version, "from": source.uuid},
                summary=f"Commentary on {key.description}: version {draft.version} started",
            )
            return _view(session, draft, key)
    except IntegrityError as exc:
        raise ConflictError("Someone else started a new version; reload the commentary") from exc
