"""File > Check out audits for offline work / Check in offline work (services.checkout)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import checkin, checkout
from audit_tool.services.checkin import CheckinReport
from audit_tool.services.checkout import CheckoutResult
from audit_tool.store import Database
from audit_tool.ui import operations as ops


def _when(candidate: checkout.CheckoutCandidate) -> str:
    at = candidate.checked_out_at
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


class _FileRow(QWidget):
    """A file name with a Browse... button."""

    def __init__(self, name: str, browse: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setAccessibleName("File")
        button = QPushButton("Browse...")
        button.setObjectName(name + "Browse")
        button.clicked.connect(browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(button)


class _Busy:
    """A dialog's service call as an operation (ui.operations): buttons locked while it runs,
    errors in the dialog's message line."""

    def __init__(self, dialog: QDialog, buttons: QDialogButtonBox, message: QLabel) -> None:
        self.dialog, self.buttons, self.message = dialog, buttons, message

    def run(self, text: str, fn: Any, done: Any) -> None:
        self.message.setText(text)
        (
            ops.Operation(self.dialog, lambda task: fn(), title=self.dialog.windowTitle())
            .busy(self.buttons)
            .success(done)
            .failure(self._in_place)
            .run_in_background()
        )

    def _in_place(self, exc: AuditToolError) -> bool:
        self.message.setText(str(exc))
        return True


class CheckoutDialog(QDialog):
    """Choose audits you review, a new file and (optionally) a passphrase; check them out."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        candidates: list[checkout.CheckoutCandidate],
        parent: QWidget | None = None,
    ) -> None:
        """candidates: the audits to offer (checkout.candidates), read by the caller's
        operation (MainWindow.check_out)."""
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.result_: CheckoutResult | None = None
        self.setObjectName("checkoutDialog")
        self.setWindowTitle("Check out audits for offline work")
        intro = QLabel(
            "The audits you tick are copied to a new file to work on without the server. "
            "Nobody else can check them out until you check them in; changes made on the "
            "server meanwhile are reported at check-in, never overwritten."
        )
        intro.setWordWrap(True)
        self.audits = QListWidget()
        self.audits.setObjectName("checkoutAudits")
        self.audits.setAccessibleName("Audits to check out")
        for c in candidates:
            text = f"{c.case_ref} - {c.programme} - {c.status_label}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, c.audit_uuid)
            if c.available:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setText(f"{text} - checked out by {c.checked_out_by} since {_when(c)}")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.audits.addItem(item)
        self.file_row = _FileRow("checkoutFile", self._browse)
        self.file_row.edit.setText(str(Path.home() / "offline-audits.sqlite"))
        self.encrypt = QCheckBox("Encrypt the file with a passphrase")
        self.encrypt.setObjectName("checkoutEncrypt")
        self.encrypt.setAccessibleName("Encrypt the file")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("checkoutPassphrase")
        self.passphrase.setAccessibleName("Passphrase")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("checkoutConfirm")
        self.confirm.setAccessibleName("Passphrase again")
        for edit in (self.passphrase, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.encrypt.toggled.connect(edit.setEnabled)
        # A laptop file is encrypted unless the user chooses otherwise (issue #7).
        self.encrypt.setChecked(True)
        self.message = QLabel()
        self.message.setObjectName("checkoutMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Check out")
        ok.setObjectName("checkoutOk")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.busy = _Busy(self, self.buttons, self.message)
        form = QFormLayout()
        form.addRow("File", self.file_row)
        form.addRow(self.encrypt)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Again", self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.audits, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if not self.audits.count():
            self.message.setText("You review no open audit: there is nothing to check out.")
            ok.setEnabled(False)
        self.resize(560, 460)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Offline file", self.file_row.edit.text(), "Audit Tool database (*.sqlite)"
        )
        if path:
            self.file_row.edit.setText(path)

    def chosen(self) -> list[str]:
        out = []
        for row in range(self.audits.count()):
            item = self.audits.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def submit(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.message.setText("Tick at least one audit to check out.")
            return
        path = self.file_row.edit.text().strip()
        if not path:
            self.message.setText("Choose the file to check the audits out to.")
            return
        passphrase = None
        if self.encrypt.isChecked():
            from audit_tool.store.crypto import validate_new_passphrase

            passphrase = self.passphrase.text()
            try:
                validate_new_passphrase(passphrase, self.confirm.text())
            except AuditToolError as exc:
                self.message.setText(str(exc))
                return
        db, actor = self.db, self.actor
        self.busy.run(
            "Checking out...",
            lambda: checkout.checkout(db, actor, path, audit_uuids=chosen, passphrase=passphrase),
            self._done,
        )

    def _done(self, result: CheckoutResult) -> None:
        self.result_ = result
        self.accept()


class CheckinDialog(QDialog):
    """Choose the offline file (and its passphrase); check it in and show the report."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.report: CheckinReport | None = None
        self.setObjectName("checkinDialog")
        self.setWindowTitle("Check in offline work")
        self.file_row = _FileRow("checkinFile", self._browse)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("checkinPassphrase")
        self.passphrase.setAccessibleName("Passphrase (encrypted files only)")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("checkinMessage")
        self.message.setWordWrap(True)
        self.result_text = QPlainTextEdit()
        self.result_text.setObjectName("checkinReport")
        self.result_text.setAccessibleName("Check-in report")
        self.result_text.setReadOnly(True)
        self.result_text.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.checkin_button = self.buttons.addButton(
            "Check in", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.checkin_button.setObjectName("checkinOk")
        self.checkin_button.clicked.connect(lambda: self.submit(discard=False))
        self.discard_button = self.buttons.addButton(
            "Discard my conflicting changes", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.discard_button.setObjectName("checkinDiscard")
        self.discard_button.setToolTip(
            "Close the conflicting checkouts and keep the server's version; your offline text "
            "stays in the file, to copy from"
        )
        self.discard_button.setVisible(False)
        self.discard_button.clicked.connect(lambda: self.submit(discard=True))
        self.buttons.rejected.connect(self.reject)
        self.busy = _Busy(self, self.buttons, self.message)
        form = QFormLayout()
        form.addRow("File", self.file_row)
        form.addRow("Passphrase", self.passphrase)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.result_text, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 420)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Offline file", str(Path.home()), "Audit Tool database (*.sqlite)"
        )
        if path:
            self.file_row.edit.setText(path)

    def submit(self, *, discard: bool) -> None:
        path = self.file_row.edit.text().strip()
        if not path:
            self.message.setText("Choose the offline file to check in.")
            return
        key = self.passphrase.text() or None
        db, actor = self.db, self.actor
        self.busy.run(
            "Checking in...",
            lambda: checkin.checkin(db, actor, path, passphrase=key, discard_conflicts=discard),
            self._done,
        )

    def _done(self, report: CheckinReport) -> None:
        self.report = report
        if report.conflicts:
            self.message.setText(
                f"{len(report.conflicts)} audit(s) changed on the server too: they stay checked "
                "out, and the server's version is kept. Open the file to copy your text aside, "
                "then discard your conflicting changes to close them."
            )
        else:
            self.message.setText("Checked in.")
        self.result_text.setPlainText("\n".join(report.lines()))
        self.result_text.setVisible(True)
        self.discard_button.setVisible(bool(report.conflicts))
        self.checkin_button.setEnabled(False)
