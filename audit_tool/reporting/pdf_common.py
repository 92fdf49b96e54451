"""Platypus machinery any of the app's PDFs can share: the two-pass build that prints
"Page N of M" and a contents page's page numbers, bookmarks with outline entries, table styles in
the embedded font, one-line canvas text that fits, and a running header and footer.

Import this module only inside functions that make a PDF: it loads reportlab.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from audit_tool.reporting import style as st
from audit_tool.reporting.markup import sanitize


@dataclass
class PassInfo:
    """What one build learnt and the next one quotes: the page count and where anchors landed."""

    total: int = 0
    pages: dict[str, int] = field(default_factory=dict)
    final: bool = False

    def page_text(self, number: int | None) -> str:
        """A page number for print: "?" until a first pass has counted the pages."""
        return str(number) if self.final and number else "?"

    def page_of(self, key: str) -> str:
        return self.page_text(self.pages.get(key))


@cache
def _dry_canvas() -> type:
    from reportlab.pdfgen.canvas import Canvas

    class DryCanvas(Canvas):
        """Lays pages out but writes nothing: the first pass only counts pages."""

        def save(self) -> None:
            return None

    return DryCanvas


def build_twice(make: Callable[[PassInfo], tuple[Any, list[Any]]]) -> bytes:
    """Build a document whose pages quote page numbers: a dry pass learns them, the next one
    prints them (and a third runs only if printing them moved the page count)."""
    info = PassInfo()
    buf = io.BytesIO()
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
            break
        info = PassInfo(total=pages, pages=dict(info.pages), final=True)
    return buf.getvalue()


def meta(text: str) -> str:
    """Text for the document information and outline: no font is involved, so only control
    characters and runs of white space go."""
    return " ".join(sanitize(text).split())


def anchor(
    key: str, title: str, level: int, info: PassInfo | None = None, *, closed: bool = False
) -> Any:
    """A zero-size flowable: a named destination and an outline entry where it lands, and the
    page it landed on recorded in ``info`` (for a contents page)."""
    from reportlab.platypus.flowables import CallerMacro

    def draw(macro: Any) -> None:
        canv = macro.canv
        canv.bookmarkHorizontal(key, 0, 0)
        canv.addOutlineEntry(meta(title), key, level=level, closed=closed)
        if info is not None:
            info.pages[key] = canv.getPageNumber()

    return CallerMacro(drawCallable=draw)


def table_style(commands: Sequence[tuple[Any, ...]], size: float = 8.0) -> Any:
    """A TableStyle whose cells use the embedded font (a Table's default is Helvetica, which
    would otherwise be referenced even by cells that only hold flowables)."""
    from reportlab.platypus import TableStyle

    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), st.FONT, size),
            ("LEADING", (0, 0), (-1, -1), round(size * 1.25, 2)),
            ("TEXTCOLOR", (0, 0), (-1, -1), st.INK),
            *commands,
        ]
    )


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


def draw_running_text(
    canv: Any,
    *,
    margin: float,
    left: Sequence[str],
    right: Sequence[str],
    top: bool = False,
    size: float = 7.0,
) -> None:
    """A header (``top``) or footer: up to a few lines left and right of a hairline, canvas text
    already cleaned (``style.clean``); a left line is shortened to leave room for the right."""
    width, height = canv._pagesize
    lead = size + 2.5
    lines = max(len(left), len(right), 1)
    if top:
        rule_y = height - margin * 0.6
        first_y = rule_y + 3 + (lines - 1) * lead
    else:
        rule_y = margin * 0.55 + (lines - 1) * lead + size + 3
        first_y = rule_y - size - 3
    canv.saveState()
    canv.setStrokeColor(st.GREY_LIGHT)
    canv.setLineWidth(st.HAIRLINE)
    canv.line(margin, rule_y, width - margin, rule_y)
    canv.setFillColor(st.GREY_DARK)
    canv.setFont(st.FONT, size)
    for i in range(lines):
        y = first_y - i * lead
        right_text = right[i] if i < len(right) else ""
        right_w = canv.stringWidth(right_text, st.FONT, size)
        if right_text:
            canv.drawRightString(width - margin, y, right_text)
        if i < len(left) and left[i]:
            room = width - 2 * margin - right_w - (16 if right_text else 0)
            canv.drawString(margin, y, fit_string(left[i], st.FONT, size, room))
    canv.restoreState()
