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

from audit_tool.reporting.briefing_pdf.accessible import render_accessible_pdf
from audit_tool.reporting.briefing_pdf.content import (
    DEFAULT_REFLECTION_QUESTIONS,
    PAGE_ONE_WORDS,
    BriefingDoc,
    SectionDoc,
    reflection_questions,
)
from audit_tool.reporting.briefing_pdf.designed import render_pdf
from audit_tool.reporting.briefing_pdf.text import render_text

__all__ = [
    "DEFAULT_REFLECTION_QUESTIONS",
    "PAGE_ONE_WORDS",
    "BriefingDoc",
    "SectionDoc",
    "reflection_questions",
    "render_accessible_pdf",
    "render_pdf",
    "render_text",
]
