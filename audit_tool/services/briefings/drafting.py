"""Drafting a briefing from audit data: choosing the final audits it covers and writing
each section from their grades, learning points, feedback and actions."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import (
    Agency,
    Audit,
    AuditTemplate,
    Briefing,
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
)
from audit_tool.models.audits import Moderation
from audit_tool.models.briefings import briefing_audits
from audit_tool.reporting.markup import word_count
from audit_tool.services import changelog, privacy
from audit_tool.services.briefings import method as methods
from audit_tool.services.briefings import themes
from audit_tool.services.briefings.budget import Part, fit_parts, trim
from audit_tool.services.briefings.method import plural
from audit_tool.services.briefings.records import (
    SECTION_KEYS,
    WORD_BUDGET,
    BriefingView,
    audit_ids_of,
    briefing_view,
    content_of,
)
from audit_tool.services.feedback import RESPONDENT_LABELS, pct

if TYPE_CHECKING:
    from audit_tool.store import Database

REFLECTION_QUESTIONS = (
    "What are your key thoughts and reflections?",
    "How can we ensure the learning is embedded and how will we know?",
    "How can we build the learning into team or service improvement plans?",
)


MAX_POINTS = 4  # learning points drafted into a section (the most often found)
MAX_QUOTES = 2
MAX_ACTIONS = 3
# The standard questions in a few words, so that section 6 has room for a family's own words.
SHORT_QUESTIONS = {
    "child_views": "Child's wishes and views gained",
    "right_agencies": "Right agencies spoken to",
    "family_views": "Family could share their views",
    "copy_of_plan": "Family has a copy of the plan",
    "contactable": "Parent can reach the worker",
    "positive_difference": "Service made a positive difference",
}


# Who said it, under a quote: "— a parent"; someone else (respondent "other") is "someone
# close to the family", never "a other".
QUOTED_RESPONDENTS = {
    key: f"a {label.lower()}" for key, label in RESPONDENT_LABELS.items() if key != "other"
}

DEFAULT_AUDIENCE = "practitioners and managers across the partnership"


def final_audits(session: Session, ids: list[int]) -> list[Audit]:
    """Those of the audits `ids` that are final, in id order: a briefing draws on these only."""
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


def _draft_background(
    session: Session,
    audits: list[Audit],
    subject: str,
    programme: Programme | None,
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
    groups = methods.groups_of(session, audits)
    parts = [
        Part(f"- **Theme:** {subject}"),
        Part(f"- **Period:** {_period_text(audits)}"),
        Part(
            f"- **Sample:** {plural(n, 'case')} from {plural(int(teams or 0), 'team')}"
            + (f" ({programme.name})" if programme is not None else "")
        ),
    ]
    if not methods.agencies_named(groups):
        named = ", ".join(agency_names) if agency_names else "not recorded"
        parts.append(Part(f"- **Agencies:** {named}", keep=1))
    parts.append(Part(f"- **Method:** {methods.method_text(groups)}."))
    return fit_parts(parts)


def _draft_why(
    session: Session,
    programme: Programme | None,
    audits: list[Audit],
    theme: themes.Theme,
) -> str:
    """Why the theme matters: the lead's words on the theme (not on the method), then what
    these audits found on it."""
    said = themes.theme_sentences(session, programme, audits, theme.name)
    evidence = themes.evidence_sentence(theme, len(audits))
    if not said and not evidence:
        practice = f"Practice on {methods.in_sentence(theme.name)}" if theme.name else "Practice"
        return (
            f"{practice} shapes how well children are seen, heard and helped. What we learn "
            "here should change what we do next."
        )
    room = WORD_BUDGET - word_count(evidence)
    words = trim(" ".join(said), room) if said and room > 0 else ""
    return trim("\n\n".join(t for t in (words, evidence) if t))


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
    parts = [
        Part(
            f"{good} of {graded} cases ({share:g}%) were graded Good or better overall."
            if len(levels) == 4
            else f"{graded} cases were graded."
        )
    ]
    parts += [
        Part(f"- {label}: {counts.get(key, 0)}", gap=i == 0)
        for i, (key, label, _rank) in enumerate(levels)
    ]
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
    shares.sort()
    if len(shares) >= 2 and shares[0][0] < shares[-1][0]:  # no "strongest" among equals
        best, worst = shares[-1], shares[0]
        parts.append(
            Part(
                f"Strongest area: {best[1].lower()} ({best[0] * 100:.0f}% good or better). "
                f"Weakest: {worst[1].lower()} ({worst[0] * 100:.0f}%).",
                keep=1,
                gap=True,
            )
        )
    return fit_parts(parts), chart


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
    parts = [
        Part(f"- {text}" + (f" ({n} cases)" if n > 1 else ""), keep=i)
        for i, (text, n) in enumerate(counts.most_common(MAX_POINTS))
    ]
    return fit_parts(parts)


def quote_key(text: str) -> str:
    """A quote's text compared without case, spacing, punctuation or quotation marks."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def _quotes(session: Session, ids: list[int], case_ids: list[int]) -> list[str]:
    """The family's words that may be quoted (consent given, marked shareable, naming
    nobody), newest first, each once however often it was recorded."""
    rows = session.execute(
        select(Feedback.comment, Feedback.respondent)
        .where(
            Feedback.audit_id.in_(ids),
            Feedback.shareable.is_(True),
            Feedback.consent.is_(True),
        )
        .order_by(Feedback.collected_on.desc(), Feedback.id.desc())
    )
    quotes: list[str] = []
    seen: set[str] = set()
    for comment, respondent in rows:
        text = " ".join(comment.split())
        key = quote_key(text)
        if not key or key in seen or privacy.find_hits(session, text, case_ids=case_ids):
            continue  # quoted once, and only when it still names nobody
        seen.add(key)
        who = QUOTED_RESPONDENTS.get(respondent, "someone close to the family")
        quotes.append(f"*“{text}”* — {who}")
        if len(quotes) >= MAX_QUOTES:
            break
    return quotes


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
    parts = [Part(f"{plural(int(conversations), 'conversation')} with children and families:")]
    for q in questions:
        c = counts.get(q.key, Counter())
        answered = c["yes"] + c["partly"] + c["no"]
        if answered:
            label = SHORT_QUESTIONS.get(q.key, q.text.rstrip("."))
            parts.append(
                Part(
                    f"- {label}: **{pct(c['yes'], answered):g}% yes** ({c['yes']} of {answered})",
                    keep=2,
                )
            )
    # A paragraph each (an editor would run single lines together). The first quote is kept
    # before the figures: the family's own words are what this section is for.
    parts += [
        Part(q, keep=1 if i == 0 else 3, gap=True)
        for i, q in enumerate(_quotes(session, ids, case_ids))
    ]
    return fit_parts(parts)


def _draft_todo(session: Session, audits: list[Audit], theme: themes.Theme, today: date) -> str:
    """Current actions on the theme (owner, due date), then the questions for reflection."""
    parts = []
    for i, action in enumerate(themes.current_actions(session, audits, theme, today)):
        if i >= MAX_ACTIONS:
            break
        parts.append(
            Part(
                f"- {' '.join(action.text.split())} "
                f"({themes.owner_text(session, action.owner_id)}, by "
                f"{action.due_on.day} {action.due_on:%B %Y})",
                keep=1,
            )
        )
    if not parts:
        parts = [
            Part(
                "- No open actions on this theme yet: agree them, with owners and dates, at "
                "the next QA meeting."
            )
        ]
    parts.append(Part("**Questions for reflection**", gap=True))
    parts += [Part(f"- {q}") for q in REFLECTION_QUESTIONS]
    return fit_parts(parts)


def _sample(session: Session, audits: list[Audit]) -> str:
    if not audits:
        return "No final audits yet."
    case_types = Counter(a.case.case_type for a in audits)
    from audit_tool.models.cases import CASE_TYPE_LABELS

    kinds = ", ".join(
        f"{n} {CASE_TYPE_LABELS.get(t, t).lower()}" for t, n in case_types.most_common()
    )
    programmes = sorted({a.programme.name for a in audits})
    grades = (
        "Grades are the final grades (moderated; a dip sample's are its single auditor's)"
        if any(a.kind == "single" for a in audits)
        else "Grades are the moderated final grades"
    )
    return (
        f"{plural(len(audits), 'final audit')} ({kinds}) from "
        f"{', '.join(programmes)}, finalised {_period_text(audits)}. {grades}; figures count "
        "every audit once."
    )


def draft_content(
    session: Session,
    briefing: Briefing,
    keys: tuple[str, ...] = SECTION_KEYS,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """The briefing's content with the sections `keys` drafted from its final audits (the
    others as they are), the chart and sample refreshed; the caller stores it. `today`
    decides which actions are still to do."""
    content = content_of(briefing)
    ids = audit_ids_of(session, briefing)
    audits = final_audits(session, ids)
    case_ids = [a.case_id for a in audits]
    programme = session.get(Programme, briefing.programme_id) if briefing.programme_id else None
    theme_name = themes.display_name(
        briefing.theme or (programme.theme if programme is not None else None), audits
    )
    subject = (
        (programme.theme or programme.name)
        if programme is not None
        else (theme_name or briefing.title)
    )
    theme = themes.theme_of(session, audits, theme_name)
    sections = dict(content["sections"])
    drafted = dict(content.get("drafted") or {})
    for key in keys:
        if key == "background":
            sections[key] = _draft_background(session, audits, subject, programme)
        elif key == "why":
            sections[key] = _draft_why(session, programme, audits, theme)
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
            sections[key] = _draft_todo(session, audits, theme, today or date.today())
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
    db: Database,
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
    db: Database,
    actor: Actor,
    *,
    programme_key: str | None = None,
    theme: str | None = None,
    audit_uuids: list[str] | None = None,
    title: str | None = None,
    audience: str | None = None,
    today: date | None = None,
) -> BriefingView:
    """Draft a briefing from a programme's final audits, a theme tag's, or a chosen set.
    `today` (default: the real one) decides which actions are still to do."""
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
        briefing.sections = draft_content(session, briefing, today=today)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "briefing",
            briefing.uuid,
            after={"title": briefing.title, "audits": len(ids)},
            summary=f"Briefing '{briefing.title}' drafted from {plural(len(ids), 'audit')}",
        )
        return briefing_view(session, briefing)
