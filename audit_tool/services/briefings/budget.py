"""Keeping a drafted section within the words page one shows (WORD_BUDGET, counted as the
editor counts them): whole parts left out by priority, then whole sentences from the end; a
word is never cut. Only a single sentence longer than the whole budget is shortened, at a
word boundary, with an ellipsis."""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit_tool.reporting.markup import word_count
from audit_tool.services.briefings.records import WORD_BUDGET

# Where a sentence ends: its stop, any closing quotes or brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*(?=\s)")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){1,3}$|(?:^|\s)(?:e\.g|i\.e|etc)\.?$", re.I)


@dataclass(frozen=True)
class Part:
    """A line (or lines) of a section. `keep` 0 is always kept; the highest is left out
    first, the latest of equals first. `gap` puts a blank line before it."""

    text: str
    keep: int = 0
    gap: bool = False


def join_parts(parts: list[Part]) -> str:
    lines: list[str] = []
    for part in parts:
        if part.gap and lines:
            lines.append("")
        lines.append(part.text)
    return "\n".join(lines)


def fit_parts(parts: list[Part], budget: int = WORD_BUDGET) -> str:
    """The parts, in their order, less those that do not fit (by priority), trimmed."""
    chosen = list(parts)
    while word_count(join_parts(chosen)) > budget:
        droppable = [(p.keep, i) for i, p in enumerate(chosen) if p.keep > 0]
        if not droppable:
            break
        _keep, index = max(droppable)
        del chosen[index]
    if chosen and chosen[0].gap:
        chosen[0] = Part(chosen[0].text, chosen[0].keep)
    return trim(join_parts(chosen), budget)


def _balanced(prefix: str) -> bool:
    """Whether emphasis and quotation marks opened in `prefix` are closed in it."""
    return (
        prefix.count("*") % 2 == 0
        and prefix.count('"') % 2 == 0
        and prefix.count("“") == prefix.count("”")
    )


def sentences(text: str) -> list[str]:
    """The sentences of one line of text, each with its stop (the last may have none)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        piece = text[start:end]
        if _ABBREVIATION.search(piece) or not _balanced(text[:end]):
            continue
        out.append(piece.strip())
        start = end
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def _cut_words(line: str, budget: int) -> str:
    """The line's first words, as many as fit with an ellipsis (the last resort)."""
    words = line.split()
    while words and word_count(" ".join(words) + "…") > budget:
        words.pop()
    return " ".join(words).rstrip(",;:") + "…" if words else ""


def trim(text: str, budget: int = WORD_BUDGET) -> str:
    """`text` within `budget` words: whole sentences (and lines) taken from its end."""
    lines = text.rstrip().split("\n")
    while word_count("\n".join(lines)) > budget:
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            break
        pieces = sentences(lines[-1])
        if len(pieces) > 1:
            indent = lines[-1][: len(lines[-1]) - len(lines[-1].lstrip())]
            lines[-1] = indent + " ".join(pieces[:-1])
        elif any(line.strip() for line in lines[:-1]):
            lines.pop()
        else:
            lines[-1] = _cut_words(lines[-1], budget)
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)
