"""Qt item model over the case register: counts and pages come from SQL on demand."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from audit_tool.access.actors import Actor
from audit_tool.services import cases
from audit_tool.services.cases import CaseQuery, CaseRow
from audit_tool.store import Database

COLUMNS: tuple[tuple[str, str], ...] = (
    ("ref", "Reference"),
    ("initials", "Initials"),
    ("case_type", "Case type"),
    ("level_of_need", "Level"),
    ("team", "Team"),
    ("worker", "Worker"),
    ("manager", "Manager"),
    ("opened_on", "Opened"),
)

_Index = QModelIndex | QPersistentModelIndex


def _display(row: CaseRow, key: str) -> str:
    if key == "ref":
        return row.ref
    if key == "initials":
        return row.initials
    if key == "case_type":
        return row.case_type_label
    if key == "level_of_need":
        return "" if row.level_of_need is None else str(row.level_of_need)
    if key == "team":
        return row.team_name
    if key == "worker":
        return row.worker_name or ""
    if key == "manager":
        return row.manager_name or ""
    if key == "opened_on":
        return row.opened_on.isoformat() if row.opened_on else ""
    raise KeyError(key)


class CaseTableModel(QAbstractTableModel):
    """Rows are fetched a page at a time as the view asks for them; nothing else is held.

    A new query shows its first page at once; when that page is full, the matching rows are
    counted just after (the count is a scan of its own), and the rows beyond the first page
    are then added. `counted` carries the final number; `exact` says whether `total` is final.
    """

    counted = Signal(int)

    PAGE = 200
    MAX_PAGES = 40

    def __init__(self, db: Database, actor: Actor, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.query = CaseQuery()
        self.total = 0
        self.exact = True
        self.loaded = False
        self._generation = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()

    # -- loading

    def set_query(self, query: CaseQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._pages.clear()
        self.total = 0
        self.loaded = True
        self._generation += 1
        first: list[CaseRow] = []
        try:
            first = cases.list_cases(self.db, self.actor, query, offset=0, limit=self.PAGE)
        finally:
            self._pages[0] = first
            self.total = len(first)
            self.exact = self.total < self.PAGE
            self.endResetModel()
        if self.exact:
            self.counted.emit(self.total)
        else:
            generation = self._generation
            QTimer.singleShot(0, lambda: self._count(generation))

    def _count(self, generation: int) -> None:
        if generation != self._generation or self.exact:
            return  # a newer query replaced this one, or it is already counted
        total = cases.count_cases(self.db, self.actor, self.query)
        self.exact = True
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < self.total:  # rows deleted since the first page was read
            self.beginRemoveRows(QModelIndex(), total, self.total - 1)
            self.total = total
            self.endRemoveRows()
        self.counted.emit(self.total)

    def ensure_counted(self) -> int:
        """Count now if the count is still pending; returns the final total."""
        self._count(self._generation)
        return self.total

    def reload(self) -> None:
        self.set_query(self.query)

    def _page(self, number: int) -> list[CaseRow]:
        page = self._pages.get(number)
        if page is None:
            page = cases.list_cases(
                self.db, self.actor, self.query, offset=number * self.PAGE, limit=self.PAGE
            )
            self._pages[number] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def row_at(self, row: int) -> CaseRow | None:
        if not 0 <= row < self.total:
            return None
        page = self._page(row // self.PAGE)
        offset = row % self.PAGE
        return page[offset] if offset < len(page) else None

    def row_of_ref(self, ref: str) -> int | None:
        """Row number of a reference among the pages already loaded."""
        for number, page in self._pages.items():
            for i, row in enumerate(page):
                if row.ref == ref:
                    return number * self.PAGE + i
        return None

    # -- Qt model API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self.row_at(index.row())
            return None if row is None else _display(row, COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()][0] in (
            "level_of_need",
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.query.sort and descending == self.query.descending:
            return
        query = dataclasses.replace(self.query, sort=key, descending=descending)
        if not self.loaded:
            self.query = query  # the first set_query() will load it
            return
        self.set_query(query)
