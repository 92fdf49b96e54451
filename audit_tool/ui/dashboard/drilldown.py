"""The final audits behind a segment of the Dashboard's grades chart, in a dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from audit_tool.ui.dashboard.figures import GRADE_LABELS, KIND_LABELS
from audit_tool.ui.filters import list_table
from audit_tool.ui.table_model import Column, RecordTableModel


class DrilldownDialog(QDialog):
    """The final audits a chart segment counts; Open (or double-click) asks to open one."""

    open_audit = Signal(str)

    def __init__(self, title: str, rows: list[Any], note: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_drilldown")
        self.setWindowTitle(title)
        self.resize(980, 480)
        heading = QLabel(title)
        heading.setObjectName("dashboard_drilldownTitle")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.model = RecordTableModel(
            [
                Column("Case", lambda r: r.case_ref),
                Column("Team", lambda r: r.team_name),
                Column("Programme", lambda r: r.programme_name),
                Column("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind)),
                Column("Finalised", lambda r: r.finalised_on.isoformat() if r.finalised_on else ""),
                Column("Final grade", lambda r: GRADE_LABELS.get(r.final_overall or "", "")),
            ],
            self,
        )
        self.model.set_rows(rows)
        self.table = list_table("dashboard_drilldownTable", "Audits behind the figure", self.model)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(4, Qt.SortOrder.AscendingOrder)  # as listed: oldest first
        self.table.setSortingEnabled(True)
        self.table.activated.connect(lambda _index: self.open_selected())
        if rows:
            self.table.selectRow(0)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open audit", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setObjectName("dashboard_drilldownOpen")
        self.open_button.setEnabled(bool(rows))
        self.open_button.clicked.connect(self.open_selected)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if note:
            layout.addWidget(QLabel(note))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_audit.emit(self.model.rows[rows[0].row()].uuid)
