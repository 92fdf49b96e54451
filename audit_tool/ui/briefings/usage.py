"""Where a published briefing was used: the register's tab and Record use... (a team's use,
from the action-plan page they returned)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import briefings
from audit_tool.services.briefings import BriefingView, DeliveryRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import MUTED_STYLE, plural
from audit_tool.ui.briefings.dialogs import RecordUseDialog
from audit_tool.ui.briefings.models import DeliveryTableModel
from audit_tool.ui.in_place import in_line

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView


class UsageTab(QWidget):
    """The Where it was used tab: a sentence on the use so far, the register, Record use..."""

    def __init__(self, record_action: QAction) -> None:
        super().__init__()
        self.use_intro = QLabel()
        self.use_intro.setObjectName("briefings_useIntro")
        self.use_intro.setWordWrap(True)
        themes.styled(self.use_intro, MUTED_STYLE)
        self.delivery_model = DeliveryTableModel(self)
        self.deliveries = QTableView()
        self.deliveries.setObjectName("briefings_deliveries")
        self.deliveries.setAccessibleName("Where the briefing was used")
        self.deliveries.setModel(self.delivery_model)
        self.deliveries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.deliveries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.deliveries.setAlternatingRowColors(True)
        self.deliveries.setWordWrap(False)
        self.deliveries.verticalHeader().setVisible(False)
        self.deliveries.horizontalHeader().setStretchLastSection(True)
        record_button = QToolButton()
        record_button.setDefaultAction(record_action)
        record_button.setObjectName("briefings_recordButton")
        use_buttons = QHBoxLayout()
        use_buttons.addWidget(record_button)
        use_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.use_intro)
        layout.addWidget(self.deliveries, 1)
        layout.addLayout(use_buttons)

    def show_deliveries(self, db: Database, actor: Actor, view: BriefingView | None) -> None:
        """The register of the briefing's use, read afresh, and the sentence above it."""
        rows: list[DeliveryRow] = []
        if view is not None:
            uuid = view.uuid
            rows = (
                ops.Operation(
                    self, lambda task: briefings.deliveries(db, actor, uuid), title="Briefing use"
                )
                .failure(in_line(self.use_intro))
                .run()
            ) or []
        self.delivery_model.set_rows(rows)
        self.deliveries.resizeColumnsToContents()
        self.deliveries.horizontalHeader().setStretchLastSection(True)
        if view is None:
            return
        if not view.published:
            self.use_intro.setText(
                "Teams record their use of a published briefing: publish this one first."
            )
        elif rows:
            people = sum(r.attendees for r in rows)
            self.use_intro.setText(
                f"Used by {plural(len(rows), 'team')}, {plural(people, 'attendee')} in all."
            )
        else:
            self.use_intro.setText(
                "Not recorded as used yet. When a team returns the action-plan page, record "
                "their use here."
            )


def record_use(view: BriefingsView) -> None:
    """Record use...: a team's use of the open (published) briefing, then show the register."""
    current = view.current
    if current is None or not current.published or not view.can_edit:
        return
    dialog = RecordUseDialog(view.db, view.actor, current.uuid, view)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.recorded is None:
        return
    view.use_tab.show_deliveries(view.db, view.actor, view.current)
    view.tabs.setCurrentWidget(view.use_tab)
    view.status_message.emit(f"Recorded: used by {dialog.recorded.team_name}")
    view.changed.emit()
