"""What a 7-minute briefing holds (BriefingDoc, SectionDoc) and the content its three
renderings share: the checks, the title, the draft mark, the reflection questions and the
grade rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit_tool.reporting.markup import parse_blocks, plain

if TYPE_CHECKING:
    pass


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


def check(doc: BriefingDoc) -> None:
    numbers = [s.number for s in doc.sections]
    if numbers != list(range(1, 8)):
        raise ValueError(f"a briefing has seven sections numbered 1 to 7, not {numbers}")


def title_of(doc: BriefingDoc) -> str:
    return doc.title.strip() or "7-minute briefing"


def is_draft(doc: BriefingDoc) -> bool:
    return doc.status_label.strip().lower().startswith("draft")


def reflection_questions(doc: BriefingDoc) -> tuple[str, ...]:
    """The questions in section 7 (items or paragraphs ending with "?"), else the defaults."""
    found = []
    for block in parse_blocks(doc.sections[6].text):
        text = plain(block.text).strip().rstrip("\"'\u201d\u2019 ").strip()
        if text.endswith("?") and block.kind != "heading":
            found.append(" ".join(plain(block.text).split()))
    return tuple(found) or DEFAULT_REFLECTION_QUESTIONS


def grade_rows(doc: BriefingDoc) -> tuple[list[tuple[str, int, str]], int]:
    total = sum(max(n, 0) for _label, n in doc.grade_counts)
    rows = [
        (label, max(n, 0), f"{round(100 * max(n, 0) / total)}%" if total else "")
        for label, n in doc.grade_counts
    ]
    return rows, total


def keywords(doc: BriefingDoc) -> list[str]:
    words = ["7-minute briefing", "learning briefing", "safeguarding", "case file audit"]
    return words + [w for w in (doc.partnership.strip(), doc.status_label.strip()) if w]
