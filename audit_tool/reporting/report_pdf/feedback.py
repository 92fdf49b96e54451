"""Section 5 of the QA report PDF, family feedback: answers “yes” in the last period as bars,
each question period by period, and feedback gathered outside audits."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import (
    percent_ticks,
)
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import Cell, period_table, share_cell
from audit_tool.reporting.report_pdf.view import QUESTION_SHORT, fmt_pct, pct


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import KeepTogether

    v = ctx.v
    story: list[Any] = [
        ctx.para(
            "What children, young people, parents and carers told us when asked about the "
            "help they received: the share of answers that were \u201cyes\u201d, out of "
            "yes, partly and no.",
            ctx.intro,
        )
    ]
    questions = _question_keys(ctx, "feedback")
    last = v.last
    story += ctx.sub("feedback-last", f"Answers \u201cyes\u201d in {v.last_label()}")
    answered = sum(_answered(last, "feedback", q) for q in questions)
    if questions and answered:
        story.append(_feedback_chart(ctx, last, questions))
    else:
        story.append(ctx.empty_note(f"No family feedback recorded in {v.last_label()}."))
    part = ctx.sub("feedback-quarters", f"Each question {v.word} by {v.word}")
    part += _feedback_table(ctx, "feedback", questions)
    story.append(KeepTogether(part))
    outside = _question_keys(ctx, "feedback_outside")
    if outside or any("feedback_outside" in p for p in v.periods):
        part = ctx.sub("feedback-outside", "Feedback gathered outside audits")
        part.append(
            ctx.para(
                "Feedback collected by other routes (surveys, calls), by the date it was "
                "collected.",
                ctx.intro,
            )
        )
        part += _feedback_table(ctx, "feedback_outside", outside)
        story.append(KeepTogether(part))
    return story


def _answered(period: dict[str, Any], dim: str, q: str) -> int:
    a = (period.get(dim) or {}).get(q) or {}
    return int(a.get("yes", 0)) + int(a.get("partly", 0)) + int(a.get("no", 0))


def _question_keys(ctx: Context, dim: str) -> list[str]:
    keys: dict[str, None] = {}
    for p in [*ctx.v.periods, ctx.v.total]:
        for k in p.get(dim) or {}:
            keys.setdefault(k, None)
    order = list((ctx.v.labels.get("questions") or {}).keys()) + list(QUESTION_SHORT)
    return sorted(keys, key=lambda k: order.index(k) if k in order else len(order))


def _question_name(ctx: Context, key: str) -> str:
    return ctx.v.label("questions", key)


def _feedback_table(ctx: Context, dim: str, questions: list[str]) -> list[Any]:
    if not questions:
        return [ctx.empty_note("No feedback recorded in this period.")]

    def cell(period: dict[str, Any], key: str) -> Cell:
        a = (period.get(dim) or {}).get(key) or {}
        yes = int(a.get("yes", 0))
        n = _answered(period, dim, key)
        return share_cell(yes, n)

    named = [(ctx.name_cell(_question_name(ctx, q)), q) for q in questions]
    out = period_table(ctx, "Question", named, cell, first_w=190)
    out.append(ctx.note_para("Each cell: % yes, then yes / answered (yes, partly or no)."))
    return out


def _feedback_chart(ctx: Context, period: dict[str, Any], questions: list[str]) -> Any:
    from reportlab.graphics.shapes import Drawing, Rect, String

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    dim = "feedback"
    label_w, bar_h, gap = 150.0, 13.0, 6.0
    value_w = 80.0
    height = len(questions) * (bar_h + gap) + 16
    d = Drawing(ctx.width, height, initialFontName=st.FONT, initialFontSize=7)
    plot_w = ctx.width - label_w - value_w
    top = height - 12
    percent_ticks(d, label_w, plot_w, top + 3)
    for i, q in enumerate(questions):
        y = top - (i + 1) * (bar_h + gap) + gap / 2
        a = (period.get(dim) or {}).get(q) or {}
        yes = int(a.get("yes", 0))
        n = _answered(period, dim, q)
        name = QUESTION_SHORT.get(q) or _question_name(ctx, q)
        d.add(
            String(
                label_w - 5,
                y + 3.6,
                pc.fit_string(st.clean(name), st.FONT, 7.5, label_w - 6),
                fontName=st.FONT,
                fontSize=7.5,
                fillColor=st.INK,
                textAnchor="end",
            )
        )
        d.add(Rect(label_w, y, plot_w, bar_h, fillColor=st.TINT, strokeColor=None))
        if not n:
            d.add(
                String(
                    label_w + 4,
                    y + 3.6,
                    "not asked",
                    fontName=st.FONT_ITALIC,
                    fontSize=7,
                    fillColor=st.GREY_DARK,
                )
            )
            continue
        share = pct(yes, n) or 0.0
        d.add(Rect(label_w, y, plot_w * share / 100, bar_h, fillColor=st.PRIMARY, strokeColor=None))
        d.add(
            String(
                label_w + plot_w + 5,
                y + 3.6,
                f"{fmt_pct(share)} ({yes}/{n})",
                fontName=st.FONT_BOLD,
                fontSize=7.5,
                fillColor=st.INK,
            )
        )
    return d
