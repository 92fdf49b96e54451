"""The Qt table models of the Briefings view: the briefings and where one was used."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from audit_tool.services.briefings import BriefingRow
from audit_tool.ui.briefings.common import day_text, local_day, plural, status_text
from audit_tool.ui.table_model import Column, RecordTableModel

_Index = QModelIndex | QPersistentModelIndex


class BriefingTableModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Title", lambda r: r.title),
                Column("From", lambda r: r.source),
                Column("Status", status_text),
                Column("Date", lambda r: local_day(r.published_at or r.updated_at).isoformat()),
                Column("Author", lambda r: r.author_name or ""),
                Column("Audits", lambda r: r.audits),
            ],
            parent,
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: BriefingRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            if row.published_at is not None:
                return f"Published on {day_text(local_day(row.published_at))}"
            return f"Last changed on {day_text(local_day(row.updated_at))}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return f"Drafted from {plural(row.audits, 'final audit')}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.column() == 2 and row.status == "draft":
            font = QFont()
            font.setItalic(True)
            return font
        return super().data(index, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort, keeping the selection on the same briefing (the one open in the editor)."""
        get = self.columns[column].value
        self.layoutAboutToBeChanged.emit()
        before = list(self.rows)
        self.rows.sort(
            key=(lambda r: r.audits) if column == 5 else (lambda r: str(get(r) or "").lower()),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        where = {id(row): i for i, row in enumerate(self.rows)}
        old = self.persistentIndexList()
        new = [self.index(where[id(before[i.row()])], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


class DeliveryTableModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Team", lambda r: r.team_name),
                Column("Date", lambda r: r.delivered_on.isoformat()),
                Column("Presenter", lambda r: r.presenter),
                Column("Attendees", lambda r: r.attendees),
                Column("What the team will do", lambda r: " ".join(r.actions.split())),
            ],
            parent,
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 4:
            return self.rows[index.row()].actions
        return super().data(index, role)
