"""The briefing's text: each section's rich-text box, its frame with heading, redraft button and
word count, and the Text tab that lays the seven out in a page that scrolls."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services.briefings import SECTIONS, WORD_BUDGET
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import MUTED_STYLE, OVER_STYLE, SECTION_MIN_LINES, words_text


class SectionEdit(QTextEdit):
    """One section's text. It grows with its text (the page scrolls, not each box), Tab moves
    on, and pasting brings plain text only: the briefing keeps its own few formats."""

    focused = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setAcceptRichText(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(lambda _size: self._fit())
        self._fit()

    def _fit(self) -> None:
        doc = self.document()
        lines = self.fontMetrics().lineSpacing() * SECTION_MIN_LINES + 2 * doc.documentMargin()
        height = int(max(doc.size().height(), lines)) + 2 * self.frameWidth() + 2
        if height != self.height():
            self.setFixedHeight(height)

    def markdown(self) -> str:
        return self.toMarkdown().rstrip()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.focused.emit()


class SectionBox(QFrame):
    """A numbered heading with its "Redraft from audits" button, the text, the word count."""

    def __init__(self, number: int, key: str, heading: str) -> None:
        super().__init__()
        self.key, self.heading = key, heading
        self.words = 0
        self.setObjectName(f"briefings_section_{key}")
        self.setFrameShape(QFrame.Shape.NoFrame)
        label = QLabel(f"{number}. {heading}")
        label.setObjectName(f"briefings_heading_{key}")
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
        self.edit = SectionEdit()
        self.edit.setObjectName(f"briefings_text_{key}")
        self.edit.setAccessibleName(f"Section {number}: {heading}")
        label.setBuddy(self.edit)
        self.redraft_button = QPushButton("Redraft from audits")
        self.redraft_button.setObjectName(f"briefings_redraft_{key}")
        self.redraft_button.setAccessibleName(f"Redraft '{heading}' from the audits")
        self.redraft_button.setToolTip(
            f"Draft '{heading}' again from the audits' current data; the other sections stay "
            "as they are"
        )
        self.count = QLabel()
        self.count.setObjectName(f"briefings_words_{key}")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.count.setToolTip(
            f"Page one shows about {WORD_BUDGET} words of each section; the rest goes on the "
            "detail pages"
        )
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(label, 1)
        top.addWidget(self.redraft_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.edit)
        layout.addWidget(self.count)

    def update_count(self) -> int:
        from audit_tool.reporting.markup import word_count

        words = self.words = word_count(self.edit.markdown())
        self.count.setText(words_text(words))
        themes.styled(self.count, OVER_STYLE if words > WORD_BUDGET else MUTED_STYLE)
        return words


class TextTab(QWidget):
    """The Text tab: the seven section boxes in a page that scrolls."""

    def __init__(self, can_edit: bool) -> None:
        super().__init__()
        self.boxes: dict[str, SectionBox] = {}
        body = QWidget()
        body.setObjectName("briefings_sections")
        # Two columns, like the seven boxes of page one; "What to do" (the longest, with the
        # questions for reflection) takes the whole last row.
        body_layout = QGridLayout(body)
        body_layout.setContentsMargins(4, 4, 12, 4)
        body_layout.setHorizontalSpacing(16)
        body_layout.setVerticalSpacing(10)
        body_layout.setColumnStretch(0, 1)
        body_layout.setColumnStretch(1, 1)
        for number, (key, heading) in enumerate(SECTIONS, start=1):
            box = SectionBox(number, key, heading)
            box.redraft_button.setVisible(can_edit)
            row, column = divmod(number - 1, 2)
            span = 2 if number == len(SECTIONS) and column == 0 else 1
            body_layout.addWidget(box, row, column, 1, span, Qt.AlignmentFlag.AlignTop)
            self.boxes[key] = box
        body_layout.setRowStretch(body_layout.rowCount(), 1)
        self.sections_body = body
        self.sections_scroll = QScrollArea()
        self.sections_scroll.setObjectName("briefings_scroll")
        self.sections_scroll.setWidgetResizable(True)
        self.sections_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.sections_scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.sections_scroll, 1)

    def follow_cursor(self, edit: SectionEdit) -> None:
        """Keep the cursor in view as the page scrolls, not the (growing) box."""
        if not edit.hasFocus():
            return
        rect = edit.cursorRect()
        point = edit.viewport().mapTo(self.sections_body, rect.center())
        self.sections_scroll.ensureVisible(point.x(), point.y(), 20, rect.height() + 8)

    def update_counts(self) -> int:
        """Count every section's words again; the total."""
        return sum(box.update_count() for box in self.boxes.values())

    def total_words(self) -> int:
        """The total from the counts as they stand."""
        return sum(box.words for box in self.boxes.values())
