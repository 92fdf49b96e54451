"""Section 3 of the QA report PDF, practice areas: the good-or-better heat map, the whole period's
grades per area as bars, the yes-or-no questions and the recorded numbers."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import (
    grade_fills,
    legend,
    percent_ticks,
    segment,
    segment_label,
    text_room,
)
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, heat_bands, period_table, share_cell
from audit_tool.reporting.report_pdf.view import (
    GRADE_NAMES,
    GRADES,
    SMALL_COUNT,
    fmt_num,
    good_count,
    graded_count,
    pct,
)


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import Spacer

    v = ctx.v
    story: list[Any] = [
        ctx.para(
            "The share of final audits graded good or better in each practice area, "
            f"{v.word} by {v.word}. Darker cells are higher; every cell prints its "
            "percentage and its counts (good or better / graded), and areas with fewer "
            f"than {SMALL_COUNT} graded audits are left unshaded.",
            ctx.intro,
        )
    ]
    if not int(v.total.get("audits_final", 0)):
        story.append(ctx.empty_note())
    items = _item_keys(ctx)
    grade_keys = [k for k, kind in items if kind == "grade"]
    if grade_keys:
        story += ctx.sub("areas-heat", "Good or better by practice area")

        def cell(period: dict[str, Any], key: str) -> Cell:
            item = (period.get("items") or {}).get(key)
            if not item:
                return Cell("\u2013")
            counts = item.get("counts") or {}
            return share_cell(good_count(counts), graded_count(counts), heat=True)

        named = [(ctx.name_cell(v.label("items", k)), k) for k in grade_keys]
        story += period_table(ctx, "Practice area", named, cell, zebra=False, centre=True)
        story.append(Spacer(1, 4))
        story.append(_heat_legend(ctx))
        if int(v.total.get("audits_final", 0)):
            story += ctx.sub("areas-total", "Grades by practice area over the whole period")
            story.append(_item_bars(ctx, grade_keys))
    else:
        story.append(ctx.empty_note())
    yes_no = [k for k, kind in items if kind == "yes_no"]
    numbers = [k for k, kind in items if kind == "number"]
    if yes_no:
        story.append(_yes_no_table(ctx, yes_no))
    if numbers:
        story.append(_numbers_table(ctx, numbers))
    return story


def _yes_no_table(ctx: Context, yes_no: list[str]) -> Any:
    """The yes-or-no questions' share yes, period by period."""
    from reportlab.platypus import KeepTogether

    v = ctx.v
    part = ctx.sub("areas-yes-no", "Yes or no questions")

    def yn_cell(period: dict[str, Any], key: str) -> Cell:
        item = (period.get("items") or {}).get(key) or {}
        yes, no = int(item.get("yes", 0)), int(item.get("no", 0))
        return share_cell(yes, yes + no)

    part += period_table(
        ctx,
        "Question (% yes)",
        [(ctx.name_cell(v.label("items", k)), k) for k in yes_no],
        yn_cell,
    )
    part.append(ctx.note_para("Each cell: % yes, then yes / answered; not applicable is left out."))
    return KeepTogether(part)


def _numbers_table(ctx: Context, numbers: list[str]) -> Any:
    """The recorded numbers' mean and spread, period by period."""
    from reportlab.platypus import KeepTogether

    v = ctx.v
    part = ctx.sub("areas-numbers", "Recorded numbers")

    def num_cell(period: dict[str, Any], key: str) -> Cell:
        item = (period.get("items") or {}).get(key) or {}
        n = int(item.get("n", 0))
        if not n:
            return Cell("\u2013")
        return Cell(
            f"mean {fmt_num(item.get('mean'), 1, fixed=True)}\n"
            f"{fmt_num(item.get('min'))}\u2013"
            f"{fmt_num(item.get('max'))}, n={n}"
        )

    part += period_table(
        ctx, "Item", [(ctx.name_cell(v.label("items", k)), k) for k in numbers], num_cell
    )
    part.append(
        ctx.note_para(
            "Each cell: the mean, then the lowest to the highest value and how many "
            "audits recorded one."
        )
    )
    return KeepTogether(part)


def _item_keys(ctx: Context) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in [*ctx.v.periods, ctx.v.total]:
        for key, item in (p.get("items") or {}).items():
            seen.setdefault(key, str(item.get("kind", "")))
    return list(seen.items())


def _heat_legend(ctx: Context) -> Any:
    from reportlab.platypus import Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    bands = heat_bands()
    cells: list[Any] = ["Shading:"]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), st.FONT, 7),
        ("TEXTCOLOR", (0, 0), (0, 0), st.GREY_DARK),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
    ]
    for i, (_low, fill, ink, text) in enumerate(bands, start=1):
        cells.append(text)
        commands += [
            ("BACKGROUND", (i, 0), (i, 0), fill),
            ("TEXTCOLOR", (i, 0), (i, 0), ink),
            ("BOX", (i, 0), (i, 0), st.HAIRLINE, st.GREY),
        ]
    cells.append(f"fewer than {SMALL_COUNT}: not shaded")
    commands.append(("FONT", (len(cells) - 1, 0), (len(cells) - 1, 0), st.FONT_ITALIC, 7))
    commands.append(("BOX", (len(cells) - 1, 0), (len(cells) - 1, 0), st.HAIRLINE, st.GREY))
    last_w = 112.0
    w = (ctx.width - 40 - last_w) / (len(cells) - 2)
    return Table(
        [cells],
        colWidths=[40, *[w] * (len(cells) - 2), last_w],
        hAlign="LEFT",
        style=pc.table_style(commands, 7),
    )


def _item_bars(ctx: Context, keys: list[str]) -> Any:
    """100% stacked horizontal bars of the whole period's grades per practice area."""
    from reportlab.graphics.shapes import Drawing

    from audit_tool.reporting import style as st

    v = ctx.v
    items = v.total.get("items") or {}
    label_w = 196.0
    n_w = 40.0
    bar_h, gap = 13.0, 5.0
    legend_h = 18.0
    height = len(keys) * (bar_h + gap) + legend_h + 14
    d = Drawing(ctx.width, height, initialFontName=st.FONT, initialFontSize=7)
    plot_w = ctx.width - label_w - n_w
    fills = grade_fills()
    top = height - 14
    # percentage ticks
    percent_ticks(d, label_w, plot_w, top + 3)
    for i, key in enumerate(keys):
        y = top - (i + 1) * (bar_h + gap) + gap / 2
        counts = (items.get(key) or {}).get("counts") or {}
        sizes = (label_w, plot_w, ctx.width, bar_h)
        _item_bar(d, y, sizes, v.label("items", key), counts, fills)
    legend(
        d,
        0,
        2,
        [
            (GRADE_NAMES[g] if not v.labels.get("grades") else v.grade_name(g), f)
            for g, f in zip(GRADES, fills, strict=True)
        ],
        ctx.width,
    )
    return d


def _item_bar(
    d: Any,
    y: float,
    sizes: tuple[float, float, float, float],
    label: str,
    counts: dict[str, Any],
    fills: list[tuple[Any, Any, bool]],
) -> None:
    """One practice area's bar at `y`: its name, its count of graded audits and its grades as
    shares; `sizes` are the label's width, the plot's, the drawing's and the bar's height."""
    from reportlab.graphics.shapes import Rect, String

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    label_w, plot_w, width, bar_h = sizes
    n = graded_count(counts)
    name = pc.fit_string(st.clean(label), st.FONT, 7.5, label_w - 6)
    d.add(
        String(
            label_w - 5,
            y + 3.6,
            name,
            fontName=st.FONT,
            fontSize=7.5,
            fillColor=st.INK,
            textAnchor="end",
        )
    )
    d.add(
        String(
            width,
            y + 3.6,
            f"n={n}",
            fontName=st.FONT,
            fontSize=7,
            fillColor=st.GREY_DARK,
            textAnchor="end",
        )
    )
    if not n:
        d.add(
            Rect(
                label_w,
                y,
                plot_w,
                bar_h,
                fillColor=None,
                strokeColor=st.GREY_LIGHT,
                strokeWidth=st.HAIRLINE,
            )
        )
        d.add(
            String(
                label_w + 4,
                y + 3.6,
                "no graded audits",
                fontName=st.FONT_ITALIC,
                fontSize=7,
                fillColor=st.GREY_DARK,
            )
        )
        return
    x = label_w
    for g, (fill, ink, hatch) in zip(GRADES, fills, strict=True):
        c = int(counts.get(g, 0))
        if not c:
            continue
        w = plot_w * c / n
        segment(d, x, y, w, bar_h, fill, hatch)
        share = pct(c, n) or 0.0
        text = f"{share:.0f}%"
        if w >= text_room(text, 6.8, hatch):
            segment_label(d, x + w / 2, y + 3.6, text, ink, hatch, 6.8)
        x += w
