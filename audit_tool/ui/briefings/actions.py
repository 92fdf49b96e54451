"""The Briefings view's commands as QActions: their text, tip, shortcut and object name, what
each one runs, and which of them a role sees. The view shares them with its toolbars, its tabs'
buttons and the list's context menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence

from audit_tool.ui.briefings import drafting
from audit_tool.ui.briefings.usage import record_use

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView


class Commands:
    """One QAction per command, each added to the view so its shortcut works anywhere in it."""

    def __init__(self, view: BriefingsView) -> None:
        self.view = view
        self._build_briefing_commands()
        self._build_format_commands()
        for action in (
            self.new_action,
            self.save_action,
            self.check_action,
            self.new_version_action,
            self.record_action,
            self.bold_action,
            self.italic_action,
            self.bullet_action,
        ):
            action.setVisible(view.can_edit)
        self.publish_action.setVisible(view.can_publish)
        self.allow_action.setVisible(view.can_override)

    def _action(
        self, text: str, tip: str, shortcut: str | None, slot: Callable[[], None], name: str
    ) -> QAction:
        action = QAction(text, self.view)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.view.addAction(action)
        return action

    def _build_briefing_commands(self) -> None:
        view, act = self.view, self._action
        self.new_action = act(
            "&New briefing...",
            "Draft a briefing from moderated audits",
            "Ctrl+N",
            lambda: drafting.new_briefing(view),
            "briefings_new",
        )
        self.save_action = act(
            "&Save",
            "Save now (Ctrl+S); edits also save as you type",
            "Ctrl+S",
            view.saving.save_now,
            "briefings_save",
        )
        self.check_action = act(
            "Check for &names...",
            "Look for case references, initials and people's names in the text",
            None,
            view.names_check.run,
            "briefings_check",
        )
        self.export_action = act(
            "&Export PDF...",
            "Write the briefing as a PDF",
            "Ctrl+E",
            view.export_publish.export_pdf,
            "briefings_export",
        )
        self.publish_action = act(
            "&Publish...",
            "Freeze this version's text and PDF for teams",
            None,
            view.export_publish.publish,
            "briefings_publish",
        )
        self.new_version_action = act(
            "New &version",
            "Make an editable copy of this published briefing",
            None,
            lambda: drafting.new_version(view),
            "briefings_newVersion",
        )
        self.record_action = act(
            "&Record use...",
            "Record a team's use of this briefing",
            None,
            lambda: record_use(view),
            "briefings_recordUse",
        )
        self.allow_action = act(
            "&Allow...",
            "Let this detail stay in the briefing, with a reason",
            None,
            view.names_check.allow,
            "briefings_allow",
        )

    def _build_format_commands(self) -> None:
        fmt, act = self.view.text_format, self._action
        self.bold_action = act("Bold", "Bold (Ctrl+B)", "Ctrl+B", fmt.toggle_bold, "briefings_bold")
        self.italic_action = act(
            "Italic", "Italic (Ctrl+I)", "Ctrl+I", fmt.toggle_italic, "briefings_italic"
        )
        self.bullet_action = act(
            "• Bullet list",
            "Bullet list (Ctrl+Shift+L)",
            "Ctrl+Shift+L",
            fmt.toggle_bullets,
            "briefings_bullets",
        )
        bold_font, italic_font = QFont(), QFont()
        bold_font.setBold(True)
        italic_font.setItalic(True)
        self.bold_action.setFont(bold_font)
        self.italic_action.setFont(italic_font)
        for action in (self.bold_action, self.italic_action):
            action.setCheckable(True)
