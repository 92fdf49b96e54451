"""The one style for every PDF the app makes: fonts, colours, spacing, paragraph styles, and the
escaping helper that all user text goes through before it becomes a reportlab ``Paragraph``.

Fonts: the DejaVu Sans family shipped in ``audit_tool/resources/fonts`` is registered as a
TrueType family, so ``<b>``/``<i>`` work inside paragraphs and every PDF embeds (subsets of) its
fonts; no base-14 font is used. Colours: a dark navy primary, one amber accent and greys, chosen
so that a page printed in greyscale reads the same: contrast, weight and labels carry meaning,
never hue alone.

Import this module only inside functions that make a PDF: it loads reportlab.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from audit_tool.reporting.markup import Span, parse_inline, sanitize
from audit_tool.resources import resource

# ---------------------------------------------------------------- fonts

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
MISSING_GLYPH = "\ufffd"  # printed for a character the font has no glyph for
_lock = threading.Lock()


def register_fonts() -> str:
    """Register the DejaVu Sans family once per process; return the family name."""
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FONT_FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
    return FONT


@cache
def _glyphs() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


# Invisible characters that are dropped, not shown as missing, when the font lacks them:
# zero-width joiners and spaces, variation selectors, emoji skin-tone modifiers, tags.
_IGNORABLE = (
    (0x200B, 0x200F),
    (0x2060, 0x2064),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0x1F3FB, 0x1F3FF),
    (0xE0000, 0xE007F),
)


def _printable(text: str) -> str:
    glyphs = _glyphs()
    out = []
    for ch in text:
        code = ord(ch)
        if (code in glyphs and code <= 0xFFFF) or ch in "\n ":
            # Beyond the BMP reportlab writes a broken ToUnicode entry: show the mark instead.
            out.append(ch)
        elif any(lo <= code <= hi for lo, hi in _IGNORABLE):
            continue
        else:
            out.append(_missing_glyph())
    return "".join(out)


@cache
def _missing_glyph() -> str:
    return MISSING_GLYPH if ord(MISSING_GLYPH) in _glyphs() else "?"


# ---------------------------------------------------------------- colours and spacing

PRIMARY = colors.HexColor("#17375E")  # dark navy: headings, number discs, rules
PRIMARY_LIGHT = colors.HexColor("#D9E2EC")  # pale navy: small text on a PRIMARY band
ACCENT = colors.HexColor("#E0A030")  # amber: the one accent (the seven minutes, draft tag)
INK = colors.HexColor("#1B1F23")  # body text
GREY_DARK = colors.HexColor("#4A5560")  # secondary text, captions
GREY = colors.HexColor("#8C969F")  # rules, ticks
GREY_LIGHT = colors.HexColor("#D5DADF")  # hairlines, form lines
TINT = colors.HexColor("#F1F4F7")  # box background
WHITE = colors.white

SPACE_XS = 2.0
SPACE_S = 4.0
SPACE_M = 8.0
SPACE_L = 14.0
SPACE_XL = 22.0
MARGIN = 14 * mm  # page margin of portrait pages
MARGIN_COVER = 10 * mm  # page margin of the landscape page one
HAIRLINE = 0.5
RULE = 1.2


# ---------------------------------------------------------------- paragraph styles


@dataclass(frozen=True)
class Styles:
    """Paragraph styles for one body size; make them with ``styles(size)``."""

    title: Any
    heading: Any
    subheading: Any
    body: Any
    small: Any
    bullet: Any
    quote: Any
    size: float


@cache
def styles(size: float = 10.0, line_spacing: float = 1.3) -> Styles:
    """Paragraph styles scaled to a body text size (points) and line spacing (times size)."""
    register_fonts()
    name = f"{size}-{line_spacing}"
    leading = round(size * line_spacing, 2)
    body = ParagraphStyle(
        f"body{name}",
        fontName=FONT,
        fontSize=size,
        leading=leading,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=size * 0.45,
        splitLongWords=1,
        allowWidows=0,
        allowOrphans=0,
        bulletFontName=FONT,
        bulletFontSize=size,
    )
    return Styles(
        title=ParagraphStyle(
            f"title{name}",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size * 2.0,
            leading=size * 2.4,
            textColor=PRIMARY,
            spaceAfter=size * 0.6,
        ),
        heading=ParagraphStyle(
            f"heading{name}",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size * 1.35,
            leading=size * 1.7,
            textColor=PRIMARY,
            spaceBefore=size * 1.2,
            spaceAfter=size * 0.5,
        ),
        subheading=ParagraphStyle(
            f"subheading{name}",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size * 1.05,
            leading=size * 1.4,
            textColor=PRIMARY,
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.3,
        ),
        body=body,
        small=ParagraphStyle(
            f"small{name}",
            parent=body,
            fontSize=size * 0.8,
            leading=size * 1.05,
            textColor=GREY_DARK,
            spaceAfter=size * 0.3,
        ),
        bullet=ParagraphStyle(
            f"bullet{name}",
            parent=body,
            leftIndent=size * 1.2,
            bulletIndent=size * 0.15,
            spaceAfter=size * 0.25,
        ),
        quote=ParagraphStyle(
            f"quote{name}",
            parent=body,
            leftIndent=size * 1.2,
            textColor=GREY_DARK,
            fontName=FONT_ITALIC,
        ),
        size=size,
    )


# ---------------------------------------------------------------- escaping


def _escape(text: str, *, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;").replace("'", "&#39;")
    return text


def _span_markup(span: Span, links: bool) -> str:
    body = _escape(_printable(span.text)).replace("\n", "<br/>")
    if span.link and links:
        href = span.text if "://" in span.text else "https://" + span.text
        body = f'<a href="{_escape(href, attribute=True)}" underline="1">{body}</a>'
    if span.italic:
        body = f"<i>{body}</i>"
    if span.bold:
        body = f"<b>{body}</b>"
    return body


def inline(text: str, *, markup: bool = True, links: bool = True) -> str:
    """User text as safe ``Paragraph`` markup.

    Escapes ``& < >``; with ``markup`` (section text) turns ``**bold**``/``__bold__`` and
    ``*italic*``/``_italic_`` into ``<b>``/``<i>`` (a marker without a partner prints as
    itself), without it (titles, headings, names) prints every character as typed; with
    ``links`` makes bare URLs links. Keeps line breaks, drops control characters and prints
    characters the font lacks (most emoji, for instance) as a replacement mark rather than
    failing.
    """
    spans = parse_inline(sanitize(text), emphasis=markup)
    return "".join(_span_markup(span, links) for span in spans)


def clean(text: str) -> str:
    """Plain user text for drawing straight on a canvas: one line, printable, no markup."""
    return _printable(" ".join(sanitize(text).split()))
