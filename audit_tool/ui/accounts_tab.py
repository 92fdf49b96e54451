"""Admin > Accounts (QA leads): who can log in, who is locked out or deactivated, when each
last logged in; create an account, deactivate or reactivate it, reset a password."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import ROLE_LABELS, Actor
from audit_tool.services import accounts
from audit_tool.services.accounts import AccountRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.account_dialogs import AccountDialog
from audit_tool.ui.filters import list_table
from audit_tool.ui.forms import ERROR_STYLE, confirm
from audit_tool.ui.in_place import in_line
from audit_tool.ui.table_model import Column, RecordTableModel


def _when(value: datetime | None) -> str:
    return "" if value is None else value.astimezone().strftime("%d %b %Y %H:%M")


def _locked(row: AccountRow) -> str:
    if row.locked_until is None or row.locked_until <= datetime.now().astimezone():
        return ""
    return _when(row.locked_until)


def _state(row: AccountRow) -> str:
    if not row.has_account:
        return "No account"
    if not row.active:
        return "Deactivated"
    if _locked(row):
        return "Locked"
    if row.must_change_password:
        return "Must change password"
    return "Active"


class AccountsTab(QWidget):
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("accountsTab")
        intro = QLabel(
            "Everyone with a role in the app and their account. A new account and a reset "
            "give a temporary password, shown once, that its owner changes at their first "
            "login. Five wrong passwords in a row lock an account for a while; a reset "
            "unlocks it."
        )
        intro.setWordWrap(True)
        self.model = RecordTableModel(
            [
                Column("User name", lambda r: r.username or "—"),
                Column("Name", lambda r: r.name),
                Column("Roles", lambda r: ", ".join(ROLE_LABELS[x] for x in r.roles)),
                Column("Agency", lambda r: r.agency_name),
                Column("State", _state),
                Column("Locked until", _locked),
                Column("Last login", lambda r: _when(r.last_login_at)),
            ],
            self,
        )
        self.table = list_table("accountsTable", "Accounts", self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._default_action())
        self.message = QLabel()
        self.message.setObjectName("accountsMessage")
        themes.styled(self.message, ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&New account...")
        self.new_button.setObjectName("accountsNew")
        self.new_button.clicked.connect(self.new_account)
        self.active_button = QPushButton("&Deactivate...")
        self.active_button.setObjectName("accountsActive")
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button = QPushButton("&Reset password...")
        self.reset_button.setObjectName("accountsReset")
        self.reset_button.clicked.connect(self.reset_password)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.active_button)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    # -- data

    def refresh(self, keep: str | None = None) -> None:
        current = self.selected()
        keep = keep or (current.key if current is not None else None)
        db, actor = self.db, self.actor
        rows = (
            ops.Operation(self, lambda task: accounts.list_accounts(db, actor), title="Accounts")
            .failure(in_line(self.message))
            .run()
        )
        if rows is None:
            return
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        keys = [r.key for r in rows]
        if keep in keys:
            self.table.selectRow(keys.index(keep))
        elif rows:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> AccountRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row: AccountRow = self.model.rows[index.row()]
        return row

    def select(self, key: str) -> None:
        keys = [r.key for r in self.model.rows]
        self.table.selectRow(keys.index(key))

    def _update_buttons(self) -> None:
        row = self.selected()
        has_account = row is not None and row.has_account
        self.reset_button.setEnabled(has_account)
        self.active_button.setEnabled(has_account)
        self.active_button.setText(
            "Re&activate"
            if row is not None and has_account and not row.active
            else "&Deactivate..."
        )

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- commands

    def _default_action(self) -> None:
        row = self.selected()
        if row is not None and not row.has_account:
            self.new_account()

    def new_account(self) -> None:
        row = self.selected()
        dialog = AccountDialog(
            self.db,
            self.actor,
            person_key=row.key if row is not None and not row.has_account else None,
            parent=self,
        )
        dialog.exec()
        if dialog.done_row is not None:
            self.refresh(dialog.done_row.key)
            self.status_message.emit(f"Account {dialog.done_row.username} created")
            self.changed.emit()

    def toggle_active(self) -> None:
        row = self.selected()
        if row is None or row.username is None:
            return
        self._show("")
        if row.active and not confirm(
            self,
            "Deactivate account",
            f"Deactivate the account {row.username} of {row.name}? They can no longer log "
            "in; their audits and records stay. You can reactivate it later.",
        ):
            return
        db, actor, username = self.db, self.actor, row.username
        saved = (
            ops.Operation(
                self,
                lambda task: accounts.set_active(db, actor, username, not row.active),
                title="Account not changed",
            )
            .failure(in_line(self.message))
            .run()
        )
        if saved is None:
            return
        self.refresh(row.key)
        verb = "reactivated" if not row.active else "deactivated"
        self.status_message.emit(f"Account {row.username} {verb}")
        self.changed.emit()

    def reset_password(self) -> None:
        row = self.selected()
        if row is None or row.username is None:
            return
        self._show("")
        dialog = AccountDialog(self.db, self.actor, username=row.username, parent=self)
        dialog.exec()
        self.refresh(row.key)
        if dialog.temporary_shown:
            self.changed.emit()
            self.status_message.emit(f"Password of {row.username} reset")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F5:
            self.refresh()
            return
        super().keyPressEvent(event)
