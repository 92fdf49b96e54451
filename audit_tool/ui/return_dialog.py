"""The moderator's Return to auditor dialog: which review goes back, and what to look at."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services.audits import AuditView
from audit_tool.ui.filters import text_width


class ReturnDialog(QDialog):
    """Which review goes back, and what its auditor should look at."""

    def __init__(self, view: AuditView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returnDialog")
        self.setWindowTitle("Return to auditor")
        self.setMinimumWidth(text_width(self, 80))
        layout = QVBoxLayout(self)
        self.which = QComboBox()
        self.which.setObjectName("return_which")
        self.which.setAccessibleName("Review to return")
        for i, review in enumerate(view.reviews):
            self.which.addItem(f"{chr(ord('A') + i)}: {review.reviewer_name}", review.uuid)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("return_comment")
        self.comment.setAccessibleName("What the auditor should look at again")
        self.comment.setTabChangesFocus(True)
        layout.addWidget(QLabel("Review"))
        layout.addWidget(self.which)
        layout.addWidget(QLabel("What should the auditor look at again?"))
        layout.addWidget(self.comment)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton("Return", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("return_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def review_uuid(self) -> str:
        return str(self.which.currentData())
