"""The names check: its tab (what the check found, the details a lead allowed) and its two
commands, Check for names... and Allow... (a detail that names no one, with a reason)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services import briefings
from audit_tool.services.briefings import BriefingView
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import MUTED_STYLE, OK_STYLE, OVER_STYLE, plural
from audit_tool.ui.briefings.dialogs import AllowDialog

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView

EXPLAIN = (
    "No child or person may be named in a briefing. The check looks for case "
    "references, the initials of the briefing's cases and the names of people held in "
    "the app. Remove what it finds from the text; a QA lead may allow a detail that "
    "names no one (a team named after a place, say), with a reason."
)


class NamesTab(QWidget):
    """The Names check tab: the summary, the details found, and those a lead allowed."""

    def __init__(self, allow_action: QAction) -> None:
        super().__init__()
        self.check_summary = QLabel()
        self.check_summary.setObjectName("briefings_checkSummary")
        self.check_summary.setWordWrap(True)
        self.hits_list = QListWidget()
        self.hits_list.setObjectName("briefings_hits")
        self.hits_list.setAccessibleName("Identifying details found")
        self.overrides_list = QListWidget()
        self.overrides_list.setObjectName("briefings_overrides")
        self.overrides_list.setAccessibleName("Details a lead allowed")
        self.check_again = QPushButton("Check &again")
        self.check_again.setObjectName("briefings_checkAgain")
        allow_button = QToolButton()
        allow_button.setDefaultAction(allow_action)
        allow_button.setObjectName("briefings_allowButton")
        hits_buttons = QHBoxLayout()
        hits_buttons.addWidget(self.check_again)
        hits_buttons.addWidget(allow_button)
        hits_buttons.addStretch(1)
        explain = QLabel(EXPLAIN)
        explain.setWordWrap(True)
        themes.styled(explain, MUTED_STYLE)
        allowed_label = QLabel("Allowed by a lead")
        allowed_label.setBuddy(self.overrides_list)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.check_summary)
        layout.addWidget(self.hits_list, 2)
        layout.addLayout(hits_buttons)
        layout.addWidget(allowed_label)
        layout.addWidget(self.overrides_list, 1)

    def show_unchecked(self, editable: bool) -> None:
        """A briefing just opened: nothing found yet, and why."""
        self.hits_list.clear()
        self.check_summary.setText(
            "Not checked since opening: Check for names... looks now."
            if editable
            else "Published: the text was checked before it was frozen."
        )
        themes.styled(self.check_summary, MUTED_STYLE)

    def show_overrides(self, view: BriefingView | None) -> None:
        self.overrides_list.clear()
        if view is None:
            return
        for o in view.overrides:
            self.overrides_list.addItem(f"{o.kind} '{o.text}': {o.reason} ({o.by}, {o.at[:10]})")
        if not view.overrides:
            item = QListWidgetItem("None")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.overrides_list.addItem(item)

    def show_hits(self, hits: list[Any], can_override: bool) -> None:
        self.hits_list.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.kind[:1].upper()}{hit.kind[1:]}: '{hit.text}'")
            item.setToolTip("Remove it from the text, or allow it with a reason")
            self.hits_list.addItem(item)
        if hits:
            self.check_summary.setText(
                f"{plural(len(hits), 'identifying detail')} found: remove "
                f"{'it' if len(hits) == 1 else 'them'} from the text"
                + (", or allow one with a reason." if can_override else ".")
            )
            themes.styled(self.check_summary, OVER_STYLE)
            self.hits_list.setCurrentRow(0)
        else:
            self.check_summary.setText("No case references, initials or names found.")
            themes.styled(self.check_summary, OK_STYLE)


class NamesCheck:
    """Check for names... and Allow...: the details found stay listed until the next check."""

    def __init__(self, view: BriefingsView) -> None:
        self.view = view
        self.hits: list[Any] = []

    def run(self) -> None:
        view = self.view
        current = view.current
        if current is None or not view.can_edit or current.published or not view.save():
            return
        db, actor = view.db, view.actor
        hits = ops.Operation(
            view, lambda task: briefings.check(db, actor, current.uuid), title="Check for names"
        ).run()
        if hits is None:
            return
        self.hits = list(hits)
        view.names_tab.show_hits(hits, view.can_override)
        view.update_actions()
        view.tabs.setCurrentWidget(view.names_tab)
        view.status_message.emit(view.check_summary.text())

    def allow(self) -> None:
        view = self.view
        current = view.current
        row = view.hits_list.currentRow()
        if current is None or not view.can_override or not 0 <= row < len(self.hits):
            return
        if not view.save():
            return
        hit = self.hits[row]
        dialog = AllowDialog(view.db, view.actor, current.uuid, hit, view)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_view is None:
            return
        allowed = dialog.result_view
        view.current, view.revision = allowed, allowed.revision
        view.names_tab.show_overrides(allowed)
        view.status_message.emit(f"{hit.kind.capitalize()} '{hit.text}' allowed in the briefing")
        self.run()
