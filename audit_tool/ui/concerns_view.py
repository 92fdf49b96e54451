"""Urgent safeguarding concerns: the open ones first, and the response that closes each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import audits
from audit_tool.services.audits import ConcernRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import FieldForm, concern_text
from audit_tool.ui.in_place import beside_fields
from audit_tool.ui.operations import AUDITS, CONCERNS
from audit_tool.ui.table_model import Column, RecordTableModel


class ConcernsView(QWidget):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({CONCERNS, AUDITS})
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("concernsView")
        title = QLabel("Urgent safeguarding concerns")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Raised from inside audits when a child may be unsafe now. Each stays open until a "
            "QA lead or the case's manager records what was done."
        )
        intro.setWordWrap(True)
        self.show_closed = QCheckBox("Show closed concerns too")
        self.show_closed.setObjectName("concernsShowClosed")
        self.show_closed.toggled.connect(lambda _c: self.refresh())
        self.model = RecordTableModel(
            [
                Column("Case", lambda r: r.case_ref),
                Column("Raised", lambda r: f"{r.raised_at:%d %b %Y %H:%M}"),
                Column("By", lambda r: r.raised_by),
                Column("Concern", lambda r: r.what),
                Column("Why urgent", lambda r: r.why_urgent),
                Column("Status", lambda r: "Open" if r.status == "open" else "Closed"),
                Column("Response", lambda r: r.response),
                Column("Responded by", lambda r: r.responded_by or ""),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("concernsTable")
        self.table.setAccessibleName("Urgent concerns")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self.respond())
        self.empty = QLabel("No open concerns.")
        self.empty.setObjectName("concernsEmpty")
        self.respond_button = QPushButton("&Respond and close...")
        self.respond_button.setObjectName("concernsRespond")
        self.respond_button.clicked.connect(self.respond)
        top = QHBoxLayout()
        top.addWidget(self.show_closed)
        top.addStretch(1)
        top.addWidget(self.respond_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.refresh()

    def refresh(self) -> None:
        db, actor, open_only = self.db, self.actor, not self.show_closed.isChecked()
        rows = ops.Operation(
            self,
            lambda task: audits.list_concerns(db, actor, open_only=open_only),
            title="Urgent concerns",
            key="rows",
        ).run()
        if rows is None:
            return
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column in (3, 4, 6):  # the texts wrap at a readable width, never cut off
            self.table.setColumnWidth(
                column,
                min(self.table.columnWidth(column), self.fontMetrics().averageCharWidth() * 45),
            )
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.table.selectRow(0)

    def selected(self) -> ConcernRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def respond(self) -> None:
        row = self.selected()
        if row is None or row.status != "open":
            return
        dialog = RespondDialog(self.db, self.actor, row, self)
        if dialog.exec():
            self.refresh()
            self.status_message.emit(f"Concern on case {row.case_ref} closed")
            self.changed.emit()


class RespondDialog(QDialog):
    def __init__(
        self, db: Database, actor: Actor, concern: ConcernRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.concern = db, actor, concern
        self.setObjectName("respondDialog")
        self.setWindowTitle(f"Respond: concern on case {concern.case_ref}")
        self.setMinimumWidth(text_width(self, 87))
        layout = QVBoxLayout(self)
        what = QLabel(concern_text(concern))
        what.setObjectName("respond_concern")
        what.setTextFormat(Qt.TextFormat.PlainText)
        what.setWordWrap(True)
        layout.addWidget(what)
        self.form = FieldForm("respond_", "response", "respond_message")
        layout.addWidget(self.form.message)
        self.response = QPlainTextEdit()
        self.response.setTabChangesFocus(True)
        self.form.add("response", "What was done?", self.response)
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton("Record and close", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("respond_ok")
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def record(self) -> None:
        db, actor, uuid, text = self.db, self.actor, self.concern.uuid, self.response.toPlainText()
        (
            ops.Operation(
                self,
                lambda task: audits.respond_to_concern(db, actor, uuid, text),
                title="Not recorded",
            )
            .success(lambda _: self.accept())
            .failure(beside_fields(self.form.show_errors))
            .run()
        )
