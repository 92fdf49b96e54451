"""Dialogs for accounts: change your password, set up the first QA lead of a new database, and
a lead's create-account and reset-password dialog that shows the temporary password once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool import APP_NAME
from audit_tool.access.actors import ROLE_LABELS, Actor
from audit_tool.errors import ValidationError
from audit_tool.services import accounts
from audit_tool.services.accounts import AccountRow, LoginResult
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.forms import FieldForm
from audit_tool.ui.in_place import beside_fields, fields_then_line
from audit_tool.ui.settings import app_settings, last_user_key


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(accounts.MAX_LENGTH)
    return edit


def _hint(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    themes.styled(label, "color: $muted;")
    if name:
        label.setObjectName(name)
    return label


class PasswordChangeForm(QWidget):
    """The current password (unless already known), the new one twice, and the rules."""

    def __init__(self, *, ask_old: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = FieldForm("password_", "password", "passwordMessage")
        self.old = password_edit()
        if ask_old:
            self.form.add("old", "Current password", self.old)
        self.new = password_edit()
        self.form.add("new", "New password", self.new)
        self.repeat = password_edit()
        self.form.add("repeat", "New password again", self.repeat)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form.message)
        layout.addLayout(self.form.layout)
        layout.addWidget(_hint(accounts.policy_text(), "passwordPolicy"))

    def submit(self, db: Database, actor: Actor, old_password: str | None = None) -> bool:
        """Change the password; on a refusal show why beside the fields and return False."""
        self.form.clear_errors()
        if self.new.text() != self.repeat.text():
            self.form.show_errors(
                ValidationError(
                    "The two new passwords differ", {"repeat": "Type the same new password twice"}
                )
            )
            return False
        old = self.old.text() if old_password is None else old_password
        new = self.new.text()
        changed: list[bool] = []
        (
            ops.Operation(
                self,
                lambda task: accounts.change_own_password(db, actor, old, new),
                title="Password not changed",
            )
            .success(lambda _: changed.append(True))
            .failure(fields_then_line(self.form.show_errors, self.form.message))
            .run()
        )
        if not changed:
            return False
        for edit in (self.old, self.new, self.repeat):
            edit.clear()
        return True


class ChangePasswordDialog(QDialog):
    """File > Change password: the logged-in user chooses a new password."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle("Change password")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Choose a new password for {actor.name}."))
        self.fields = PasswordChangeForm()
        layout.addWidget(self.fields)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Change password")
        self.ok_button.setObjectName("changePasswordOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def accept(self) -> None:
        if self.fields.submit(self.db, self.actor):
            super().accept()


class FirstLeadSetupDialog(QDialog):
    """The first start of a new database: create the first QA lead account and log in."""

    NEW_PERSON = ""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        from audit_tool.services import reference

        super().__init__(parent)
        self.db = db
        self.login: LoginResult | None = None
        self.setObjectName("firstSetupDialog")
        self.setWindowTitle(f"Set up {APP_NAME}")
        layout = QVBoxLayout(self)
        title = QLabel("Welcome: create the first QA lead account")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        intro = QLabel(
            f"This database ({db.display_name}) has no accounts yet. Create the account of the "
            "QA lead who looks after it; they then create everyone else's accounts in "
            "Admin > Accounts."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = FieldForm("setup_", "account", "setupMessage")
        layout.addWidget(self.form.message)
        layout.addLayout(self.form.layout)
        system = Actor.system("first set-up")
        people = reference.list_people(db, system, users_only=True, include_inactive=False)
        self.person = QComboBox()
        self.person.addItem("Someone new: fill in the name and agency", self.NEW_PERSON)
        for p in people:
            roles = ", ".join(ROLE_LABELS[r] for r in p.roles)
            self.person.addItem(f"{p.name} ({roles}, {p.agency_name})", p.key)
        if people:
            self.form.add("person", "Who you are", self.person)
        self.name = self.form.line("name", "Your name", "e.g. Sam Taylor")
        self.agency = QComboBox()
        self.agency.setEditable(True)
        self.agency.addItems(sorted({a.name for a in reference.list_agencies(db, system)}))
        self.agency.setCurrentText(self.agency.itemText(0) if self.agency.count() else "")
        agency_edit = self.agency.lineEdit()
        if agency_edit is not None:
            agency_edit.setPlaceholderText("e.g. Children's Social Care")
        self.form.add("agency", "Your agency", self.agency)
        self.username = self.form.line("username", "User name", "e.g. sam.taylor")
        self.password = password_edit()
        self.form.add("password", "Password", self.password)
        self.repeat = password_edit()
        self.form.add("repeat", "Password again", self.repeat)
        layout.addWidget(_hint(accounts.policy_text()))
        self.person.currentIndexChanged.connect(self._person_changed)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create account and start")
        self.ok_button.setObjectName("setupOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _person_changed(self) -> None:
        new = self.person.currentData() == self.NEW_PERSON
        for key in ("name", "agency"):
            self.form.layout.setRowVisible(self.form.fields[key], new)

    @property
    def actor(self) -> Actor | None:
        return None if self.login is None else self.login.actor

    def accept(self) -> None:
        self.form.clear_errors()
        if self.password.text() != self.repeat.text():
            self.form.show_errors(
                ValidationError("The passwords differ", {"repeat": "Type the same password twice"})
            )
            return
        key = self.person.currentData()
        db, username, password = self.db, self.username.text(), self.password.text()
        name, agency = self.name.text(), self.agency.currentText()
        login = (
            ops.Operation(
                self,
                lambda task: accounts.create_first_lead(
                    db,
                    username=username,
                    password=password,
                    name=name,
                    agency_name=agency,
                    person_key=key or None,
                ),
                title="Account not created",
            )
            .failure(beside_fields(self.form.show_errors))
            .run()
        )
        if login is None:
            return
        self.login = login
        self.password.clear()
        self.repeat.clear()
        app_settings().setValue(last_user_key(self.db.display_name), login.username)
        super().accept()


class AccountDialog(QDialog):
    """A QA lead creates an account for a person, or resets a password; either way the
    temporary password is shown once, at the end."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        username: str | None = None,
        person_key: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.reset_username = username
        self.done_row: accounts.AccountRow | None = None
        self.temporary_shown = False
        self.setObjectName("accountDialog")
        self.pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        self.form = FieldForm("account_", "account", "accountMessage")
        first = QWidget()
        first_layout = QVBoxLayout(first)
        first_layout.setContentsMargins(0, 0, 0, 0)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("accountIntro")
        first_layout.addWidget(self.intro)
        first_layout.addWidget(self.form.message)
        first_layout.addLayout(self.form.layout)
        first_layout.addStretch(1)
        self.pages.addWidget(first)
        self.pages.addWidget(self._shown_once_page())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("accountOk")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._go)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if username is None:
            self.setWindowTitle("New account")
            self.intro.setText(
                "An account lets a person with a role log in. They get a temporary password, "
                "shown once on the next page, and choose their own at their first login."
            )
            self.person = QComboBox()
            self.form.add("person", "Person", self.person)
            self.username = self.form.line("username", "User name", "e.g. sam.taylor")
            for row in accounts.list_accounts(db, actor):
                if not row.has_account:
                    roles = ", ".join(ROLE_LABELS[r] for r in row.roles)
                    self.person.addItem(f"{row.name} ({roles}, {row.agency_name})", row.key)
            if person_key is not None and self.person.findData(person_key) >= 0:
                self.person.setCurrentIndex(self.person.findData(person_key))
            self.person.currentIndexChanged.connect(self._suggest)
            self._suggest()
            if not self.person.count():
                self.intro.setText(
                    "Everyone with a role already has an account. Give a person a role in "
                    "Admin > People first."
                )
                self.ok_button.setEnabled(False)
            self.ok_button.setText("Create account")
        else:
            self.setWindowTitle("Reset password")
            self.intro.setText(
                f"Reset the password of {username}? Their current password stops working at "
                "once and a locked account is unlocked. They get a temporary password, shown "
                "once on the next page, and must choose their own at their next login."
            )
            self.ok_button.setText("Reset password")
        self.resize(520, 280)

    def _shown_once_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.done_text = QLabel()
        self.done_text.setObjectName("temporaryPasswordText")
        self.done_text.setWordWrap(True)
        layout.addWidget(self.done_text)
        row = QHBoxLayout()
        self.temporary = QLineEdit()
        self.temporary.setObjectName("temporaryPassword")
        self.temporary.setAccessibleName("Temporary password")
        self.temporary.setReadOnly(True)
        font = self.temporary.font()
        font.setFamily("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.temporary.setFont(font)
        row.addWidget(self.temporary, 1)
        copy = QPushButton("&Copy")
        copy.setObjectName("copyTemporaryPassword")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.temporary.text()))
        row.addWidget(copy)
        layout.addLayout(row)
        layout.addWidget(
            _hint(
                "Give it to them in person or by phone, not by e-mail. It is not kept anywhere "
                "and cannot be shown again: if it is lost, reset the password again."
            )
        )
        layout.addStretch(1)
        return page

    def _suggest(self) -> None:
        key = self.person.currentData()
        if key:
            self.username.setText(str(key).replace("_", "."))

    def _go(self) -> None:
        if self.pages.currentIndex() == 1:
            self.accept()
            return
        self.form.clear_errors()
        db, actor, reset = self.db, self.actor, self.reset_username
        person_key = username = ""
        if reset is None:  # a reset has no person or user name to choose
            person_key, username = str(self.person.currentData() or ""), self.username.text()

        def go(task: ops.Task) -> tuple[AccountRow | None, str, str]:
            if reset is None:
                row, password = accounts.create_account(
                    db, actor, person_key=person_key, username=username
                )
                return row, f"Account {row.username} created for {row.name}.", password
            password = accounts.reset_password(db, actor, reset)
            return None, f"The password of {reset} was reset.", password

        done = (
            ops.Operation(
                self,
                go,
                title="Account not created" if reset is None else "Password not reset",
            )
            .failure(fields_then_line(self.form.show_errors, self.form.message))
            .run()
        )
        if done is None:
            return
        row, text, password = done
        if row is not None:
            self.done_row = row
        self.done_text.setText(
            f"{text} Their temporary password, to be changed at their first login:"
        )
        self.temporary.setText(password)
        self.temporary_shown = True
        self.pages.setCurrentIndex(1)
        self.ok_button.setText("Done")
        self.cancel_button.hide()
        self.temporary.setFocus(Qt.FocusReason.OtherFocusReason)
        self.temporary.selectAll()

    def done(self, result: int) -> None:
        self.temporary.clear()  # not kept in the widget once the dialog closes
        super().done(result)
