"""Admin > Partnership > E-mail notices: the SMTP relay that assignments, returns and urgent
concerns are e-mailed through (services.mail). The password goes to this computer's keyring,
never to the database; an empty password box keeps the one kept."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.services import mail
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.forms import field_with_error
from audit_tool.ui.in_place import beside_fields


class MailSettingsBox(QGroupBox):
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("E-mail notices (SMTP relay)", parent)
        self.db, self.actor = db, actor
        self.setObjectName("mailSettings")
        intro = QLabel(
            "Where set, people with an e-mail address (Admin > People) are e-mailed when an "
            "audit is assigned or returned to them or an urgent concern is raised on one of "
            "theirs. The e-mail names the case reference only. Leave the host empty for no "
            "e-mail."
        )
        intro.setWordWrap(True)
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. smtp.northshire.gov.uk")
        host_box, host_error = field_with_error(self.host, "mail_host", "Relay host")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        port_box, port_error = field_with_error(self.port, "mail_port", "Port")
        self.tls = QCheckBox("Use TLS (STARTTLS; on port 465, TLS from the start)")
        self.tls.setObjectName("mail_tls")
        self.sender_edit = QLineEdit()
        self.sender_edit.setPlaceholderText("e.g. audit-tool@northshire.gov.uk")
        sender_box, sender_error = field_with_error(self.sender_edit, "mail_sender", "From address")
        self.user = QLineEdit()
        self.user.setPlaceholderText("leave empty if the relay needs no login")
        user_box, user_error = field_with_error(self.user, "mail_user", "User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("kept in this computer's keyring; empty keeps it")
        password_box, password_error = field_with_error(self.password, "mail_password", "Password")
        self.errors = {
            "host": host_error,
            "port": port_error,
            "sender": sender_error,
            "user": user_error,
            "password": password_error,
        }
        form = QFormLayout()
        form.addRow("Relay &host:", host_box)
        form.addRow("&Port:", port_box)
        form.addRow("", self.tls)
        form.addRow("&From address:", sender_box)
        form.addRow("&User name:", user_box)
        form.addRow("Pass&word:", password_box)
        self.save_button = QPushButton("Save e-mail settings")
        self.save_button.setObjectName("mail_save")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("mail_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        db, actor = self.db, self.actor
        current = ops.Operation(
            self, lambda task: mail.mail_settings(db, actor), title="E-mail settings"
        ).run()
        if current is None:
            return
        self.host.setText(current.host)
        self.port.setValue(current.port)
        self.tls.setChecked(current.tls)
        self.sender_edit.setText(current.sender)
        self.user.setText(current.user)
        self.password.clear()
        self._show_counts()

    def _show_counts(self, prefix: str = "") -> None:
        sent, failed = mail.sent(), mail.failures()
        counts = f"Since the app started: {sent} e-mail(s) sent, {failed} not sent."
        self.status.setText(f"{prefix} {counts}".strip())

    def save(self) -> None:
        for label in self.errors.values():
            label.hide()
        db, actor = self.db, self.actor
        password = self.password.text()
        host, port, tls = self.host.text(), self.port.value(), self.tls.isChecked()
        sender, user = self.sender_edit.text(), self.user.text()

        def saved(_: object) -> None:
            self.password.clear()
            self._show_counts("Saved.")
            self.status_message.emit("E-mail settings saved")

        (
            ops.Operation(
                self,
                lambda task: mail.save_mail_settings(
                    db,
                    actor,
                    host=host,
                    port=port,
                    tls=tls,
                    sender=sender,
                    user=user,
                    password=password or None,
                ),
                title="E-mail settings not saved",
            )
            .success(saved)
            .failure(beside_fields(self._show_errors))
            .run()
        )

    def _show_errors(self, exc: ValidationError) -> None:
        for key, label in self.errors.items():
            if key in exc.fields:
                label.setText(exc.fields[key])
                label.show()
        self._show_counts("Not saved." if "password" not in exc.fields else "Saved.")
