"""Notices: the person's own list of what happened that concerns them (services.notices),
newest first, unread in bold. Opening one opens its audit and marks it read; "Mark all read"
clears the count. Kept up to date by the window's live refresh (live_loader / show_loaded)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import notices
from audit_tool.services.notices import NoticeRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.operations import NOTICES

ROW_ROLE = Qt.ItemDataRole.UserRole
Loaded = tuple[list[NoticeRow], int]
_DOUBLE_CLICK_S = 1.0


def _when(row: NoticeRow) -> str:
    return f"{row.created_at.astimezone():%d %b %Y %H:%M}"


class NoticesView(ListPage):
    """The list; `open_audit` asks the window to open a notice's audit."""

    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({NOTICES})

    open_audit = Signal(str)
    counted = Signal(int)  # unread notices (for the sidebar)

    title = "Notices"

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("noticesView")
        self.rows: list[NoticeRow] = []
        self.unread = 0
        self._last_opened, self._last_at = "", 0.0
        title = QLabel("Notices")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("notices_summary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("notices_list")
        self.list.setAccessibleName("Notices")
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.mark_all_button = QPushButton("&Mark all read")
        self.mark_all_button.setObjectName("notices_markAll")
        self.mark_all_button.clicked.connect(self.mark_all_read)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("notices_refresh")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.mark_all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        self.refresh()

    def live_loader(self) -> Callable[[], Loaded]:
        """The returned function only calls the services (any thread)."""
        db, actor = self.db, self.actor

        def load() -> Loaded:
            return notices.list_notices(db, actor), notices.unread_count(db, actor)

        return load

    def show_loaded(self, loaded: Loaded) -> None:
        self.rows, self.unread = loaded
        current = self.list.currentItem()
        keep = current.data(ROW_ROLE) if current is not None else None
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(f"{row.text}  ·  {_when(row)}")
            item.setData(ROW_ROLE, row.uuid)
            font = item.font()
            font.setBold(row.unread)
            item.setFont(font)
            item.setToolTip("Unread: click to open the audit" if row.unread else "Read")
            # Bold is not read out: a screen reader hears "Unread" first.
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"{'Unread: ' if row.unread else ''}{row.text}, {_when(row)}",
            )
            self.list.addItem(item)
            if row.uuid == keep:
                self.list.setCurrentItem(item)
        self._show_summary()
        self.counted.emit(self.unread)

    def _show_summary(self) -> None:
        count = len(self.rows)
        if not count:
            text = "No notices. You are told here when an audit is assigned or returned to you, "
            text += "an urgent concern is raised on one of yours, or one is confirmed."
        else:
            text = f"{self.unread} unread of {count}. Click a notice to open its audit."
        self.summary.setText(text)
        self.mark_all_button.setEnabled(self.unread > 0)

    def row(self, uuid: str) -> NoticeRow | None:
        return next((r for r in self.rows if r.uuid == uuid), None)

    def _activated(self, item: QListWidgetItem) -> None:
        row = self.row(str(item.data(ROW_ROLE)))
        if row is None:
            return
        # A double-click is a click and then an activation: open once.
        now = time.monotonic()
        if self._last_opened == row.uuid and now - self._last_at < _DOUBLE_CLICK_S:
            return
        self._last_opened, self._last_at = row.uuid, now
        if row.unread:
            db, actor = self.db, self.actor
            read = ops.Operation(
                self, lambda task: notices.mark_read(db, actor, row.uuid), title="Notices"
            ).run()
            if read is None:
                return
            # Shown in place: the list is not rebuilt under the click that is being handled.
            self.rows = [read if r.uuid == read.uuid else r for r in self.rows]
            self.unread = max(0, self.unread - 1)
            font = item.font()
            font.setBold(False)
            item.setFont(font)
            item.setToolTip("Read")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{read.text}, {_when(read)}")
            self._show_summary()
            self.counted.emit(self.unread)
        self.open_audit.emit(row.audit_uuid)

    def mark_all_read(self) -> None:
        db, actor = self.db, self.actor
        count = ops.Operation(
            self, lambda task: notices.mark_all_read(db, actor), title="Notices"
        ).run()
        if count is None:
            return
        self.refresh()
        self.status_message.emit(f"{count} notice{'s' if count != 1 else ''} marked read")
