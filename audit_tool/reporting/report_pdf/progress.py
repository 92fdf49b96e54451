"""The QA report PDF's progress on areas for improvement: the themes with the most
points for development in the period before, how many were found then and now, and what was
done: the actions raised in the audits that found them, with their status at the report's
end, as a table, a chart and the service actions in words."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import grade_fills, legend, segment, segment_label
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, table
from audit_tool.reporting.report_pdf.themes import not_in_report, story_of
from audit_tool.reporting.report_pdf.view import long_date, period_label
from audit_tool.reporting.story import action_state_text, theme_title


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import KeepTogether

    story = story_of(ctx)
    if story is None:
        return not_in_report(ctx)
    now, before = period_label(story["period"]), period_label(story["previous"])
    areas = story.get("improvement") or []
    out: list[Any] = [
        ctx.para(
            f"The themes with the most points for development in {ctx.text(before)}: last "
            f"{ctx.v.word}'s areas for improvement. Beside each, how many points for "
            f"development it had then and in {ctx.text(now)}, and what was done: the actions "
            "raised in the audits that found it (in either period), with their status on "
            f"{ctx.text(long_date(ctx.v.report.get('to')))}.",
            ctx.intro,
        )
    ]
    if not areas:
        out.append(ctx.empty_note(f"No points for development were recorded in {before}."))
        return out
    part = ctx.sub("progress-table", f"Areas for improvement from {before}")
    part.append(_table(ctx, areas, before, now))
    if not story.get("compared"):
        part.append(
            ctx.note_para(
                ctx.text(
                    f"{now if story['period']['partial'] else before} is not a whole period: "
                    "its count is not a fall or a rise."
                )
            )
        )
    out.append(KeepTogether(part))
    if any(a["actions"]["raised"] for a in areas):
        out.append(
            KeepTogether([*ctx.sub("progress-chart", "Actions by area"), _chart(ctx, areas)])
        )
    out += ctx.sub("progress-actions", "What was done")
    for area in areas:
        block = [ctx.para(f"<b>{ctx.text(theme_title(area['theme']))}</b>", ctx.s.body)]
        quoted = area.get("quoted") or []
        if not quoted:
            block.append(ctx.empty_note("No service action that may be quoted."))
        for action in quoted:
            state = action_state_text(action)
            block.append(ctx.bullet(f"{ctx.text(action['text'])} \u2014 {ctx.text(state)}"))
        out.append(KeepTogether(block))  # an area's name never ends a page
    out.append(
        ctx.note_para(
            "Actions for the service are quoted (not those for a case), when their words name "
            "no case or person. Cancelled actions are counted, not quoted."
        )
    )
    return out


def _table(ctx: Context, areas: list[dict[str, Any]], before: str, now: str) -> Any:
    header = [
        "Area for improvement",
        f"Points for development, {before}",
        f"Points for development, {now}",
        "Actions raised",
        "Done",
        "Open",
        "of which overdue",
        "Cancelled",
    ]
    rows = []
    for a in areas:
        n = a["actions"]
        rows.append(
            [
                ctx.name_cell(theme_title(a["theme"])),
                str(a["development_before"]),
                str(a["development_now"]),
                str(n["raised"]),
                str(n["done"]),
                str(n["open"]),
                Cell(str(n["overdue"]), bold=n["overdue"] > 0),
                str(n["cancelled"]),
            ]
        )
    rest = (ctx.width - 120 - 2 * 72) / 5
    return table(ctx, header, rows, [120, 72, 72, *[rest] * 5])


def _chart(ctx: Context, areas: list[dict[str, Any]]) -> Any:
    """A horizontal bar an area: done, open and not yet due, overdue; each with its count."""
    from reportlab.graphics.shapes import Drawing, String

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    fills = grade_fills()
    series = [("Done", fills[0]), ("Open, not yet due", fills[2]), ("Overdue", fills[3])]
    label_w, bar_h, gap = 140.0, 13.0, 6.0
    height = len(areas) * (bar_h + gap) + 26
    d = Drawing(ctx.width, height, initialFontName=st.FONT, initialFontSize=7)
    plot_w = ctx.width - label_w - 40
    top = max(a["actions"]["done"] + a["actions"]["open"] for a in areas) or 1
    scale = plot_w / top
    y_top = height - 4
    for i, a in enumerate(areas):
        y = y_top - (i + 1) * (bar_h + gap) + gap
        name = pc.fit_string(st.clean(theme_title(a["theme"])), st.FONT, 7.5, label_w - 6)
        d.add(
            String(
                label_w - 4, y + 3.6, name, fontName=st.FONT, fontSize=7.5, fillColor=st.INK,
                textAnchor="end",
            )
        )  # fmt: skip
        n = a["actions"]
        x = label_w
        for count, (_name, (fill, ink, hatch)) in zip(
            (n["done"], n["open"] - n["overdue"], n["overdue"]), series, strict=True
        ):
            if not count:
                continue
            w = count * scale
            segment(d, x, y, w, bar_h, fill, hatch)
            if w >= 14:
                segment_label(d, x + w / 2, y + 3.5, str(count), ink, hatch, 7)
            x += w
        if not n["done"] + n["open"]:
            d.add(
                String(
                    label_w + 3, y + 3.6, "no open or done actions", fontName=st.FONT_ITALIC,
                    fontSize=7, fillColor=st.GREY_DARK,
                )
            )  # fmt: skip
    legend(d, label_w, 2, series, plot_w)
    return d
