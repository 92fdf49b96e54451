"""The document model of the accessible PDFs: sections of blocks, built in Python, as JSON.

A block is a paragraph (text spans, bold, italic or a web link), a note, a sub-heading, a list
(nested, bulleted or numbered), a quotation, a table (caption, column headers, rows, an
optional total row) or a bar chart (caption, alternative text stating every value). The Typst
layout (resources/typst/tagged.typ) draws exactly these kinds and tags each for assistive
technology; every string here stays a string there, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from audit_tool.reporting.markup import Block, parse_blocks, parse_inline, sanitize

Json = dict[str, Any]
Align = Literal["left", "right", "centre"]


def text_span(text: str, *, bold: bool = False, italic: bool = False) -> Json:
    return {"text": sanitize(text), "bold": bold, "italic": italic}


def para(*parts: str | Json) -> Json:
    """A paragraph of plain strings and spans (``text_span``)."""
    return {"kind": "para", "spans": [p if isinstance(p, dict) else text_span(p) for p in parts]}


def note(text: str) -> Json:
    """A paragraph set apart in a shaded box (a caution or a reading note)."""
    return {"kind": "note", "spans": [text_span(text)]}


def sub_heading(text: str) -> Json:
    return {"kind": "heading", "level": 3, "text": sanitize(text)}


def bullets(items: Iterable[str]) -> Json:
    return {
        "kind": "list",
        "ordered": False,
        "items": [{"spans": [text_span(t)], "number": None, "children": []} for t in items],
    }


def numbered(items: Iterable[str]) -> Json:
    return {
        "kind": "list",
        "ordered": True,
        "items": [
            {"spans": [text_span(t)], "number": i, "children": []}
            for i, t in enumerate(items, start=1)
        ],
    }


@dataclass(frozen=True)
class Column:
    title: str
    align: Align = "left"


def table(
    caption: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    total: Sequence[str] | None = None,
) -> Json:
    """A data table: one header row (tagged TH, scope column), body rows, a total row."""
    width = len(columns)
    body = [[sanitize(str(cell)) for cell in row] for row in rows]
    for row in [*body, *([list(total)] if total is not None else [])]:
        if len(row) != width:
            raise ValueError(f"table '{caption}': a row of {len(row)} cells under {width} columns")
    return {
        "kind": "table",
        "caption": sanitize(caption),
        "columns": [{"title": sanitize(c.title), "align": c.align} for c in columns],
        "rows": body,
        "total": [sanitize(str(c)) for c in total] if total is not None else None,
    }


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # drawn against the chart's scale
    shown: str  # the value as written beside the bar and in the alternative text, e.g. "62.5%"


def bar_chart(caption: str, bars: Sequence[Bar], *, scale: float, summary: str) -> Json:
    """Horizontal bars against ``scale`` (100 for percentages). The alternative text is the
    ``summary`` followed by every bar's label and value, so nothing is only in the picture."""
    if not bars:
        raise ValueError(f"chart '{caption}' has no bars")
    stated = "; ".join(f"{b.label}: {b.shown}" for b in bars)
    return {
        "kind": "chart",
        "caption": sanitize(caption),
        "alt": sanitize(f"{summary.rstrip('.')}. {stated}."),
        "bars": [
            {
                "label": sanitize(b.label),
                "value": sanitize(b.shown),
                "share": min(max(b.value / scale, 0.0), 1.0) if scale > 0 else 0.0,
            }
            for b in bars
        ],
    }


# ---------------------------------------------------------------- light markup


def _spans(text: str, *, emphasis: bool = True) -> list[Json]:
    out = []
    for span in parse_inline(text, emphasis=emphasis):
        item = {"text": span.text, "bold": span.bold, "italic": span.italic}
        if span.link:
            url = span.text if "://" in span.text else f"https://{span.text}"
            item["url"] = url
        out.append(item)
    return out


def from_markup(text: str, *, heading_level: int = 3) -> list[Json]:
    """Section text in the briefings' light markup (reporting/markup.py) as blocks: its
    headings one level below the section's, its lists nested as written."""
    blocks: list[Json] = []
    # The open lists, outermost first: (level, list block).
    stack: list[tuple[int, Json]] = []
    for block in parse_blocks(sanitize(text)):
        if block.kind not in ("bullet", "numbered"):
            stack.clear()
            blocks.append(_single(block, heading_level))
            continue
        ordered = block.kind == "numbered"
        while stack and (
            stack[-1][0] > block.level
            or (stack[-1][0] == block.level and stack[-1][1]["ordered"] != ordered)
        ):
            stack.pop()
        item = {"spans": _spans(block.text), "number": _number(block), "children": []}
        if stack and stack[-1][0] == block.level:
            stack[-1][1]["items"].append(item)
            continue
        new = {"kind": "list", "ordered": ordered, "items": [item]}
        if stack and stack[-1][1]["items"]:
            stack[-1][1]["items"][-1]["children"].append(new)
        else:
            blocks.append(new)
        stack.append((block.level, new))
    return blocks


def linked_list(items: Iterable[str]) -> Json:
    """A numbered list of references: text as typed (no emphasis), web addresses as links."""
    return {
        "kind": "list",
        "ordered": True,
        "items": [
            {"spans": _spans(sanitize(t), emphasis=False), "number": i, "children": []}
            for i, t in enumerate(items, start=1)
        ],
    }


def _number(block: Block) -> int | None:
    digits = "".join(ch for ch in block.label if ch.isdigit())
    return int(digits) if digits and block.kind == "numbered" else None


def _single(block: Block, heading_level: int) -> Json:
    if block.kind == "heading":
        return {"kind": "heading", "level": heading_level, "text": _plain(block.text)}
    if block.kind == "quote":
        return {"kind": "quote", "spans": _spans(block.text)}
    return {"kind": "para", "spans": _spans(block.text)}


def _plain(text: str) -> str:
    return "".join(span.text for span in parse_inline(text))


@dataclass
class Section:
    heading: str
    blocks: list[Json] = field(default_factory=list)


@dataclass
class Document:
    """What the layout takes: the title (the one H1), front matter, sections (H2 each)."""

    title: str
    author: str
    description: str
    keywords: list[str]
    footer: str
    language: str = "en-GB"  # a BCP 47 tag: language and region
    front: list[Json] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def as_json(self) -> Json:
        lang, _, region = self.language.partition("-")
        if not (lang.isalpha() and len(lang) in (2, 3) and (not region or len(region) == 2)):
            raise ValueError(f"not a language tag the layout takes: {self.language!r}")
        return {
            "lang": lang.lower(),
            "region": region.upper() or None,
            "title": sanitize(self.title),
            "author": sanitize(self.author),
            "description": sanitize(self.description),
            "keywords": [sanitize(k) for k in self.keywords],
            "footer": sanitize(self.footer),
            "front": self.front,
            "sections": [
                {"heading": sanitize(s.heading), "blocks": s.blocks} for s in self.sections
            ],
        }
