"""Section 6 of the QA report PDF, learning follow-up: feedback to workers and the actions the
audits set, with the actions chart."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import (
    axis_ticks,
    category_labels,
    grade_fills,
    nice_max,
    segment,
    stack,
    value_axis,
)
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, table
from audit_tool.reporting.report_pdf.view import fmt_pct, long_date, pct, period_label


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import KeepTogether

    v = ctx.v
    story: list[Any] = [
        ctx.para(
            "Whether the learning reached the worker, and the actions the audits set. An "
            f"action is overdue when it is still open and was due before "
            f"{ctx.text(long_date(v.report.get('to')))}.",
            ctx.intro,
        )
    ]
    rows: list[list[Any]] = []
    for p in [*v.periods, v.total]:
        is_total = p is v.total
        name = "Whole period" if is_total else period_label(p)
        a = p.get("actions") or {}
        open_, overdue, done = (int(a.get(k, 0)) for k in ("open", "overdue", "done"))
        rows.append(
            [
                ctx.name_cell(name, bold=is_total),
                str(int(p.get("audits_final", 0))),
                fmt_pct(p.get("worker_feedback_pct")),
                str(open_),
                Cell(str(overdue), bold=overdue > 0),
                str(done),
                fmt_pct(pct(done, open_ + done)),
            ]
        )
    header = [
        v.word.capitalize(),
        "Final audits",
        "Worker received feedback",
        "Actions open",
        "of which overdue",
        "Actions done",
        "Done of open and done",
    ]
    rest = ctx.width - 110
    story += ctx.sub("learning-table", "Feedback to workers and actions")
    story.append(table(ctx, header, rows, [110, *[rest / 6] * 6], total_rows=1))
    story.append(ctx.note_para("Cancelled actions are not counted."))
    part = ctx.sub("learning-chart", f"Actions by {v.word} of the audit")
    if any(sum(int(x) for x in (p.get("actions") or {}).values()) for p in v.periods):
        part.append(_actions_chart(ctx))
    else:
        part.append(ctx.empty_note("No actions recorded in this period."))
    story.append(KeepTogether(part))
    return story


def _actions_chart(ctx: Context) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, String

    from audit_tool.reporting import style as st

    v = ctx.v
    periods = v.periods
    fills = grade_fills()
    series = [("Done", fills[0]), ("Open, not yet due", fills[2]), ("Overdue", fills[3])]
    height = 150.0
    d = Drawing(ctx.width, height, initialFontName=st.FONT, initialFontSize=7)
    x0, y0 = 30.0, 34.0
    plot_w, plot_h = ctx.width * 0.7 - x0, height - y0 - 14
    values = []
    for p in periods:
        a = p.get("actions") or {}
        open_, overdue, done = (int(a.get(k, 0)) for k in ("open", "overdue", "done"))
        values.append([done, max(0, open_ - overdue), overdue])
    top = nice_max(max((sum(vs) for vs in values), default=0))
    value_axis(d, x0, y0, plot_w, plot_h, top, axis_ticks(top), "")
    slot = plot_w / max(1, len(periods))
    bar_w = min(40.0, slot * 0.6)
    for i, vs in enumerate(values):
        cx = x0 + slot * (i + 0.5)
        y = stack(d, cx, y0, bar_w, plot_h / top, vs, [f for _n, f in series])
        d.add(
            String(
                cx,
                y + 3,
                str(sum(vs)),
                fontName=st.FONT_BOLD,
                fontSize=7,
                fillColor=st.INK,
                textAnchor="middle",
            )
        )
    category_labels(d, x0, y0, slot, [period_label(p) for p in periods])
    d.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=st.GREY, strokeWidth=0.8))
    # Legend to the right, one entry a line.
    lx = ctx.width * 0.7 + 14
    for i, (name, (fill, _ink, hatch)) in enumerate(series):
        y = y0 + plot_h - 12 - i * 16
        segment(d, lx, y, 11, 9, fill, hatch, outline=True)
        d.add(String(lx + 16, y + 1.5, name, fontName=st.FONT, fontSize=7.5, fillColor=st.INK))
    return d
