"""The accessible briefing PDF: text only, one column, portrait, the same content in reading
order, headings as headings (and bookmarks), lists as lists, the grades as a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from audit_tool.reporting.briefing_pdf.common import (
    Pass,
    block_flowables,
    build_twice,
    footer,
    headed,
    outline_anchor,
    plain_markup,
    reference_list,
    table_style,
    template_args,
)
from audit_tool.reporting.briefing_pdf.content import (
    BriefingDoc,
    check,
    grade_rows,
    reflection_questions,
    title_of,
)

if TYPE_CHECKING:
    from audit_tool.reporting.style import Styles


def render_accessible_pdf(doc: BriefingDoc) -> bytes:
    """Text only, one column, portrait: the same content in reading order, headings as
    headings (and bookmarks), lists as lists, the grades as a table."""
    check(doc)
    from audit_tool.reporting import style as st

    st.register_fonts()
    return build_twice(lambda info: _accessible(doc, info))


def _accessible(doc: BriefingDoc, info: Pass) -> tuple[Any, list[Any]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    from audit_tool.reporting import style as st

    s = st.styles(11.5)
    m = st.MARGIN + 4
    pw, ph = A4

    def on_page(canv: Any, _tpl: Any) -> None:
        footer(canv, doc, info, m)

    template = BaseDocTemplate(None, pagesize=A4, **template_args(doc))
    template.addPageTemplates(
        [
            PageTemplate(
                "text",
                [Frame(m, m + 8, pw - 2 * m, ph - 2 * m - 8, 0, 0, 0, 0, id="text")],
                onPage=on_page,
            )
        ]
    )
    story: list[Any] = [
        outline_anchor("title", title_of(doc), 0),
        Paragraph(plain_markup(title_of(doc)), s.title),
    ]
    for label, value in (
        ("Partnership", doc.partnership),
        ("Date", doc.date_text),
        ("Audience", doc.audience),
        ("Status", doc.status_label),
    ):
        if value.strip():
            story.append(Paragraph(f"<b>{label}:</b> {plain_markup(value)}", s.body))
    story.append(
        Paragraph(
            "A 7-minute learning briefing in seven sections, to present at a team meeting.",
            s.body,
        )
    )

    def part(key: str, title: str, body: list[Any]) -> None:
        heading = Paragraph(plain_markup(title), s.heading)
        story.extend(headed([outline_anchor(key, title, 1), heading], body, pw - 2 * m))

    for section in doc.sections:
        body = block_flowables(section.text, s, empty="Nothing recorded.")
        if section.number == 3:
            body += _grade_table(doc, s)
        part(f"section-{section.number}", f"{section.number}. {section.heading}", body)
    part(
        "sample",
        "About the sample and method",
        block_flowables(doc.sample, s, empty="Not recorded."),
    )
    part("references", "References and links", reference_list(doc, s))
    questions = [
        Paragraph(plain_markup(q), s.bullet, bulletText=f"{i}.")
        for i, q in enumerate(reflection_questions(doc), start=1)
    ]
    part("questions", "Questions for reflection", questions)
    return template, story


def _grade_table(doc: BriefingDoc, s: Styles) -> list[Any]:
    """The grade distribution as a table of counts (the accessible form of the chart)."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    from audit_tool.reporting import style as st

    rows, total = grade_rows(doc)
    caption = Paragraph("Moderated grades", s.subheading)
    if not total:
        return [caption, Paragraph("No moderated grades recorded.", s.body)]
    data = [
        [Paragraph(f"<b>{h}</b>", s.body) for h in ("Grade", "Audits", "Share")],
        *[[Paragraph(plain_markup(label), s.body), str(n), pct] for label, n, pct in rows],
        [Paragraph("<b>Total</b>", s.body), str(total), "100%"],
    ]
    table = Table(
        data,
        colWidths=[230, 70, 70],
        hAlign="LEFT",
        repeatRows=1,
        style=table_style(
            [
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), st.RULE, st.INK),
                ("LINEABOVE", (0, -1), (-1, -1), st.HAIRLINE, st.INK),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ],
            s.size,
        ),
    )
    # A short table is kept whole; a long one (many grade levels) may still break.
    return [KeepTogether([caption, table])] if len(rows) <= 12 else [caption, table]
