"""Typesetting a document model as tagged PDF/UA-1 with Typst, the same on every OS.

The layout is one fixed Typst file shipped in resources/typst; the document (every word a user
or the data supplied) goes in as JSON through ``sys.inputs``, so it is read as data and never
parsed as Typst markup. Only the DejaVu fonts shipped in resources/fonts are used (no system
or built-in fonts), so the output does not depend on the machine; characters those fonts
cannot show are replaced with U+FFFD first, since PDF/UA-1 forbids text without a glyph.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from audit_tool.resources import resource

TEMPLATE = ("typst", "tagged.typ")
FONT_FILES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
)
REPLACEMENT = "\ufffd"


class TypesettingError(RuntimeError):
    """Typst refused the document: a bug of ours (the model is built by code), not the user's."""


@cache
def shown_characters() -> frozenset[int]:
    """The code points every shipped DejaVu style has a glyph for (bold, italic included)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    sets = []
    for name in FONT_FILES:
        cmap = TTFontFile(str(resource("fonts", name))).charToGlyph
        sets.append({code for code, glyph in cmap.items() if glyph})
    return frozenset(set.intersection(*sets))


def showable(text: str) -> str:
    """``text`` with every character the fonts lack replaced (line breaks and spaces kept)."""
    shown = shown_characters()
    if all(ord(ch) in shown or ch in "\n " for ch in text):
        return text
    return "".join(ch if ord(ch) in shown or ch in "\n " else REPLACEMENT for ch in text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return showable(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@cache
def _fonts() -> Any:
    import typst

    return typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(resource("fonts"))],
    )


def render(document: dict[str, Any], *, created: datetime | None = None) -> bytes:
    """The document model (see ``document.Document.as_json``) as PDF/UA-1 bytes.

    ``created`` stamps the PDF's dates (default: now), so the same input can give the same
    bytes."""
    import typst

    source = resource(*TEMPLATE).read_bytes()
    data = json.dumps(_clean(document), ensure_ascii=False)
    when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    try:
        # A compiler per document: exports run in worker threads, and the fonts are shared.
        pdf = typst.Compiler(font_paths=_fonts(), ignore_system_fonts=True).compile(
            input=source,
            format="pdf",
            sys_inputs={"document": data},
            pdf_standards="ua-1",
            timestamp=when,
        )
    except typst.TypstError as exc:
        raise TypesettingError(f"the accessible PDF could not be typeset: {exc.message}") from exc
    if not isinstance(pdf, bytes):  # one document gives one PDF
        raise TypesettingError("Typst returned no PDF")
    return pdf
