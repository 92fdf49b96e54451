"""The QA report PDF's front matter: the cover (title band and the report's facts) and the
contents page with how to read the report."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf import commentary
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.view import SECTIONS, SMALL_PAIRS, View, fmt_pct, pct, plural


def cover(ctx: Context) -> list[Any]:
    """The cover: the title band, the report's facts and what the report is about."""
    from reportlab.platypus import Spacer

    story = _band(ctx)
    story.append(Spacer(1, 10))
    facts = _facts(ctx.v)
    edition = commentary.fact(ctx)
    if edition is not None:
        facts.append(edition)
    story.append(_facts_table(ctx, facts))
    story.append(Spacer(1, 18))
    story.append(ctx.para("About this report", ctx.caption))
    story.append(
        ctx.para(
            "This report summarises the partnership's case-file audits. Only final audits "
            "count, each in the period its moderation was completed (for single audits, when "
            "the review was submitted). Grades use the Ofsted scale; a practice area marked "
            "not applicable is left out of every figure. In a looped audit two managers audit "
            "the same case file independently and a senior manager moderates, confirming the "
            "final grade.",
            ctx.intro,
        )
    )
    return story


def _band(ctx: Context) -> list[Any]:
    """The partnership, the title and the range in the navy band, then on below it."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import FrameBreak, Spacer

    from audit_tool.reporting import style as st

    v = ctx.v
    band_small = ParagraphStyle(
        "rp-band-s", parent=ctx.s.body, textColor=st.PRIMARY_LIGHT, fontSize=11, leading=14
    )
    band_title = ParagraphStyle(
        "rp-band-t",
        parent=ctx.s.title,
        textColor=st.WHITE,
        fontSize=27,
        leading=32,
        spaceBefore=14,
        spaceAfter=10,
    )
    band_sub = ParagraphStyle(
        "rp-band-p", parent=ctx.s.body, textColor=st.WHITE, fontSize=13, leading=17
    )
    return [
        Spacer(1, 14),
        ctx.para(ctx.text(v.partnership), band_small),
        ctx.para(ctx.text(v.title), band_title),
        ctx.para(ctx.text(v.range_text), band_sub),
        FrameBreak(),
    ]


def _facts(v: View) -> list[tuple[str, str]]:
    """What the report covers: the range, its periods, the filters, the data's date, the audits."""
    total = v.total
    audits = int(total.get("audits_final", 0))
    single = total.get("audits_single")
    if audits and single is not None:
        moderated = audits - int(single)
        audits_text = (
            f"{audits} final audits: {moderated} moderated (dual audit), {int(single)} single"
        )
    else:
        audits_text = f"{plural(audits, 'final audit')}"
    planned = total.get("audits_planned")
    if planned:
        audits_text += f"; {planned} planned ({fmt_pct(pct(audits, int(planned)))} completed)"
    return [
        ("Period covered", v.range_text),
        ("Reported", v.periods_text),
        (
            "Filters",
            v.filters_text
            if v.filters_text != "none"
            else "None: all teams, agencies, programmes and themes",
        ),
        ("Data as of", v.generated_text),
        ("Audits", audits_text),
    ]


def _facts_table(ctx: Context, facts: list[tuple[str, str]]) -> Any:
    """The facts as a two-column table, names in navy."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    key_style = ParagraphStyle(
        "rp-cover-k", parent=ctx.cell_bold, fontSize=9, leading=12, textColor=st.PRIMARY
    )
    val_style = ParagraphStyle("rp-cover-v", parent=ctx.cell, fontSize=9.5, leading=12.5)
    rows = [
        [ctx.para(ctx.text(k), key_style), ctx.para(ctx.text(val), val_style)] for k, val in facts
    ]
    return Table(
        rows,
        colWidths=[95, ctx.width - 95],
        hAlign="LEFT",
        style=pc.table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def contents(ctx: Context) -> list[Any]:
    from reportlab.platypus import Spacer, Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    story: list[Any] = [
        pc.anchor("contents", "Contents", 0, ctx.info),
        ctx.para("Contents", ctx.h1),
        Spacer(1, 6),
    ]
    rows = []
    for n, (key, heading) in enumerate(SECTIONS, start=1):
        link = f'<a href="#section-{key}" color="{st.INK.hexval()}">{n}. {ctx.text(heading)}</a>'
        rows.append(
            [
                ctx.para(link, ctx.toc),
                ctx.para(ctx.info.page_of(f"section-{key}"), ctx.toc_right),
            ]
        )
    story.append(
        Table(
            rows,
            colWidths=[ctx.width - 60, 60],
            hAlign="LEFT",
            style=pc.table_style(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
    )
    story.append(Spacer(1, 24))
    story.append(ctx.para("How to read this report", ctx.caption))
    v = ctx.v
    points = [
        f"Figures are given for each {v.word} and for the whole period "
        f"({ctx.text(v.range_text)}). The executive summary compares the last {v.word} with "
        f"the one before it: \u25b2 means the figure went up, \u25bc that it went down; "
        f"whether that is better depends on the measure.",
        "<b>% good or better</b> is the share of graded audits whose final grade was "
        "Outstanding or Good. Percentages are rounded half-up to one decimal; a dash means "
        "there was nothing to count.",
        "Where a share rests on few cases its counts are printed beside it (for example "
        "<b>2/3</b>); read such figures with caution.",
        "<b>Agreement</b> compares the two independent audits of a looped audit: exact "
        "agreement, agreement within one grade, Cohen's kappa with quadratic weights and "
        "Gwet's AC2 beside it (1 is perfect agreement, 0 no better than chance). A kappa "
        f"from fewer than {SMALL_PAIRS} pairs is flagged.",
        "<b>Moderation</b> counts how often the moderator's final grade was better "
        "(raised), worse (lowered) or the same as an auditor's grade.",
        "<b>Family feedback</b> is the share of answers that were \u201cyes\u201d, out of "
        "yes, partly and no; questions not asked are left out.",
        "Charts print their numbers, and shading always comes with the figures, so the "
        "report reads the same printed in black and white.",
    ]
    story += [ctx.bullet(point) for point in points]
    return story
