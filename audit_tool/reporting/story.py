"""The report's story, its qualitative part: the periods it tells, the learning themes of the
last period against the one before, and the raw material a reader may be shown in words (the
learning points and family comments that may be quoted, the areas for improvement of the
period before and the actions raised on them).

The story tells the report's last period. The period before it is the report's own where the
report has one, else the whole period just before the report's range. Its counts are set
against the last period's only when both are whole (`compared`): part of a period is never
compared with a whole one.

Reads and counting only. Choosing which texts may be quoted (the names check, which needs the
people and cases held) is the service's (services/report_story.py), which shapes the `story`
key of the report (docs/report-story.md, resources/schemas/qa-report-v1.schema.json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Column, Integer, MetaData, Table, func, literal, or_, select
from sqlalchemy.orm import Session

from audit_tool.models import Action, Audit, Feedback, LearningPoint, LearningTheme
from audit_tool.reporting.overdue import is_overdue
from audit_tool.reporting.periods import DEFAULT_YEAR_START, Period, label_of, natural_start
from audit_tool.reporting.report import Filters, final_audits_of

# The report's sections, each with the lead's commentary beside it (a report edition): the
# sections of the printed report (report_pdf/view.py SECTIONS), in its order.
COMMENTARY_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Executive summary"),
    ("grades", "Audits and grades"),
    ("areas", "Practice areas"),
    ("moderation", "Moderation statistics"),
    ("feedback", "Family feedback"),
    ("breakdowns", "Breakdowns by team, area, agency and strand"),
    ("learning", "Learning follow-up"),
    ("compliance", "Monthly audit compliance"),
    ("themes", "Learning themes"),
    ("voices", "Voices of children and families"),
    ("progress", "Progress on areas for improvement"),
)
KINDS = ("strength", "development")
ACTION_STATES = ("done", "open", "overdue", "cancelled")  # overdue: of the open ones


def period_of(p: dict[str, Any]) -> Period:
    """A report period as a Period."""
    return Period(
        str(p["label"]),
        date.fromisoformat(str(p["from"])),
        date.fromisoformat(str(p["to"])),
        bool(p.get("partial")),
    )


def story_periods(report: dict[str, Any], today: date) -> tuple[Period, Period]:
    """The period the story tells (the report's last) and the one before it: the report's own
    second-to-last, or the whole period just before the report's range (partial only if it
    runs past today)."""
    spans = [period_of(p) for p in report["periods"]]
    last = spans[-1]
    if len(spans) > 1:
        return last, spans[-2]
    by = str(report.get("by", "quarter"))
    year_start = int(report.get("year_start_month") or DEFAULT_YEAR_START)
    end = natural_start(last.start, by, year_start) - timedelta(days=1)
    start = natural_start(end, by, year_start)
    return last, Period(label_of(start, by, year_start), start, end, end > today)


def comparable(last: Period, before: Period) -> bool:
    return not last.partial and not before.partial


@contextmanager
def audit_sets(session: Session, spans: list[Period], flt: Filters) -> Iterator[list[Any]]:
    """The ids of the final audits the report counts in each of `spans` (which do not
    overlap), as a subquery each. They are found once, into a temporary table that the
    story's queries read (a subquery of the audits would be evaluated again by each)."""
    table = Table(
        f"story_audits_{uuid4().hex[:12]}",
        MetaData(),
        Column("audit_id", Integer, primary_key=True),
        Column("p", Integer),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    table.create(connection)
    try:
        for i, span in enumerate(spans):
            chosen = final_audits_of(span, flt, Audit.id, literal(i)).order_by(None)
            session.execute(table.insert().from_select(["audit_id", "p"], chosen))
        yield [select(table.c.audit_id).where(table.c.p == i) for i in range(len(spans))]
    finally:
        table.drop(connection, checkfirst=True)


def theme_counts(session: Session, ids: Any) -> dict[str, dict[str, int]]:
    """Learning points per theme and kind in the audits `ids`, as report v1.1's
    `learning_themes` counts them (a point with two themes counts once in each)."""
    counts: dict[str, Counter[str]] = {}
    rows = session.execute(
        select(LearningTheme.theme, LearningPoint.kind, func.count())
        .join(LearningPoint, LearningTheme.learning_point_id == LearningPoint.id)
        .where(LearningPoint.audit_id.in_(ids))
        .group_by(LearningTheme.theme, LearningPoint.kind)
    )
    for theme, kind, n in rows:
        counts.setdefault(theme, Counter())[kind] += n
    return {t: {k: int(c.get(k, 0)) for k in KINDS} for t, c in sorted(counts.items())}


def theme_rows(
    now: dict[str, dict[str, int]], before: dict[str, dict[str, int]] | None
) -> list[dict[str, Any]]:
    """Every theme of either period with its counts now and before (None without a period
    before), the most mentioned now first, then the most development points, then by name."""
    rows = []
    for theme in set(now) | set(before or {}):
        mine = now.get(theme) or {}
        row: dict[str, Any] = {
            "theme": theme,
            "strength": int(mine.get("strength", 0)),
            "development": int(mine.get("development", 0)),
            "before": None,
        }
        if before is not None:
            then = before.get(theme) or {}
            row["before"] = {k: int(then.get(k, 0)) for k in KINDS}
        rows.append(row)

    def order(r: dict[str, Any]) -> tuple[int, int, int, str]:
        then = r["before"] or {}
        return (
            -(r["strength"] + r["development"]),
            -r["development"],
            -(int(then.get("strength", 0)) + int(then.get("development", 0))),
            r["theme"],
        )

    return sorted(rows, key=order)


def areas_for_improvement(before: dict[str, dict[str, int]], limit: int) -> list[str]:
    """The themes with the most development points in the period before (at least one),
    most first, then by name."""
    found = [(-int(c.get("development", 0)), t) for t, c in before.items()]
    return [t for n, t in sorted(found) if n < 0][:limit]


def _plain(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Candidate:
    """A learning point that may be quoted: the same words (spacing and capitals aside) in
    every audit that recorded them."""

    text: str  # as first written, spacing normalised
    kind: str
    cases: int  # the audits that recorded these words
    first: int  # the first point's id: ties go to the earliest recorded
    variants: list[str] = field(default_factory=list)  # the words as stored
    case_ids: set[int] = field(default_factory=set)  # filled by `with_details`
    themes: set[str] = field(default_factory=set)


def _shared(ids: Any, kind: str) -> list[Any]:
    return [
        LearningPoint.audit_id.in_(ids),
        LearningPoint.kind == kind,
        LearningPoint.in_briefing.is_(True),
    ]


def learning_candidates(session: Session, ids: Any, kind: str) -> list[Candidate]:
    """The learning points of `kind` allowed for sharing (`in_briefing`) in the audits `ids`,
    grouped by their words, the most often recorded first (then the earliest). Counted in SQL
    by the words as stored; their cases and themes are read for those quoted only."""
    found: dict[str, Candidate] = {}
    rows = session.execute(
        select(
            LearningPoint.text,
            func.count(LearningPoint.audit_id.distinct()),
            func.min(LearningPoint.id),
        )
        .where(*_shared(ids, kind))
        .group_by(LearningPoint.text)
    )
    for text, audits, first in sorted(rows, key=lambda r: r[2]):
        words = _plain(text)
        if not words:
            continue
        candidate = found.setdefault(words.lower(), Candidate(words, kind, 0, first))
        candidate.cases += int(audits)
        candidate.variants.append(text)
    return sorted(found.values(), key=lambda c: (-c.cases, c.first))


def with_details(session: Session, ids: Any, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with the cases their audits are about and the themes their points
    carry (two queries for them all)."""
    if not candidates:
        return candidates
    kind = candidates[0].kind
    by_text = {v: c for c in candidates for v in c.variants}
    where = [*_shared(ids, kind), LearningPoint.text.in_(sorted(by_text))]
    for text, case_id in session.execute(
        select(LearningPoint.text, Audit.case_id)
        .join(Audit, LearningPoint.audit_id == Audit.id)
        .where(*where)
        .distinct()
    ):
        by_text[text].case_ids.add(case_id)
    for text, theme in session.execute(
        select(LearningPoint.text, LearningTheme.theme)
        .join(LearningTheme, LearningTheme.learning_point_id == LearningPoint.id)
        .where(*where)
        .distinct()
    ):
        by_text[text].themes.add(theme)
    return candidates


@dataclass(frozen=True)
class Voice:
    """A family's comment that may be quoted: given with consent and marked shareable."""

    text: str
    respondent: str
    collected_on: date
    case_id: int


def voice_candidates(session: Session, ids: Any) -> list[Voice]:
    """Comments from conversations in the audits `ids`, given with consent and marked
    shareable, the newest first, each text once."""
    rows = session.execute(
        select(Feedback.comment, Feedback.respondent, Feedback.collected_on, Feedback.case_id)
        .where(
            Feedback.audit_id.in_(ids),
            Feedback.shareable.is_(True),
            Feedback.consent.is_(True),
            Feedback.comment != "",
        )
        .order_by(Feedback.collected_on.desc(), Feedback.id.desc())
    )
    seen: set[str] = set()
    out = []
    for comment, respondent, collected_on, case_id in rows:
        words = _plain(comment)
        if words and words.lower() not in seen:
            seen.add(words.lower())
            out.append(Voice(words, respondent, collected_on, case_id))
    return out


@dataclass(frozen=True)
class RaisedAction:
    text: str
    status: str  # open or done
    overdue: bool
    due_on: date
    completed_on: date | None
    case_id: int


def _developed_on(themes: list[str], ids: list[Any]) -> Any:
    """(theme, audit) for each of the audits `ids` (subqueries) that found a point for
    development on one of `themes`."""
    return (
        select(LearningTheme.theme, LearningPoint.audit_id)
        .join(LearningPoint, LearningTheme.learning_point_id == LearningPoint.id)
        .where(
            LearningPoint.kind == "development",
            LearningTheme.theme.in_(themes),
            or_(*[LearningPoint.audit_id.in_(s) for s in ids]),
        )
        .distinct()
        .subquery()
    )


def actions_on_themes(
    session: Session, ids: list[Any], themes: list[str], as_of: date, limit: int
) -> dict[str, tuple[dict[str, int], list[RaisedAction]]]:
    """For each theme, the actions raised in those of the audits `ids` that found a point for
    development on it, each action once: their counts (raised, done, open, overdue: open and
    due before `as_of`, the report's `to`; cancelled), and up to `limit` service actions, not
    cancelled, each wording once (the first due), by due date: those that may be quoted as
    what was done, once the names check has passed them."""
    out: dict[str, tuple[dict[str, int], list[RaisedAction]]] = {
        t: (dict.fromkeys(("raised", "done", "open", "overdue", "cancelled"), 0), [])
        for t in themes
    }
    if not themes:
        return out
    found = _developed_on(themes, ids)
    rows = session.execute(
        select(
            found.c.theme,
            Action.status,
            Action.scope,
            Action.text,
            Action.due_on,
            Action.completed_on,
            Audit.case_id,
        )
        .join(found, found.c.audit_id == Action.audit_id)
        .join(Audit, Action.audit_id == Audit.id)
        .order_by(found.c.theme, Action.due_on, Action.id)
    )
    seen: set[tuple[str, str]] = set()
    for theme, status, scope, text, due_on, completed_on, case_id in rows:
        counts, quotable = out[theme]
        overdue = is_overdue(status, due_on, as_of)
        counts["raised"] += 1
        counts[status] = counts.get(status, 0) + 1
        counts["overdue"] += overdue
        if scope != "service" or status == "cancelled" or len(quotable) >= limit:
            continue
        words = _plain(text)
        if (theme, words.lower()) not in seen:
            seen.add((theme, words.lower()))
            quotable.append(RaisedAction(words, status, overdue, due_on, completed_on, case_id))
    return out


# ---------------------------------------------------------------- the story in words
# Shared by the printed and accessible PDFs, the workbook and the Dashboard.

RESPONDENT_NAMES = {
    "parent": "a parent",
    "carer": "a carer",
    "child": "a child",
    "young_person": "a young person",
    "other": "a family member",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def theme_title(theme: str) -> str:
    """A theme tag (stored in lower case) as a heading or a row's name: "Voice of the child"."""
    return theme[:1].upper() + theme[1:]


def day_text(iso: str | None) -> str:
    """ "2026-02-01" as "1 February 2026"."""
    if not iso:
        return "no date"
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def change_text(now: int, before: int | None) -> str:
    """A count against the period before's: "▲ +2", "▼ −1", "no change", "new" (none
    before) or "–" (not compared)."""
    if before is None:
        return "\u2013"
    if before == 0 and now > 0:
        return "new"
    if now == before:
        return "no change"
    d = now - before
    return f"\u25b2 +{d}" if d > 0 else f"\u25bc \u2212{-d}"


def action_state_text(action: dict[str, Any]) -> str:
    """A quoted action's status: "done 20 January 2026", "open, due 31 May 2026" or
    "overdue: due 1 December 2025"."""
    if action.get("status") == "done":
        return f"done {day_text(action.get('completed_on'))}"
    if action.get("overdue"):
        return f"overdue: due {day_text(action.get('due_on'))}"
    return f"open, due {day_text(action.get('due_on'))}"


def point_source_text(point: dict[str, Any]) -> str:
    """Where a quoted learning point comes from: "2 audits · voice of the child"."""
    cases = int(point.get("cases", 1))
    parts = [f"{cases} audit{'s' if cases != 1 else ''}"]
    themes = [str(t) for t in point.get("themes") or []]
    if themes:
        parts.append(", ".join(themes))
    return " \u00b7 ".join(parts)


def voice_source_text(voice: dict[str, Any]) -> str:
    """ "a parent, 2 February 2026"."""
    who = RESPONDENT_NAMES.get(str(voice.get("respondent")), "a family member")
    return f"{who}, {day_text(voice.get('collected_on'))}"


def edition_text(edition: dict[str, Any] | None) -> str:
    """The commentary's edition in words, for covers and status lines."""
    if not edition:
        return "no commentary written"
    if edition.get("status") == "published":
        when = edition.get("published_at")
        on = f", {day_text(str(when))}" if when else ""
        return f"published version {edition.get('version')}{on}"
    return f"draft version {edition.get('version')}, not yet published"
