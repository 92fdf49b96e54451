"""The QA report PDF's learning themes: the themes of the last period's learning
points, strengths and points for development, against the period before (only when both are
whole), a chart of them, and the strongest learning points quoted in the auditors' words."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.charts import grade_fills, segment, segment_label
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import table
from audit_tool.reporting.report_pdf.view import period_label
from audit_tool.reporting.story import change_text, point_source_text, theme_title

MAX_ROWS = 15  # themes in the table; the workbook has them all
MAX_BARS = 10


def story_of(ctx: Context) -> dict[str, Any] | None:
    return ctx.v.report.get("story") or None


def not_in_report(ctx: Context) -> list[Any]:
    return [ctx.empty_note("The learning in words was not part of this report's data.")]


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import KeepTogether

    story = story_of(ctx)
    if story is None:
        return not_in_report(ctx)
    now, before = period_label(story["period"]), period_label(story["previous"])
    compared = bool(story.get("compared"))
    out: list[Any] = [
        ctx.para(
            "The themes auditors tagged on the learning points of the audits finalised in "
            f"{ctx.text(now)}, each point counted as a strength or as a point for development"
            + (f", set against {ctx.text(before)}." if compared else "."),
            ctx.intro,
        )
    ]
    rows = [t for t in story.get("themes") or [] if t["strength"] or t["development"]]
    part = ctx.sub("themes-table", f"Themes in {now}")
    if not rows:
        part.append(ctx.empty_note(f"No learning points were tagged with a theme in {now}."))
    else:
        part.append(_table(ctx, story, rows[:MAX_ROWS], compared))
        notes = []
        if len(rows) > MAX_ROWS:
            notes.append(f"{len(rows) - MAX_ROWS} more themes are in the workbook.")
        if not compared:
            notes.append(
                f"{now if story['period']['partial'] else before} is not a whole period, so "
                "the counts are not set against each other."
            )
        gone = [t["theme"] for t in story.get("themes") or [] if t not in rows]
        if gone and compared:
            names = ", ".join(theme_title(t) for t in gone[:6])
            notes.append(f"Found in {before} but not in {now}: {names}.")
        for note in notes:
            part.append(ctx.note_para(ctx.text(note)))
    out.append(KeepTogether(part))
    if rows:
        chart = ctx.sub("themes-chart", "Strengths and points for development")
        out.append(KeepTogether([*chart, _chart(ctx, rows[:MAX_BARS])]))
    for key, heading, which in (
        ("themes-strengths", "What worked well", "strengths"),
        ("themes-development", "What needs to improve", "developments"),
    ):
        out += _quoted(ctx, key, heading, story.get(which), now)
    out.append(
        ctx.note_para(
            "Quoted: learning points allowed for sharing (as for briefings), the most often "
            "recorded first, whose words name no case, initials or person held in the "
            f"database. Texts passed over by that check: {int(story.get('passed_over', 0))}."
        )
    )
    return out


def _table(ctx: Context, story: dict[str, Any], rows: list[dict[str, Any]], compared: bool) -> Any:
    before = period_label(story["previous"])
    if compared:
        header = ["Theme", "Strengths", f"Against {before}", "For development", f"Against {before}"]
        body = [
            [
                ctx.name_cell(theme_title(t["theme"])),
                str(t["strength"]),
                change_text(t["strength"], t["before"]["strength"]),
                str(t["development"]),
                change_text(t["development"], t["before"]["development"]),
            ]
            for t in rows
        ]
        rest = (ctx.width - 170) / 4
        return table(ctx, header, body, [170, rest, rest, rest, rest])
    header = ["Theme", "Strengths", "For development"]
    body = [
        [ctx.name_cell(theme_title(t["theme"])), str(t["strength"]), str(t["development"])]
        for t in rows
    ]
    rest = (ctx.width - 200) / 2
    return table(ctx, header, body, [200, rest, rest])


def _chart(ctx: Context, rows: list[dict[str, Any]]) -> Any:
    """Two bars a theme from a centre line: points for development to the left, strengths to
    the right, each with its count."""
    from reportlab.graphics.shapes import Drawing, Line, String

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    fills = grade_fills()
    strength, development = fills[0], fills[3]
    label_w, bar_h, gap = 140.0, 12.0, 6.0
    height = len(rows) * (bar_h + gap) + 30
    d = Drawing(ctx.width, height, initialFontName=st.FONT, initialFontSize=7)
    half = (ctx.width - label_w - 20) / 2
    centre = label_w + 10 + half
    top = max(max(t["strength"], t["development"]) for t in rows) or 1
    scale = (half - 16) / top
    y_top = height - 22
    for text, x, anchor in (
        ("\u25c0 For development", centre - 6, "end"),
        ("Strengths \u25b6", centre + 6, "start"),
    ):
        d.add(
            String(
                x, height - 10, text, fontName=st.FONT_BOLD, fontSize=7.5, fillColor=st.GREY_DARK,
                textAnchor=anchor,
            )
        )  # fmt: skip
    for i, t in enumerate(rows):
        y = y_top - (i + 1) * (bar_h + gap) + gap
        name = pc.fit_string(st.clean(theme_title(t["theme"])), st.FONT, 7.5, label_w - 6)
        d.add(
            String(
                label_w - 4, y + 3.3, name, fontName=st.FONT, fontSize=7.5, fillColor=st.INK,
                textAnchor="end",
            )
        )  # fmt: skip
        for count, (fill, ink, hatch), sign in (
            (t["development"], development, -1),
            (t["strength"], strength, 1),
        ):
            if not count:
                continue
            w = count * scale
            x = centre - w if sign < 0 else centre
            segment(d, x, y, w, bar_h, fill, hatch)
            if w >= 16:
                segment_label(d, x + w / 2, y + 3, str(count), ink, hatch, 7)
            else:
                tx = x - 3 if sign < 0 else x + w + 3
                d.add(
                    String(
                        tx, y + 3, str(count), fontName=st.FONT_BOLD, fontSize=7,
                        fillColor=st.INK, textAnchor="end" if sign < 0 else "start",
                    )
                )  # fmt: skip
    d.add(Line(centre, 4, centre, y_top + 4, strokeColor=st.GREY, strokeWidth=0.8))
    return d


def _quoted(
    ctx: Context, key: str, heading: str, points: list[dict[str, Any]] | None, now: str
) -> list[Any]:
    from audit_tool.reporting import style as st

    part = ctx.sub(key, heading)
    if not points:
        part.append(ctx.empty_note(f"None recorded in {now} may be quoted."))
        return part
    for p in points:
        part.append(
            ctx.bullet(
                f"\u201c{ctx.text(p['text'])}\u201d "
                f'<font name="{st.FONT}" color="{st.GREY_DARK.hexval()}" size="7.5">'
                f"\u2014 {ctx.text(point_source_text(p))}</font>"
            )
        )
    return part
