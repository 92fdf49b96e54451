"""Connecting to a team server (PostgreSQL): the dialog, and opening a server URL for the window.

The password never travels in a URL that is stored or shown. The dialog keeps it for this run in
`_session_passwords` (keyed like the keyring: the URL without password and options) and, if
asked, in the keyring; the window then asks the Application to open the URL *without* the
password, and `open_server_interactively` finds it again here (or from the environment or the
keyring). QSettings keeps the last server as "teamServerUrl", without the password.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from audit_tool import APP_NAME
from audit_tool.errors import AuditToolError
from audit_tool.store import Database, crypto, open_database, server
from audit_tool.store.server import ConnectionResult, Status
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.settings import app_settings

SETTINGS_KEY = "teamServerUrl"
REMEMBER_TEXT = "Remember password on this computer (keyring)"

# (sslmode, label, explanation)
TLS_MODES = (
    (
        "require",
        "Encrypted (require)",
        "The connection is encrypted; the server's certificate is not checked. The usual choice "
        "inside the partnership's network.",
    ),
    (
        "verify-full",
        "Encrypted and verified (verify-full)",
        "The connection is encrypted and the server must prove it is the right server with a "
        "certificate from the given authority. The safest choice; needed over the internet.",
    ),
    (
        "prefer",
        "Encrypted if offered (prefer)",
        "Encrypted only if the server offers it, otherwise in the clear. Use only on a trusted "
        "network, or to find out whether the server offers encryption at all.",
    ),
)

# Passwords given in this run (keyring user name -> password), for the window to open with.
_session_passwords: dict[str, str] = {}


def remember_for_session(database: str | URL, password: str) -> None:
    _session_passwords[server.keyring_username(database)] = password


def session_password(database: str | URL) -> str | None:
    return _session_passwords.get(server.keyring_username(database))


def known_password(database: str | URL) -> str | None:
    """A password for a server: in the URL, given in this run, from the environment, the keyring."""
    url = server.server_url(database)
    if url.password:
        return str(url.password)
    return (
        session_password(url)
        or os.environ.get(server.ENV_PASSWORD)
        or server.keyring_get(url)
        or None
    )


def _run_upgrade(url: URL) -> ConnectionResult:
    from audit_tool.store.upgrade import upgrade_database

    upgrade_database(url.render_as_string(hide_password=False))
    return server.test_connection(url)


class ServerDialog(QDialog):
    """Host, port, database, user, password and TLS mode; tests off the GUI thread; connects."""

    def __init__(
        self,
        initial: str | URL | None = None,
        *,
        password: str | None = None,
        result: ConnectionResult | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Connect to team server — {APP_NAME}")
        self.setObjectName("serverDialog")
        self.url: URL | None = None  # after Connect: the server's URL, without password
        self.password: str | None = None
        self.last_result: ConnectionResult | None = None
        self._operation: ops.Operation[ConnectionResult] | None = None
        self._connect_when_ok = False

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Connect to the partnership's shared Audit Tool database on a PostgreSQL server. "
            "The server's administrator gives you these details."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._build_form())
        self._build_rest(layout)

        self.tls_combo.currentIndexChanged.connect(self._tls_changed)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._update_buttons)
        if initial is None:
            saved = app_settings().value(SETTINGS_KEY)
            initial = str(saved) if saved else None
        self._fill(initial, password)
        self._tls_changed()
        if result is not None:
            self._show_result(result)
        self._update_buttons()
        (self.password_edit if self.host_edit.text() else self.host_edit).setFocus()

    def _build_form(self) -> QFormLayout:
        """Host, port, database, user, password, TLS mode and CA file."""
        form = QFormLayout()
        self.host_edit = self._line("hostEdit", "Server host name")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("portSpin")
        self.port_spin.setAccessibleName("Port")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(server.DEFAULT_PORT)
        self.database_edit = self._line("databaseEdit", "Database name")
        self.user_edit = self._line("userEdit", "User name on the server")
        self.password_edit = self._line("passwordEdit", "Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.tls_combo = QComboBox()
        self.tls_combo.setObjectName("tlsCombo")
        self.tls_combo.setAccessibleName("Encryption (TLS)")
        for mode, label, _explanation in TLS_MODES:
            self.tls_combo.addItem(label, mode)
        self.tls_help = QLabel()
        self.tls_help.setObjectName("tlsHelp")
        self.tls_help.setWordWrap(True)
        self.ca_edit = self._line("caEdit", "Certificate authority file (sslrootcert)")
        self.ca_edit.setPlaceholderText("path to the CA certificate (.crt or .pem)")
        form.addRow("&Host:", self.host_edit)
        form.addRow("P&ort:", self.port_spin)
        form.addRow("&Database:", self.database_edit)
        form.addRow("&User name:", self.user_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("&Encryption:", self.tls_combo)
        form.addRow("", self.tls_help)
        form.addRow("&CA certificate:", self.ca_edit)
        return form

    def _build_rest(self, layout: QVBoxLayout) -> None:
        """Remember, the message line, and Test, Create schema, Connect and Cancel."""
        self.remember_box = QCheckBox(REMEMBER_TEXT)
        self.remember_box.setObjectName("rememberCheck")
        self.remember_box.setAccessibleName(REMEMBER_TEXT)
        if not crypto.keyring_available():
            self.remember_box.setEnabled(False)
            self.remember_box.setToolTip("This computer has no keyring the app can use")
        layout.addWidget(self.remember_box)

        self.message = QLabel()
        self.message.setObjectName("serverMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setVisible(False)
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setObjectName("testButton")
        self.schema_button = QPushButton("Create schema")
        self.schema_button.setObjectName("schemaButton")
        self.schema_button.setVisible(False)
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setDefault(True)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.schema_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.test_button.clicked.connect(lambda: self._test(connect=False))
        self.connect_button.clicked.connect(lambda: self._test(connect=True))
        self.schema_button.clicked.connect(self._change_schema)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    @staticmethod
    def _line(name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _fill(self, initial: str | URL | None, password: str | None) -> None:
        if initial is None:
            self.tls_combo.setCurrentIndex(0)
            return
        try:
            url = server.server_url(initial)
        except AuditToolError:
            return
        self.host_edit.setText(url.host or "")
        self.port_spin.setValue(url.port or server.DEFAULT_PORT)
        self.database_edit.setText(url.database or "")
        self.user_edit.setText(url.username or "")
        mode = url.query.get("sslmode")
        index = self.tls_combo.findData(mode) if isinstance(mode, str) else -1
        self.tls_combo.setCurrentIndex(max(index, 0))
        ca = url.query.get("sslrootcert")
        self.ca_edit.setText(ca if isinstance(ca, str) else "")
        self.password_edit.setText(password or (str(url.password) if url.password else ""))
        self.remember_box.setChecked(server.keyring_get(url) is not None)

    def _tls_changed(self) -> None:
        index = max(self.tls_combo.currentIndex(), 0)
        self.tls_help.setText(TLS_MODES[index][2])
        self.ca_edit.setEnabled(self.tls_combo.currentData() == "verify-full")

    def _busy(self) -> bool:
        return self._operation is not None and self._operation.is_running

    def _update_buttons(self) -> None:
        filled = all(e.text().strip() for e in (self.host_edit, self.database_edit, self.user_edit))
        for button in (self.test_button, self.connect_button, self.schema_button):
            button.setEnabled(filled and not self._busy())

    def entered_url(self) -> URL:
        """The URL of the details entered, without the password (DatabaseError if incomplete)."""
        url = server.build_url(
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            database=self.database_edit.text(),
            username=self.user_edit.text(),
            sslmode=self.tls_combo.currentData(),
        )
        ca = self.ca_edit.text().strip()
        if ca and self.tls_combo.currentData() == "verify-full":
            url = url.update_query_dict({"sslrootcert": ca})
        return url

    def _say(self, text: str, *, good: bool | None) -> None:
        colour = {True: "success", False: "error", None: "muted"}[good]
        themes.styled(self.message, f"color: ${colour};")
        self.message.setText(text)
        self.message.setVisible(True)

    def _show_result(self, result: ConnectionResult) -> None:
        self.last_result = result
        self._say(result.message, good=result.ok)
        offer = result.can_change_schema and result.status in (Status.EMPTY, Status.SCHEMA_OLD)
        self.schema_button.setText(
            "Create schema" if result.status is Status.EMPTY else "Upgrade schema"
        )
        self.schema_button.setVisible(offer)
        if result.needs_password:
            self.password_edit.setFocus()
            self.password_edit.selectAll()

    def _start(self, fn: Any, label: str) -> None:
        self._say(label, good=None)
        self._operation = (
            ops.Operation(self, fn, title=self.windowTitle())
            .success(self._finished)
            .failure(self._failed)
            .finally_(self._update_buttons)
            .run_in_background()
        )
        self._update_buttons()

    def _test(self, *, connect: bool) -> None:
        if self._busy():
            return
        try:
            url = self.entered_url()
        except AuditToolError as exc:
            self._say(str(exc), good=False)
            return
        password = self.password_edit.text() or None
        self._connect_when_ok = connect
        self._start(
            lambda _task: server.test_connection(url, password),
            f"Connecting to {url.host}:{url.port}...",
        )

    def _change_schema(self) -> None:
        if self._busy() or self.last_result is None:
            return
        try:
            url = server.with_password(self.entered_url(), self.password_edit.text() or None)
        except AuditToolError as exc:
            self._say(str(exc), good=False)
            return
        self._connect_when_ok = False
        what = "Creating" if self.last_result.status is Status.EMPTY else "Upgrading"
        self._start(lambda _task: _run_upgrade(url), f"{what} the schema of {url.database}...")

    def _finished(self, result: ConnectionResult) -> None:
        self._show_result(result)
        if result.ok and self._connect_when_ok:
            self._accept_connection()

    def _failed(self, exc: AuditToolError) -> bool:
        # An unexpected error (a driver's may carry a statement's values) arrives as its kind
        # and crash report only (ui.operations.Unexpected).
        self.schema_button.setVisible(False)
        self._say(str(exc), good=False)
        return True

    def _accept_connection(self) -> None:
        url = self.entered_url()
        password = self.password_edit.text() or None
        if password:
            remember_for_session(url, password)
            if self.remember_box.isEnabled() and self.remember_box.isChecked():
                server.keyring_set(url, password)
        if not (self.remember_box.isEnabled() and self.remember_box.isChecked()):
            server.keyring_delete(url)
        app_settings().setValue(SETTINGS_KEY, server.without_password(url))
        self.url, self.password = url, password
        self.accept()

    def reject(self) -> None:
        self._connect_when_ok = False  # a test still running must not connect after this
        if self._operation is not None:
            self._operation.cancel()
        super().reject()


def open_server_interactively(database: str, parent: QWidget | None = None) -> Database | None:
    """Open a team server for the window: with the password known for it, else via the dialog.

    The schema is neither created nor upgraded in passing: the dialog offers it to a role that
    may do it. Returns None when the user cancels.
    """
    url = server.server_url(database)
    if url.password:
        remember_for_session(url, str(url.password))
    password = known_password(url)
    url = server.with_password(url, None)
    result = server.test_connection(url, password)
    if not result.ok:
        dialog = ServerDialog(url, password=password, result=result, parent=parent)
        if not dialog.exec() or dialog.url is None:
            return None
        url, password = dialog.url, dialog.password
    return open_database(
        server.with_password(url, password).render_as_string(hide_password=False),
        create=False,
        upgrade=False,
    )
