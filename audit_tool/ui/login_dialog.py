"""The login dialog at start-up: user name and password, then a new password when the account
was created or reset with a temporary one. Remembers the last user name, never the password."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool import APP_NAME
from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import accounts
from audit_tool.services.accounts import LoginResult
from audit_tool.store import Database
from audit_tool.ui import theme as themes
from audit_tool.ui.account_dialogs import PasswordChangeForm, password_edit
from audit_tool.ui.forms import ERROR_STYLE
from audit_tool.ui.settings import app_settings, last_user_key


class LoginDialog(QDialog):
    """Asks who you are; `actor` is the logged-in user once the dialog is accepted."""

    def __init__(
        self, db: Database, username: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.login: LoginResult | None = None
        self._password = ""  # the temporary password, only until the forced change is done
        self.setObjectName("loginDialog")
        self.setWindowTitle(f"Log in to {APP_NAME}")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._login_page())
        self.pages.addWidget(self._change_page())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Log in")
        self.ok_button.setObjectName("loginOk")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        self.buttons.accepted.connect(self._go)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)
        remembered = app_settings().value(last_user_key(db.display_name))
        self.username.setText(username or (str(remembered) if remembered else ""))
        (self.password if self.username.text() else self.username).setFocus(
            Qt.FocusReason.OtherFocusReason
        )
        self.resize(480, self.sizeHint().height())
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for every wrapped line at this width (a large system font, or the
        error line appearing, would otherwise squeeze the text under it)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if self.height() < needed:
            self.resize(self.width(), needed)

    def _login_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(APP_NAME)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        where = QLabel(f"Database: {self.db.display_name}")
        where.setObjectName("loginDatabase")
        where.setWordWrap(True)
        themes.styled(where, "color: $muted;")
        layout.addWidget(where)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("loginUser")
        self.username.setAccessibleName("User name")
        self.username.setMaxLength(80)
        form.addRow("&User name", self.username)
        self.password = password_edit()
        self.password.setObjectName("loginPassword")
        self.password.setAccessibleName("Password")
        form.addRow("&Password", self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        themes.styled(self.error, ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        note = QLabel(
            "Forgotten your password, or locked out? A QA lead can reset it for you "
            "(Admin > Accounts)."
        )
        note.setWordWrap(True)
        themes.styled(note, "color: $muted;")
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _change_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.change_intro = QLabel()
        self.change_intro.setObjectName("loginChangeIntro")
        self.change_intro.setWordWrap(True)
        layout.addWidget(self.change_intro)
        self.change = PasswordChangeForm(ask_old=False)
        layout.addWidget(self.change)
        layout.addStretch(1)
        return page

    @property
    def actor(self) -> Actor | None:
        return None if self.login is None else self.login.actor

    @property
    def changing_password(self) -> bool:
        return self.pages.currentIndex() == 1

    def _go(self) -> None:
        if self.changing_password:
            self._change()
        else:
            self._log_in()

    def _log_in(self) -> None:
        self.error.hide()
        try:
            login = accounts.authenticate(self.db, self.username.text(), self.password.text())
        except AuditToolError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self._fit_height()
            self.password.clear()
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        app_settings().setValue(last_user_key(self.db.display_name), login.username)
        self.login = login
        if login.must_change_password:
            self._password = self.password.text()
            self.password.clear()
            self.change_intro.setText(
                f"Welcome, {login.actor.name}. Your password was set by a QA lead: choose "
                "your own now to go on."
            )
            self.pages.setCurrentIndex(1)
            self.ok_button.setText("Change password and go on")
            self._fit_height()
            self.change.new.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.password.clear()
        super().accept()

    def _change(self) -> None:
        assert self.login is not None
        if self.change.submit(self.db, self.login.actor, self._password):
            self._password = ""
            super().accept()

    def done(self, result: int) -> None:
        self._password = ""
        self.password.clear()
        if result != QDialog.DialogCode.Accepted:
            self.login = None  # a forced change left undone is no login
        super().done(result)
