"""The QA report workbook's "Learning and voices" sheet: the report in words (its `story`).

Tables, in order: the learning themes (one row per theme and period, the last period and the
one before), the learning points quoted, the family voices quoted, last period's areas for
improvement with the actions raised on them, those actions quoted, and the QA lead's
commentary on each section. Counts are integers, dates real dates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from audit_tool.reporting import xlsx_common as xc
from audit_tool.reporting.markup import plain
from audit_tool.reporting.report_xlsx.model import Column, Report, Sheet, Table
from audit_tool.reporting.story import (
    COMMENTARY_SECTIONS,
    RESPONDENT_NAMES,
    edition_text,
    theme_title,
)

NAME = "Learning and voices"
TITLE = (
    "Learning and voices: learning themes, the strongest learning points and family voices "
    "quoted, last period's areas for improvement and what was done, the QA lead's commentary"
)
_KINDS = (("strengths", "Strength"), ("developments", "For development"))


def _label(span: Mapping[str, Any]) -> str:
    label = str(span.get("label", ""))
    return f"{label} (partial)" if span.get("partial") else label


def _day(text: Any) -> date | None:
    return date.fromisoformat(str(text)) if text else None


def story_sheet(r: Report) -> Sheet:
    """The report in words, or the themes alone where the report has no story."""
    report = r.data
    story = report.get("story") or {}
    lines = r.heading(TITLE)
    count, day = xc.COUNT_FORMAT, xc.DATE_FORMAT

    def make(title: str | None, spec: list[tuple[str, str | None, bool]], rows: list[Any]) -> Table:
        return Table([Column(*c) for c in spec], rows, title)

    themes = make(
        None,
        [("Theme", None, False), ("Period", None, False), ("Strengths", count, False),
         ("For development", count, False)],
        _theme_rows(report, story),
    )  # fmt: skip
    if not story:
        lines.append("The learning in words was not part of this report's data.")
        return Sheet(NAME, lines, [themes])
    now, before = _label(story["period"]), _label(story["previous"])
    lines += [
        f"The story of {now}, against {before}"
        + ("" if story.get("compared") else " (not compared: a period is not whole)"),
        f"Commentary: {edition_text(story.get('edition'))}",
        "Quoted: learning points allowed for sharing and family comments given with consent and "
        "marked shareable, whose words name no case, initials or person held in the database "
        f"({int(story.get('passed_over', 0))} passed over by that check).",
    ]
    tables = [
        themes,
        make(
            "Learning points quoted",
            [
                ("Kind", None, False),
                ("Learning point", None, True),
                ("Audits", count, False),
                ("Themes", None, False),
            ],
            [
                [kind, p["text"], p["cases"], ", ".join(p.get("themes") or [])]
                for key, kind in _KINDS
                for p in story.get(key) or []
            ],
        ),  # fmt: skip
        make(
            "Family voices quoted",
            [("Who", None, False), ("Collected", day, False), ("Comment", None, True)],
            [
                [
                    RESPONDENT_NAMES.get(v["respondent"], "a family member").capitalize(),
                    _day(v["collected_on"]),
                    v["text"],
                ]
                for v in story.get("voices") or []
            ],
        ),  # fmt: skip
        *_areas(story, make, now, before),
        make(
            "Commentary",
            [("Section", None, False), ("Commentary", None, True)],
            [
                [heading_text, plain(str((story.get("commentary") or {}).get(key, "")))]
                for key, heading_text in COMMENTARY_SECTIONS
                if (story.get("commentary") or {}).get(key)
            ],
        ),
    ]
    return Sheet(NAME, lines, tables)


def _theme_rows(report: Mapping[str, Any], story: Mapping[str, Any]) -> list[list[Any]]:
    """Each theme's strengths and points for development, period by period and in total (the
    report's `learning_themes`), with the story's period before where the report starts
    after it; the story's order of themes, then the rest by name."""
    spans: list[tuple[str, Mapping[str, Any]]] = []
    previous = story.get("previous") if story else None
    if previous and previous["from"] not in {p.get("from") for p in report.get("periods") or []}:
        before = {t["theme"]: t["before"] for t in story.get("themes") or [] if t.get("before")}
        spans.append((_label(previous), before))
    spans += [(_label(p), p.get("learning_themes") or {}) for p in report.get("periods") or []]
    spans.append(("Total", (report.get("total") or {}).get("learning_themes") or {}))
    order = [t["theme"] for t in (story.get("themes") or [])] if story else []
    named = {t for _label_text, counts in spans for t in counts}
    order += sorted(named - set(order))
    rows = []
    for theme in order:
        for label, counts in spans:
            c = counts.get(theme)
            if c and (c.get("strength") or c.get("development")):
                rows.append(
                    [
                        theme_title(theme),
                        label,
                        int(c.get("strength", 0)),
                        int(c.get("development", 0)),
                    ]
                )
    return rows


def _areas(story: Mapping[str, Any], make: Callable[..., Any], now: str, before: str) -> list[Any]:
    count, day = xc.COUNT_FORMAT, xc.DATE_FORMAT
    areas = story.get("improvement") or []
    return [
        make(
            f"Areas for improvement from {before}: points for development then and in {now}, "
            "and the actions raised in the audits that found them",
            [
                ("Area", None, False),
                (f"Found in {before}", count, False),
                (f"Found in {now}", count, False),
                ("Actions raised", count, False),
                ("Done", count, False),
                ("Open", count, False),
                ("Of which overdue", count, False),
                ("Cancelled", count, False),
            ],
            [
                [
                    theme_title(a["theme"]),
                    a["development_before"],
                    a["development_now"],
                    *(a["actions"][k] for k in ("raised", "done", "open", "overdue", "cancelled")),
                ]
                for a in areas
            ],
        ),  # fmt: skip
        make(
            "What was done: service actions quoted",
            [
                ("Area", None, False),
                ("Action", None, True),
                ("Status", None, False),
                ("Due", day, False),
                ("Completed", day, False),
            ],
            [
                [
                    theme_title(a["theme"]),
                    q["text"],
                    "Done" if q["status"] == "done" else ("Overdue" if q["overdue"] else "Open"),
                    _day(q["due_on"]),
                    _day(q["completed_on"]),
                ]
                for a in areas
                for q in a.get("quoted") or []
            ],
        ),  # fmt: skip
    ]
