"""My work: the first view after login, listing what waits for the person, grouped by what to
do next (services.my_work). One double-click or Enter opens the item."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import my_work
from audit_tool.services.my_work import MyWork, WorkItem
from audit_tool.store import Database
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.operations import ACTIONS, AUDITS, BRIEFINGS, CONCERNS, NOTICES, PROGRAMMES

ITEM_ROLE = Qt.ItemDataRole.UserRole


class MyWorkView(ListPage):
    """Groups of work items; `open_item` asks the window to open one."""

    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({AUDITS, CONCERNS, ACTIONS, PROGRAMMES, BRIEFINGS, NOTICES})

    open_item = Signal(object)  # a services.my_work.WorkItem
    counted = Signal(int)  # how many items wait (for the sidebar)
    title = "My work"

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("myWorkView")
        self.work = MyWork(())
        title = QLabel("My work")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("myWork_summary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("myWork_tree")
        self.tree.setAccessibleName("My work")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["What", "Whose turn, and what to do", "Due"])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.itemActivated.connect(self._activated)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # The selected line in full, wrapped: a moderator's comment is longer than its column.
        self.detail = QLabel()
        self.detail.setObjectName("myWork_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        self.tree.currentItemChanged.connect(lambda _current, _previous: self._show_detail())
        self.open_button = QPushButton("&Open")
        self.open_button.setObjectName("myWork_open")
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("myWork_refresh")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        self.refresh()

    def live_loader(self) -> Callable[[], MyWork]:
        db, actor = self.db, self.actor
        return lambda: my_work.my_work(db, actor)

    def show_loaded(self, work: MyWork) -> None:
        self.work = work
        self._fill()
        self.counted.emit(self.work.count)

    def _fill(self) -> None:
        selected = self.selected()
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        for group in my_work.GROUPS:
            items = self.work.group(group)
            if not items:
                continue
            head = QTreeWidgetItem([f"{group} ({len(items)})"])
            head.setFirstColumnSpanned(True)
            bold = head.font(0)
            bold.setBold(True)
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for item in items:
                due = f"{item.due_on:%d %b %Y}" if item.due_on else ""
                row = QTreeWidgetItem(
                    [item.title, item.turn, due + (" (overdue)" if item.overdue and due else "")]
                )
                row.setData(0, ITEM_ROLE, item)
                row.setToolTip(0, item.title)
                row.setToolTip(1, item.turn)
                head.addChild(row)
                if selected is not None and (item.kind, item.uuid) == (
                    selected.kind,
                    selected.uuid,
                ):
                    chosen = row
            head.setExpanded(True)
        count = self.work.count
        self.summary.setText(
            f"{count} thing{'s' if count != 1 else ''} waiting for you. Double-click one, or "
            "select it and press Enter, to open it."
            if count
            else "Nothing is waiting for you. New work shows here when it is your turn."
        )
        # "What" as wide as it needs up to about 45 characters; the words about whose turn it is
        # take the rest of the width; the due date its own.
        self.tree.resizeColumnToContents(0)
        most = self.fontMetrics().averageCharWidth() * 45
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), most))
        first = self.tree.topLevelItem(0)
        if chosen is None and first is not None:
            chosen = first.child(0)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self.open_button.setEnabled(chosen is not None)

    def _show_detail(self) -> None:
        item = self.selected()
        self.detail.setText(f"{item.title}\n{item.turn}" if item is not None else "")
        self.detail.setVisible(item is not None)

    def selected(self) -> WorkItem | None:
        current = self.tree.currentItem()
        data = current.data(0, ITEM_ROLE) if current is not None else None
        return data if isinstance(data, WorkItem) else None

    def open_selected(self) -> None:
        item = self.selected()
        if item is not None:
            self.open_item.emit(item)

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        data = row.data(0, ITEM_ROLE)
        if isinstance(data, WorkItem):
            self.open_item.emit(data)
