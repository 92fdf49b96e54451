"""The QA report PDF as a document: the entry point, the cover and body page templates with their
running header and footer, and the build loop that puts the front matter and the sections in
order, each with the QA lead's commentary under its heading."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf import (
    areas,
    breakdowns,
    commentary,
    compliance,
    feedback,
    front,
    grades,
    learning,
    moderation,
    progress,
    summary,
    themes,
    voices,
)
from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.view import SECTIONS, View

CREATOR = "Audit Tool"
# Short sections that follow the one before on its page when this much room is left.
FLOWING = {"compliance": 300.0}
RENDERERS = {
    "summary": summary.render,
    "grades": grades.render,
    "areas": areas.render,
    "moderation": moderation.render,
    "feedback": feedback.render,
    "breakdowns": breakdowns.render,
    "learning": learning.render,
    "compliance": compliance.render,
    "themes": themes.render,
    "voices": voices.render,
    "progress": progress.render,
}


def render_report_pdf(
    report: dict[str, Any], *, partnership: str, title: str = "Quarterly quality assurance report"
) -> bytes:
    """The report as PDF bytes (A4 portrait, fonts embedded, bookmarks, "Page N of M")."""
    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    st.register_fonts()
    view = View(report, partnership, title)
    return pc.build_twice(lambda info: _Document(Context(view, info)).build())


class _Document:
    """One build of the document: the page templates and the story for a pass."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    _page = 0

    def build(self) -> tuple[Any, list[Any]]:
        """The template and the story: cover, contents, then the sections in order."""
        from reportlab.platypus import CondPageBreak, NextPageTemplate, PageBreak, Spacer

        template = self._template()
        story: list[Any] = []
        story += front.cover(self.ctx)
        story += [NextPageTemplate("body"), PageBreak()]
        story += front.contents(self.ctx)
        for key, heading in SECTIONS:
            if key in FLOWING:
                story += [CondPageBreak(FLOWING[key]), Spacer(1, 20)]
            else:
                story.append(PageBreak())
            story += self._section_head(key, heading)
            story += commentary.render(self.ctx, key)  # the QA lead's words, where written
            story += RENDERERS[key](self.ctx)
        return template, story

    def _template(self) -> Any:
        """The document with its two page templates: the cover with its navy band, and the
        body pages with a running header and footer."""
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        m = self.ctx.margin
        pw, ph = self.ctx.page_w, self.ctx.page_h
        band_h = 92 * 2.8346  # 92 mm
        template = BaseDocTemplate(
            None,
            pagesize=(pw, ph),
            title=pc.meta(self.ctx.v.title),
            author=pc.meta(self.ctx.v.partnership),
            subject=pc.meta(f"{self.ctx.v.title}, {self.ctx.v.range_text}"),
            keywords=["quality assurance", "case file audit", "safeguarding"],
            creator=CREATOR,
            lang="en-GB",
            displayDocTitle=True,
            initialFontName=st.FONT,
            initialFontSize=9,
        )
        footer_h = 30.0
        header_h = 16.0
        template.addPageTemplates(
            [
                PageTemplate(
                    "cover",
                    [
                        Frame(
                            m, ph - band_h + 10, pw - 2 * m, band_h - 10 - m, 0, 0, 0, 0, id="band"
                        ),
                        Frame(
                            m,
                            m + footer_h,
                            pw - 2 * m,
                            ph - band_h - m - footer_h - 18,
                            0,
                            0,
                            0,
                            0,
                            id="below",
                        ),
                    ],
                    onPage=lambda canv, _doc: self._on_cover(canv, band_h),
                    pagesize=(pw, ph),
                ),
                PageTemplate(
                    "body",
                    [
                        Frame(
                            m,
                            m + footer_h - 6,
                            pw - 2 * m,
                            ph - 2 * m - footer_h - header_h + 6,
                            0,
                            0,
                            0,
                            0,
                            id="body",
                        )
                    ],
                    onPage=lambda canv, _doc: self._on_body(canv),
                    pagesize=(pw, ph),
                ),
            ]
        )
        return template

    def _footer_lines(self) -> tuple[list[str], list[str]]:
        from audit_tool.reporting import style as st

        v, info = self.ctx.v, self.ctx.info
        left = [
            st.clean(f"{v.partnership}  \u00b7  {v.title}"),
            st.clean(f"Filters: {v.filters_text}  \u00b7  Data as of {v.generated_text}"),
        ]
        return left, ["", f"Page {info.page_text(self._page)} of {info.page_text(info.total)}"]

    def _draw_footer(self, canv: Any) -> None:
        from audit_tool.reporting import pdf_common as pc

        self._page = canv.getPageNumber()
        left, right = self._footer_lines()
        pc.draw_running_text(canv, margin=self.ctx.margin, left=left, right=right)

    def _on_cover(self, canv: Any, band_h: float) -> None:
        from audit_tool.reporting import style as st

        pw, ph = canv._pagesize
        canv.saveState()
        canv.setFillColor(st.PRIMARY)
        canv.rect(0, ph - band_h, pw, band_h, stroke=0, fill=1)
        canv.setFillColor(st.ACCENT)
        canv.rect(0, ph - band_h - 5, pw, 5, stroke=0, fill=1)
        canv.restoreState()
        canv.bookmarkPage("cover")
        canv.addOutlineEntry("Cover", "cover", level=0)
        self._draw_footer(canv)

    def _on_body(self, canv: Any) -> None:
        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        pc.draw_running_text(
            canv,
            margin=self.ctx.margin,
            left=[st.clean(self.ctx.v.title)],
            right=[st.clean(self.ctx.v.range_text)],
            top=True,
        )
        self._draw_footer(canv)

    def _section_head(self, key: str, heading: str) -> list[Any]:
        from audit_tool.reporting import pdf_common as pc

        n = [k for k, _h in SECTIONS].index(key) + 1
        return [
            pc.anchor(f"section-{key}", f"{n}. {heading}", 0, self.ctx.info),
            self.ctx.para(f"{n}. {self.ctx.text(heading)}", self.ctx.h1),
        ]
