"""The designed briefing PDF: page one at a glance, the "In detail" pages with every section in
full, the grade chart, the sample and references, and the action plan page for teams."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from audit_tool.reporting.briefing_pdf.common import (
    Pass,
    block_flowables,
    build_twice,
    footer,
    grade_chart,
    headed,
    number_disc,
    outline_anchor,
    plain_markup,
    reference_list,
    table_style,
    template_args,
)
from audit_tool.reporting.briefing_pdf.content import (
    BriefingDoc,
    check,
    reflection_questions,
    title_of,
)
from audit_tool.reporting.briefing_pdf.cover import Box, cover_layout, draw_cover

if TYPE_CHECKING:
    from audit_tool.reporting.style import Styles


def render_pdf(doc: BriefingDoc) -> bytes:
    """The designed briefing: page one at a glance, the detail pages, the action plan."""
    check(doc)
    from audit_tool.reporting import style as st

    st.register_fonts()
    boxes = cover_layout(doc)
    cut = {box.section.number for box in boxes if box.cut}
    return build_twice(lambda info: _designed(doc, boxes, cut, info))


def _designed(
    doc: BriefingDoc, boxes: list[Box], cut: set[int], info: Pass
) -> tuple[Any, list[Any]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import NextPageTemplate, PageBreak, Paragraph, Spacer

    from audit_tool.reporting import style as st

    s = st.styles(10.0)
    m = st.MARGIN
    pw, ph = A4
    template = _template(doc, boxes, info)
    story: list[Any] = [NextPageTemplate("detail"), PageBreak()]
    story.append(outline_anchor("detail", "In detail", 0))
    story.append(Paragraph("In detail", s.title))
    intro = "  \u00b7  ".join(
        t for t in (plain_markup(title_of(doc)), plain_markup(doc.date_text)) if t.strip()
    )
    story.append(Paragraph(intro, s.small))
    story.append(Spacer(1, st.SPACE_S))
    heading_w = pw - 2 * m
    story += _detail_sections(doc, s, cut, info, heading_w)
    story += _detail_sources(doc, s, heading_w)
    story += _action_plan(doc, s, pw - 2 * m, ph - 2 * m - 8)
    return template, story


def _template(doc: BriefingDoc, boxes: list[Box], info: Pass) -> Any:
    """The document: page one landscape (drawn on the canvas), the detail pages portrait."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from audit_tool.reporting import style as st

    m = st.MARGIN
    pw, ph = A4
    lw, lh = landscape(A4)

    def on_cover(canv: Any, _tpl: Any) -> None:
        draw_cover(canv, doc, boxes, info)
        footer(canv, doc, info, st.MARGIN_COVER)

    def on_detail(canv: Any, _tpl: Any) -> None:
        footer(canv, doc, info, m)

    template = BaseDocTemplate(None, pagesize=A4, **template_args(doc))
    template.addPageTemplates(
        [
            PageTemplate(
                "cover",
                [Frame(0, 0, lw, lh, 0, 0, 0, 0, id="cover")],
                onPage=on_cover,
                pagesize=(lw, lh),
            ),
            PageTemplate(
                "detail",
                [Frame(m, m + 8, pw - 2 * m, ph - 2 * m - 8, 0, 0, 0, 0, id="detail")],
                onPage=on_detail,
                pagesize=(pw, ph),
            ),
        ]
    )
    return template


def _detail_sections(
    doc: BriefingDoc, s: Styles, cut: set[int], info: Pass, heading_w: float
) -> list[Any]:
    """Every section in full under its numbered heading (noting the ones page one cut short),
    the grade chart after section 3; each records the page it starts on for page one."""
    from reportlab.platypus import Paragraph, Spacer, Table

    from audit_tool.reporting import style as st

    def recorder(number: int) -> Callable[[Any], None]:
        def record(canv: Any) -> None:
            info.section_pages[number] = canv.getPageNumber()

        return record

    story: list[Any] = []
    for section in doc.sections:
        note = (
            f' <font name="{st.FONT_ITALIC}" size="8.5" color="{st.GREY_DARK.hexval()}">'
            f"(continued from page 1)</font>"
            if section.number in cut
            else ""
        )
        heading = Paragraph(plain_markup(section.heading) + note, s.heading)
        head = Table(
            [[number_disc(section.number, 20), heading]],
            colWidths=[28, heading_w - 28],
            style=table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        body = block_flowables(section.text, s)
        anchor = outline_anchor(
            f"section-{section.number}",
            f"{section.number}. {section.heading}",
            1,
            recorder(section.number),
        )
        story.append(Spacer(1, st.SPACE_L))
        story += headed([anchor, head, Spacer(1, st.SPACE_S)], body, heading_w)
        if section.number == 3:
            chart = grade_chart(doc, min(heading_w, 400))
            story.append(Spacer(1, st.SPACE_S))
            story.append(chart or Paragraph("<i>No moderated grades recorded.</i>", s.small))
    return story


def _detail_sources(doc: BriefingDoc, s: Styles, width: float) -> list[Any]:
    """The sample and method, and the references, after the seven sections."""
    from reportlab.platypus import Paragraph, Spacer

    from audit_tool.reporting import style as st

    story: list[Any] = [Spacer(1, st.SPACE_L)]
    for key, title, body in (
        ("sample", "About the sample and method", block_flowables(doc.sample, s, empty="")),
        ("references", "References and links", reference_list(doc, s)),
    ):
        heading = [outline_anchor(key, title, 1), Paragraph(title, s.heading)]
        story += headed(heading, body or [Paragraph("<i>Not recorded.</i>", s.body)], width)
    return story


def _action_plan(doc: BriefingDoc, s: Styles, width: float, height: float) -> list[Any]:
    """A page for a team to fill in by hand: when, who, what next, and their reflections."""
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table

    from audit_tool.reporting import style as st

    label = s.small
    line = st.GREY

    def ruled(rows: Sequence[Sequence[Any]], widths: list[float], row_h: float) -> Any:
        cells = [list(r) for r in rows]
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                if cell == "":
                    commands.append(("LINEBELOW", (c, r), (c, r), st.HAIRLINE, line))
        return Table(cells, colWidths=widths, rowHeights=row_h, style=table_style(commands))

    story: list[Any] = [PageBreak(), outline_anchor("action-plan", "Action plan", 0)]
    story.append(Paragraph("Action plan", s.title))
    story.append(
        Paragraph(
            f"How our team used <b>{plain_markup(title_of(doc))}</b>. Fill this in "
            f"when you present the briefing and send a copy to "
            f"{plain_markup(doc.partnership or 'the partnership')}.",
            s.body,
        )
    )
    story.append(Spacer(1, st.SPACE_S))
    lw, fw = 92.0, (width - 2 * 92.0) / 2
    story.append(
        ruled(
            [
                [Paragraph("Date used", label), "", Paragraph("Team", label), ""],
                [Paragraph("Presenter", label), "", Paragraph("Number attending", label), ""],
            ],
            [lw, fw, lw, fw],
            24,
        )
    )
    story.append(Spacer(1, st.SPACE_M))
    story.append(Paragraph("Who attended (names and roles)", s.subheading))
    half = (width - 18) / 2
    story.append(ruled([["", " ", ""] for _ in range(4)], [half + 6, 12, half], 21))
    story.append(Spacer(1, st.SPACE_M))
    story.append(Paragraph("What the team will do", s.subheading))
    head = [Paragraph(f"<b>{t}</b>", label) for t in ("Action", "Owner", "By when")]
    widths = [width * 0.6, width * 0.24, width * 0.16]
    actions = Table(
        [head] + [["", "", ""] for _ in range(6)],
        colWidths=widths,
        rowHeights=[16] + [24] * 6,
        style=table_style(
            [
                ("GRID", (0, 0), (-1, -1), st.HAIRLINE, line),
                ("BACKGROUND", (0, 0), (-1, 0), st.TINT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        ),
    )
    story.append(actions)
    story.append(Spacer(1, st.SPACE_M))
    story.append(Paragraph("Questions for reflection", s.subheading))
    for i, question in enumerate(reflection_questions(doc), start=1):
        q = Paragraph(plain_markup(question), s.bullet, bulletText=f"{i}.")
        story.append(KeepTogether([q, ruled([[""] for _ in range(3)], [width], 19), Spacer(1, 6)]))
    return story
