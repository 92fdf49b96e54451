"""Choosing the acting user at start-up (until accounts and login exist)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services import reference
from audit_tool.services.actors import ROLE_LABELS, Actor
from audit_tool.store import Database


class UserPickerDialog(QDialog):
    """Lists the people who have a role in the app; remembers nothing itself."""

    def __init__(self, db: Database, last_key: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Who is using Audit Tool?")
        self.setObjectName("userPicker")
        self.db = db
        self.resize(580, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose yourself from the people with a role in this database. "
            "What you do is recorded under your name."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("userList")
        self.list.setAccessibleName("People who can use the app")
        layout.addWidget(self.list, 1)
        system = Actor.system()
        people = [
            p for p in reference.list_people(db, system, users_only=True, include_inactive=False)
        ]
        for person in people:
            roles = ", ".join(ROLE_LABELS[r] for r in person.roles)
            item = QListWidgetItem(f"{person.name}  —  {roles}  ({person.agency_name})")
            item.setData(Qt.ItemDataRole.UserRole, person.key)
            self.list.addItem(item)
            if person.key == last_key:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty = QLabel(
            "This database has no users yet. Run 'audit-tool demo' to fill an empty "
            "database with demo data, or add people with a role in the Admin view of "
            "another copy."
        )
        self.empty.setWordWrap(True)
        self.empty.setVisible(not people)
        layout.addWidget(self.empty)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(people))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(buttons)

    def selected_key(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
