"""Bold, italic and bullet lists in a briefing's sections: the format bar that sits beside the
tabs with the running total of words, and the commands, which act on the section being edited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QTextCursor, QTextListFormat
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolBar,
    QWidget,
)

from audit_tool.ui.briefings.common import WORDS_PER_MINUTE
from audit_tool.ui.briefings.sections import SectionEdit

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView


class TextCorner(QWidget):
    """The format bar and the total of words, beside the tabs so the sections keep the height."""

    def __init__(self, actions: tuple[QAction, ...], can_edit: bool) -> None:
        super().__init__()
        self.format_bar = QToolBar()
        self.format_bar.setObjectName("briefings_formatBar")
        self.format_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions:
            self.format_bar.addAction(action)
        self.format_bar.setVisible(can_edit)
        self.total = QLabel()
        self.total.setObjectName("briefings_total")
        self.total.setToolTip(
            f"At about {WORDS_PER_MINUTE} words a minute, a steady pace for presenting; the "
            "rest of the seven minutes is for the team's questions"
        )
        format_row = QHBoxLayout(self)
        format_row.setContentsMargins(0, 0, 0, 0)
        format_row.addWidget(self.format_bar)
        format_row.addSpacing(12)
        format_row.addWidget(self.total)


class TextFormat:
    """Bold (Ctrl+B), italic (Ctrl+I) and bullets (Ctrl+Shift+L) for the section with the focus,
    or the last one that had it; the Bold and Italic buttons follow the cursor's format."""

    def __init__(self, view: BriefingsView) -> None:
        self.view = view
        self.active_edit: SectionEdit | None = None

    def focused(self, edit: SectionEdit) -> None:
        self.active_edit = edit
        self.sync()

    def target(self) -> SectionEdit | None:
        if not self.view.editable:
            return None
        focus = QApplication.focusWidget()
        if isinstance(focus, SectionEdit):
            return focus
        if isinstance(focus, QLineEdit | QPlainTextEdit):
            return None  # Ctrl+B in the title box is not meant for a section
        return self.active_edit

    def sync(self) -> None:
        edit = self.active_edit
        if edit is None:
            return
        fmt = edit.currentCharFormat()
        weight = fmt.fontWeight()
        self.view.bold_action.setChecked(int(getattr(weight, "value", weight)) > 500)
        self.view.italic_action.setChecked(fmt.fontItalic())

    def toggle_bold(self) -> None:
        edit = self.target()
        if edit is None:
            return
        weight = edit.currentCharFormat().fontWeight()
        bold = int(getattr(weight, "value", weight)) > 500
        edit.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        edit.setFocus()
        self.sync()

    def toggle_italic(self) -> None:
        edit = self.target()
        if edit is None:
            return
        edit.setFontItalic(not edit.currentCharFormat().fontItalic())
        edit.setFocus()
        self.sync()

    def toggle_bullets(self) -> None:
        edit = self.target()
        if edit is None:
            return
        cursor = edit.textCursor()
        cursor.beginEditBlock()
        if cursor.currentList() is not None:
            doc = edit.document()
            block = doc.findBlock(cursor.selectionStart())
            end = cursor.selectionEnd()
            while block.isValid() and block.position() <= end:
                text_list = block.textList()
                if text_list is not None:
                    text_list.remove(block)
                    fmt = block.blockFormat()
                    fmt.setIndent(0)
                    QTextCursor(block).setBlockFormat(fmt)
                block = block.next()
        else:
            cursor.createList(QTextListFormat.Style.ListDisc)
        cursor.endEditBlock()
        edit.setFocus()
