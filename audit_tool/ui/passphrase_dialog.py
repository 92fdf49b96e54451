"""Passphrases of encrypted database files: asking for one, choosing one, opening with it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool import APP_NAME
from audit_tool.errors import EncryptionKeyError, ValidationError
from audit_tool.store import Database, crypto, open_database, to_url
from audit_tool.ui import theme as themes

REMEMBER_TEXT = "Remember on this computer (keyring)"
WRONG_PASSPHRASE = "That passphrase does not open this database. Try again."
PLAIN_WARNING = (
    "Without encryption, anyone who gets hold of this file or a backup of it (a lost laptop, "
    "a copied folder) can read every case and learning point in it.\n\n"
    "Create the database without encryption?"
)

# Passphrases that opened a file in this run, so switching user does not ask again.
_session_keys: dict[Path, str] = {}


def _remember_box(keyring_ok: bool) -> QCheckBox:
    box = QCheckBox(REMEMBER_TEXT)
    box.setObjectName("rememberCheck")
    box.setAccessibleName(REMEMBER_TEXT)
    if not keyring_ok:
        box.setEnabled(False)
        box.setToolTip("This computer has no keyring the app can use")
    return box


def _message_label() -> QLabel:
    label = QLabel()
    label.setObjectName("passphraseMessage")
    label.setWordWrap(True)
    themes.styled(label, "color: $error;")
    label.setVisible(False)
    return label


def _password_edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class PassphraseDialog(QDialog):
    """Asks for the passphrase of an encrypted database file."""

    def __init__(
        self,
        path: str,
        *,
        message: str = "",
        keyring_ok: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Open encrypted database — {APP_NAME}")
        self.setObjectName("passphraseDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(f"{path}\nis encrypted. Enter its passphrase to open it.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.edit = _password_edit("passphraseEdit", "Passphrase")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.edit)
        layout.addLayout(form)
        self.remember_box = _remember_box(keyring_ok)
        layout.addWidget(self.remember_box)
        self.message = _message_label()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText("Open")
        self.open_button.setObjectName("openButton")
        self.open_button.setEnabled(False)
        self.edit.textChanged.connect(lambda text: self.open_button.setEnabled(bool(text)))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.setFocus()

    def passphrase(self) -> str:
        return self.edit.text()

    def remember(self) -> bool:
        return self.remember_box.isEnabled() and self.remember_box.isChecked()


class NewDatabasePassphraseDialog(QDialog):
    """Choosing the passphrase of a new database; no encryption only after a warning."""

    ENCRYPT = "encrypt"
    PLAIN = "plain"

    def __init__(
        self, path: str, *, keyring_ok: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"New database — {APP_NAME}")
        self.setObjectName("newPassphraseDialog")
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"A new database will be created at\n{path}\n\n"
            "It is encrypted with a passphrase you choose now. Keep the passphrase safe: "
            "without it nobody, not even support, can open the database or its backups. "
            f"Use at least {crypto.MIN_PASSPHRASE_LENGTH} characters; three or four unrelated "
            "words are easy to remember."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.edit = _password_edit("passphraseEdit", "Passphrase")
        self.confirm = _password_edit("confirmEdit", "Passphrase again")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.edit)
        form.addRow("&Again:", self.confirm)
        layout.addLayout(form)
        self.remember_box = _remember_box(keyring_ok)
        layout.addWidget(self.remember_box)
        self.message = _message_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.encrypt_button = QPushButton("Create encrypted")
        self.encrypt_button.setObjectName("encryptButton")
        self.encrypt_button.setDefault(True)
        self.buttons.addButton(self.encrypt_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.plain_button = QPushButton("No encryption…")
        self.plain_button.setObjectName("plainButton")
        self.buttons.addButton(self.plain_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.encrypt_button.clicked.connect(self._encrypt)
        self.plain_button.clicked.connect(self._plain)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # Enter after typing the passphrase creates the encrypted database: only that button
        # may be the default (the box would otherwise make Cancel the default).
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self.encrypt_button.setAutoDefault(True)
        self.encrypt_button.setDefault(True)
        self.edit.setFocus()

    def _encrypt(self) -> None:
        try:
            crypto.validate_new_passphrase(self.edit.text(), self.confirm.text())
        except ValidationError as exc:
            self.message.setText(str(exc))
            self.message.setVisible(True)
            (self.confirm if "confirm" in exc.fields else self.edit).setFocus()
            return
        self.choice = self.ENCRYPT
        self.accept()

    def _plain(self) -> None:
        answer = QMessageBox.warning(
            self,
            APP_NAME,
            PLAIN_WARNING,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.choice = self.PLAIN
            self.accept()

    def passphrase(self) -> str:
        return self.edit.text()

    def remember(self) -> bool:
        return self.remember_box.isEnabled() and self.remember_box.isChecked()


def _opened(path: Path, key: str, remember: bool, db: Database) -> Database:
    _session_keys[path] = key
    if remember:
        crypto.keyring_set(path, key)
    return db


def open_database_interactively(database: str, parent: QWidget | None = None) -> Database | None:
    """Open a database for the window, asking for a passphrase where one is needed.

    A plain file or a server opens as it is. An encrypted file tries AUDIT_TOOL_DB_PASSPHRASE,
    the passphrase used earlier in this run and the keyring, then asks (again after a wrong
    one). A file that does not exist yet is created encrypted unless the user chooses not to.
    Returns None when the user cancels; other problems raise AuditToolError as open_database.
    """
    url = to_url(database)
    if url.get_backend_name() != "sqlite" or not url.database:
        return open_database(database)
    path = Path(url.database)
    env_key = os.environ.get(crypto.ENV_PASSPHRASE) or None
    is_new = not path.exists() or path.stat().st_size == 0
    if is_new:
        if not path.parent.is_dir():
            return open_database(database)  # its clear "folder does not exist" error
        if env_key is not None:
            return _opened(path, env_key, False, open_database(database, key=env_key))
        new = NewDatabasePassphraseDialog(
            str(path), keyring_ok=crypto.keyring_available(), parent=parent
        )
        if not new.exec():
            return None
        if new.choice != NewDatabasePassphraseDialog.ENCRYPT:
            return open_database(database)
        key = new.passphrase()
        return _opened(path, key, new.remember(), open_database(database, key=key))
    if not crypto.is_encrypted(path):
        return open_database(database)
    for candidate in (env_key, _session_keys.get(path), crypto.keyring_get(path)):
        if candidate:
            try:
                return _opened(path, candidate, False, open_database(database, key=candidate))
            except EncryptionKeyError:
                continue
    message = ""
    keyring_ok = crypto.keyring_available()
    while True:
        dialog = PassphraseDialog(str(path), message=message, keyring_ok=keyring_ok, parent=parent)
        if not dialog.exec():
            return None
        key = dialog.passphrase()
        try:
            db = open_database(database, key=key)
        except EncryptionKeyError:
            message = WRONG_PASSPHRASE
            continue
        return _opened(path, key, dialog.remember(), db)
