"""The QA report's accessible version as tagged PDF/UA-1, from the computed report dict.

The same ten sections as the designed PDF (reporting/report_pdf/), written for reading
in order and with a screen reader: every figure in a table with column headers, every chart
a figure whose alternative text states each value, periods listed down the page rather than
across it, and partial periods named as such and never set against a whole one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from audit_tool.reporting.tagged import document as d
from audit_tool.reporting.tagged import engine
from audit_tool.reporting.tagged import report_story as story
from audit_tool.reporting.tagged.reading import (
    GRADE_SHORT,
    GRADES,
    NO_DATA,
    Period,
    R,
    Reader,
    agreement,
    good,
    graded,
    long_date,
    number,
    pct,
    period_label,
    share,
)
from audit_tool.reporting.tagged.report_sections import compliance, feedback, learning, moderation

TITLE = "Quarterly quality assurance report"
NOTE_CASES = 10  # a strongest or weakest result needs at least this many cases


def render_tagged_report(report: dict[str, Any], *, partnership: str, title: str = TITLE) -> bytes:
    """The report as accessible PDF bytes (A4 portrait, tagged PDF/UA-1)."""
    return engine.render(
        report_document(report, partnership=partnership, title=title).as_json(),
        created=_created(report),
    )


def _created(report: dict[str, Any]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(report.get("generated_at", "")))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------- the document


def report_document(report: dict[str, Any], *, partnership: str, title: str = TITLE) -> d.Document:
    r = Reader(report)
    out = d.Document(
        title=title,
        author=partnership,
        description=f"{title}, {r.range_text()}",
        keywords=["quality assurance", "case file audit", "safeguarding", "accessible"],
        footer=f"{title} \u00b7 {r.range_text()}",
    )
    out.front = _front(r, partnership)
    for key, heading, build in (
        ("summary", "1. Executive summary", _summary),
        ("grades", "2. Audits and grades", _grades),
        ("areas", "3. Practice areas", _areas),
        ("moderation", "4. Moderation statistics", moderation),
        ("feedback", "5. Family feedback", feedback),
        ("learning", "6. Learning follow-up", learning),
        ("compliance", "7. Monthly audit compliance", compliance),
        ("themes", "8. Learning themes", story.themes),
        ("voices", "9. Voices of children and families", story.voices),
        ("progress", "10. Progress on areas for improvement", story.progress),
    ):
        out.sections.append(d.Section(heading, story.commentary(r, key) + build(r)))
    return out


def _front(r: Reader, partnership: str) -> list[d.Json]:
    filters = r.report.get("filters") or {}
    chosen = [
        f"{word} {r.name(kind, str(filters[key])) if kind else filters[key]}"
        for key, kind, word in (
            ("team", "teams", "team"),
            ("agency", "agencies", "agency"),
            ("service_area", None, "service area"),
            ("programme", None, "programme"),
            ("theme", None, "theme"),
        )
        if filters.get(key)
    ]
    labels = [period_label(p) for p in r.periods]
    facts = [
        ("Partnership", partnership),
        ("Period covered", r.range_text()),
        (f"By {r.word}", ", ".join(labels) if labels else "no periods"),
        ("Filters", "; ".join(chosen) if chosen else "none"),
        ("Data as of", long_date(str(r.report.get("generated_at", "")))),
    ]
    edition = story.edition_fact(r)
    if edition is not None:
        facts.append(edition)
    blocks = [d.para(d.text_span(f"{label}: ", bold=True), value) for label, value in facts]
    blocks.append(
        d.para(
            "This is the accessible version of the report: the same figures as the printed "
            "report, in tables and described charts, in reading order. Only final (moderated) "
            "audits are counted."
        )
    )
    partial = [period_label(p) for p in r.periods if p.get("partial")]
    if partial:
        blocks.append(
            d.note(
                f"{', '.join(partial)} had not ended when the figures were taken, so "
                f"{'its' if len(partial) == 1 else 'their'} figures are not compared with a "
                f"whole {r.word}."
            )
        )
    return blocks


def _summary(r: Reader) -> list[d.Json]:
    shown = [p for p in (r.periods[-2:] if len(r.periods) > 1 else r.periods)]
    columns = [d.Column("Measure"), *(d.Column(period_label(p), R) for p in shown)]
    columns.append(d.Column("Whole period", R))
    chosen = [*shown, r.total]

    def planned(p: Period) -> str:
        n = int(p.get("audits_planned") or 0)
        return f"{int(p.get('audits_final', 0))} of {n}" if n else NO_DATA

    measures: list[tuple[str, Callable[[Period], str]]] = [
        ("Final audits", lambda p: str(int(p.get("audits_final", 0)))),
        ("Completed against planned", planned),
        ("Good or better", lambda p: pct(p.get("pct_good_or_better"))),
        ("Requires improvement or better", lambda p: pct(p.get("pct_ri_or_better"))),
        ("Exact agreement of the two auditors", lambda p: pct(agreement(p).get("exact_pct"))),
        ("Kappa (quadratic weights)", lambda p: number(agreement(p).get("kappa_quadratic"), 3)),
        ("Worker received feedback", lambda p: pct(p.get("worker_feedback_pct"))),
        ("Families who gave feedback", lambda p: str(int(p.get("feedback_families") or 0))),
        ("Actions open", lambda p: str(int((p.get("actions") or {}).get("open", 0)))),
        ("Actions overdue", lambda p: str(int((p.get("actions") or {}).get("overdue", 0)))),
    ]
    table = d.table(
        "Key figures",
        columns,
        [[label, *(cell(p) for p in chosen)] for label, cell in measures],
    )
    points = _key_points(r)
    blocks: list[d.Json] = [table]
    if points:
        blocks += [d.sub_heading(f"Points to note in {period_label(r.last)}"), d.bullets(points)]
    return blocks


def _key_points(r: Reader) -> list[str]:
    last = r.last
    label = period_label(last)
    if not last.get("audits_final"):
        return [f"No final audits in {label}."]
    points = []
    areas = []
    for key, item in (last.get("items") or {}).items():
        counts = item.get("counts") or {}
        n = graded(counts)
        if item.get("kind") == "grade" and n >= NOTE_CASES:
            areas.append((100 * good(counts) / n, key, good(counts), n))
    if len(areas) >= 2:
        areas.sort(key=lambda t: (t[0], t[1]))
        low, high = areas[0], areas[-1]
        points.append(
            f"Strongest practice area: {r.name('items', high[1])}, {share(high[2], high[3])} "
            f"good or better ({high[2]} of {high[3]}). Weakest: {r.name('items', low[1])}, "
            f"{share(low[2], low[3])} ({low[2]} of {low[3]})."
        )
    mod = last.get("moderation") or {}
    moved = int(mod.get("raised", 0)) + int(mod.get("lowered", 0))
    reviews = moved + int(mod.get("unchanged", 0))
    if reviews >= NOTE_CASES:
        points.append(
            f"Moderation changed the auditor's grade in {moved} of {reviews} reviews "
            f"({share(moved, reviews)}): {int(mod.get('raised', 0))} raised, "
            f"{int(mod.get('lowered', 0))} lowered."
        )
    overdue = int((r.total.get("actions") or {}).get("overdue", 0))
    if overdue:
        points.append(f"{overdue} actions from audits in the whole period are overdue.")
    return points


# ---------------------------------------------------------------- 2. audits and grades


def _grade_cells(overall: dict[str, int], audits: int) -> list[str]:
    n = graded(overall)
    return [
        str(audits),
        *(str(int(overall.get(g, 0))) for g in GRADES),
        share(good(overall), n),
    ]


def _grade_columns(first: str, count: str = "Final audits") -> list[d.Column]:
    return [
        d.Column(first),
        d.Column(count, R),
        *(d.Column(GRADE_SHORT[g], R) for g in GRADES),
        d.Column("Good or better", R),
    ]


def _grades(r: Reader) -> list[d.Json]:
    def row(p: Period) -> list[str]:
        return _grade_cells(p.get("overall") or {}, int(p.get("audits_final", 0)))

    blocks = [
        d.table(
            f"Final audits by overall grade, {r.word} by {r.word}",
            _grade_columns(r.word.capitalize()),
            r.rows_by_period(row),
            total=r.whole(row),
        )
    ]
    bars = [
        d.Bar(period_label(p), float(p["pct_good_or_better"]), pct(p["pct_good_or_better"]))
        for p in r.periods
        if p.get("pct_good_or_better") is not None
    ]
    if bars:
        blocks.append(
            d.bar_chart(
                f"Share of final audits graded good or better, {r.word} by {r.word}",
                bars,
                scale=100,
                summary=f"Bar chart of the share of final audits graded good or outstanding "
                f"in each {r.word}",
            )
        )
    for key, kind, heading, first in (
        ("by_team", "teams", "By team", "Team"),
        ("by_service_area", "", "By service area", "Service area"),
        ("by_agency", "agencies", "By agency of the case's team", "Agency"),
        ("by_theme", "", "By programme theme", "Theme"),
    ):
        groups = r.total.get(key) or {}
        if groups:
            blocks.append(d.sub_heading(heading))
            blocks.append(_group_table(r, groups, kind, first, f"{heading}, whole period"))
    by_reviewer = r.total.get("by_reviewer_agency") or {}
    if by_reviewer:
        blocks.append(d.sub_heading("By the agency that audited (multi-agency and SEND audits)"))
        blocks.append(
            d.table(
                "Submitted reviews by the reviewer's agency, whole period",
                _grade_columns("Agency", "Reviews"),
                [
                    [r.name("agencies", k), *_grade_cells(g.get("overall") or {}, g["reviews"])]
                    for k, g in by_reviewer.items()
                ],
            )
        )
    return blocks + _other_scales(r)


def _group_table(r: Reader, groups: dict[str, Any], kind: str, first: str, caption: str) -> d.Json:
    rows = [
        [
            r.name(kind, key) if kind else key,
            *_grade_cells(g.get("overall") or {}, int(g.get("audits_final", 0))),
        ]
        for key, g in groups.items()
    ]
    return d.table(caption, _grade_columns(first), sorted(rows, key=lambda row: row[0].lower()))


def _other_scales(r: Reader) -> list[d.Json]:
    scales = r.total.get("other_scales") or {}
    if not scales:
        return []
    from audit_tool.reporting.words import Words

    words = Words(r.labels)  # the scale's name and its levels' words, not their keys
    rows = [
        [words.scale(scale), words.level(scale, level), str(n)]
        for scale, counts in scales.items()
        for level, n in counts.items()
    ]
    return [
        d.sub_heading("Audits on the partnership's own scales"),
        d.table(
            "Final audits graded on other scales, whole period",
            [d.Column("Scale"), d.Column("Grade"), d.Column("Final audits", R)],
            rows,
        ),
    ]


# ---------------------------------------------------------------- 3. practice areas


def _areas(r: Reader) -> list[d.Json]:
    items = r.total.get("items") or {}
    if not items:
        return [d.para("No practice areas answered in final audits in this period.")]
    grade = {k: v for k, v in items.items() if v.get("kind") == "grade"}
    yes_no = {k: v for k, v in items.items() if v.get("kind") == "yes_no"}
    numbers = {k: v for k, v in items.items() if v.get("kind") == "number"}
    blocks: list[d.Json] = [
        d.para("Final grades for each practice area over the whole period of the report.")
    ]
    if grade:
        blocks.extend(_graded_areas(r, grade))
    if yes_no:
        blocks.append(_yes_no_table(r, yes_no))
    if numbers:
        blocks.append(_numbers_table(r, numbers))
    return blocks


def _graded_areas(r: Reader, grade: dict[str, Any]) -> list[d.Json]:
    """The graded practice areas: a table by grade, and a chart of the share good or better."""
    rows = [
        [r.name("items", k), *_grade_cells(v.get("counts") or {}, graded(v.get("counts") or {}))]
        for k, v in grade.items()
    ]
    blocks = [
        d.table(
            "Practice areas by grade, whole period",
            _grade_columns("Practice area", "Graded"),
            rows,
        )
    ]
    bars = [
        d.Bar(r.name("items", k), 100 * good(c) / graded(c), share(good(c), graded(c)))
        for k, v in grade.items()
        if graded(c := v.get("counts") or {})
    ]
    if bars:
        blocks.append(
            d.bar_chart(
                "Practice areas: share graded good or better, whole period",
                bars,
                scale=100,
                summary="Bar chart of the share of each practice area graded good or outstanding",
            )
        )
    return blocks


def _yes_no_table(r: Reader, yes_no: dict[str, Any]) -> d.Json:
    return d.table(
        "Yes or no questions, whole period",
        [d.Column("Question"), d.Column("Yes", R), d.Column("No", R), d.Column("Yes share", R)],
        [
            [r.name("items", k), str(v.get("yes", 0)), str(v.get("no", 0)), pct(v.get("pct_yes"))]
            for k, v in yes_no.items()
        ],
    )


def _numbers_table(r: Reader, numbers: dict[str, Any]) -> d.Json:
    return d.table(
        "Numbers recorded, whole period",
        [
            d.Column("Item"),
            d.Column("Answers", R),
            d.Column("Lowest", R),
            d.Column("Mean", R),
            d.Column("Highest", R),
        ],
        [
            [
                r.name("items", k),
                str(v.get("n", 0)),
                number(v.get("min"), 1),
                number(v.get("mean")),
                number(v.get("max"), 1),
            ]
            for k, v in numbers.items()
        ],
    )
