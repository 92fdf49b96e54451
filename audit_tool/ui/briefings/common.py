"""What the parts of the Briefings view share: the limits, styles and wording, and the small
helpers for dates, counts, file names, combo boxes and the view's settings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QComboBox, QCompleter

from audit_tool.services.briefings import STATUS_LABELS, WORD_BUDGET, BriefingRow

AUTOSAVE_IDLE_MS = 2500  # save this long after typing stops...
AUTOSAVE_MAX_MS = 10_000  # ...and at the latest this long after the first unsaved change
# A steady presenting pace; the rest of the seven minutes is for the team's questions.
WORDS_PER_MINUTE = 130
OVER_STYLE = "color: $error; font-weight: bold;"
MUTED_STYLE = "color: $muted;"
OK_STYLE = "color: $success;"
MAX_COLUMN_CHARS = 43  # in average characters of the table font
SECTION_MIN_LINES = 4
EMPTY_LEAD = "No briefings yet. New briefing... drafts one from a programme's moderated audits."
EMPTY_READER = "No published briefings yet. A QA lead publishes them here for teams to use."
PUBLISH_TEXT = (
    "Publishing freezes the text and the PDF: this version can no longer be changed, and every "
    "export of it gives the same file. New version... makes an editable copy later.\n\n"
    "Publish '{title}' now?"
)


def local_day(moment: datetime) -> date:
    """The user's calendar day of a stored moment (stored in UTC; SQLite may drop the zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def words_text(words: int) -> str:
    """ "72 / 80 words", or "96 / 80 words: over budget" (said in words, not colour alone)."""
    text = f"{words} / {WORD_BUDGET} words"
    return text + ": over budget" if words > WORD_BUDGET else text


def total_text(words: int) -> str:
    minutes = words / WORDS_PER_MINUTE
    if minutes < 0.75:
        time = "under a minute"
    else:
        n = max(1, round(minutes))
        time = f"about {plural(n, 'minute')}"
    return f"Total {plural(words, 'word')}, {time} to present"


def status_text(row: BriefingRow) -> str:
    return f"{STATUS_LABELS.get(row.status, row.status)}, version {row.version}"


def export_paths(pdf: Path) -> tuple[Path, Path]:
    """The accessible versions written beside a PDF: <stem>-text.pdf and <stem>.txt."""
    return pdf.with_name(f"{pdf.stem}-text.pdf"), pdf.with_name(f"{pdf.stem}.txt")


def file_stem(title: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\s]+', " ", title).strip(" .")
    return stem[:80] or "briefing"


def canonical(markdown: str) -> str:
    """Section text as Qt writes it, whitespace folded: two texts that read the same compare
    equal however they were wrapped or escaped."""
    doc = QTextDocument()
    doc.setMarkdown(markdown)
    return " ".join(doc.toMarkdown().split())


def hits_text(hits: list[Any]) -> str:
    return "\n".join(f"• {hit}" for hit in hits)


def when_text(moment: datetime) -> str:
    """ "at 14:05" today, else "on 3 March 2026": when a stored moment was, in local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    if local.date() == date.today():
        return f"at {local:%H:%M}"
    return f"on {day_text(local.date())}"


def searchable(combo: QComboBox, placeholder: str) -> None:
    """An editable combo box whose completion finds what is typed anywhere in an item."""
    edit, completer = combo.lineEdit(), combo.completer()
    assert edit is not None and completer is not None
    edit.setPlaceholderText(placeholder)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)


def setting(key: str, default: Any) -> Any:
    """The view's remembered setting `briefings/<key>` (booleans read back as booleans)."""
    from audit_tool.ui.settings import app_settings

    value = app_settings().value(f"briefings/{key}", default)
    if isinstance(default, bool) and isinstance(value, str):
        return value.lower() == "true"
    return value


def store_setting(key: str, value: Any) -> None:
    from audit_tool.ui.settings import app_settings

    app_settings().setValue(f"briefings/{key}", value)
