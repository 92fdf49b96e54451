"""A briefing's theme: its learning points, why it matters and the current actions on it.

The theme is the programme's (or the briefing's own tag). Its learning points are those of the
briefing's audits tagged with it (all of them when the briefing has no theme, or none are
tagged). "Why it matters" is drawn from the theme's own words (the programme's description,
less the sentences that describe how the audits were done) and from those learning points.
"What to do" offers only current actions on the theme: open, due today or later, for the
service, and about the theme: the action shares a word that matters with the theme's name or
with an area for development on the theme in its own audit (the finding it follows up)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.models import (
    Action,
    Audit,
    LearningPoint,
    LearningTheme,
    Person,
    Programme,
    TemplateItem,
)
from audit_tool.services.briefings.budget import sentences
from audit_tool.services.briefings.method import and_list, in_sentence, plural

# A sentence about how the audits were done, not about the theme.
_METHOD = re.compile(
    r"\b(?:moderat\w*|independently|auditors?|dual[- ]audit\w*|looped|dip[- ]?sampl\w*|"
    r"peer|method\w*|jtai[- ]style|two managers|senior managers?|each month|every month|"
    r"audits? (?:the )?(?:same )?case files?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
# Words too common in this work to tie an action to a theme.
_COMMON_WORDS = """
    a about after all also an and any are as at be been before but by can could did do does
    for from had has have how if in into is it its more most must need needs no not of on or
    our out over should so than that the their them then there these they this those through
    to too up was we were what when where which who why will with within without would
    child children childs young person people family families parent parents carer carers
    case cases team teams worker workers practitioner practitioners manager managers service
    services agency agencies partnership audit audits auditor learning practice work well
    good poor clear all every each new next time times make made ensure sure use used
    review reviewed reviews add added share shared sharing remind update updated record
    recorded records recording"""
_COMMON = frozenset(_COMMON_WORDS.split())


def is_method_sentence(sentence: str) -> bool:
    return bool(_METHOD.search(sentence))


def stem(word: str) -> str:
    """A word reduced enough that plan/plans, chronology/chronologies compare equal."""
    word = word.replace("’", "'").removesuffix("'s")
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + replacement
    return word


def content_words(text: str) -> set[str]:
    """The words of `text` that say what it is about, stemmed."""
    words = (w.replace("’", "'").removesuffix("'s") for w in _WORD.findall(text.lower()))
    return {stem(w) for w in words if w not in _COMMON and len(w) > 2 and not w.isdigit()}


@dataclass(frozen=True)
class ThemePoint:
    audit_id: int
    kind: str  # strength | development
    text: str
    tags: tuple[str, ...]
    area: str | None = None  # the practice area it is about, if any


@dataclass(frozen=True)
class Theme:
    """The briefing's theme (None: no theme) and its learning points."""

    name: str | None
    points: tuple[ThemePoint, ...]
    tagged: bool  # the points are those tagged with the theme (not all the briefing's)

    def words_for(self, audit_id: int | None) -> set[str]:
        """What the theme is about in one audit: its name's words and the words of the
        audit's areas for development on it (what an action there follows up)."""
        found = content_words(self.name or "")
        for point in self.points:
            if point.audit_id == audit_id and point.kind == "development":
                found |= content_words(point.text)
        return found


def display_name(theme: str | None, audits: list[Audit]) -> str | None:
    """The theme as its programme writes it ("EHC plans"), where a theme tag (kept in lower
    case) is a programme's theme too."""
    if not theme:
        return None
    for audit in audits:
        if (audit.programme.theme or "").strip().lower() == theme.strip().lower():
            return audit.programme.theme
    return theme


def _area_labels(session: Session, audits: list[Audit]) -> dict[tuple[int, str], str]:
    """(template id, item key) -> the practice area's label, for the audits' templates."""
    rows = session.execute(
        select(TemplateItem.template_id, TemplateItem.key, TemplateItem.label).where(
            TemplateItem.template_id.in_(sorted({a.template_id for a in audits}))
        )
    )
    return {(template_id, key): label for template_id, key, label in rows}


def theme_of(session: Session, audits: list[Audit], name: str | None) -> Theme:
    """The theme `name` and its learning points in `audits` (those allowed into briefings)."""
    template_of = {a.id: a.template_id for a in audits}
    tags: dict[int, list[str]] = {}
    rows = list(
        session.execute(
            select(
                LearningPoint.id,
                LearningPoint.audit_id,
                LearningPoint.kind,
                LearningPoint.text,
                LearningPoint.item_key,
            )
            .where(
                LearningPoint.audit_id.in_(list(template_of)),
                LearningPoint.in_briefing.is_(True),
            )
            .order_by(LearningPoint.id)
        )
    )
    for point_id, tag in session.execute(
        select(LearningTheme.learning_point_id, LearningTheme.theme)
        .join(LearningPoint, LearningPoint.id == LearningTheme.learning_point_id)
        .where(LearningPoint.audit_id.in_(list(template_of)))
    ):
        tags.setdefault(point_id, []).append(tag)
    labels = _area_labels(session, audits) if rows else {}
    points = [
        ThemePoint(
            audit_id,
            kind,
            " ".join(text.split()),
            tuple(sorted(tags.get(pid, ()))),
            labels.get((template_of[audit_id], item_key or "")),
        )
        for pid, audit_id, kind, text, item_key in rows
        if text.strip()
    ]
    wanted = (name or "").strip().lower()
    tagged = [p for p in points if wanted and wanted in p.tags]
    if tagged:
        return Theme(name, tuple(tagged), True)
    return Theme(name, tuple(points), False)


# ---------------------------------------------------------------- why it matters


def _descriptions(
    session: Session, programme: Programme | None, audits: list[Audit], theme: str | None
) -> list[str]:
    """The lead's words on why: the programme's description, else those of the programmes
    on the same theme that the audits come from."""
    if programme is not None:
        return [programme.description]
    wanted = (theme or "").strip().lower()
    if not wanted:
        return []
    ids = sorted({a.programme_id for a in audits})
    return list(
        session.scalars(
            select(Programme.description)
            .where(Programme.id.in_(ids), func.lower(Programme.theme) == wanted)
            .order_by(Programme.id)
        )
    )


def theme_sentences(
    session: Session, programme: Programme | None, audits: list[Audit], theme: str | None
) -> list[str]:
    """The description's sentences about the theme (those about the method left out)."""
    out: list[str] = []
    for description in _descriptions(session, programme, audits, theme):
        for line in description.splitlines():
            out += [s for s in sentences(line.strip()) if s and not is_method_sentence(s)]
    return list(dict.fromkeys(out))


def _in_cases(found: int, cases: int) -> str:
    """'in 3 of the 10 cases', 'in all 4 cases', 'in the one case'."""
    if cases == 1:
        return "in the one case"
    return f"in all {cases} cases" if found == cases else f"in {found} of the {cases} cases"


def _most_often(theme: Theme, cases: int) -> str:
    """The themes (else the practice areas) of the areas for development, most often first."""
    counts: Counter[str] = Counter()
    for _audit, label in {
        (p.audit_id, tag) for p in theme.points if p.kind == "development" for tag in p.tags
    }:
        counts[label] += 1
    if not counts:
        for _audit, label in {
            (p.audit_id, p.area.lower()) for p in theme.points if p.kind == "development" and p.area
        }:
            counts[label] += 1
    top = counts.most_common(3)
    if not top:
        return ""
    (first, n), rest = top[0], top[1:]
    listed = [f"{first} ({n} of {plural(cases, 'case')})"] + [f"{tag} ({k})" for tag, k in rest]
    return (
        f"The areas for development found most often were {and_list(listed)}: each shapes "
        "what children and families experience."
    )


def evidence_sentence(theme: Theme, cases: int) -> str:
    """What the audits found on the theme, counted by case."""
    if not cases or not theme.points:
        return ""
    developing = len({p.audit_id for p in theme.points if p.kind == "development"})
    strong = len({p.audit_id for p in theme.points if p.kind == "strength"})
    if theme.tagged and theme.name:
        on = in_sentence(theme.name)
        if not developing:
            return f"Auditors found strengths on {on} {_in_cases(strong, cases)}."
        text = f"Auditors found areas for development on {on} {_in_cases(developing, cases)}"
        return text + (f", and strengths in {strong}." if strong else ".")
    most = _most_often(theme, cases)
    if most:
        return most
    if developing:
        return f"Auditors found areas for development {_in_cases(developing, cases)}."
    return f"Auditors found strengths {_in_cases(strong, cases)}." if strong else ""


# ---------------------------------------------------------------- what to do


def owner_text(session: Session, person_id: int) -> str:
    """Who owns an action, without naming them: their role, team or agency."""
    person = session.get(Person, person_id)
    if person is None:
        return "owner to be agreed"
    if person.job_title:
        return person.job_title
    if person.team is not None:
        return person.team.name
    return person.agency.name


def current_actions(
    session: Session, audits: list[Audit], theme: Theme, today: date
) -> list[Action]:
    """The service actions of `audits` still to do (open, due today or later) and on the
    theme, soonest first, each text once."""
    found: list[Action] = []
    seen: set[str] = set()
    for action in session.scalars(
        select(Action)
        .where(
            Action.audit_id.in_([a.id for a in audits]),
            Action.scope == "service",
            Action.status == "open",
            Action.due_on >= today,
        )
        .order_by(Action.due_on, Action.id)
    ):
        text = " ".join(action.text.split())
        if text.lower() in seen or not content_words(text) & theme.words_for(action.audit_id):
            continue
        seen.add(text.lower())
        found.append(action)
    return found
