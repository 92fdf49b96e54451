"""The report's story: what the quarterly report says in words beside its figures, as the
`story` key of the report (docs/report-story.md): the learning themes of the last period
against the one before, the strongest learning points and family voices quoted, last period's
areas for improvement with what was done about them, and the lead's commentary on each section
from the report's edition (services/report_editions.py).

A learning point is quoted only when it is allowed for sharing (the same flag that lets it
into briefings) and a family's comment only when it was given with consent and marked
shareable; either only when the names check (services/privacy.py, as the briefings use it)
finds no case reference, initials of its case or person's name in it. So are the words of an
action quoted as what was done: a service action, never a case's. The counting is in
reporting/story.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.reporting import story
from audit_tool.reporting.report import Filters
from audit_tool.services import privacy, report_editions

if TYPE_CHECKING:
    from audit_tool.store import Database

MAX_POINTS = 5  # strengths quoted, and as many points for development
MAX_VOICES = 5
MAX_AREAS = 5  # last period's areas for improvement followed up
MAX_ACTIONS = 3  # actions quoted for each area


@dataclass
class _Quoting:
    """Texts checked for identifying details; how many were passed over for naming someone."""

    session: Session
    passed_over: int = 0

    def allowed(self, text: str, case_ids: set[int] | list[int]) -> bool:
        if privacy.find_hits(self.session, text, case_ids=sorted(case_ids)):
            self.passed_over += 1
            return False
        return True


def tell(
    db: Database,
    actor: Actor,
    report: dict[str, Any],
    *,
    today: date | None = None,
    export: bool = False,
) -> dict[str, Any]:
    """The story of a computed report (reporting/report.py `compute`), for its `story` key:
    the same filters, the report's last period against the one before it. For an `export`,
    a draft commentary that names someone is refused (report_editions.refuse_identifying)."""
    require(actor, "report.view")
    today = today or date.today()
    flt = Filters(**{k: v for k, v in (report.get("filters") or {}).items() if v})
    last, before = story.story_periods(report, today)
    as_of = date.fromisoformat(str(report["to"]))
    themes_now = report["periods"][-1].get("learning_themes") or {}
    with (
        db.session() as session,
        story.audit_sets(session, [before, last], flt) as (before_ids, now_ids),
    ):
        if len(report["periods"]) > 1:  # the report counted them
            themes_before = report["periods"][-2].get("learning_themes") or {}
        else:
            themes_before = story.theme_counts(session, before_ids)
        quoting = _Quoting(session)
        strengths = _points(session, quoting, now_ids, "strength")
        developments = _points(session, quoting, now_ids, "development")
        voices = _voices(session, quoting, now_ids)
        areas = _areas(session, quoting, themes_before, themes_now, [before_ids, now_ids], as_of)
    edition = report_editions.current_edition(db, actor, report_editions.key_of(report))
    if export:
        report_editions.refuse_identifying(edition)
    return {
        "period": _span(last),
        "previous": _span(before),
        "compared": story.comparable(last, before),
        "themes": story.theme_rows(themes_now, themes_before),
        "strengths": strengths,
        "developments": developments,
        "voices": voices,
        "improvement": areas,
        "passed_over": quoting.passed_over,
        "commentary": dict(edition.commentary) if edition else {},
        "edition": edition.as_json() if edition else None,
    }


def _span(p: story.Period) -> dict[str, Any]:
    return {
        "label": p.label,
        "from": p.start.isoformat(),
        "to": p.end.isoformat(),
        "partial": p.partial,
    }


def _points(session: Session, quoting: _Quoting, ids: Any, kind: str) -> list[dict[str, Any]]:
    """The learning points of `kind` most often recorded that may be quoted."""
    out: list[dict[str, Any]] = []
    candidates = story.learning_candidates(session, ids, kind)
    step = 2 * MAX_POINTS  # read in batches: a few may be passed over
    for start in range(0, len(candidates), step):
        for candidate in story.with_details(session, ids, candidates[start : start + step]):
            if quoting.allowed(candidate.text, candidate.case_ids):
                out.append(
                    {
                        "text": candidate.text,
                        "cases": candidate.cases,
                        "themes": sorted(candidate.themes),
                    }
                )
                if len(out) >= MAX_POINTS:
                    return out
    return out


def _voices(session: Session, quoting: _Quoting, ids: Any) -> list[dict[str, Any]]:
    out = []
    for voice in story.voice_candidates(session, ids):
        if quoting.allowed(voice.text, [voice.case_id]):
            out.append(
                {
                    "text": voice.text,
                    "respondent": voice.respondent,
                    "collected_on": voice.collected_on.isoformat(),
                }
            )
            if len(out) >= MAX_VOICES:
                break
    return out


def _areas(
    session: Session,
    quoting: _Quoting,
    before: dict[str, dict[str, int]],
    now: dict[str, dict[str, int]],
    ids: list[Any],
    as_of: date,
) -> list[dict[str, Any]]:
    """Last period's areas for improvement: its themes with the most points for development,
    the points then and now, and the actions raised in the audits that found them (in
    either period) with their status as of the report's end."""
    themes = story.areas_for_improvement(before, MAX_AREAS)
    # More candidates than are quoted: some may be passed over by the names check.
    raised = story.actions_on_themes(session, ids, themes, as_of, 4 * MAX_ACTIONS)
    out = []
    for theme in themes:
        counts, candidates = raised[theme]
        quoted = []
        for action in candidates:
            if quoting.allowed(action.text, [action.case_id]):
                quoted.append(
                    {
                        "text": action.text,
                        "status": action.status,
                        "overdue": action.overdue,
                        "due_on": action.due_on.isoformat(),
                        "completed_on": action.completed_on.isoformat()
                        if action.completed_on
                        else None,
                    }
                )
                if len(quoted) >= MAX_ACTIONS:
                    break
        out.append(
            {
                "theme": theme,
                "development_before": int(before[theme].get("development", 0)),
                "development_now": int((now.get(theme) or {}).get("development", 0)),
                "actions": counts,
                "quoted": quoted,
            }
        )
    return out
