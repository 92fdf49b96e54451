"""7-minute learning briefings: drafted from moderated audits, edited by a lead, checked for
identifying details, exported, published (frozen) and recorded where used.

A briefing covers a set of final audits: a programme's, those touching a theme, or a set picked
by hand. Each of its seven sections is drafted from those audits and then freely edited;
"redraft" refreshes one section from current data without touching the others. Before any
export or publication the whole text is checked for case references, the initials of its
cases and the names of people held in the database; a lead may allow a particular hit with a
reason (recorded). Publishing freezes the text and the PDF bytes with their hash; a new draft
version can be made from a published one. Teams' returned action-plan pages fill the register
of where the briefing was used."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool import fileio
from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Briefing,
    BriefingDelivery,
    Case,
    Feedback,
    FeedbackAnswer,
    FeedbackQuestion,
    LearningPoint,
    LearningTheme,
    ModerationAnswer,
    Person,
    Programme,
    Review,
    ReviewAnswer,
    Team,
)
from audit_tool.models.audits import Moderation
from audit_tool.models.briefings import briefing_audits
from audit_tool.services import changelog, privacy
from audit_tool.services.feedback import RESPONDENT_LABELS, pct

if TYPE_CHECKING:
    from audit_tool.reporting.briefing_pdf import BriefingDoc

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
REFLECTION_QUESTIONS = (
    "What are your key thoughts and reflections?",
    "How can we ensure the learning is embedded and how will we know?",
    "How can we build the learning into team or service improvement plans?",
)
WORD_BUDGET = 80  # words a section on page one; about seven minutes in all
MAX_POINTS = 4  # learning points drafted into a section (the most often found)
MAX_QUOTES = 2
MAX_ACTIONS = 3
# The standard questions in a few words, so that section 6 fits its box on page one.
SHORT_QUESTIONS = {
    "child_views": "The child's wishes and views were gained",
    "right_agencies": "The right agencies were spoken to",
    "family_views": "The family could share their views",
    "copy_of_plan": "The family has a copy of the assessment or plan",
    "contactable": "The parent can reach the worker",
    "positive_difference": "The service made a positive difference",
}
STATUS_LABELS = {"draft": "Draft", "published": "Published"}
DEFAULT_AUDIENCE = "practitioners and managers across the partnership"


# ---------------------------------------------------------------- what callers get


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


def _briefing(session: Session, uuid: str) -> Briefing:
    briefing = session.scalar(select(Briefing).where(Briefing.uuid == uuid))
    if briefing is None:
        raise NotFound(f"No briefing {uuid}")
    return briefing


def _audit_ids(session: Session, briefing: Briefing) -> list[int]:
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


def _content(b: Briefing) -> dict[str, Any]:
    data = dict(b.sections or {})
    data.setdefault("sections", {})
    data.setdefault("chart", [])
    data.setdefault("sample", "")
    data.setdefault("references", [])
    return data


def _view(session: Session, b: Briefing) -> BriefingView:
    from audit_tool.reporting.markup import word_count

    content = _content(b)
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


def _check_visible(actor: Actor, b: Briefing) -> None:
    require(actor, "briefing.view")
    if b.status != "published" and not actor.can("briefing.edit"):
        raise PermissionDenied(f"{actor.name} may read published briefings only")


def list_briefings(db: Any, actor: Actor) -> list[BriefingRow]:
    """Newest first. Viewers, auditors and moderators see published briefings only."""
    require(actor, "briefing.view")
    stmt = select(Briefing).order_by(Briefing.updated_at.desc(), Briefing.id.desc())
    if not actor.can("briefing.edit"):
        stmt = stmt.where(Briefing.status == "published")
    with db.session() as session:
        return [_row(session, b) for b in session.scalars(stmt)]


def get_briefing(db: Any, actor: Actor, uuid: str) -> BriefingView:
    with db.session() as session:
        b = _briefing(session, uuid)
        _check_visible(actor, b)
        return _view(session, b)


# ---------------------------------------------------------------- choosing the audits


def _final_audits(session: Session, ids: list[int]) -> list[Audit]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(Audit).where(Audit.id.in_(ids), Audit.status == "final").order_by(Audit.id)
        )
    )


def _audits_for(
    session: Session,
    programme: Programme | None,
    theme: str | None,
    audit_uuids: list[str] | None,
) -> list[int]:
    if audit_uuids is not None:
        found = {
            uuid: status
            for uuid, status in session.execute(
                select(Audit.uuid, Audit.status).where(Audit.uuid.in_(audit_uuids))
            )
        }
        missing = [u for u in audit_uuids if u not in found]
        if missing:
            raise ValidationError(f"No audit {missing[0]}")
        unfinished = [u for u in audit_uuids if found[u] != "final"]
        if unfinished:
            raise ValidationError(
                f"{len(unfinished)} of the chosen audits are not final: a briefing is drafted "
                "from moderated (final) audits only"
            )
        return list(session.scalars(select(Audit.id).where(Audit.uuid.in_(audit_uuids))))
    stmt = select(Audit.id).where(Audit.status == "final")
    if programme is not None:
        stmt = stmt.where(Audit.programme_id == programme.id)
    elif theme:
        tag = theme.strip().lower()
        tagged = (
            select(LearningPoint.audit_id)
            .join(LearningTheme, LearningTheme.learning_point_id == LearningPoint.id)
            .where(LearningTheme.theme == tag)
        )
        themed = select(Programme.id).where(func.lower(Programme.theme) == tag)
        stmt = stmt.where(Audit.id.in_(tagged) | Audit.programme_id.in_(themed))
    return list(session.scalars(stmt.order_by(Audit.id)))


# ---------------------------------------------------------------- drafting


def _levels(session: Session, audits: list[Audit]) -> list[tuple[str, str, int]]:
    """(key, label, rank) of the graded levels of the audits' scale, best first."""
    template_id = Counter(a.template_id for a in audits).most_common(1)
    if not template_id:
        template = session.scalar(select(AuditTemplate).order_by(AuditTemplate.id).limit(1))
    else:
        template = session.get(AuditTemplate, template_id[0][0])
    if template is None:
        return []
    levels = [(lv.key, lv.label, lv.rank) for lv in template.scale.levels if lv.rank is not None]
    return sorted(levels, key=lambda lv: lv[2])


def _period_text(audits: list[Audit]) -> str:
    days = sorted(a.finalised_at for a in audits if a.finalised_at is not None)
    if not days:
        return "no audits yet"
    first, last = days[0], days[-1]
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"
    if first.year == last.year:
        return f"{first:%B} to {last:%B %Y}"
    return f"{first:%B %Y} to {last:%B %Y}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _draft_background(
    session: Session, audits: list[Audit], subject: str, programme: Programme | None
) -> str:
    n = len(audits)
    if not n:
        return (
            f"Theme: {subject}. No audits are final yet: this section is drafted again from "
            "the audits once they are moderated."
        )
    case_ids = [a.case_id for a in audits]
    teams = session.scalar(
        select(func.count(func.distinct(Case.team_id))).where(Case.id.in_(case_ids))
    )
    agency_names = list(
        session.scalars(
            select(Agency.name)
            .join(Person, Person.agency_id == Agency.id)
            .join(Review, Review.reviewer_id == Person.id)
            .where(Review.audit_id.in_([a.id for a in audits]))
            .distinct()
            .order_by(Agency.name)
        )
    )
    single = sum(1 for a in audits if a.kind == "single")
    moderated = n - single
    if single and moderated:
        method = (
            f"{_plural(moderated, 'case')} audited independently by two managers and "
            f"moderated by a senior manager; {single} dip-sampled by a single auditor"
        )
    elif single:
        method = "each case audited by a single auditor (dip sampling, not moderated)"
    else:
        method = (
            "each case audited independently by two managers, then moderated by a senior "
            "manager who confirmed the final grades"
        )
    lines = [
        f"**Theme:** {subject}",
        f"**Period:** {_period_text(audits)}",
        f"**Sample:** {_plural(n, 'case')} from {_plural(int(teams or 0), 'team')}"
        + (f" ({programme.name})" if programme is not None else ""),
        f"**Agencies:** {', '.join(agency_names) if agency_names else 'not recorded'}",
        f"**Method:** {method}.",
    ]
    return "\n".join(f"- {line}" for line in lines)


def _draft_why(programme: Programme | None, subject: str) -> str:
    if programme is not None and programme.description.strip():
        return programme.description.strip()
    return (
        f"Audits of {subject.lower()} show how well children are seen, heard and helped, and "
        "whether practice is improving. What we learn here should change what we do next."
    )


def _final_answers(session: Session, audits: list[Audit]) -> dict[str, list[str]]:
    """Per item key, the final values: the moderation's, else the single review's."""
    out: dict[str, list[str]] = {}
    moderated = [a.id for a in audits if a.kind != "single"]
    single = [a.id for a in audits if a.kind == "single"]
    if moderated:
        rows = session.execute(
            select(ModerationAnswer.item_key, ModerationAnswer.value)
            .join(Moderation, ModerationAnswer.moderation_id == Moderation.id)
            .where(Moderation.audit_id.in_(moderated))
        )
        for key, value in rows:
            if value:
                out.setdefault(key, []).append(value)
    if single:
        rows = session.execute(
            select(ReviewAnswer.item_key, ReviewAnswer.value)
            .join(Review, ReviewAnswer.review_id == Review.id)
            .where(Review.audit_id.in_(single))
        )
        for key, value in rows:
            if value:
                out.setdefault(key, []).append(value)
    return out


def _draft_found(session: Session, audits: list[Audit]) -> tuple[str, list[tuple[str, int]]]:
    levels = _levels(session, audits)
    counts = Counter(a.final_overall for a in audits if a.final_overall)
    chart = [(label, counts.get(key, 0)) for key, label, _rank in levels]
    graded = sum(counts.get(key, 0) for key, _l, _r in levels)
    if not graded:
        return "No moderated grades yet.", chart
    top = [key for key, _l, rank in levels if rank <= 2]
    good = sum(counts.get(k, 0) for k in top)
    share = pct(good, graded)
    lines = [
        f"{good} of {graded} cases ({share:g}%) were graded Good or better overall."
        if len(levels) == 4
        else f"{graded} cases were graded.",
        "",
    ]
    lines += [f"- {label}: {counts.get(key, 0)}" for key, label, _rank in levels]
    # Practice areas most and least often good or better.
    template_items: dict[str, str] = {}
    for template_id in {a.template_id for a in audits}:
        template = session.get(AuditTemplate, template_id)
        if template is not None:
            for item in template.items:
                if item.kind == "grade":
                    template_items.setdefault(item.key, item.label)
    ranks = {key: rank for key, _l, rank in levels}
    shares = []
    for key, values in _final_answers(session, audits).items():
        if key not in template_items:
            continue
        rated = [ranks[v] for v in values if v in ranks]
        if len(rated) >= 2:
            shares.append((sum(1 for r in rated if r <= 2) / len(rated), template_items[key]))
    if len(shares) >= 2:
        shares.sort()
        best, worst = shares[-1], shares[0]
        lines += [
            "",
            f"Strongest area: {best[1].lower()} ({best[0] * 100:.0f}% good or better). "
            f"Weakest: {worst[1].lower()} ({worst[0] * 100:.0f}%).",
        ]
    return "\n".join(lines), chart


def _draft_points(session: Session, audits: list[Audit], kind: str) -> str:
    rows = session.execute(
        select(LearningPoint.text)
        .where(
            LearningPoint.audit_id.in_([a.id for a in audits]),
            LearningPoint.kind == kind,
            LearningPoint.in_briefing.is_(True),
        )
        .order_by(LearningPoint.id)
    )
    counts = Counter(" ".join(text.split()) for (text,) in rows if text.strip())
    if not counts:
        return (
            "No strengths were recorded for briefings."
            if kind == "strength"
            else "No areas for development were recorded for briefings."
        )
    lines = []
    for text, n in counts.most_common(MAX_POINTS):
        lines.append(f"- {text}" + (f" ({n} cases)" if n > 1 else ""))
    return "\n".join(lines)


def _draft_voice(session: Session, audits: list[Audit], case_ids: list[int]) -> str:
    ids = [a.id for a in audits]
    questions = list(
        session.scalars(
            select(FeedbackQuestion)
            .where(FeedbackQuestion.active.is_(True))
            .order_by(FeedbackQuestion.position)
        )
    )
    counts: dict[str, Counter[str]] = {}
    rows = session.execute(
        select(FeedbackAnswer.question_key, FeedbackAnswer.answer)
        .join(Feedback, FeedbackAnswer.feedback_id == Feedback.id)
        .where(Feedback.audit_id.in_(ids))
    )
    for key, answer in rows:
        counts.setdefault(key, Counter())[answer] += 1
    conversations = session.scalar(
        select(func.count()).select_from(Feedback).where(Feedback.audit_id.in_(ids))
    )
    if not conversations:
        return "No feedback from children or families was gathered in these audits."
    lines = [f"{_plural(int(conversations), 'conversation')} with children and families:"]
    for q in questions:
        c = counts.get(q.key, Counter())
        answered = c["yes"] + c["partly"] + c["no"]
        if answered:
            label = SHORT_QUESTIONS.get(q.key, q.text.rstrip("."))
            lines.append(
                f"- {label}: **{pct(c['yes'], answered):g}% yes** ({c['yes']} of {answered})"
            )
    quotes = session.execute(
        select(Feedback.comment, Feedback.respondent)
        .where(
            Feedback.audit_id.in_(ids),
            Feedback.shareable.is_(True),
            Feedback.consent.is_(True),
        )
        .order_by(Feedback.collected_on.desc(), Feedback.id.desc())
    )
    chosen = 0
    for comment, respondent in quotes:
        text = " ".join(comment.split())
        if not text or privacy.find_hits(session, text, case_ids=case_ids):
            continue  # quoted only when it still names nobody
        lines.append("")  # a paragraph each: an editor would run single lines together
        lines.append(f"*“{text}”* — a {RESPONDENT_LABELS.get(respondent, 'family member').lower()}")
        chosen += 1
        if chosen >= MAX_QUOTES:
            break
    return "\n".join(lines)


def _owner_text(session: Session, person_id: int) -> str:
    """Who owns an action, without naming them: their role, team or agency."""
    person = session.get(Person, person_id)
    if person is None:
        return "owner to be agreed"
    if person.job_title:
        return person.job_title
    if person.team is not None:
        return person.team.name
    return person.agency.name


def _draft_todo(session: Session, audits: list[Audit]) -> str:
    actions = session.scalars(
        select(Action)
        .where(
            Action.audit_id.in_([a.id for a in audits]),
            Action.scope == "service",
            Action.status != "cancelled",
        )
        .order_by(Action.due_on, Action.id)
    )
    lines = []
    seen: set[str] = set()
    for action in actions:
        text = " ".join(action.text.split())
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        done = " (done)" if action.status == "done" else ""
        lines.append(
            f"- {text} ({_owner_text(session, action.owner_id)}, by "
            f"{action.due_on.day} {action.due_on:%B %Y}){done}"
        )
        if len(lines) >= MAX_ACTIONS:
            break
    if not lines:
        lines = ["- No service actions were raised; agree them at the next QA meeting."]
    lines += ["", "**Questions for reflection**"]
    lines += [f"- {q}" for q in REFLECTION_QUESTIONS]
    return "\n".join(lines)


def _sample(session: Session, audits: list[Audit]) -> str:
    if not audits:
        return "No final audits yet."
    case_types = Counter(a.case.case_type for a in audits)
    from audit_tool.models.cases import CASE_TYPE_LABELS

    kinds = ", ".join(
        f"{n} {CASE_TYPE_LABELS.get(t, t).lower()}" for t, n in case_types.most_common()
    )
    programmes = sorted({a.programme.name for a in audits})
    return (
        f"{_plural(len(audits), 'final audit')} ({kinds}) from "
        f"{', '.join(programmes)}, finalised {_period_text(audits)}. Grades are the moderated "
        "final grades; figures count every audit once."
    )


def _draft(
    session: Session, briefing: Briefing, keys: tuple[str, ...] = SECTION_KEYS
) -> dict[str, Any]:
    content = _content(briefing)
    ids = _audit_ids(session, briefing)
    audits = _final_audits(session, ids)
    case_ids = [a.case_id for a in audits]
    programme = session.get(Programme, briefing.programme_id) if briefing.programme_id else None
    subject = (
        (programme.theme or programme.name)
        if programme is not None
        else (briefing.theme or briefing.title)
    )
    sections = dict(content["sections"])
    drafted = dict(content.get("drafted") or {})
    for key in keys:
        if key == "background":
            sections[key] = _draft_background(session, audits, subject, programme)
        elif key == "why":
            sections[key] = _draft_why(programme, subject)
        elif key == "found":
            sections[key], chart = _draft_found(session, audits)
            content["chart"] = [[label, n] for label, n in chart]
        elif key == "worked_well":
            sections[key] = _draft_points(session, audits, "strength")
        elif key == "improve":
            sections[key] = _draft_points(session, audits, "development")
        elif key == "voice":
            sections[key] = _draft_voice(session, audits, case_ids)
        elif key == "todo":
            sections[key] = _draft_todo(session, audits)
        drafted[key] = sections[key]
    content["sections"] = sections
    content["drafted"] = drafted
    content["sample"] = _sample(session, audits)
    if not content["references"]:
        content["references"] = [
            "Multi-agency case file audit programme and moderation procedure",
            "Partnership quality assurance and performance framework",
        ]
    return content


def count_source_audits(
    db: Any,
    actor: Actor,
    *,
    programme_key: str | None = None,
    theme: str | None = None,
) -> int:
    """How many final audits a briefing drafted from this programme or theme would cover."""
    require(actor, "briefing.edit")
    with db.session() as session:
        programme = None
        if programme_key:
            programme = session.scalar(select(Programme).where(Programme.key == programme_key))
            if programme is None:
                raise NotFound(f"No programme with key '{programme_key}'")
        elif not (theme or "").strip():
            return 0
        return len(_audits_for(session, programme, theme, None))


def new_briefing(
    db: Any,
    actor: Actor,
    *,
    programme_key: str | None = None,
    theme: str | None = None,
    audit_uuids: list[str] | None = None,
    title: str | None = None,
    audience: str | None = None,
) -> BriefingView:
    """Draft a briefing from a programme's final audits, a theme tag's, or a chosen set."""
    require(actor, "briefing.edit")
    sources = sum(x is not None and x != "" for x in (programme_key, theme, audit_uuids))
    if sources != 1:
        raise ValidationError("Draft a briefing from one programme, one theme or chosen audits")
    with db.transaction() as session:
        programme = None
        if programme_key:
            programme = session.scalar(select(Programme).where(Programme.key == programme_key))
            if programme is None:
                raise NotFound(f"No programme with key '{programme_key}'")
        ids = _audits_for(session, programme, theme, audit_uuids)
        if audit_uuids is not None and not ids:
            raise ValidationError("Choose at least one final audit")
        default_title = (
            f"7-minute briefing: {programme.theme or programme.name}"
            if programme is not None
            else (f"7-minute briefing: {theme.strip()}" if theme else "7-minute briefing")
        )
        briefing = Briefing(
            title=(title or default_title).strip()[:300],
            programme_id=programme.id if programme else None,
            theme=theme.strip().lower() if theme else (programme.theme if programme else None),
            status="draft",
            version=1,
            author_id=actor.person_id,
            audience=(audience or DEFAULT_AUDIENCE).strip()[:300],
            sections={},
        )
        session.add(briefing)
        session.flush()
        if ids:
            session.execute(
                briefing_audits.insert(), [{"briefing_id": briefing.id, "audit_id": i} for i in ids]
            )
        briefing.sections = _draft(session, briefing)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "briefing",
            briefing.uuid,
            after={"title": briefing.title, "audits": len(ids)},
            summary=f"Briefing '{briefing.title}' drafted from {_plural(len(ids), 'audit')}",
        )
        return _view(session, briefing)


def _editable(session: Session, actor: Actor, uuid: str, expected: int | None) -> Briefing:
    require(actor, "briefing.edit")
    briefing = _briefing(session, uuid)
    if briefing.status == "published":
        raise ValidationError("A published briefing is frozen; make a new version to change it")
    if expected is not None and briefing.revision != expected:
        raise ConflictError("This briefing was changed by someone else since you opened it")
    return briefing


def redraft_section(
    db: Any, actor: Actor, uuid: str, key: str, *, expected_revision: int | None = None
) -> BriefingView:
    """Refresh one section from current data; the others stay as edited."""
    if key not in SECTION_KEYS:
        raise ValidationError(f"'{key}' is not a section of a briefing")
    try:
        with db.transaction() as session:
            briefing = _editable(session, actor, uuid, expected_revision)
            before = _content(briefing)["sections"].get(key, "")
            briefing.sections = _draft(session, briefing, (key,))
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
            return _view(session, briefing)
    except StaleDataError as exc:
        raise ConflictError("This briefing was changed by someone else; reload it") from exc


def save_briefing(
    db: Any,
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
            briefing = _editable(session, actor, uuid, expected_revision)
            content = _content(briefing)
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
            return _view(session, briefing)
    except StaleDataError as exc:
        raise ConflictError("This briefing was changed by someone else; reload it") from exc


# ---------------------------------------------------------------- identifying details


def _all_text(b: Briefing) -> str:
    content = _content(b)
    parts = [b.title, b.audience, content["sample"], *content["references"]]
    parts += [str(content["sections"].get(k, "")) for k in SECTION_KEYS]
    return "\n".join(parts)


def _hits(session: Session, b: Briefing) -> list[privacy.Hit]:
    audits = _final_audits(session, _audit_ids(session, b))
    hits = privacy.find_hits(session, _all_text(b), case_ids=[a.case_id for a in audits])
    allowed = {(o["kind"], o["text"].lower()) for o in (b.overrides or [])}
    return [h for h in hits if (h.kind, h.text.lower()) not in allowed]


def check(db: Any, actor: Actor, uuid: str) -> list[privacy.Hit]:
    """Identifying details still in the briefing (those a lead allowed are left out)."""
    require(actor, "briefing.edit")
    with db.session() as session:
        return _hits(session, _briefing(session, uuid))


def allow(db: Any, actor: Actor, uuid: str, kind: str, text: str, reason: str) -> BriefingView:
    """A lead allows one hit (say, a team named after a place that is also a surname)."""
    require(actor, "briefing.override")
    if not reason.strip():
        raise ValidationError("Say why this may stay in the briefing", {"reason": "Required"})
    with db.transaction() as session:
        briefing = _editable(session, actor, uuid, None)
        if not any(
            h.kind == kind and h.text.lower() == text.lower() for h in _hits(session, briefing)
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
        return _view(session, briefing)


def _refuse_hits(hits: list[privacy.Hit]) -> None:
    if hits:
        raise ValidationError(
            "The briefing names a child or a person: remove "
            + privacy.describe(hits)
            + " (or a QA lead may allow one with a reason)",
            {"hits": privacy.describe(hits)},
        )


# ---------------------------------------------------------------- export and publication


def _doc(session: Session, b: Briefing) -> BriefingDoc:
    from audit_tool.reporting.briefing_pdf import BriefingDoc, SectionDoc

    content = _content(b)
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
    db: Any,
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
        b = _briefing(session, uuid)
        _check_visible(actor, b)
        if b.status != "published":
            _refuse_hits(_hits(session, b))
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
    db: Any, actor: Actor, uuid: str, *, expected_revision: int | None = None
) -> BriefingView:
    """Freeze the briefing: its text and its PDF bytes, with their SHA-256."""
    require(actor, "briefing.publish")
    from audit_tool.reporting.briefing_pdf import render_pdf

    try:
        with db.transaction() as session:
            briefing = _editable(session, actor, uuid, expected_revision)
            _refuse_hits(_hits(session, briefing))
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
            return _view(session, briefing)
    except StaleDataError as exc:
        raise ConflictError("This briefing was changed by someone else; reload it") from exc


def new_version(db: Any, actor: Actor, uuid: str) -> BriefingView:
    """A new draft made from a published briefing, keeping its text and audits."""
    require(actor, "briefing.edit")
    with db.transaction() as session:
        source = _briefing(session, uuid)
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
        ids = _audit_ids(session, source)
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
        return _view(session, draft)


def latest_for_programme(db: Any, actor: Actor, programme_key: str) -> BriefingView | None:
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
        return _view(session, b) if b is not None else None


# ---------------------------------------------------------------- where it was used


def record_delivery(
    db: Any,
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
        briefing = _briefing(session, uuid)
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


def deliveries(db: Any, actor: Actor, uuid: str) -> list[DeliveryRow]:
    with db.session() as session:
        b = _briefing(session, uuid)
        _check_visible(actor, b)
        rows = session.scalars(
            select(BriefingDelivery)
            .where(BriefingDelivery.briefing_id == b.id)
            .order_by(BriefingDelivery.delivered_on.desc(), BriefingDelivery.id.desc())
        )
        return [
            DeliveryRow(r.uuid, r.team_name, r.delivered_on, r.presenter, r.attendees, r.actions)
            for r in rows
        ]
