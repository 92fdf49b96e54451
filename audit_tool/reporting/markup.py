"""The light markup that briefing sections are written in: blocks, inline emphasis, words.

The text comes from ``QTextDocument.toMarkdown()`` (or from the drafting service, which writes
the same subset): paragraphs separated by blank lines; bullet items starting with ``- ``,
``* ``, ``+ `` or ``• `` (indented by two spaces per nesting level); numbered items ``1. ``;
``> `` quotations; ``# `` headings; ``**bold**``/``__bold__``, ``*italic*``/``_italic_``;
backslash escapes (``\\*``, ``\\<``). Emphasis follows CommonMark's delimiter rules closely
enough that markers never cross: the output is always well nested, and a marker without a
partner is literal text.

Qt wraps what it writes at 80 columns (even in the middle of a long word) and writes a hard
line break as a bare newline, so a newline inside a block is read as a soft wrap only where Qt
would have wrapped; elsewhere it is kept as a line break.

Pure Python: no reportlab, so the services may count words without loading the PDF stack.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "bullet", "numbered", "heading", "quote"]

QT_COLUMNS = 80  # QTextMarkdownWriter's column limit
_WRAP_SLACK = 2  # tolerance when deciding whether Qt wrapped a line

_BULLET = re.compile(r"^(?P<indent> *)(?P<marker>[-*+•◦▪‣])[ \t]+(?P<rest>.*)$")
_NUMBERED = re.compile(r"^(?P<indent> *)(?P<marker>\d{1,9})[.)][ \t]+(?P<rest>.*)$")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<rest>.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(?P<rest>.*)$")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}'\"’”*_"
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Characters no PDF text can carry: C0/C1 controls (but tab and newlines), lone surrogates,
# and non-characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Block:
    """One block of a section: its inline text (light markup; hard line breaks as ``\\n``)."""

    kind: BlockKind
    text: str
    label: str = ""  # the number of a numbered item, e.g. "1."
    level: int = 0  # list nesting depth, 0 for a top-level item


@dataclass(frozen=True)
class Span:
    """A run of inline text with its emphasis; ``link`` is set for a bare URL."""

    text: str
    bold: bool = False
    italic: bool = False
    link: bool = False


def sanitize(text: str) -> str:
    """Unify line ends, make tabs spaces and drop characters no document can carry."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


# ---------------------------------------------------------------- blocks


def parse_blocks(text: str) -> list[Block]:
    """Split section text into paragraphs, list items, quotations and headings."""
    blocks: list[Block] = []
    kind: BlockKind | None = None
    label = ""
    level = 0
    lines: list[str] = []  # raw lines of the open block (as written, for the wrap rule)
    parts: list[str] = []  # their content

    def close() -> None:
        nonlocal kind
        if kind is not None:
            joined = _join(lines, parts).strip()
            if joined or kind != "paragraph":
                blocks.append(Block(kind, joined, label, level))
        kind = None
        lines.clear()
        parts.clear()

    for raw in sanitize(text).split("\n"):
        if not raw.strip():
            close()
            continue
        bullet = _BULLET.match(raw)
        numbered = None if bullet else _NUMBERED.match(raw)
        item = bullet or numbered
        if item is not None:
            close()
            kind = "bullet" if bullet else "numbered"
            label = "" if bullet else item.group("marker") + "."
            level = min(len(item.group("indent")) // 2, 3)
            lines.append(raw)
            parts.append(item.group("rest"))
            continue
        heading = _HEADING.match(raw)
        if heading is not None:
            close()
            blocks.append(Block("heading", heading.group("rest").strip()))
            continue
        quote = _QUOTE.match(raw)
        if quote is not None:
            if kind != "quote":
                close()
                kind, label, level = "quote", "", 0
            lines.append(raw)
            parts.append(quote.group("rest"))
            continue
        if kind is None or kind == "quote":
            close()
            kind, label, level = "paragraph", "", 0
        lines.append(raw)
        parts.append(raw.strip())
    close()
    return blocks


def _join(lines: list[str], parts: list[str]) -> str:
    """Join a block's lines, telling Qt's soft wraps from hard line breaks."""
    out: list[str] = []
    for i, (raw, part) in enumerate(zip(lines, parts, strict=True)):
        content = part.strip()
        hard = raw.endswith("  ")
        trailing = len(content) - len(content.rstrip("\\"))
        if trailing % 2 == 1 and i < len(parts) - 1:
            content, hard = content[:-1].rstrip(), True  # CommonMark's backslash line break
        if out:
            out.append(_separator(lines[i - 1], content))
        out.append(content)
        if hard and i < len(parts) - 1:
            out.append("\0")
    text = "".join(out)
    return re.sub(r"\0(?:\n|\s)*", "\n", text)


def _separator(prev_raw: str, nxt: str) -> str:
    prev = prev_raw.rstrip()
    if not prev or prev_raw.endswith("  "):
        return ""  # a hard break is already marked
    last_word = prev.rsplit(" ", 1)[-1]
    if len(prev) >= QT_COLUMNS and len(last_word) >= QT_COLUMNS // 2:
        return ""  # Qt cut a word longer than the column limit
    if re.search(r"(?:^|\s)[*_]+$", prev) or re.match(r"^[*_]+(?:\s|$)", nxt):
        return ""  # Qt wrapped between an emphasis marker and its word
    first_word = nxt.split(" ", 1)[0]
    if len(prev) + 1 + len(first_word) < QT_COLUMNS - _WRAP_SLACK:
        return "\n"  # the next word would have fitted: the writer broke the line on purpose
    if re.search(r"[^\s*_][*_]+$", prev) and re.match(r"^[.,;:!?)\]}’”]", nxt):
        return ""  # Qt wrapped between emphasis closing on a word and the stop after it
    return " "


# ---------------------------------------------------------------- inline


@dataclass
class _Delim:
    char: str
    count: int
    orig: int
    can_open: bool
    can_close: bool
    opens: list[str]
    closes: list[str]


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _is_punct(ch: str) -> bool:
    return ch != "" and unicodedata.category(ch)[0] in "PS"


def _tokens(text: str, emphasis: bool = True) -> list[str | _Delim | Span]:
    """Text pieces, emphasis delimiter runs and links (as link Spans), in order."""
    items: list[str | _Delim | Span] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if emphasis and ch == "\\" and i + 1 < n and text[i + 1] in _ASCII_PUNCT:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch in "hHwW" and (i == 0 or not text[i - 1].isalnum()):
            url = _URL.match(text, i)
            if url is not None:
                found = url.group(0).rstrip(_URL_TRAIL)
                if len(found) > 7:
                    if buf:
                        items.append("".join(buf))
                        buf.clear()
                    items.append(Span(found, link=True))
                    i += len(found)
                    continue
        if emphasis and ch in "*_":
            j = i
            while j < n and text[j] == ch:
                j += 1
            before = text[i - 1] if i > 0 else ""
            after = text[j] if j < n else ""
            left = not _is_space(after) and (
                not _is_punct(after) or _is_space(before) or _is_punct(before)
            )
            right = not _is_space(before) and (
                not _is_punct(before) or _is_space(after) or _is_punct(after)
            )
            if ch == "*":
                can_open, can_close = left, right
            else:
                can_open = left and (not right or _is_punct(before))
                can_close = right and (not left or _is_punct(after))
            if buf:
                items.append("".join(buf))
                buf.clear()
            items.append(_Delim(ch, j - i, j - i, can_open, can_close, [], []))
            i = j
            continue
        buf.append(ch)
        i += 1
    if buf:
        items.append("".join(buf))
    return items


def _match_emphasis(items: list[str | _Delim | Span]) -> None:
    """CommonMark's "process emphasis": pair delimiter runs into well-nested tags."""
    stack: list[_Delim] = []
    bottom: dict[tuple[str, bool, int], int] = {}
    for item in items:
        if not isinstance(item, _Delim):
            continue
        closer = item
        while closer.can_close and closer.count > 0:
            key = (closer.char, closer.can_open, closer.orig % 3)
            found = -1
            for k in range(len(stack) - 1, bottom.get(key, 0) - 1, -1):
                opener = stack[k]
                if opener.char != closer.char or not opener.can_open or opener.count == 0:
                    continue
                odd = (opener.can_close or closer.can_open) and (
                    (opener.orig + closer.orig) % 3 == 0
                    and not (opener.orig % 3 == 0 and closer.orig % 3 == 0)
                )
                if not odd:
                    found = k
                    break
            if found < 0:
                bottom[key] = len(stack)
                break
            opener = stack[found]
            used = 2 if opener.count >= 2 and closer.count >= 2 else 1
            tag = "b" if used == 2 else "i"
            opener.opens.insert(0, tag)
            closer.closes.append(tag)
            opener.count -= used
            closer.count -= used
            del stack[found + 1 :]  # openers in between stay literal
            if opener.count == 0:
                stack.pop()
            for bottom_key in list(bottom):
                bottom[bottom_key] = min(bottom[bottom_key], len(stack))
        if closer.can_open and closer.count > 0:
            stack.append(closer)


def parse_inline(text: str, *, emphasis: bool = True) -> list[Span]:
    """Split inline text into runs with their emphasis; unmatched markers stay literal.
    With ``emphasis=False`` (plain-text fields) only links are found."""
    items = _tokens(text, emphasis)
    _match_emphasis(items)
    spans: list[Span] = []
    bold = italic = 0

    def add(piece: str) -> None:
        if not piece:
            return
        if (
            spans
            and not spans[-1].link
            and (spans[-1].bold, spans[-1].italic)
            == (
                bold > 0,
                italic > 0,
            )
        ):
            spans[-1] = Span(spans[-1].text + piece, bold > 0, italic > 0)
        else:
            spans.append(Span(piece, bold > 0, italic > 0))

    for item in items:
        if isinstance(item, str):
            add(item)
        elif isinstance(item, Span):
            spans.append(Span(item.text, bold > 0, italic > 0, link=True))
        else:
            for tag in item.closes:
                bold, italic = (bold - 1, italic) if tag == "b" else (bold, italic - 1)
            add(item.char * item.count)
            for tag in item.opens:
                bold, italic = (bold + 1, italic) if tag == "b" else (bold, italic + 1)
    return spans


def plain(text: str) -> str:
    """Inline text without its markers (escapes resolved, line breaks kept)."""
    return "".join(span.text for span in parse_inline(sanitize(text)))


def word_count(text: str) -> int:
    """Words a reader sees: markers, bullets and item numbers are not counted."""
    return sum(
        1
        for block in parse_blocks(text)
        for word in plain(block.text).split()
        if any(ch.isalnum() for ch in word)
    )
