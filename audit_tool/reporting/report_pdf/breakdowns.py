"""The breakdowns section of the QA report PDF (report v1.1 and the optional keys beside it):
good or better beside requires improvement or better, period by period; the families who gave
feedback; family feedback per question by team and by service area; the reviews of multi-agency
and SEND audits by the agency that audited and by SEND strand; and the audits graded on the
partnership's own scales. A part the report does not carry is left out; every key is printed
in words (reporting/words.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, period_table, share_cell, table
from audit_tool.reporting.report_pdf.view import (
    QUESTION_SHORT,
    SMALL_COUNT,
    fmt_pct,
    good_count,
    graded_count,
    pct,
    period_label,
    plural,
)
from audit_tool.reporting.words import Words

Named = Callable[[str], str]


def render(ctx: Context) -> list[Any]:
    v = ctx.v
    words = Words(v.report.get("labels"))
    story: list[Any] = [
        ctx.para(
            "The figures the partnership quotes beside the headline ones: the share requires "
            "improvement or better beside good or better, family feedback by team and by "
            "service area, the views of each agency that audited in multi-agency and SEND "
            "audits, each strand of the SEND audits, and audits graded on the partnership's own "
            f"scales. Shares from fewer than {SMALL_COUNT} answers or reviews are in italics "
            "and unshaded.",
            ctx.intro,
        )
    ]
    parts = [
        *_good_and_ri(ctx),
        *_feedback_by(ctx, "feedback_by_team", lambda k: v.label("teams", k), "team"),
        *_feedback_by(ctx, "feedback_by_service_area", words.area, "service area"),
        *_reviews_by(
            ctx,
            "by_reviewer_agency",
            lambda k: v.label("agencies", k),
            "By the agency that audited",
            "Submitted reviews of final multi-agency and SEND audits, by the agency of the "
            "auditor who wrote them (not the agency of the case's team).",
            "Agency that audited",
        ),
        *_reviews_by(
            ctx,
            "by_send_part",
            words.part,
            "SEND audits by strand",
            "Submitted reviews of final SEND audits by their strand: education, health and "
            "social care each audit their part of the plan.",
            "Strand",
        ),
        *_own_scales(ctx, words),
    ]
    return story + (parts or [ctx.empty_note("This report carries no breakdowns.")])


def _has(ctx: Context, key: str) -> bool:
    return any(key in p for p in [*ctx.v.periods, ctx.v.total])


def _share_text(part: int, whole: int) -> str:
    return f"{fmt_pct(pct(part, whole))} ({part}/{whole})" if whole else "\u2013"


def _good_and_ri(ctx: Context) -> list[Any]:
    """Good or better and requires improvement or better, with the families who gave feedback."""
    from reportlab.platypus import KeepTogether

    v = ctx.v
    if not _has(ctx, "pct_ri_or_better"):
        return []
    families = _has(ctx, "feedback_families")
    rows: list[list[Any]] = []
    for p in [*v.periods, v.total]:
        overall = p.get("overall") or {}
        graded = graded_count(overall)
        row: list[Any] = [
            ctx.name_cell("Whole period" if p is v.total else period_label(p), p is v.total),
            str(int(p.get("audits_final", 0))),
            _share_text(good_count(overall), graded),
            _share_text(graded - int(overall.get("inadequate", 0)), graded),
        ]
        if families:
            row += [
                str(int(p.get("feedback_conversations") or 0)),
                str(int(p.get("feedback_families") or 0)),
            ]
        rows.append(row)
    header = [
        v.word.capitalize(),
        "Final audits",
        "Good or better",
        "Requires improvement or better",
    ]
    widths = [110.0, 60.0, 100.0, 100.0]
    if families:
        header += ["Conversations with families", "Families who gave feedback"]
        widths += [70.0, 70.0]
    widths[-1] += ctx.width - sum(widths)
    part = ctx.sub("breakdowns-ri", "Good or better, and requires improvement or better")
    part.append(table(ctx, header, rows, widths, total_rows=1))
    note = "Shares of the final audits graded on the Ofsted scale: part / graded."
    if families:
        note += (
            " A family is counted once in a period however many conversations it had, so the "
            "whole period's families are not the sum of the periods'."
        )
    part.append(ctx.note_para(ctx.text(note)))
    return [KeepTogether(part)]


def _keys(ctx: Context, key: str) -> list[str]:
    found: dict[str, None] = {}
    for p in [*ctx.v.periods, ctx.v.total]:
        for k in p.get(key) or {}:
            found.setdefault(k, None)
    return list(found)


def _feedback_by(ctx: Context, key: str, named: Named, word: str) -> list[Any]:
    """Family feedback over the whole period, a row per group and a column per question."""
    from reportlab.platypus import KeepTogether

    if not _has(ctx, key):
        return []
    groups: dict[str, dict[str, Any]] = ctx.v.total.get(key) or {}
    questions = [
        q
        for q in _question_order(ctx)
        if any(int((g.get(q) or {}).get("asked", 0)) for g in groups.values())
    ]
    part = ctx.sub(f"breakdowns-{key}", f"Family feedback by {word}")
    shown = sorted(
        (
            (named(k), g)
            for k, g in groups.items()
            if any(int((g.get(q) or {}).get("asked", 0)) for q in questions)
        ),
        key=lambda t: t[0].casefold(),
    )
    if not shown:
        part.append(ctx.empty_note(f"No family feedback by {word} in this report."))
        return [KeepTogether(part)]
    first_w = 130.0
    col_w = (ctx.width - first_w) / len(questions)
    rows = []
    for name, answers in shown:
        row: list[Any] = [ctx.name_cell(name)]
        for q in questions:
            a = answers.get(q) or {}
            row.append(share_cell(int(a.get("yes", 0)), int(a.get("asked", 0)), heat=True))
        rows.append(row)
    header = [
        word.capitalize(),
        *(QUESTION_SHORT.get(q) or ctx.v.label("questions", q) for q in questions),
    ]
    part.append(
        table(
            ctx,
            header,
            rows,
            [first_w, *[col_w] * len(questions)],
            zebra=False,
            extra=[("ALIGN", (1, 1), (-1, -1), "CENTER")],
        )
    )
    part.append(
        ctx.note_para(
            f"The whole period. Each cell: % yes, then yes / answered (yes, partly or no), in "
            f"the audits of the cases of each {ctx.text(word)}."
        )
    )
    return [KeepTogether(part)]


def _question_order(ctx: Context) -> list[str]:
    order = list((ctx.v.labels.get("questions") or {}).keys()) + list(QUESTION_SHORT)
    seen: dict[str, None] = {}
    for q in order:
        seen.setdefault(q, None)
    for group in (ctx.v.total.get("feedback_by_team") or {}).values():
        for q in group:
            seen.setdefault(q, None)
    return list(seen)


def _reviews_by(
    ctx: Context, key: str, named: Named, heading: str, intro: str, first: str
) -> list[Any]:
    """Reviews by a grouping, period by period: % good or better of the graded reviews."""
    from reportlab.platypus import KeepTogether

    if not _has(ctx, key):
        return []
    part = ctx.sub(f"breakdowns-{key}", heading)
    part.append(ctx.para(ctx.text(intro), ctx.intro))
    keys = _keys(ctx, key)
    if not keys:
        part.append(ctx.empty_note("No such reviews in this report."))
        return [KeepTogether(part)]

    def cell(period: dict[str, Any], group: str) -> Cell:
        g = (period.get(key) or {}).get(group)
        if not g:
            return Cell("\u2013")
        overall = g.get("overall") or {}
        return share_cell(good_count(overall), graded_count(overall), heat=True)

    rows = sorted(((named(k), k) for k in keys), key=lambda t: t[0].casefold())
    part += period_table(ctx, first, [(ctx.name_cell(n), k) for n, k in rows], cell)
    total = ctx.v.total.get(key) or {}
    reviews = sum(int(g.get("reviews", 0)) for g in total.values())
    part.append(
        ctx.note_para(
            f"Each cell: % good or better, then good or better / graded reviews. "
            f"{plural(reviews, 'review')} in the whole period."
        )
    )
    return [KeepTogether(part)]


def _own_scales(ctx: Context, words: Words) -> list[Any]:
    """Final audits graded on the partnership's own scales, by level, period by period."""
    from reportlab.platypus import KeepTogether

    v = ctx.v
    scales = _keys(ctx, "other_scales")
    if not scales:
        return []
    part = ctx.sub("breakdowns-scales", "Audits on the partnership's own scales")
    part.append(
        ctx.para(
            "Final audits graded on a scale other than Ofsted's: counted among the final audits, "
            "left out of the Ofsted grades and percentages.",
            ctx.intro,
        )
    )
    rows = []
    for scale in sorted(scales, key=lambda s: words.scale(s).casefold()):
        seen: dict[str, None] = dict.fromkeys(words.levels_of(scale))
        for p in [*v.periods, v.total]:
            for level in (p.get("other_scales") or {}).get(scale) or {}:
                seen.setdefault(level, None)
        for level in seen:
            if ((v.total.get("other_scales") or {}).get(scale) or {}).get(level):
                name = f"{words.scale(scale)}: {words.level(scale, level)}"
                rows.append((ctx.name_cell(name), f"{scale}\n{level}"))

    def cell(period: dict[str, Any], both: str) -> Cell:
        scale, level = both.split("\n", 1)
        n = int(((period.get("other_scales") or {}).get(scale) or {}).get(level, 0))
        return Cell(str(n) if n else "\u2013")

    part += period_table(ctx, "Scale: grade", rows, cell)
    part.append(ctx.note_para("Each cell: the final audits given that overall grade."))
    return [KeepTogether(part)]
