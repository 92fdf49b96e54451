"""The 7-minute learning briefing as documents: the designed PDF, the accessible PDF and text.

Pure rendering: the briefing service builds a ``BriefingDoc`` and calls ``render_pdf``,
``render_accessible_pdf`` or ``render_text``; nothing here reads a database or needs Qt.

The designed PDF: page one (A4 landscape) holds all seven sections around a central "7" clock
face, each box showing as much of its section as fits (whole paragraphs and items first, never
overflowing) and pointing to the page that carries the rest; then portrait "In detail" pages
with every section in full, the grade chart, the sample and the references; then an action
plan page for teams to fill in by hand. Building it takes two passes, the first only to learn
the page numbers that page one and the footers quote.

reportlab is imported inside the functions, so importing this module (for the dataclasses)
stays cheap.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from audit_tool.reporting.markup import Block, parse_blocks, plain, sanitize

if TYPE_CHECKING:
    from audit_tool.reporting.style import Styles

PAGE_ONE_WORDS = 80  # budget per section on page one: about seven minutes read aloud in all
DEFAULT_REFLECTION_QUESTIONS = (
    "What are your key thoughts and reflections?",
    "How can we ensure the learning is embedded and how will we know?",
    "How can we build the learning into team or service improvement plans?",
)
CREATOR = "Audit Tool"
CONTINUED = "continued on page {page} \u00bb"
NOTHING_RECORDED = "(nothing recorded)"


@dataclass(frozen=True)
class SectionDoc:
    number: int  # 1..7
    heading: str  # e.g. "Why it matters"
    text: str  # light markup (see audit_tool.reporting.markup); may be empty or very long


@dataclass(frozen=True)
class BriefingDoc:
    title: str
    partnership: str  # partnership name from settings
    date_text: str  # e.g. "25 November 2026"
    audience: str  # e.g. "Team managers and practitioners in children's social care"
    sections: tuple[SectionDoc, ...]  # exactly seven, numbered 1..7
    grade_counts: tuple[tuple[str, int], ...]  # (grade label, count), best first
    sample: str  # the sample and method, for the detail pages
    references: tuple[str, ...]  # references and links (plain text / URLs)
    author: str
    subject: str  # e.g. "7-minute briefing: exploitation thematic audit"
    status_label: str  # "Draft", or "Published, version 2"
    logo_path: str | None = None  # PNG/JPG from settings, optional
    logo: bytes | None = None  # or the picture itself (the settings keep it in the database)
    language: str = "en-GB"


# ---------------------------------------------------------------- content shared by all three


def _check(doc: BriefingDoc) -> None:
    numbers = [s.number for s in doc.sections]
    if numbers != list(range(1, 8)):
        raise ValueError(f"a briefing has seven sections numbered 1 to 7, not {numbers}")


def _title(doc: BriefingDoc) -> str:
    return doc.title.strip() or "7-minute briefing"


def _is_draft(doc: BriefingDoc) -> bool:
    return doc.status_label.strip().lower().startswith("draft")


def reflection_questions(doc: BriefingDoc) -> tuple[str, ...]:
    """The questions in section 7 (items or paragraphs ending with "?"), else the defaults."""
    found = []
    for block in parse_blocks(doc.sections[6].text):
        text = plain(block.text).strip().rstrip("\"'\u201d\u2019 ").strip()
        if text.endswith("?") and block.kind != "heading":
            found.append(" ".join(plain(block.text).split()))
    return tuple(found) or DEFAULT_REFLECTION_QUESTIONS


def _grade_rows(doc: BriefingDoc) -> tuple[list[tuple[str, int, str]], int]:
    total = sum(max(n, 0) for _label, n in doc.grade_counts)
    rows = [
        (label, max(n, 0), f"{round(100 * max(n, 0) / total)}%" if total else "")
        for label, n in doc.grade_counts
    ]
    return rows, total


def _keywords(doc: BriefingDoc) -> list[str]:
    words = ["7-minute briefing", "learning briefing", "safeguarding", "case file audit"]
    return words + [w for w in (doc.partnership.strip(), doc.status_label.strip()) if w]


# ---------------------------------------------------------------- plain text


def render_text(doc: BriefingDoc) -> str:
    """The briefing as plain UTF-8 text in reading order, headings underlined."""
    _check(doc)

    def heading(text: str, char: str) -> list[str]:
        text = " ".join(text.split())
        return [text, char * max(len(text), 3), ""]

    def blocks(text: str) -> list[str]:
        out: list[str] = []
        in_list = False
        for block in parse_blocks(text):
            item = block.kind in ("bullet", "numbered")
            if out and not (item and in_list):
                out.append("")  # a blank line between blocks, none inside a list
            out.append(_text_block(block))
            in_list = item
        return [*(out or [NOTHING_RECORDED]), ""]

    lines = heading(_title(doc), "=")
    if doc.partnership.strip():
        lines.append(" ".join(doc.partnership.split()))
    for label, value in (
        ("Date", doc.date_text),
        ("Audience", doc.audience),
        ("Status", doc.status_label),
    ):
        if value.strip():
            lines.append(f"{label}: {' '.join(value.split())}")
    lines.append("")
    for section in doc.sections:
        lines += heading(f"{section.number}. {section.heading}", "-")
        lines += blocks(section.text)
        if section.number == 3:
            lines += _grades_text(doc)
    lines += heading("About the sample and method", "-")
    lines += blocks(doc.sample)
    lines += heading("References and links", "-")
    refs = [" ".join(r.split()) for r in doc.references if r.strip()]
    lines += [f"- {r}" for r in refs] or ["None given."]
    lines.append("")
    lines += heading("Questions for reflection", "-")
    lines += [f"- {q}" for q in reflection_questions(doc)]
    lines.append("")
    return "\n".join(lines)


def _text_block(block: Block) -> str:
    body = plain(block.text)
    indent = "  " * block.level
    if block.kind == "quote":
        return "> " + body.replace("\n", "\n> ")
    if block.kind in ("bullet", "numbered"):
        marker = f"{block.label} " if block.label else "- "
        return indent + marker + body.replace("\n", "\n" + indent + " " * len(marker))
    return body


def _grades_text(doc: BriefingDoc) -> list[str]:
    rows, total = _grade_rows(doc)
    if not total:
        return ["Moderated grades: none recorded.", ""]
    width = max(len(label) for label, _n, _p in rows)
    out = [f"Moderated grades ({total} audits):"]
    out += [f"  {label.ljust(width)}  {n:>3}  {pct:>4}" for label, n, pct in rows]
    return [*out, ""]


# ---------------------------------------------------------------- shared PDF machinery


@dataclass
class _Pass:
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


def _build(make: Callable[[_Pass], tuple[Any, list[Any]]]) -> bytes:
    """Build twice: the first (dry) pass learns page numbers, the second writes them."""
    info = _Pass()
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
        info = _Pass(total=pages, section_pages=dict(info.section_pages), final=True)
    return buf.getvalue()  # page count still moving: keep the last build


def _meta(text: str) -> str:
    """Text for the document information and outline: no font is involved, so only control
    characters and runs of white space go."""
    return " ".join(sanitize(text).split())


def _template_args(doc: BriefingDoc) -> dict[str, Any]:
    from audit_tool.reporting.style import FONT

    return {
        "title": _meta(_title(doc)),
        "author": _meta(doc.author),
        "subject": _meta(doc.subject),
        "keywords": [_meta(k) for k in _keywords(doc)],
        "creator": CREATOR,
        "lang": doc.language or "en-GB",
        "displayDocTitle": True,
        "initialFontName": FONT,
        "initialFontSize": 10,
    }


def _plain_markup(text: str) -> str:
    """A plain-text field (title, heading, name) as Paragraph markup: every character as typed."""
    from audit_tool.reporting.style import inline

    return inline(text, markup=False, links=False)


def _fit_string(text: str, font: str, size: float, width: float) -> str:
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


def _footer(canv: Any, doc: BriefingDoc, info: _Pass, margin: float) -> None:
    from audit_tool.reporting import style as st

    width, _height = canv._pagesize
    page = canv.getPageNumber()
    total = info.page_text(info.total)
    right = f"Page {page} of {total}"
    if doc.status_label.strip():
        right += f"  \u00b7  {st.clean(doc.status_label)}"
    left = "  \u00b7  ".join(t for t in (st.clean(doc.partnership), st.clean(_title(doc))) if t)
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
    canv.drawString(margin, y, _fit_string(left, st.FONT, size, width - 2 * margin - right_w - 20))
    canv.restoreState()


def _anchor(key: str, title: str, level: int, on_draw: Callable[[Any], None] | None = None) -> Any:
    """A zero-size flowable: a bookmark and outline entry where it lands (and a callback)."""
    from reportlab.platypus.flowables import CallerMacro

    def draw(macro: Any) -> None:
        canv = macro.canv
        canv.bookmarkHorizontal(key, 0, 0)
        canv.addOutlineEntry(_meta(title), key, level=level, closed=False)
        if on_draw is not None:
            on_draw(canv)

    return CallerMacro(drawCallable=draw)


def _headed(heading: list[Any], body: list[Any], width: float) -> list[Any]:
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


def _block_flowables(text: str, s: Styles, *, empty: str = NOTHING_RECORDED) -> list[Any]:
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


def _table_style(commands: Sequence[tuple[Any, ...]], size: float = 10.0) -> Any:
    """A TableStyle whose cells use the embedded font (a Table's default is Helvetica, which
    would otherwise be referenced even by cells that only hold flowables)."""
    from reportlab.platypus import TableStyle

    from audit_tool.reporting.style import FONT

    return TableStyle([("FONT", (0, 0), (-1, -1), FONT, size), *commands])


def _number_disc(number: int | str, size: float) -> Any:
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


def _grade_chart(doc: BriefingDoc, width: float) -> Any | None:
    """Moderated grades as a horizontal bar chart, counts written at the bars."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String

    from audit_tool.reporting import style as st

    rows, total = _grade_rows(doc)
    if not total:
        return None
    labels = [_fit_string(st.clean(label), st.FONT, 8, 118) for label, _n, _p in rows]
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


# ---------------------------------------------------------------- page one


@dataclass
class _Box:
    """A section's box on page one and what is drawn in it."""

    section: SectionDoc
    x: float
    y: float
    w: float
    h: float
    heading: Any = None
    heading_h: float = 0.0
    body: list[tuple[Any, float, float]] = field(default_factory=list)  # flowable, h, gap
    cut: bool = False
    featured: bool = False


_PAD = 7.0
_DISC = 18.0  # the number disc's diameter
_HEAD_GAP = 5.0  # between a box's heading and its text, with a hairline in it
_COVER_SIZE = 8.0  # body text size on page one
_COVER_LEADING = 1.24
_BAND_H = 66.0
_GUTTER = 8.0
_CENTRE = 0.27  # share of the width for the centre column


@dataclass(frozen=True)
class _Grid:
    """Page one's grid: three rows of boxes either side of a centre column."""

    margin: float
    top: float  # top of the boxes
    bottom: float
    side_w: float
    centre_x: float
    centre_w: float
    row_h: float
    clock_h: float


@cache
def _grid() -> _Grid:
    from reportlab.lib.pagesizes import A4, landscape

    from audit_tool.reporting import style as st

    width, height = landscape(A4)
    m = st.MARGIN_COVER
    top = height - m - _BAND_H - _GUTTER
    bottom = m + 14
    inner_w = width - 2 * m
    centre_w = inner_w * _CENTRE
    side_w = (inner_w - centre_w - 2 * _GUTTER) / 2
    row_h = (top - bottom - 2 * _GUTTER) / 3
    return _Grid(
        margin=m,
        top=top,
        bottom=bottom,
        side_w=side_w,
        centre_x=m + side_w + _GUTTER,
        centre_w=centre_w,
        row_h=row_h,
        clock_h=row_h,  # the clock fills the first row, so box 7 lines up with rows 2 and 3
    )


def _cover_layout(doc: BriefingDoc) -> list[_Box]:
    """Place the seven boxes: 1-3 down the left, 4-6 down the right, the "7" clock face at
    the top of the centre column and section 7 beneath it."""
    g = _grid()
    boxes: list[_Box] = []
    for i, section in enumerate(doc.sections[:6]):
        col, row = divmod(i, 3)
        x = g.margin if col == 0 else g.centre_x + g.centre_w + _GUTTER
        y = g.top - (row + 1) * g.row_h - row * _GUTTER
        boxes.append(_Box(section, x, y, g.side_w, g.row_h))
    seven_top = g.top - g.clock_h - _GUTTER
    boxes.append(
        _Box(
            doc.sections[6],
            g.centre_x,
            g.bottom,
            g.centre_w,
            seven_top - g.bottom,
            featured=True,
        )
    )
    for box in boxes:
        _fill_box(box)
    return boxes


def _fill_box(box: _Box) -> None:
    """Fit as much of a section as the box holds: whole blocks first, then the start of the
    next block; never more than the box."""
    from reportlab.platypus import Paragraph

    from audit_tool.reporting import style as st

    s = st.styles(_COVER_SIZE, _COVER_LEADING)
    text_w = box.w - 2 * _PAD
    head_w = text_w - _DISC - 6
    box.heading = _clamped_paragraph(box.section.heading, _cover_heading_style(), head_w, 2)
    _w, hh = box.heading.wrap(head_w, 1000)
    box.heading_h = max(hh, _DISC)
    avail = box.h - 2 * _PAD - box.heading_h - _HEAD_GAP
    flowables = _block_flowables(box.section.text, s)
    measured = []
    for f in flowables:
        _w, fh = f.wrap(text_w, 10**6)
        measured.append((f, fh, f.getSpaceAfter()))
    total = sum(fh for _f, fh, _g in measured) + sum(g for _f, _fh, g in measured[:-1])
    if total <= avail:
        box.body = measured
        return
    box.cut = True
    marker_h = _COVER_SIZE * 1.5
    room = avail - marker_h
    used = 0.0
    for f, fh, gap in measured:
        if used + fh <= room:
            box.body.append((f, fh, gap))
            used += fh + gap
            continue
        left = room - used
        if left >= 2 * s.body.leading or not box.body:
            f.allowWidows = 1  # a box may end on the first lines of a paragraph
            parts = f.split(text_w, left) if isinstance(f, Paragraph) else []
            if len(parts) >= 2:
                first = parts[0]
                _w, ph = first.wrap(text_w, left)
                if ph <= left:
                    box.body.append((first, ph, gap))
        break


@cache
def _cover_heading_style() -> Any:
    from reportlab.lib.styles import ParagraphStyle

    from audit_tool.reporting import style as st

    return ParagraphStyle(
        "cover-heading",
        fontName=st.FONT_BOLD,
        fontSize=10,
        leading=12,
        textColor=st.PRIMARY,
        splitLongWords=1,
    )


def _clamped_paragraph(text: str, style: Any, width: float, max_lines: int) -> Any:
    """A paragraph of at most ``max_lines`` lines, shortened with an ellipsis if need be."""
    from reportlab.platypus import Paragraph

    from audit_tool.reporting.style import inline

    flat = " ".join(text.split())

    def fits(candidate: str) -> Any | None:
        p = Paragraph(inline(candidate, markup=False, links=False), style)
        _w, h = p.wrap(width, 10**6)
        return p if h <= max_lines * style.leading + 0.5 else None

    p = fits(flat)
    if p is not None:
        return p
    lo, hi = 0, len(flat)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(flat[:mid].rstrip() + "\u2026") is not None:
            lo = mid
        else:
            hi = mid - 1
    return fits(flat[:lo].rstrip() + "\u2026") or Paragraph("\u2026", style)


def _draw_cover(canv: Any, doc: BriefingDoc, boxes: list[_Box], info: _Pass) -> None:
    from reportlab.lib.pagesizes import A4, landscape

    width, height = landscape(A4)
    g = _grid()
    canv.bookmarkPage("page-one")
    canv.addOutlineEntry("Page one: the briefing at a glance", "page-one", level=0)
    _draw_band(canv, doc, g.margin, height - g.margin - _BAND_H, width - 2 * g.margin, _BAND_H)
    for box in boxes:
        _draw_box(canv, box, info)
    _draw_clock(canv, g.centre_x, g.top - g.clock_h, g.centre_w, g.clock_h)


def _draw_band(canv: Any, doc: BriefingDoc, x: float, y: float, w: float, h: float) -> None:
    """The title band: logo, partnership, title, date and audience, and a draft tag."""
    from reportlab.lib.styles import ParagraphStyle

    from audit_tool.reporting import style as st

    canv.saveState()
    canv.setFillColor(st.PRIMARY)
    canv.rect(x, y, w, h, stroke=0, fill=1)
    left = x + 14
    if doc.logo_path or doc.logo:
        from io import BytesIO

        source: Any = doc.logo_path or BytesIO(doc.logo or b"")
        logo_w = _draw_logo(canv, source, left, y + 8, 118, h - 16)
        if logo_w:
            left += logo_w + 14
    right = x + w - 14
    if _is_draft(doc):  # a draft says so where nobody can miss it
        tag = st.clean(doc.status_label).upper() or "DRAFT"
        tag = _fit_string(tag, st.FONT_BOLD, 9, 150)
        tag_w = canv.stringWidth(tag, st.FONT_BOLD, 9) + 16
        canv.setFillColor(st.ACCENT)
        canv.roundRect(right - tag_w, y + h - 30, tag_w, 18, 3, stroke=0, fill=1)
        canv.setFillColor(st.INK)
        canv.setFont(st.FONT_BOLD, 9)
        canv.drawCentredString(right - tag_w / 2, y + h - 24.5, tag)
        canv.setFillColor(st.PRIMARY_LIGHT)
        canv.setFont(st.FONT, 7)
        canv.drawRightString(right, y + h - 41, "Not for circulation")
        right -= tag_w + 14
    text_w = right - left
    canv.setFillColor(st.PRIMARY_LIGHT)
    canv.setFont(st.FONT_BOLD, 8)
    partnership = st.clean(doc.partnership).upper()
    canv.drawString(left, y + h - 18, _fit_string(partnership, st.FONT_BOLD, 8, text_w))
    title_style = ParagraphStyle(
        "band-title", fontName=st.FONT_BOLD, fontSize=18, leading=20, textColor=st.WHITE
    )
    meta = "  \u00b7  ".join(
        t
        for t in (
            st.clean(doc.date_text),
            f"For {st.clean(doc.audience)}" if doc.audience.strip() else "",
            "7-minute learning briefing",
        )
        if t
    )
    canv.setFont(st.FONT, 8.5)
    canv.drawString(left, y + 10, _fit_string(meta, st.FONT, 8.5, text_w))
    title = _clamped_paragraph(_title(doc), title_style, text_w, 1)
    _tw, th = title.wrap(text_w, 100)
    if th > 21 or title.getPlainText().endswith("\u2026"):
        title_style = ParagraphStyle("band-title-2", parent=title_style, fontSize=12.5, leading=14)
        title = _clamped_paragraph(_title(doc), title_style, text_w, 2)
        _tw, th = title.wrap(text_w, 100)
    mid = (y + 10 + 8.5 + y + h - 18) / 2  # between the meta line and the partnership
    title.drawOn(canv, left, mid - th / 2 + 1)
    canv.restoreState()


def _draw_logo(canv: Any, path: Any, x: float, y: float, max_w: float, max_h: float) -> float:
    """The partnership's logo on a white panel; returns the width used (0 if unreadable)."""
    from reportlab.lib.utils import ImageReader

    from audit_tool.reporting import style as st

    try:
        image = ImageReader(path)
        iw, ih = image.getSize()
    except Exception:  # a missing or broken logo must not stop the briefing
        return 0.0
    if iw <= 0 or ih <= 0:
        return 0.0
    pad = 5.0
    scale = min((max_w - 2 * pad) / iw, (max_h - 2 * pad) / ih)
    w, h = iw * scale, ih * scale
    canv.setFillColor(st.WHITE)
    canv.roundRect(x, y, w + 2 * pad, max_h, 3, stroke=0, fill=1)
    try:
        canv.drawImage(image, x + pad, y + (max_h - h) / 2, w, h, mask="auto")
    except Exception:
        return 0.0
    return w + 2 * pad


def _draw_box(canv: Any, box: _Box, info: _Pass) -> None:
    from audit_tool.reporting import style as st

    canv.saveState()
    canv.setFillColor(st.TINT)
    canv.setStrokeColor(st.PRIMARY if box.featured else st.GREY_LIGHT)
    canv.setLineWidth(st.RULE if box.featured else st.HAIRLINE)
    canv.roundRect(box.x, box.y, box.w, box.h, 4, stroke=1, fill=1)
    top = box.y + box.h - _PAD
    # number disc
    cx, cy = box.x + _PAD + _DISC / 2, top - _DISC / 2
    canv.setFillColor(st.PRIMARY)
    canv.circle(cx, cy, _DISC / 2, stroke=0, fill=1)
    canv.setFillColor(st.WHITE)
    canv.setFont(st.FONT_BOLD, 10)
    canv.drawCentredString(cx, cy - 3.6, str(box.section.number))
    head_x = box.x + _PAD + _DISC + 6
    _hw, hh = box.heading.wrap(box.w - 2 * _PAD - _DISC - 6, 1000)
    head_y = top - box.heading_h / 2 - hh / 2 if hh < _DISC else top - hh
    box.heading.drawOn(canv, head_x, head_y)
    y = top - box.heading_h - _HEAD_GAP
    canv.setStrokeColor(st.GREY_LIGHT)
    canv.setLineWidth(st.HAIRLINE)
    canv.line(box.x + _PAD, y + 2.5, box.x + box.w - _PAD, y + 2.5)
    for flowable, fh, gap in box.body:
        y -= fh
        flowable.drawOn(canv, box.x + _PAD, y)
        y -= gap
    if box.cut:
        page = info.page_text(info.section_pages.get(box.section.number, 0))
        canv.setFillColor(st.PRIMARY)
        canv.setFont(st.FONT_ITALIC, _COVER_SIZE * 0.95)
        canv.drawRightString(
            box.x + box.w - _PAD,
            box.y + _PAD - 1,
            "\u2026 " + CONTINUED.format(page=page),
        )
    canv.restoreState()


def _draw_clock(canv: Any, x: float, y: float, w: float, h: float) -> None:
    """The central mark: a clock face whose first seven minutes are marked, a big "7"."""
    import math

    from audit_tool.reporting import style as st

    caption_h = 24.0
    r = min(w, h - caption_h) / 2 - 2
    cx, cy = x + w / 2, y + caption_h + (h - caption_h) / 2
    canv.saveState()
    canv.setFillColor(st.WHITE)
    canv.setStrokeColor(st.PRIMARY)
    canv.setLineWidth(3)
    canv.circle(cx, cy, r, stroke=1, fill=1)
    ring = r - 5
    canv.setFillColor(st.ACCENT)
    canv.wedge(cx - ring, cy - ring, cx + ring, cy + ring, 90, -42, stroke=0, fill=1)
    canv.setFillColor(st.WHITE)
    canv.circle(cx, cy, ring * 0.74, stroke=0, fill=1)
    for minute in range(60):
        angle = math.radians(90 - minute * 6)
        major = minute % 5 == 0
        outer = r - 4
        inner = outer - (9 if major else 4)
        canv.setStrokeColor(st.PRIMARY if major else st.GREY)
        canv.setLineWidth(1.6 if major else 0.6)
        canv.line(
            cx + inner * math.cos(angle),
            cy + inner * math.sin(angle),
            cx + outer * math.cos(angle),
            cy + outer * math.sin(angle),
        )
    size = r * 1.15
    canv.setFillColor(st.PRIMARY)
    canv.setFont(st.FONT_BOLD, size)
    canv.drawCentredString(cx, cy - size * 0.36, "7")
    canv.setFont(st.FONT_BOLD, 10.5)
    canv.drawCentredString(cx, y + 10, "MINUTE BRIEFING")
    canv.setFillColor(st.GREY_DARK)
    canv.setFont(st.FONT, 7.5)
    canv.drawCentredString(cx, y, "Seven sections to share at a team meeting")
    canv.restoreState()


# ---------------------------------------------------------------- the designed PDF


def render_pdf(doc: BriefingDoc) -> bytes:
    """The designed briefing: page one at a glance, the detail pages, the action plan."""
    _check(doc)
    from audit_tool.reporting import style as st

    st.register_fonts()
    boxes = _cover_layout(doc)
    cut = {box.section.number for box in boxes if box.cut}
    return _build(lambda info: _designed(doc, boxes, cut, info))


def _designed(
    doc: BriefingDoc, boxes: list[_Box], cut: set[int], info: _Pass
) -> tuple[Any, list[Any]]:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
    )

    from audit_tool.reporting import style as st

    s = st.styles(10.0)
    m = st.MARGIN
    pw, ph = A4
    lw, lh = landscape(A4)

    def on_cover(canv: Any, _tpl: Any) -> None:
        _draw_cover(canv, doc, boxes, info)
        _footer(canv, doc, info, st.MARGIN_COVER)

    def on_detail(canv: Any, _tpl: Any) -> None:
        _footer(canv, doc, info, m)

    template = BaseDocTemplate(None, pagesize=A4, **_template_args(doc))
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
    story: list[Any] = [NextPageTemplate("detail"), PageBreak()]
    story.append(_anchor("detail", "In detail", 0))
    story.append(Paragraph("In detail", s.title))
    intro = "  \u00b7  ".join(
        t for t in (_plain_markup(_title(doc)), _plain_markup(doc.date_text)) if t.strip()
    )
    story.append(Paragraph(intro, s.small))
    story.append(Spacer(1, st.SPACE_S))

    def recorder(number: int) -> Callable[[Any], None]:
        def record(canv: Any) -> None:
            info.section_pages[number] = canv.getPageNumber()

        return record

    heading_w = pw - 2 * m
    for section in doc.sections:
        note = (
            f' <font name="{st.FONT_ITALIC}" size="8.5" color="{st.GREY_DARK.hexval()}">'
            f"(continued from page 1)</font>"
            if section.number in cut
            else ""
        )
        heading = Paragraph(_plain_markup(section.heading) + note, s.heading)
        head = Table(
            [[_number_disc(section.number, 20), heading]],
            colWidths=[28, heading_w - 28],
            style=_table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        body = _block_flowables(section.text, s)
        anchor = _anchor(
            f"section-{section.number}",
            f"{section.number}. {section.heading}",
            1,
            recorder(section.number),
        )
        story.append(Spacer(1, st.SPACE_L))
        story += _headed([anchor, head, Spacer(1, st.SPACE_S)], body, heading_w)
        if section.number == 3:
            chart = _grade_chart(doc, min(heading_w, 400))
            story.append(Spacer(1, st.SPACE_S))
            story.append(chart or Paragraph("<i>No moderated grades recorded.</i>", s.small))
    story += _detail_sources(doc, s, heading_w)
    story += _action_plan(doc, s, pw - 2 * m, ph - 2 * m - 8)
    return template, story


def _detail_sources(doc: BriefingDoc, s: Styles, width: float) -> list[Any]:
    """The sample and method, and the references, after the seven sections."""
    from reportlab.platypus import Paragraph, Spacer

    from audit_tool.reporting import style as st

    story: list[Any] = [Spacer(1, st.SPACE_L)]
    for key, title, body in (
        ("sample", "About the sample and method", _block_flowables(doc.sample, s, empty="")),
        ("references", "References and links", _references(doc, s)),
    ):
        heading = [_anchor(key, title, 1), Paragraph(title, s.heading)]
        story += _headed(heading, body or [Paragraph("<i>Not recorded.</i>", s.body)], width)
    return story


def _references(doc: BriefingDoc, s: Styles) -> list[Any]:
    from reportlab.platypus import Paragraph

    from audit_tool.reporting.style import inline

    refs = [r for r in doc.references if r.strip()]
    if not refs:
        return [Paragraph("<i>None given.</i>", s.body)]
    return [
        Paragraph(inline(ref, markup=False), s.bullet, bulletText=f"{i}.")
        for i, ref in enumerate(refs, 1)
    ]


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
        return Table(cells, colWidths=widths, rowHeights=row_h, style=_table_style(commands))

    story: list[Any] = [PageBreak(), _anchor("action-plan", "Action plan", 0)]
    story.append(Paragraph("Action plan", s.title))
    story.append(
        Paragraph(
            f"How our team used <b>{_plain_markup(_title(doc))}</b>. Fill this in "
            f"when you present the briefing and send a copy to "
            f"{_plain_markup(doc.partnership or 'the partnership')}.",
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
        style=_table_style(
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
        q = Paragraph(_plain_markup(question), s.bullet, bulletText=f"{i}.")
        story.append(KeepTogether([q, ruled([[""] for _ in range(3)], [width], 19), Spacer(1, 6)]))
    return story


# ---------------------------------------------------------------- the accessible PDF


def render_accessible_pdf(doc: BriefingDoc) -> bytes:
    """Text only, one column, portrait: the same content in reading order, headings as
    headings (and bookmarks), lists as lists, the grades as a table."""
    _check(doc)
    from audit_tool.reporting import style as st

    st.register_fonts()
    return _build(lambda info: _accessible(doc, info))


def _accessible(doc: BriefingDoc, info: _Pass) -> tuple[Any, list[Any]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    from audit_tool.reporting import style as st

    s = st.styles(11.5)
    m = st.MARGIN + 4
    pw, ph = A4

    def on_page(canv: Any, _tpl: Any) -> None:
        _footer(canv, doc, info, m)

    template = BaseDocTemplate(None, pagesize=A4, **_template_args(doc))
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
        _anchor("title", _title(doc), 0),
        Paragraph(_plain_markup(_title(doc)), s.title),
    ]
    for label, value in (
        ("Partnership", doc.partnership),
        ("Date", doc.date_text),
        ("Audience", doc.audience),
        ("Status", doc.status_label),
    ):
        if value.strip():
            story.append(Paragraph(f"<b>{label}:</b> {_plain_markup(value)}", s.body))
    story.append(
        Paragraph(
            "A 7-minute learning briefing in seven sections, to present at a team meeting.",
            s.body,
        )
    )

    def part(key: str, title: str, body: list[Any]) -> None:
        heading = Paragraph(_plain_markup(title), s.heading)
        story.extend(_headed([_anchor(key, title, 1), heading], body, pw - 2 * m))

    for section in doc.sections:
        body = _block_flowables(section.text, s, empty="Nothing recorded.")
        if section.number == 3:
            body += _grade_table(doc, s)
        part(f"section-{section.number}", f"{section.number}. {section.heading}", body)
    part(
        "sample",
        "About the sample and method",
        _block_flowables(doc.sample, s, empty="Not recorded."),
    )
    part("references", "References and links", _references(doc, s))
    questions = [
        Paragraph(_plain_markup(q), s.bullet, bulletText=f"{i}.")
        for i, q in enumerate(reflection_questions(doc), start=1)
    ]
    part("questions", "Questions for reflection", questions)
    return template, story


def _grade_table(doc: BriefingDoc, s: Styles) -> list[Any]:
    """The grade distribution as a table of counts (the accessible form of the chart)."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    from audit_tool.reporting import style as st

    rows, total = _grade_rows(doc)
    caption = Paragraph("Moderated grades", s.subheading)
    if not total:
        return [caption, Paragraph("No moderated grades recorded.", s.body)]
    data = [
        [Paragraph(f"<b>{h}</b>", s.body) for h in ("Grade", "Audits", "Share")],
        *[[Paragraph(_plain_markup(label), s.body), str(n), pct] for label, n, pct in rows],
        [Paragraph("<b>Total</b>", s.body), str(total), "100%"],
    ]
    table = Table(
        data,
        colWidths=[230, 70, 70],
        hAlign="LEFT",
        repeatRows=1,
        style=_table_style(
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
