"""The list of briefings above the editor, with its count, and what the view shows instead
when there are none yet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services.briefings import BriefingRow, BriefingView
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import EMPTY_LEAD, EMPTY_READER, MAX_COLUMN_CHARS, MUTED_STYLE
from audit_tool.ui.briefings.models import BriefingTableModel
from audit_tool.ui.filters import ColumnFitter


class BriefingList(QWidget):
    """The briefings, newest first, one selected (the one open in the editor); the count below.
    `picked` is emitted when the user moves to another row, not while the list is filled."""

    picked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.filling = False
        self.model = BriefingTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("briefings_table")
        self.table.setAccessibleName("Briefings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.columns = ColumnFitter(self.table, 0, cap=MAX_COLUMN_CHARS, share=0.35, fixed=(3,))
        self.table.setSortingEnabled(True)
        header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._moved())
        self.count = QLabel()
        self.count.setObjectName("briefings_count")
        themes.styled(self.count, MUTED_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        rows = self.row_height()
        self.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 2 * rows + 24)

    def row_height(self) -> int:
        return self.table.verticalHeader().defaultSectionSize()

    def _moved(self) -> None:
        if not self.filling:
            self.picked.emit()

    def fill(self, rows: list[BriefingRow], keep: str | None) -> None:
        """Show `rows` in the current sort order, selecting `keep` if listed, else the first."""
        self.filling = True
        try:
            self.model.set_rows(rows)
            header = self.table.horizontalHeader()
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            self.columns.measure()
            uuids = [r.uuid for r in self.model.rows]
            if keep in uuids:
                self.table.selectRow(uuids.index(keep))
            elif rows:
                self.table.selectRow(0)
        finally:
            self.filling = False

    def selected(self) -> BriefingRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row: BriefingRow = self.model.rows[index.row()]
        return row

    def select_uuid(self, uuid: str) -> None:
        uuids = [r.uuid for r in self.model.rows]
        if uuid in uuids:
            self.filling = True
            self.table.selectRow(uuids.index(uuid))
            self.filling = False

    def replace_row(self, view: BriefingView) -> None:
        for i, row in enumerate(self.model.rows):
            if row.uuid == view.uuid:
                self.model.rows[i] = view.row
                self.model.dataChanged.emit(
                    self.model.index(i, 0), self.model.index(i, self.model.columnCount() - 1)
                )


class EmptyState(QWidget):
    """No briefings yet: a sentence saying so, and New briefing... for those who draft them."""

    def __init__(self, can_edit: bool, new: Callable[[], None]) -> None:
        super().__init__()
        self.empty = QLabel(EMPTY_LEAD if can_edit else EMPTY_READER)
        self.empty.setObjectName("briefings_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_button = QPushButton("New briefing...")
        self.empty_button.setObjectName("briefings_emptyNew")
        self.empty_button.clicked.connect(new)
        self.empty_button.setVisible(can_edit)
        empty_layout = QVBoxLayout(self)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
