"""The machinery both briefing PDFs share: the two-pass build that learns page numbers, the
document information, the footer, bookmarks, headings kept with their text, section text as
flowables, table styles, the number disc and the grade chart."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from audit_tool.reporting.briefing_pdf.content import (
    CREATOR,
    NOTHING_RECORDED,
    BriefingDoc,
    grade_rows,
    keywords,
    title_of,
)
from audit_tool.reporting.markup import parse_blocks, sanitize

if TYPE_CHECKING:
    from audit_tool.reporting.style import Styles


@dataclass
class Pass:
    """What one build learnt and the next one quotes: page numbers."""

    total: int = 0
    section_pages: dict[int, int] = field(default_factory=dict)
    final: bool = False

    def page_text(self, number: int) -> str:
        return str(number) if self.final else "?"


@cache
def _dry_canvas() -> type:
    from reportlab.pdfgen.canvas import Canvas

    class DryCanvas(Canvas):
        """Lays pages out but writes nothing: the first pass only counts pages."""

        def save(self) -> None:
            return None

    return DryCanvas


def build_twice(make: Callable[[Pass], tuple[Any, list[Any]]]) -> bytes:
    """Build twice: the first (dry) pass learns page numbers, the second writes them."""
    info = Pass()
    for attempt in range(3):
        template, story = make(info)
        buf = io.BytesIO()
        template.filename = buf
        dry = attempt == 0
        if dry:
            template.build(story, canvasmaker=_dry_canvas())
        else:
            template.build(story)
        pages = template.page
        if not dry and pages == info.total:
            return buf.getvalue()
        info = Pass(total=pages, section_pages=dict(info.section_pages), final=True)
    return buf.getvalue()  # page count still moving: keep the last build


def meta_text(text: str) -> str:
    """Text for the document information and outline: no font is involved, so only control
    characters and runs of white space go."""
    return " ".join(sanitize(text).split())


def template_args(doc: BriefingDoc) -> dict[str, Any]:
    from audit_tool.reporting.style import FONT

    return {
        "title": meta_text(title_of(doc)),
        "author": meta_text(doc.author),
        "subject": meta_text(doc.subject),
        "keywords": [meta_text(k) for k in keywords(doc)],
        "creator": CREATOR,
        "lang": doc.language or "en-GB",
        "displayDocTitle": True,
        "initialFontName": FONT,
        "initialFontSize": 10,
    }


def plain_markup(text: str) -> str:
    """A plain-text field (title, heading, name) as Paragraph markup: every character as typed."""
    from audit_tool.reporting.style import inline

    return inline(text, markup=False, links=False)


def fit_string(text: str, font: str, size: float, width: float) -> str:
    """One line of canvas text, shortened with an ellipsis to fit the width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid].rstrip() + "\u2026", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "\u2026"


def footer(canv: Any, doc: BriefingDoc, info: Pass, margin: float) -> None:
    from audit_tool.reporting import style as st

    width, _height = canv._pagesize
    page = canv.getPageNumber()
    total = info.page_text(info.total)
    right = f"Page {page} of {total}"
    if doc.status_label.strip():
        right += f"  \u00b7  {st.clean(doc.status_label)}"
    left = "  \u00b7  ".join(t for t in (st.clean(doc.partnership), st.clean(title_of(doc))) if t)
    size = 7.0
    y = margin * 0.55
    canv.saveState()
    canv.setStrokeColor(st.GREY_LIGHT)
    canv.setLineWidth(st.HAIRLINE)
    canv.line(margin, y + size + 3, width - margin, y + size + 3)
    canv.setFillColor(st.GREY_DARK)
    canv.setFont(st.FONT, size)
    right_w = canv.stringWidth(right, st.FONT, size)
    canv.drawRightString(width - margin, y, right)
    canv.drawString(margin, y, fit_string(left, st.FONT, size, width - 2 * margin - right_w - 20))
    canv.restoreState()


def outline_anchor(
    key: str, title: str, level: int, on_draw: Callable[[Any], None] | None = None
) -> Any:
    """A zero-size flowable: a bookmark and outline entry where it lands (and a callback)."""
    from reportlab.platypus.flowables import CallerMacro

    def draw(macro: Any) -> None:
        canv = macro.canv
        canv.bookmarkHorizontal(key, 0, 0)
        canv.addOutlineEntry(meta_text(title), key, level=level, closed=False)
        if on_draw is not None:
            on_draw(canv)

    return CallerMacro(drawCallable=draw)


def headed(heading: list[Any], body: list[Any], width: float) -> list[Any]:
    """A heading and its text, starting on a new page only when the heading and the start of
    its text do not fit (a KeepTogether would push a very long first paragraph on whole and
    leave a page nearly empty)."""
    from reportlab.platypus import CondPageBreak

    need = 0.0
    for flowable in [*heading, *body[:1]]:
        _w, h = flowable.wrap(width, 10**6)
        need += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return [CondPageBreak(min(need, _KEEP_ROOM)), *heading, *body]


_KEEP_ROOM = 96.0  # most room a heading asks for below it: itself and a few lines of text


def block_flowables(text: str, s: Styles, *, empty: str = NOTHING_RECORDED) -> list[Any]:
    """Paragraphs and list items for a section's text at a given style size."""
    from reportlab.platypus import Paragraph

    from audit_tool.reporting.style import inline

    out: list[Any] = []
    blocks = parse_blocks(text)
    for i, block in enumerate(blocks):
        markup = inline(block.text)
        if block.kind in ("bullet", "numbered"):
            following = blocks[i + 1].kind if i + 1 < len(blocks) else None
            last = following not in ("bullet", "numbered")
            bullet = block.label or ("\u2022", "\u2013")[block.level % 2]
            style = _item_style(s, block.kind == "numbered", block.level, last)
            out.append(Paragraph(markup, style, bulletText=bullet))
        elif block.kind == "quote":
            out.append(Paragraph(markup, s.quote))
        elif block.kind == "heading":
            out.append(Paragraph(f"<b>{markup}</b>", s.body))
        else:
            out.append(Paragraph(markup, s.body))
    if not out and empty:
        out.append(Paragraph(f"<i>{empty}</i>", s.small))
    return out


@cache
def _item_style(s: Styles, numbered: bool, level: int, last: bool) -> Any:
    """A list item's style: indented by level, wider for a number, a paragraph's space after
    the last item of a list."""
    from reportlab.lib.styles import ParagraphStyle

    indent = level * s.size * 1.2
    return ParagraphStyle(
        f"{s.bullet.name}-{int(numbered)}-{level}-{int(last)}",
        parent=s.bullet,
        leftIndent=s.bullet.leftIndent + indent + (s.size * 0.6 if numbered else 0.0),
        bulletIndent=s.bullet.bulletIndent + indent,
        spaceAfter=s.body.spaceAfter if last else s.bullet.spaceAfter,
    )


def table_style(commands: Sequence[tuple[Any, ...]], size: float = 10.0) -> Any:
    """A TableStyle whose cells use the embedded font (a Table's default is Helvetica, which
    would otherwise be referenced even by cells that only hold flowables)."""
    from reportlab.platypus import TableStyle

    from audit_tool.reporting.style import FONT

    return TableStyle([("FONT", (0, 0), (-1, -1), FONT, size), *commands])


def number_disc(number: int | str, size: float) -> Any:
    """A vector disc with a white number: the section marker (a Drawing is a flowable)."""
    from reportlab.graphics.shapes import Circle, Drawing, String

    from audit_tool.reporting import style as st

    d = Drawing(size, size, initialFontName=st.FONT, initialFontSize=size * 0.55)
    d.add(Circle(size / 2, size / 2, size / 2, fillColor=st.PRIMARY, strokeColor=None))
    d.add(
        String(
            size / 2,
            size / 2 - size * 0.19,
            str(number),
            fontName=st.FONT_BOLD,
            fontSize=size * 0.55,
            fillColor=st.WHITE,
            textAnchor="middle",
        )
    )
    return d


def grade_chart(doc: BriefingDoc, width: float) -> Any | None:
    """Moderated grades as a horizontal bar chart, counts written at the bars."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String

    from audit_tool.reporting import style as st

    rows, total = grade_rows(doc)
    if not total:
        return None
    labels = [fit_string(st.clean(label), st.FONT, 8, 118) for label, _n, _p in rows]
    bar_h, gap = 15.0, 6.0
    plot_h = len(rows) * (bar_h + gap)
    d = Drawing(width, plot_h + 22, initialFontName=st.FONT, initialFontSize=8)
    d.add(
        String(
            0,
            plot_h + 10,
            f"Moderated grades: {total} audit{'s' if total != 1 else ''}",
            fontName=st.FONT_BOLD,
            fontSize=8.5,
            fillColor=st.PRIMARY,
        )
    )
    chart = HorizontalBarChart()
    chart.x, chart.y = 124, 2
    chart.width, chart.height = width - 124 - 60, plot_h
    chart.data = [[n for _label, n, _p in rows]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.reverseDirection = 1  # best grade at the top
    chart.categoryAxis.labels.fontName = st.FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fillColor = st.INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = st.GREY
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.visible = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(n for _l, n, _p in rows) or 1
    chart.valueAxis.labels.fontName = st.FONT
    chart.bars[0].fillColor = st.PRIMARY
    chart.bars[0].strokeColor = None
    chart.barWidth = bar_h
    chart.groupSpacing = gap
    chart.barLabelArray = [[f"{n} ({pct})" for _label, n, pct in rows]]
    chart.barLabelFormat = "values"
    chart.barLabels.fontName = st.FONT
    chart.barLabels.fontSize = 8
    chart.barLabels.fillColor = st.INK
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    d.add(chart)
    return d


def reference_list(doc: BriefingDoc, s: Styles) -> list[Any]:
    from reportlab.platypus import Paragraph

    from audit_tool.reporting.style import inline

    refs = [r for r in doc.references if r.strip()]
    if not refs:
        return [Paragraph("<i>None given.</i>", s.body)]
    return [
        Paragraph(inline(ref, markup=False), s.bullet, bulletText=f"{i}.")
        for i, ref in enumerate(refs, 1)
    ]
