"""Passphrase dialogs: choosing one for a new database, asking for one to open an encrypted
file, the keyring, and the application opening an encrypted database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.store import crypto, open_database
from audit_tool.ui import passphrase_dialog
from audit_tool.ui.passphrase_dialog import (
    REMEMBER_TEXT,
    WRONG_PASSPHRASE,
    NewDatabasePassphraseDialog,
    PassphraseDialog,
    open_database_interactively,
)
from tests import factories

KEY = "correct horse battery staple"

Handler = Callable[[QWidget], None]


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_PASSPHRASE, raising=False)
    monkeypatch.setattr(passphrase_dialog, "_session_keys", {})


class Dialogs:
    """Answers modal dialogs in turn as they appear; any dialog beyond the script is recorded
    and rejected, so a test fails instead of hanging."""

    def __init__(self) -> None:
        self.script: list[Handler] = []
        self.seen: list[str] = []
        self.unexpected: list[str] = []
        self._current: QWidget | None = None
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def answer(self, *handlers: Handler) -> Dialogs:
        self.script.extend(handlers)
        return self

    def _poll(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible() or widget is self._current:
            return
        self._current = widget
        self.seen.append(widget.objectName() or type(widget).__name__)
        if self.script:
            self.script.pop(0)(widget)
        else:
            self.unexpected.append(self.seen[-1])
            assert isinstance(widget, QDialog)
            widget.reject()


@pytest.fixture
def dialogs(qapp) -> Iterator[Dialogs]:  # type: ignore[no-untyped-def]
    helper = Dialogs()
    yield helper
    helper.timer.stop()


def type_passphrase(qtbot, dialog: QWidget, text: str, name: str = "passphraseEdit") -> None:  # type: ignore[no-untyped-def]
    edit = dialog.findChild(QLineEdit, name)
    assert edit is not None and edit.echoMode() == QLineEdit.EchoMode.Password
    edit.clear()
    qtbot.keyClicks(edit, text)


def click(qtbot, dialog: QWidget, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractButton

    button = dialog.findChild(QAbstractButton, name)
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_new_database_dialog_checks_the_passphrase(qtbot, show_window):
    dialog = show_window(NewDatabasePassphraseDialog("/data/new.sqlite"))
    message = dialog.findChild(QWidget, "passphraseMessage")
    assert not message.isVisible()
    type_passphrase(qtbot, dialog, "short")
    type_passphrase(qtbot, dialog, "short", "confirmEdit")
    click(qtbot, dialog, "encryptButton")
    assert dialog.isVisible() and message.isVisible()
    assert f"at least {crypto.MIN_PASSPHRASE_LENGTH} characters" in message.text()
    type_passphrase(qtbot, dialog, KEY)
    type_passphrase(qtbot, dialog, KEY + "x", "confirmEdit")
    click(qtbot, dialog, "encryptButton")
    assert dialog.isVisible() and "not the same" in message.text()
    type_passphrase(qtbot, dialog, KEY, "confirmEdit")
    click(qtbot, dialog, "encryptButton")
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.choice == NewDatabasePassphraseDialog.ENCRYPT and dialog.passphrase() == KEY
    assert not dialog.remember()


def test_enter_in_the_second_box_creates_the_encrypted_database(qtbot, show_window):
    """Found by hand under Xvfb: Enter after typing the passphrase twice cancelled the new
    database (the button box had made Cancel the default)."""
    dialog = show_window(NewDatabasePassphraseDialog("/data/new.sqlite"))
    type_passphrase(qtbot, dialog, KEY)
    type_passphrase(qtbot, dialog, KEY, "confirmEdit")
    qtbot.keyClick(dialog.findChild(QWidget, "confirmEdit"), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == NewDatabasePassphraseDialog.ENCRYPT and dialog.passphrase() == KEY


def test_no_encryption_is_chosen_only_after_a_warning(qtbot, show_window, dialogs):
    dialog = show_window(NewDatabasePassphraseDialog("/data/new.sqlite"))
    texts: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Handler:
        def handler(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            texts.append(box.text())
            box.button(button).click()

        return handler

    dialogs.answer(answer(QMessageBox.StandardButton.No))
    click(qtbot, dialog, "plainButton")
    assert dialog.isVisible() and dialog.choice is None
    assert "anyone who gets hold of this file" in texts[0]
    dialogs.answer(answer(QMessageBox.StandardButton.Yes))
    click(qtbot, dialog, "plainButton")
    assert not dialog.isVisible() and dialog.choice == NewDatabasePassphraseDialog.PLAIN
    assert dialogs.unexpected == []


def test_remember_box_is_off_without_a_keyring(qtbot, show_window):
    dialog = show_window(PassphraseDialog("/data/x.sqlite", keyring_ok=False))
    box = dialog.remember_box
    assert box.text() == REMEMBER_TEXT and not box.isEnabled() and not dialog.remember()
    assert not dialog.open_button.isEnabled()  # nothing typed yet
    type_passphrase(qtbot, dialog, "x")
    assert dialog.open_button.isEnabled()


def _encrypted_world(path, key=KEY) -> None:  # type: ignore[no-untyped-def]
    db = open_database(path, key=key)
    factories.build_world(db, Actor.system("test set-up"))
    db.close()


def test_wrong_passphrase_asks_again_then_opens_and_remembers(
    qtbot, tmp_path, dialogs, memory_keyring
):
    path = tmp_path / "secret.sqlite"
    _encrypted_world(path)
    messages: list[str] = []

    def attempt(passphrase: str, remember: bool = False) -> Handler:
        def handler(dialog: QWidget) -> None:
            assert isinstance(dialog, PassphraseDialog)
            label = dialog.message
            messages.append(label.text() if label.isVisible() else "")
            type_passphrase(qtbot, dialog, passphrase)
            dialog.remember_box.setChecked(remember)
            click(qtbot, dialog, "openButton")

        return handler

    dialogs.answer(attempt("not the right one"), attempt(KEY, remember=True))
    db = open_database_interactively(str(path))
    assert db is not None
    try:
        assert db.key == KEY and db.current_revision() is not None
    finally:
        db.close()
    assert messages == ["", WRONG_PASSPHRASE]
    assert dialogs.seen == ["passphraseDialog", "passphraseDialog"]
    assert memory_keyring.items == {(crypto.KEYRING_SERVICE, str(path.resolve())): KEY}

    # Next time (a new run: nothing cached) the keyring opens it without asking.
    passphrase_dialog._session_keys.clear()
    db = open_database_interactively(str(path))
    assert db is not None and db.key == KEY
    db.close()
    assert dialogs.seen == ["passphraseDialog", "passphraseDialog"] and not dialogs.unexpected


def test_cancel_and_a_stale_keyring_entry(qtbot, tmp_path, dialogs, memory_keyring):
    path = tmp_path / "secret.sqlite"
    _encrypted_world(path)
    memory_keyring.set_password(crypto.KEYRING_SERVICE, str(path), "an old passphrase")

    def cancel(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog)
        button = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    dialogs.answer(cancel)
    assert open_database_interactively(str(path)) is None
    assert dialogs.seen == ["passphraseDialog"] and not dialogs.unexpected


def test_plain_file_opens_without_asking(tmp_path, dialogs):
    path = tmp_path / "plain.sqlite"
    open_database(path).close()
    db = open_database_interactively(str(path))
    assert db is not None and db.key is None
    db.close()
    assert dialogs.seen == []


def test_a_new_database_is_encrypted_by_default(qtbot, tmp_path, dialogs, memory_keyring):
    path = tmp_path / "laptop.sqlite"

    def choose(dialog: QWidget) -> None:
        type_passphrase(qtbot, dialog, KEY)
        type_passphrase(qtbot, dialog, KEY, "confirmEdit")
        click(qtbot, dialog, "encryptButton")

    dialogs.answer(choose)
    db = open_database_interactively(str(path))
    assert db is not None
    try:
        assert db.key == KEY and crypto.is_encrypted(path)
    finally:
        db.close()
    assert dialogs.seen == ["newPassphraseDialog"] and memory_keyring.items == {}
    with pytest.raises(Exception, match="is encrypted"):
        open_database(path)


def test_the_passphrase_variable_is_used_without_asking(tmp_path, dialogs, monkeypatch):
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, KEY)
    path = tmp_path / "scripted.sqlite"
    db = open_database_interactively(str(path))
    assert db is not None and db.key == KEY and crypto.is_encrypted(path)
    db.close()
    db = open_database_interactively(str(path))
    assert db is not None
    db.close()
    assert dialogs.seen == []


def test_application_asks_for_the_passphrase_before_logging_in(qtbot, tmp_path, dialogs):
    from audit_tool.store.open_files import is_open_here
    from audit_tool.ui.app import Application

    path = tmp_path / "secret.sqlite"
    _encrypted_world(path)
    login_dialogs: list[str] = []

    def give(dialog: QWidget) -> None:
        type_passphrase(qtbot, dialog, KEY)
        click(qtbot, dialog, "openButton")

    def leave_login(dialog: QWidget) -> None:
        # The database is open: the next step (log-in, or first set-up) is not ours to drive.
        login_dialogs.append(dialog.objectName())
        assert is_open_here(path)
        assert isinstance(dialog, QDialog)
        dialog.reject()

    dialogs.answer(give, leave_login)
    app = Application(QApplication.instance())  # type: ignore[arg-type]
    assert app.open(str(path), "lead1") is False
    assert dialogs.seen[0] == "passphraseDialog" and len(login_dialogs) == 1
    assert login_dialogs[0] != "passphraseDialog" and not dialogs.unexpected
    assert not is_open_here(path)  # closed again when the log-in was cancelled

    # Cancelling the passphrase stops before any log-in.
    passphrase_dialog._session_keys.clear()
    dialogs.seen.clear()
    dialogs.answer(lambda dialog: dialog.reject())  # type: ignore[attr-defined]
    assert app.open(str(path), "lead1") is False
    assert dialogs.seen == ["passphraseDialog"] and not dialogs.unexpected
    assert app.db is None
