"""Raise an urgent safeguarding concern from inside an audit."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import audits
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import FieldForm
from audit_tool.ui.in_place import beside_fields


class ConcernDialog(QDialog):
    def __init__(
        self, db: Database, actor: Actor, audit_uuid: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.audit_uuid = db, actor, audit_uuid
        self.concern: audits.ConcernRow | None = None
        self.setObjectName("concernDialog")
        self.setWindowTitle("Urgent safeguarding concern")
        self.setMinimumWidth(text_width(self, 87))
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Raise this if the child may be unsafe now. QA leads and the case's manager see it "
            "at once, and it stays open until one of them records what was done."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = FieldForm("concern_", "concern", "concern_message")
        layout.addWidget(self.form.message)
        self.what = QPlainTextEdit()
        self.what.setTabChangesFocus(True)
        self.form.add("what", "What is the concern?", self.what)
        self.why = QPlainTextEdit()
        self.why.setTabChangesFocus(True)
        self.form.add("why_urgent", "Why is it urgent?", self.why)
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        raise_button = buttons.addButton("Raise concern", QDialogButtonBox.ButtonRole.AcceptRole)
        raise_button.setObjectName("concern_raise")
        buttons.accepted.connect(self.raise_it)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def raise_it(self) -> None:
        db, actor, uuid = self.db, self.actor, self.audit_uuid
        what, why = self.what.toPlainText(), self.why.toPlainText()
        concern = (
            ops.Operation(
                self,
                lambda task: audits.raise_concern(db, actor, uuid, what=what, why_urgent=why),
                title="Concern not raised",
            )
            .failure(beside_fields(self.form.show_errors))
            .run()
        )
        if concern is None:
            return
        self.concern = concern
        self.accept()
