"""Page one of the designed briefing (A4 landscape): the seven section boxes around the "7"
clock face, each holding as much of its section as fits and pointing to the page with the
rest, under the title band with the logo."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from audit_tool.reporting.briefing_pdf.common import (
    Pass,
    block_flowables,
    fit_string,
)
from audit_tool.reporting.briefing_pdf.content import (
    CONTINUED,
    BriefingDoc,
    SectionDoc,
    is_draft,
    title_of,
)


@dataclass
class Box:
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


def cover_layout(doc: BriefingDoc) -> list[Box]:
    """Place the seven boxes: 1-3 down the left, 4-6 down the right, the "7" clock face at
    the top of the centre column and section 7 beneath it."""
    g = _grid()
    boxes: list[Box] = []
    for i, section in enumerate(doc.sections[:6]):
        col, row = divmod(i, 3)
        x = g.margin if col == 0 else g.centre_x + g.centre_w + _GUTTER
        y = g.top - (row + 1) * g.row_h - row * _GUTTER
        boxes.append(Box(section, x, y, g.side_w, g.row_h))
    seven_top = g.top - g.clock_h - _GUTTER
    boxes.append(
        Box(
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


def _fill_box(box: Box) -> None:
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
    flowables = block_flowables(box.section.text, s)
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


def draw_cover(canv: Any, doc: BriefingDoc, boxes: list[Box], info: Pass) -> None:
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
    if is_draft(doc):  # a draft says so where nobody can miss it
        tag = st.clean(doc.status_label).upper() or "DRAFT"
        tag = fit_string(tag, st.FONT_BOLD, 9, 150)
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
    canv.drawString(left, y + h - 18, fit_string(partnership, st.FONT_BOLD, 8, text_w))
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
    canv.drawString(left, y + 10, fit_string(meta, st.FONT, 8.5, text_w))
    title = _clamped_paragraph(title_of(doc), title_style, text_w, 1)
    _tw, th = title.wrap(text_w, 100)
    if th > 21 or title.getPlainText().endswith("\u2026"):
        title_style = ParagraphStyle("band-title-2", parent=title_style, fontSize=12.5, leading=14)
        title = _clamped_paragraph(title_of(doc), title_style, text_w, 2)
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


def _draw_box(canv: Any, box: Box, info: Pass) -> None:
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
