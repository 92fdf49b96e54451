"""In-memory table models over a list of rows: a small one for lists of dozens to hundreds,
and a paged one for thousands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], object]
    tip: Callable[[Any], object] | None = None  # the tooltip, when it is not the value


class RecordTableModel(QAbstractTableModel):
    """A small in-memory list of rows (reference tables hold dozens to hundreds of records)."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = self.columns[index.column()]
            show = column.tip if role == Qt.ItemDataRole.ToolTipRole and column.tip else None
            value = (show or column.value)(self.rows[index.row()])
            if isinstance(value, bool):
                return "Yes" if value else "No"
            return "" if value is None else str(value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        get = self.columns[column].value
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(
            key=lambda r: str(get(r) or "").lower(),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.layoutChanged.emit()


def show_rows(table: Any, model: RecordTableModel, rows: list[Any], keep: str | None) -> bool:
    """Put rows in a list, size its columns and select the row whose `key` is `keep` (or the
    first). Returns False when there are no rows, for the caller's empty state."""
    model.set_rows(rows)
    table.resizeColumnsToContents()
    keys = [r.key for r in rows]
    if keep in keys:
        table.selectRow(keys.index(keep))
    elif rows:
        table.selectRow(0)
    return bool(rows)


PAGE_ROWS = 200  # rows given to the view at a time


class PagedTableModel(RecordTableModel):
    """A list of thousands of rows, all held in memory, that the view is given a page at a time
    as the user scrolls (Qt's canFetchMore / fetchMore): showing 20,000 rows builds the first
    200, and a new list replaces the old in one reset. `ordered` sorts without touching Qt, so
    a loader can sort in the pool before the rows reach the GUI thread."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.page = PAGE_ROWS
        self.shown = 0

    def set_rows(self, rows: list[Any], at_least: int = 0) -> None:
        """Show these rows: the first page, or `at_least` rows (as many as the view showed
        before, when the same list loads again)."""
        self.beginResetModel()
        self.rows = rows
        self.shown = min(len(rows), max(self.page, at_least))
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.shown

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self.shown < len(self.rows)

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid():
            return
        more = min(self.page, len(self.rows) - self.shown)
        if more > 0:
            self.beginInsertRows(QModelIndex(), self.shown, self.shown + more - 1)
            self.shown += more
            self.endInsertRows()

    def show_up_to(self, row: int) -> None:
        """Give the view the pages up to `row` (to select a row further down the list)."""
        while row >= self.shown and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def ordered(self, rows: list[Any], column: int, order: Qt.SortOrder) -> list[Any]:
        """The rows as sort() orders them (no Qt here: safe in any thread)."""
        get = self.columns[column].value
        return sorted(
            rows,
            key=lambda r: str(get(r) or "").lower(),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.rows[:] = self.ordered(self.rows, column, order)
        self.layoutChanged.emit()
