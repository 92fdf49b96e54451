"""Section 2 of the QA report PDF, audits and grades: final audits against planned, the overall
grades by period with their chart, and the share good or better by team, area, agency and theme."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import (
    axis_ticks,
    category_labels,
    grade_fills,
    legend,
    nice_max,
    stack,
    value_axis,
)
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, period_table, share_cell, table
from audit_tool.reporting.report_pdf.view import (
    GRADE_SHORT,
    GRADES,
    fmt_pct,
    good_count,
    graded_count,
    pct,
    period_label,
)


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import KeepTogether

    v = ctx.v
    story: list[Any] = [
        ctx.para(
            f"Final audits against planned, and the moderated overall grades, {v.word} by "
            f"{v.word}. Dip-sample audits (a single auditor, not moderated) are included in "
            "the grades.",
            ctx.intro,
        )
    ]
    story.append(_grades_table(ctx))
    if int(v.total.get("audits_final", 0)):
        story.append(ctx.caption_para(f"Overall grades and % good or better by {v.word}"))
        story += _grades_chart(ctx)
    else:
        story.append(ctx.empty_note())
    for key, dim, kind, heading in (
        ("team", "by_team", "teams", "By team"),
        ("area", "by_service_area", None, "By service area"),
        ("agency", "by_agency", "agencies", "By agency"),
        ("theme", "by_theme", None, "By theme"),
    ):
        if dim not in v.total and not any(dim in p for p in v.periods):
            continue
        part = ctx.sub(f"grades-{key}", heading)
        part += _group_table(ctx, dim, kind, heading.removeprefix("By ").capitalize())
        if dim == "by_theme":
            part.append(
                ctx.note_para(
                    "Audits of programmes with a theme; monthly audits without one are not shown."
                )
            )
        story.append(KeepTogether(part))
    return story


def _grades_table(ctx: Context) -> Any:
    v = ctx.v
    rows: list[list[Any]] = []
    for p in [*v.periods, v.total]:
        overall = p.get("overall") or {}
        audits = int(p.get("audits_final", 0))
        planned = p.get("audits_planned")
        single = p.get("audits_single")
        graded = graded_count(overall)
        name = period_label(p) if p is not v.total else "Whole period"
        rows.append(
            [
                ctx.name_cell(name, bold=p is v.total),
                "\u2013" if planned is None else str(planned),
                str(audits),
                "\u2013" if not planned else fmt_pct(pct(audits, int(planned))),
                "\u2013" if single is None else str(single),
                *[str(int(overall.get(g, 0))) for g in GRADES],
                f"{fmt_pct(pct(good_count(overall), graded))} ({good_count(overall)}/{graded})"
                if graded
                else "\u2013",
            ]
        )
    header = [
        v.word.capitalize(),
        "Planned",
        "Final audits",
        "Done of planned",
        "Single audits",
        *[GRADE_SHORT[g] for g in GRADES],
        "% good or better",
    ]
    fixed = [62, 40, 38, 44, 38, 60, 32, 66, 56]
    widths = [*fixed, ctx.width - sum(fixed)]
    return table(ctx, header, rows, widths, total_rows=1)


def _group_table(ctx: Context, dim: str, kind: str | None, first: str) -> list[Any]:
    v = ctx.v
    keys: dict[str, None] = {}
    for p in [*v.periods, v.total]:
        for k in p.get(dim) or {}:
            keys.setdefault(k, None)
    if not keys:
        return [ctx.empty_note()]
    rows = sorted(
        ((v.label(kind, k) if kind else k, k) for k in keys),
        key=lambda t: t[0].casefold(),
    )

    def cell(period: dict[str, Any], key: str) -> Cell:
        group = (period.get(dim) or {}).get(key)
        if not group:
            return Cell("\u2013")
        overall = group.get("overall") or {}
        return share_cell(good_count(overall), graded_count(overall))

    named = [(ctx.name_cell(name), key) for name, key in rows]
    out = period_table(ctx, first, named, cell)
    out.append(ctx.note_para("Each cell: % good or better, then good or better / graded audits."))
    return out


def _grades_chart(ctx: Context) -> list[Any]:
    """Stacked bars of grade counts per period and a line of % good or better: side by
    side for a few periods, one above the other (full width) for many."""
    from reportlab.graphics.shapes import Drawing

    from audit_tool.reporting import style as st

    periods = ctx.v.periods or [ctx.v.total]
    if len(periods) <= 6:
        d = Drawing(ctx.width, 200, initialFontName=st.FONT, initialFontSize=7)
        left_w = ctx.width * 0.56
        _grade_bars(ctx, d, 0, 0, left_w, 200, periods)
        _good_line(d, left_w + 14, 0, ctx.width - left_w - 14, 200, periods)
        return [d]
    bars = Drawing(ctx.width, 190, initialFontName=st.FONT, initialFontSize=7)
    _grade_bars(ctx, bars, 0, 0, ctx.width, 190, periods)
    line = Drawing(ctx.width, 150, initialFontName=st.FONT, initialFontSize=7)
    _good_line(line, 0, 0, ctx.width, 150, periods)
    return [bars, line]


def _grade_bars(
    ctx: Context, d: Any, x: float, y: float, width: float, height: float, periods: list[Any]
) -> None:
    from reportlab.graphics.shapes import Line, String

    from audit_tool.reporting import style as st

    fills = grade_fills()
    x0, y0 = x + 28.0, y + 46.0
    plot_w, plot_h = width - 34, height - 46 - 22
    totals = [graded_count(p.get("overall") or {}) for p in periods]
    top = nice_max(max(totals) if totals else 0)
    d.add(
        String(
            x,
            y + height - 8,
            "Final audits by overall grade",
            fontName=st.FONT_BOLD,
            fontSize=8,
            fillColor=st.PRIMARY,
        )
    )
    value_axis(d, x0, y0, plot_w, plot_h, top, axis_ticks(top), "")
    slot = plot_w / len(periods)
    bar_w = min(44.0, slot * 0.62)
    for i, p in enumerate(periods):
        overall = p.get("overall") or {}
        cx = x0 + slot * (i + 0.5)
        counts = [int(overall.get(g, 0)) for g in GRADES]
        bar_top = stack(d, cx, y0, bar_w, plot_h / top, counts, fills)
        d.add(
            String(
                cx,
                bar_top + 3,
                f"{totals[i]}",
                fontName=st.FONT_BOLD,
                fontSize=7,
                fillColor=st.INK,
                textAnchor="middle",
            )
        )
        if not totals[i]:
            d.add(
                String(
                    cx,
                    y0 + 4,
                    "none",
                    fontName=st.FONT_ITALIC,
                    fontSize=6.5,
                    fillColor=st.GREY_DARK,
                    textAnchor="middle",
                )
            )
    category_labels(d, x0, y0, slot, [period_label(p) for p in periods])
    d.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=st.GREY, strokeWidth=0.8))
    labels = [
        (ctx.v.grade_name(g) if g != "requires_improvement" else "Requires improvement", f)
        for g, f in zip(GRADES, fills, strict=True)
    ]
    if width < ctx.width * 0.8:
        legend(d, x, y + 6, labels, width, columns=2)
    else:
        legend(d, x0, y + 8, labels, plot_w)


def _good_line(d: Any, x: float, y: float, width: float, height: float, periods: list[Any]) -> None:
    from reportlab.graphics.shapes import Circle, Line, PolyLine, Rect, String

    from audit_tool.reporting import style as st

    d.add(
        String(
            x,
            y + height - 8,
            "% good or better",
            fontName=st.FONT_BOLD,
            fontSize=8,
            fillColor=st.PRIMARY,
        )
    )
    rx, y0 = x + 20, y + 46.0
    rw, plot_h = width - 26, height - 46 - 22
    value_axis(d, rx, y0, rw, plot_h, 100, [0, 25, 50, 75, 100], "%")
    rslot = rw / len(periods)
    category_labels(d, rx, y0, rslot, [period_label(p) for p in periods])
    points: list[tuple[float, float, float]] = []
    for i, p in enumerate(periods):
        cx = rx + rslot * (i + 0.5)
        value = p.get("pct_good_or_better")
        if value is None:
            d.add(
                String(
                    cx,
                    y0 + 4,
                    "\u2013",
                    fontName=st.FONT,
                    fontSize=7,
                    fillColor=st.GREY_DARK,
                    textAnchor="middle",
                )
            )
            continue
        points.append((cx, y0 + plot_h * float(value) / 100, float(value)))
    if len(points) > 1:
        flat = [c for px, py, _v in points for c in (px, py)]
        d.add(PolyLine(flat, strokeColor=st.PRIMARY, strokeWidth=1.6))
    for cx, cy, value in points:
        d.add(Circle(cx, cy, 2.6, fillColor=st.WHITE, strokeColor=st.PRIMARY, strokeWidth=1.4))
        d.add(Rect(cx - 14, cy + 5, 28, 10, fillColor=st.WHITE, strokeColor=None))
        d.add(
            String(
                cx,
                cy + 7,
                fmt_pct(value),
                fontName=st.FONT_BOLD,
                fontSize=7 if rslot >= 28 else 6,
                fillColor=st.INK,
                textAnchor="middle",
            )
        )
    d.add(Line(rx, y0, rx + rw, y0, strokeColor=st.GREY, strokeWidth=0.8))
