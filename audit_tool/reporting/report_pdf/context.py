"""The context each section of the QA report PDF is drawn with: the report read for print, the
build's pass (page numbers), the page width, the paragraph styles and the small builders
(escaped data text, paragraphs, notes, subsection headings with their outline entries)."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.view import NO_AUDITS, View


class Context:
    """One build of the document: the report read for print, the pass, the styles and sizes."""

    def __init__(self, view: View, info: Any) -> None:
        from reportlab.lib.pagesizes import A4

        from audit_tool.reporting import style as st

        self.v = view
        self.info = info
        self.s = st.styles(9.5)
        self.page_w, self.page_h = A4
        self.margin = st.MARGIN
        self.width = self.page_w - 2 * self.margin
        self._para_styles()

    def _para_styles(self) -> None:
        from reportlab.lib.enums import TA_CENTER, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        from audit_tool.reporting import style as st

        body = self.s.body
        self.cell = ParagraphStyle("rp-cell", parent=body, fontSize=7.5, leading=9.2, spaceAfter=0)
        self.cell_bold = ParagraphStyle("rp-cell-b", parent=self.cell, fontName=st.FONT_BOLD)
        self.head = ParagraphStyle(
            "rp-head",
            parent=self.cell,
            fontName=st.FONT_BOLD,
            textColor=st.WHITE,
            alignment=TA_CENTER,
            fontSize=7.2,
            leading=8.6,
        )
        self.head_left = ParagraphStyle("rp-head-l", parent=self.head, alignment=0)
        self.note = ParagraphStyle(
            "rp-note", parent=self.s.small, fontSize=7.5, leading=9.5, spaceBefore=2, spaceAfter=4
        )
        self.caption = ParagraphStyle(
            "rp-caption",
            parent=body,
            fontName=st.FONT_BOLD,
            fontSize=9,
            leading=11,
            textColor=st.PRIMARY,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.h1 = ParagraphStyle(
            "rp-h1", parent=self.s.title, fontSize=19, leading=23, spaceBefore=0, spaceAfter=4
        )
        self.intro = ParagraphStyle(
            "rp-intro", parent=body, textColor=st.GREY_DARK, spaceAfter=8, fontSize=9, leading=12
        )
        self.tile_value = ParagraphStyle(
            "rp-tile-v",
            parent=body,
            fontName=st.FONT_BOLD,
            fontSize=20,
            leading=23,
            textColor=st.PRIMARY,
            spaceAfter=0,
        )
        self.tile_label = ParagraphStyle(
            "rp-tile-l", parent=body, fontSize=7.8, leading=9.8, spaceAfter=0, textColor=st.INK
        )
        self.tile_change = ParagraphStyle(
            "rp-tile-c",
            parent=self.tile_label,
            fontName=st.FONT_BOLD,
            textColor=st.GREY_DARK,
            spaceBefore=3,
        )
        self.toc = ParagraphStyle("rp-toc", parent=body, fontSize=10.5, leading=14)
        self.toc_right = ParagraphStyle("rp-toc-r", parent=self.toc, alignment=TA_RIGHT)

    def text(self, text: str) -> str:
        """Data text (a name, a label) as Paragraph markup, every character as typed."""
        from audit_tool.reporting.style import inline

        return inline(str(text), markup=False, links=False)

    def para(self, markup: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, style or self.s.body)

    def bullet(self, markup: str) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.s.bullet, bulletText="\u2022")

    def note_para(self, markup: str) -> Any:
        return self.para(markup, self.note)

    def empty_note(self, text: str = NO_AUDITS) -> Any:
        from audit_tool.reporting import style as st

        return self.para(
            f'<font name="{st.FONT_ITALIC}">{self.text(text)}</font>',
            self.note,
        )

    def caption_para(self, text: str) -> Any:
        return self.para(self.text(text), self.caption)

    def name_cell(self, text: str, bold: bool = False) -> Any:
        return self.para(self.text(text), self.cell_bold if bold else self.cell)

    def sub(self, key: str, heading: str) -> list[Any]:
        """A subsection heading with its outline entry (kept with what follows)."""
        from reportlab.platypus import CondPageBreak

        from audit_tool.reporting import pdf_common as pc

        return [
            CondPageBreak(120),
            pc.anchor(f"sub-{key}", heading, 1, self.info),
            self.para(self.text(heading), self.s.subheading),
        ]
