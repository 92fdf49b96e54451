"""Section 4 of the QA report PDF, moderation statistics: agreement of the two auditors, their
confusion matrix, how moderation moved grades and each auditor against the moderated grade."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import (
    colors_diag,
    grade_fills,
    legend,
    segment,
    segment_label,
    text_room,
)
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, period_table, table
from audit_tool.reporting.report_pdf.view import (
    GRADE_SHORT,
    GRADES,
    SMALL_PAIRS,
    fmt_diff,
    fmt_kappa,
    fmt_pct,
    pct,
    period_label,
    plural,
)


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import KeepTogether

    v = ctx.v
    story: list[Any] = [
        ctx.para(
            "How closely the two independent auditors of a looped audit agreed on the overall "
            "grade, how moderation changed their grades, and how each auditor's grades "
            "compared with the moderated grade.",
            ctx.intro,
        )
    ]
    if not int(v.total.get("audits_final", 0)):
        story.append(ctx.empty_note())
    story += ctx.sub("moderation-agreement", "Agreement of the two auditors")
    story += _agreement_table(ctx)
    part = ctx.sub("moderation-confusion", "Grades of the two auditors, whole period")
    part += _confusion(ctx)
    story.append(KeepTogether(part))
    part = ctx.sub("moderation-moves", "How moderation changed the grade")
    part += _moves_table(ctx)
    story.append(KeepTogether(part))
    part = ctx.sub("moderation-auditors", "Each auditor against the moderated grade")
    part += _auditors_table(ctx)
    story.append(KeepTogether(part))
    return story


def _agreement_table(ctx: Context) -> list[Any]:
    v = ctx.v
    rows: list[list[Any]] = []
    notes: list[str] = []
    for p in [*v.periods, v.total]:
        a = p.get("agreement") or {}
        pairs = int(a.get("pairs", 0))
        is_total = p is v.total
        name = "Whole period" if is_total else period_label(p)
        kappa = fmt_kappa(a.get("kappa_quadratic"))
        flagged = a.get("kappa_quadratic") is not None and pairs < SMALL_PAIRS
        if flagged:
            kappa += " *"
            notes.append(
                f"{ctx.text(name)}: kappa and AC2 based on {pairs} pairs: read with caution."
            )
        rows.append(
            [
                ctx.name_cell(name, bold=is_total),
                str(pairs),
                fmt_pct(a.get("exact_pct")),
                fmt_pct(a.get("within_one_pct")),
                Cell(kappa, bold=flagged and not is_total) if flagged else kappa,
                fmt_kappa(a.get("gwet_ac2"))
                + (" *" if flagged and a.get("gwet_ac2") is not None else ""),
            ]
        )
    header = [
        v.word.capitalize(),
        "Pairs",
        "Exact agreement",
        "Within one grade",
        "Kappa (quadratic)",
        "Gwet's AC2",
    ]
    rest = ctx.width - 110
    out: list[Any] = [table(ctx, header, rows, [110, *[rest / 5] * 5], total_rows=1)]
    for note in notes:
        out.append(ctx.note_para(f"* {note}"))
    out.append(
        ctx.note_para(
            "Pairs: looped audits with two submitted reviews that both gave an overall grade. "
            "Kappa and AC2 run from below 0 (worse than chance) to 1 (perfect agreement); "
            "a dash means too few pairs to compute."
        )
    )
    return out


def _confusion(ctx: Context) -> list[Any]:
    from reportlab.platypus import Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    v = ctx.v
    matrix = (v.total.get("agreement") or {}).get("confusion")
    if not matrix:
        return [ctx.empty_note("No confusion matrix in this report.")]
    pairs = sum(sum(int(c) for c in row) for row in matrix)
    if not pairs:
        return [ctx.empty_note("No pairs of graded reviews in this period.")]
    names = [GRADE_SHORT[g] for g in GRADES]
    head = (
        [ctx.para("First auditor \u2193 / second auditor \u2192", ctx.head_left)]
        + [ctx.para(ctx.text(n), ctx.head) for n in names]
        + [ctx.para("Total", ctx.head)]
    )
    rows: list[list[Any]] = [head]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), st.PRIMARY),
        ("BACKGROUND", (0, 1), (0, -1), st.TINT),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (1, 1), (-2, -2), st.HAIRLINE, st.GREY),
        ("LINEABOVE", (0, -1), (-1, -1), st.RULE * 0.7, st.PRIMARY),
        ("LINEBEFORE", (-1, 0), (-1, -1), st.RULE * 0.7, st.PRIMARY),
        ("FONT", (1, -1), (-1, -1), st.FONT_BOLD, 8),
        ("FONT", (-1, 1), (-1, -1), st.FONT_BOLD, 8),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for i, row in enumerate(matrix):
        cells: list[Any] = [ctx.name_cell(names[i], bold=True)]
        for j, c in enumerate(row):
            cells.append(str(int(c)))
            if i == j:
                commands.append(("BACKGROUND", (j + 1, i + 1), (j + 1, i + 1), colors_diag()))
                commands.append(("FONT", (j + 1, i + 1), (j + 1, i + 1), st.FONT_BOLD, 8))
        cells.append(str(sum(int(c) for c in row)))
        rows.append(cells)
    col_totals = [sum(int(matrix[i][j]) for i in range(4)) for j in range(4)]
    rows.append([ctx.name_cell("Total", bold=True), *[str(c) for c in col_totals], str(pairs)])
    first_w = 150
    cw = (ctx.width - first_w) / 5
    table = Table(
        rows, colWidths=[first_w, *[cw] * 5], hAlign="LEFT", style=pc.table_style(commands, 8)
    )
    a = v.total.get("agreement") or {}
    exact = sum(int(matrix[i][i]) for i in range(4))
    return [
        table,
        ctx.note_para(
            f"Counts of the {pairs} pairs over the whole period: rows the first submitted "
            f"review's overall grade, columns the second's. The shaded diagonal "
            f"({exact} pairs, "
            f"{fmt_pct(a.get('exact_pct'))}) is exact agreement."
        ),
    ]


def _moves_table(ctx: Context) -> list[Any]:
    v = ctx.v
    rows: list[list[Any]] = []
    any_reviews = False
    for p in [*v.periods, v.total]:
        m = p.get("moderation") or {}
        raised, lowered, same = (int(m.get(k, 0)) for k in ("raised", "lowered", "unchanged"))
        n = raised + lowered + same
        any_reviews = any_reviews or n > 0
        is_total = p is v.total
        name = "Whole period" if is_total else period_label(p)

        def share(c: int, n: int = n) -> str:
            return f"{c} ({fmt_pct(pct(c, n))})" if n else "0"

        rows.append(
            [
                ctx.name_cell(name, bold=is_total),
                str(n),
                share(raised),
                share(same),
                share(lowered),
            ]
        )
    header = [v.word.capitalize(), "Reviews moderated", "Raised", "Unchanged", "Lowered"]
    rest = ctx.width - 110
    out: list[Any] = [table(ctx, header, rows, [110, *[rest / 4] * 4], total_rows=1)]
    if any_reviews:
        out.append(_moves_chart(ctx))
    out.append(
        ctx.note_para(
            "Each submitted review of a moderated audit, compared with the final grade: raised "
            "means the moderator's grade was better than the auditor's, lowered that it was "
            "worse."
        )
    )
    return out


def _moves_chart(ctx: Context) -> Any:
    """100% bars per period: raised, unchanged, lowered (labelled, patterned)."""
    from reportlab.graphics.shapes import Drawing, String

    from audit_tool.reporting import style as st

    v = ctx.v
    periods = [*v.periods, v.total]
    fills = grade_fills()
    series = [("Raised", fills[1]), ("Unchanged", fills[2]), ("Lowered", fills[3])]
    label_w, bar_h, gap = 110.0, 11.0, 4.0
    height = len(periods) * (bar_h + gap) + 22
    d = Drawing(ctx.width, height, initialFontName=st.FONT, initialFontSize=7)
    plot_w = ctx.width - label_w - 4
    top = height - 2
    for i, p in enumerate(periods):
        y = top - (i + 1) * (bar_h + gap)
        m = p.get("moderation") or {}
        counts = [int(m.get("raised", 0)), int(m.get("unchanged", 0)), int(m.get("lowered", 0))]
        n = sum(counts)
        name = "Whole period" if p is v.total else st.clean(period_label(p))
        d.add(
            String(
                label_w - 5,
                y + 3,
                name,
                fontName=st.FONT_BOLD if p is v.total else st.FONT,
                fontSize=7,
                fillColor=st.INK,
                textAnchor="end",
            )
        )
        if not n:
            d.add(
                String(
                    label_w,
                    y + 3,
                    "no moderated reviews",
                    fontName=st.FONT_ITALIC,
                    fontSize=7,
                    fillColor=st.GREY_DARK,
                )
            )
            continue
        x = label_w
        for c, (_name, (fill, ink, hatch)) in zip(counts, series, strict=True):
            if not c:
                continue
            w = plot_w * c / n
            segment(d, x, y, w, bar_h, fill, hatch)
            if w >= text_room(f"{pct(c, n):.0f}%", 6.8, hatch):
                segment_label(d, x + w / 2, y + 3, f"{pct(c, n):.0f}%", ink, hatch, 6.8)
            x += w
    legend(d, label_w, 1, [(name, f) for name, f in series], ctx.width - label_w)
    return d


def _auditors_table(ctx: Context) -> list[Any]:
    v = ctx.v
    keys: dict[str, None] = {}
    for p in [*v.periods, v.total]:
        for k in p.get("auditors") or {}:
            keys.setdefault(k, None)
    if not keys:
        return [ctx.empty_note("No moderated reviews in this period.")]
    rows = sorted(((v.label("people", k), k) for k in keys), key=lambda t: t[0].casefold())

    def cell(period: dict[str, Any], key: str) -> Cell:
        a = (period.get("auditors") or {}).get(key)
        if not a or not int(a.get("reviews", 0)):
            return Cell("\u2013")
        return Cell(
            f"{fmt_diff(float(a.get('mean_difference', 0.0)))}\n"
            f"{plural(int(a['reviews']), 'review')}"
        )

    out = period_table(ctx, "Auditor", [(ctx.name_cell(n), k) for n, k in rows], cell)
    out.append(
        ctx.note_para(
            "Each cell: the mean of (final grade rank \u2212 auditor's grade rank) over the "
            "auditor's reviews, then how many. Above 0: the moderator graded lower than the "
            "auditor had (the auditor was more generous); below 0: higher. Single audits are "
            "left out."
        )
    )
    return out
