"""Logging in as a user would: the login dialog, the forced change after a reset, lock-out,
the first start of a new database, the lead's Accounts tab, the idle lock, and no password in
clear in the database file, its WAL, the settings or the log output."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
)

from audit_tool.services import accounts
from audit_tool.services.accounts import LoginFailed
from audit_tool.ui.account_dialogs import AccountDialog, ChangePasswordDialog, FirstLeadSetupDialog
from audit_tool.ui.accounts_tab import AccountsTab
from audit_tool.ui.idle_lock import ENV_SECONDS, IdleLock
from audit_tool.ui.login_dialog import LoginDialog
from tests.ui.conftest import show_and_activate

GOOD = "kettle on the landing 42"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    )


def _account(world, key: str = "aud1", username: str = "alex", password: str = GOOD) -> str:
    _row, temporary = accounts.create_account(
        world.db, world.lead, person_key=key, username=username
    )
    login = accounts.authenticate(world.db, username, temporary)
    accounts.change_own_password(world.db, login.actor, temporary, password)
    return username


def _type(qtbot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _log_in(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    _type(qtbot, dialog.username, username)
    _type(qtbot, dialog.password, password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def _login_dialog(qtbot, db, username: str | None = None) -> LoginDialog:
    return show_and_activate(qtbot, LoginDialog(db, username))  # type: ignore[return-value]


# ---------------------------------------------------------------- the login dialog


def test_wrong_password_is_said_in_the_dialog_then_the_right_one_logs_in(qtbot, sqlite_world):
    _account(sqlite_world)
    dialog = _login_dialog(qtbot, sqlite_world.db)
    assert dialog.username.text() == "" and dialog.username.hasFocus()
    _log_in(qtbot, dialog, "alex", "not my password")
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == accounts.WRONG_LOGIN
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    _log_in(qtbot, dialog, "nobody", GOOD)
    assert dialog.error.text() == accounts.WRONG_LOGIN
    _log_in(qtbot, dialog, "Alex", GOOD)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.actor is not None and dialog.actor.key == "aud1"
    # The user name is remembered for this database; the password field is empty again.
    again = _login_dialog(qtbot, sqlite_world.db)
    assert again.username.text() == "alex" and again.password.hasFocus()
    assert again.password.text() == ""
    # --user fills in the user name, but the password is still asked.
    third = _login_dialog(qtbot, sqlite_world.db, "priya")
    assert third.username.text() == "priya" and third.actor is None


def test_five_wrong_passwords_lock_the_account_and_the_dialog_says_until_when(qtbot, sqlite_world):
    _account(sqlite_world)
    dialog = _login_dialog(qtbot, sqlite_world.db)
    for attempt in range(5):
        _log_in(qtbot, dialog, "alex", f"wrong-{attempt}")
    text = dialog.error.text()
    assert "locked" in text and "until" in text and "reset" in text
    _log_in(qtbot, dialog, "alex", GOOD)
    assert dialog.isVisible() and "This account is locked" in dialog.error.text()
    assert dialog.actor is None


def test_a_deactivated_account_is_refused_in_the_dialog(qtbot, sqlite_world):
    _account(sqlite_world)
    accounts.set_active(sqlite_world.db, sqlite_world.lead, "alex", False)
    dialog = _login_dialog(qtbot, sqlite_world.db)
    _log_in(qtbot, dialog, "alex", GOOD)
    assert dialog.isVisible() and "deactivated" in dialog.error.text()


def test_after_a_reset_the_user_must_choose_a_new_password(qtbot, sqlite_world):
    _account(sqlite_world)
    temporary = accounts.reset_password(sqlite_world.db, sqlite_world.lead, "alex")
    dialog = _login_dialog(qtbot, sqlite_world.db)
    _log_in(qtbot, dialog, "alex", temporary)
    assert dialog.isVisible() and dialog.changing_password
    assert "Alex Auditor" in dialog.change_intro.text()
    form = dialog.change
    _type(qtbot, form.new, "a new sentence to remember")
    _type(qtbot, form.repeat, "a new sentence to rememBer")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert form.form.errors["repeat"].isVisible() and dialog.isVisible()
    _type(qtbot, form.new, "password123")
    _type(qtbot, form.repeat, "password123")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "too common" in form.form.errors["new"].text() and dialog.isVisible()
    _type(qtbot, form.new, "a new sentence to remember")
    _type(qtbot, form.repeat, "a new sentence to remember")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.actor is not None
    login = accounts.authenticate(sqlite_world.db, "alex", "a new sentence to remember")
    assert not login.must_change_password
    with pytest.raises(LoginFailed):
        accounts.authenticate(sqlite_world.db, "alex", temporary)


def test_quitting_the_forced_change_is_no_login(qtbot, sqlite_world):
    _account(sqlite_world)
    temporary = accounts.reset_password(sqlite_world.db, sqlite_world.lead, "alex")
    dialog = _login_dialog(qtbot, sqlite_world.db)
    _log_in(qtbot, dialog, "alex", temporary)
    assert dialog.changing_password
    dialog.reject()
    assert dialog.actor is None
    assert accounts.authenticate(sqlite_world.db, "alex", temporary).must_change_password


# ---------------------------------------------------------------- first start, application


def test_a_new_database_starts_with_the_first_lead_setup(qtbot, sqlite_db):
    dialog = show_and_activate(qtbot, FirstLeadSetupDialog(sqlite_db))
    assert isinstance(dialog, FirstLeadSetupDialog)
    qtbot.keyClicks(dialog.name, "Sam Taylor")
    dialog.agency.setCurrentText("Children's Social Care")
    qtbot.keyClicks(dialog.username, "sam.taylor")
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeat, "short")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "at least 10" in dialog.form.errors["password"].text()
    assert accounts.needs_first_setup(sqlite_db)
    _type(qtbot, dialog.password, GOOD)
    _type(qtbot, dialog.repeat, GOOD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.can("account.manage")
    assert not accounts.needs_first_setup(sqlite_db)
    assert accounts.authenticate(sqlite_db, "sam.taylor", GOOD).actor.name == "Sam Taylor"


def test_a_setup_beaten_by_another_is_one_dialog_and_no_login(qtbot, sqlite_db, monkeypatch):
    from tests.ui.error_capture import capture_errors

    dialog = show_and_activate(qtbot, FirstLeadSetupDialog(sqlite_db))
    qtbot.keyClicks(dialog.name, "Sam Taylor")
    dialog.agency.setCurrentText("Children's Social Care")
    qtbot.keyClicks(dialog.username, "sam.taylor")
    _type(qtbot, dialog.password, GOOD)
    _type(qtbot, dialog.repeat, GOOD)
    # Someone else set the database up meanwhile, on another computer.
    accounts.create_first_lead(
        sqlite_db, username="other", password=GOOD, name="Other Lead", agency_name="CSC"
    )
    shown = capture_errors(monkeypatch)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert shown == [
        (
            "Account not created",
            "This database already has accounts: log in, and ask a QA lead for an account.",
        )
    ]
    assert dialog.isVisible() and dialog.actor is None


def test_the_application_sets_up_then_asks_for_the_password(qtbot, tmp_path, on_modal):
    from audit_tool.store import open_database
    from audit_tool.ui.app import Application

    path = tmp_path / "new.sqlite"
    open_database(path).close()
    app = Application(QApplication.instance())  # type: ignore[arg-type]

    def set_up(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, FirstLeadSetupDialog)
        dialog.name.setText("Sam Taylor")
        dialog.agency.setCurrentText("Police")
        dialog.username.setText("sam.taylor")
        dialog.password.setText(GOOD)
        dialog.repeat.setText(GOOD)
        dialog.ok_button.click()

    on_modal(set_up)
    assert app.open(str(path))
    window = app.window
    assert window is not None and "Sam Taylor" in window.windowTitle()
    seen: dict[str, str] = {}

    def log_in(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, LoginDialog)
        seen["user"] = dialog.username.text()
        dialog.password.setText("not the password")
        dialog.ok_button.click()
        seen["error"] = dialog.error.text()
        dialog.password.setText(GOOD)
        dialog.ok_button.click()

    on_modal(log_in)
    assert app.open(str(path), user="sam_taylor")  # --user KEY fills in the user name only
    assert seen == {"user": "sam.taylor", "error": accounts.WRONG_LOGIN}
    assert app.window is not window and app.window is not None
    qtbot.addWidget(app.window)
    on_modal(lambda dialog: dialog.reject())
    assert not app.open(str(path))  # Quit at the login: nothing opens
    app.window.close()
    if app.db is not None:
        app.db.close()


# ---------------------------------------------------------------- change password, accounts tab


def test_change_password_from_the_file_menu(qtbot, sqlite_world, on_modal, monkeypatch):
    from audit_tool.ui.main_window import MainWindow

    monkeypatch.setenv(ENV_SECONDS, "0")
    _account(sqlite_world)
    window = show_and_activate(qtbot, MainWindow(sqlite_world.db, sqlite_world.auditor))
    assert window.change_password_action.isEnabled() and window.lock_action.isEnabled()

    def change(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, ChangePasswordDialog)
        dialog.fields.old.setText("not it")
        dialog.fields.new.setText("another good sentence")
        dialog.fields.repeat.setText("another good sentence")
        dialog.ok_button.click()
        assert dialog.isVisible()
        assert dialog.fields.form.errors["old"].text() == "The current password is not right"
        dialog.fields.old.setText(GOOD)
        dialog.ok_button.click()

    on_modal(change)
    window.change_password_action.trigger()
    assert window.statusBar().currentMessage() == "Your password was changed"
    assert accounts.authenticate(sqlite_world.db, "alex", "another good sentence")
    # Someone without a password (a database from before accounts) has neither command.
    other = show_and_activate(qtbot, MainWindow(sqlite_world.db, sqlite_world.auditor2))
    assert not other.change_password_action.isEnabled() and not other.lock_action.isEnabled()


def _tab_row(tab: AccountsTab, key: str) -> int:
    return [r.key for r in tab.model.rows].index(key)


def _cell(tab: AccountsTab, key: str, column: str) -> str:
    titles = [c.title for c in tab.model.columns]
    index = tab.model.index(_tab_row(tab, key), titles.index(column))
    return str(tab.model.data(index))


def test_a_lead_creates_deactivates_and_resets_accounts(qtbot, sqlite_world, on_modal):
    from audit_tool.ui.admin_view import AdminView

    lead = accounts.create_first_lead(
        sqlite_world.db, username="priya", password=GOOD, person_key="lead1"
    ).actor
    admin = show_and_activate(qtbot, AdminView(sqlite_world.db, lead))
    tab = admin.accounts
    assert tab is not None
    admin.tabs.setCurrentWidget(tab)
    assert _cell(tab, "lead1", "User name") == "priya"
    assert _cell(tab, "aud1", "User name") == "—" and _cell(tab, "aud1", "State") == "No account"
    assert "sw1" not in [r.key for r in tab.model.rows]  # no role: not a user
    tab.select("aud1")
    assert not tab.reset_button.isEnabled()
    shown: dict[str, str] = {}

    def create(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, AccountDialog)
        assert dialog.person.currentData() == "aud1" and dialog.username.text() == "aud1"
        dialog.username.setText("x")
        dialog.ok_button.click()
        assert "3-40" in dialog.form.errors["username"].text()
        dialog.username.setText("alex")
        dialog.ok_button.click()
        shown["text"] = dialog.done_text.text()
        shown["password"] = dialog.temporary.text()
        dialog.ok_button.click()

    on_modal(create)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert "Account alex created for Alex Auditor" in shown["text"]
    assert _cell(tab, "aud1", "State") == "Must change password"
    assert accounts.authenticate(sqlite_world.db, "alex", shown["password"]).must_change_password

    tab.select("aud1")
    assert tab.active_button.text() == "&Deactivate..."
    on_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert _cell(tab, "aud1", "State") == "Deactivated"
    assert tab.active_button.text() == "Re&activate"
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert _cell(tab, "aud1", "State") == "Must change password"

    tab.select("lead1")
    on_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    assert tab.message.isVisible() and "your own account" in tab.message.text()

    for attempt in range(5):
        with pytest.raises(LoginFailed):
            accounts.authenticate(sqlite_world.db, "alex", f"wrong-{attempt}")
    tab.refresh()
    assert _cell(tab, "aud1", "State") == "Locked" and _cell(tab, "aud1", "Locked until")
    tab.select("aud1")

    def reset(dialog) -> None:  # type: ignore[no-untyped-def]
        assert "Reset the password of alex" in dialog.intro.text()
        dialog.ok_button.click()
        shown["reset"] = dialog.temporary.text()
        dialog.ok_button.click()

    on_modal(reset)
    qtbot.mouseClick(tab.reset_button, Qt.MouseButton.LeftButton)
    assert shown["reset"] and shown["reset"] != shown["password"]
    assert _cell(tab, "aud1", "State") == "Must change password"
    assert _cell(tab, "aud1", "Locked until") == ""
    assert accounts.authenticate(sqlite_world.db, "alex", shown["reset"]).must_change_password


def test_only_leads_see_the_accounts_tab(qtbot, sqlite_world):
    from audit_tool.ui.admin_view import AdminView

    admin = show_and_activate(qtbot, AdminView(sqlite_world.db, sqlite_world.auditor))
    assert admin.accounts is None
    labels = [admin.tabs.tabText(i) for i in range(admin.tabs.count())]
    assert not any("ccounts" in label for label in labels)


# ---------------------------------------------------------------- idle lock


def _window_with_typing(qtbot) -> tuple[QMainWindow, QPlainTextEdit]:
    window = QMainWindow()
    editor = QPlainTextEdit()
    editor.setObjectName("draft")
    window.setCentralWidget(editor)
    window.resize(700, 500)
    show_and_activate(qtbot, window)
    qtbot.keyClicks(editor, "Half-written evidence for CASE-REF-77")
    return window, editor


def test_idle_time_covers_the_window_and_the_password_unlocks_it(qtbot, sqlite_world):
    _account(sqlite_world)
    window, editor = _window_with_typing(qtbot)
    lock = IdleLock(window, sqlite_world.db, sqlite_world.auditor, idle_seconds=0.2)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)
    (panel,) = lock.panels
    assert panel.isVisible() and panel.geometry() == window.rect()
    assert not editor.isEnabled()  # nothing under the panel takes input
    texts = " ".join(label.text() for label in panel.findChildren(QLabel))
    assert "CASE-REF-77" not in texts and "Alex Auditor" in texts
    password = panel.findChild(QLineEdit, "lockPassword")
    error = panel.findChild(QLabel, "lockError")
    assert password is not None and error is not None and password.hasFocus()
    window.resize(760, 540)
    qtbot.waitUntil(lambda: panel.geometry() == window.rect())
    qtbot.keyClicks(password, "not my password")
    qtbot.keyClick(password, Qt.Key.Key_Return)
    assert lock.is_locked and error.isVisible() and error.text() == accounts.WRONG_LOGIN
    qtbot.keyClicks(password, GOOD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    assert not lock.is_locked and editor.isEnabled()
    assert editor.toPlainText() == "Half-written evidence for CASE-REF-77"
    # It locks again after the next idle spell.
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)


def test_the_lock_covers_an_open_dialog_and_asks_there(qtbot, sqlite_world, on_modal):
    _account(sqlite_world)
    window, editor = _window_with_typing(qtbot)
    lock = IdleLock(window, sqlite_world.db, sqlite_world.auditor, idle_seconds=0)
    seen: dict[str, object] = {}

    def while_open(dialog) -> None:  # type: ignore[no-untyped-def]
        lock.lock()
        hosts = {panel.host: panel for panel in lock.panels}
        seen["hosts"] = set(hosts) == {window, dialog}
        seen["form_in_dialog"] = hosts[dialog].password is not None
        seen["form_in_window"] = hosts[window].password is not None
        assert hosts[dialog].password is not None
        hosts[dialog].password.setText(GOOD)
        hosts[dialog].password.returnPressed.emit()
        seen["unlocked"] = not lock.is_locked
        seen["typing"] = dialog.findChild(QLineEdit, "note").text()
        dialog.accept()

    dialog = QDialog(window)
    note = QLineEdit("kept note", dialog)
    note.setObjectName("note")
    on_modal(while_open)
    dialog.exec()
    assert seen == {
        "hosts": True,
        "form_in_dialog": True,
        "form_in_window": False,
        "unlocked": True,
        "typing": "kept note",
    }
    assert editor.isEnabled()


def test_lock_from_the_menu_and_switch_user(qtbot, sqlite_world, monkeypatch):
    from audit_tool.ui.main_window import MainWindow

    monkeypatch.setenv(ENV_SECONDS, "0")  # no idle lock in this test: only Ctrl+L
    _account(sqlite_world)
    window = show_and_activate(qtbot, MainWindow(sqlite_world.db, sqlite_world.auditor))
    assert window.idle_lock.idle_seconds == 0
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.idle_lock.is_locked
    assert not window.menuBar().isEnabled() and not window.centralWidget().isEnabled()
    assert not window.lock_action.isEnabled() and not window.quit_action.isEnabled()
    panel = window.idle_lock.panels[0]
    switch = panel.findChild(QPushButton, "lockSwitchUser")
    assert switch is not None
    with qtbot.waitSignal(window.switch_user_requested, timeout=5000):
        qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)


def test_the_idle_time_setting(monkeypatch, qapp):
    from audit_tool.ui.idle_lock import idle_seconds_setting
    from audit_tool.ui.settings import app_settings

    monkeypatch.delenv(ENV_SECONDS, raising=False)
    assert idle_seconds_setting() == 600
    app_settings().setValue("idleLockMinutes", 2.5)
    assert idle_seconds_setting() == 150
    monkeypatch.setenv(ENV_SECONDS, "0.5")
    assert idle_seconds_setting() == 0.5


# ---------------------------------------------------------------- never in clear


def test_passwords_are_never_stored_or_logged_in_clear(qtbot, tmp_path, caplog, on_modal):
    from audit_tool.access.actors import Actor
    from audit_tool.services import reference
    from audit_tool.store import open_database

    caplog.set_level(logging.DEBUG)
    first, second, third = "Zebra-Quokka-Lantern-8841", "Quokka-Violin-Harbour-5519", ""
    path = tmp_path / "secrets.sqlite"
    db = open_database(path)
    try:
        reference.save_agency(db, Actor.system(), key="csc", name="Children's Social Care")
        reference.save_person(
            db, Actor.system(), key="aud1", name="Alex Auditor", agency_key="csc", roles=["auditor"]
        )
        setup = show_and_activate(qtbot, FirstLeadSetupDialog(db))
        assert isinstance(setup, FirstLeadSetupDialog)
        setup.person.setCurrentIndex(0)
        setup.name.setText("Sam Taylor")
        setup.agency.setCurrentText("Children's Social Care")
        setup.username.setText("sam.taylor")
        setup.password.setText(first)
        setup.repeat.setText(first)
        setup.ok_button.click()
        lead = setup.actor
        assert lead is not None
        login = _login_dialog(qtbot, db)
        _log_in(qtbot, login, "sam.taylor", first + "x")
        _log_in(qtbot, login, "sam.taylor", first)
        assert login.actor is not None
        _row, temporary = accounts.create_account(db, lead, person_key="aud1", username="alex")
        forced = _login_dialog(qtbot, db)
        _log_in(qtbot, forced, "alex", temporary)
        forced.change.new.setText(second)
        forced.change.repeat.setText(second)
        forced.ok_button.click()
        assert forced.actor is not None
        third = "Harbour-Zebra-Violin-2207"

        def change(dialog) -> None:  # type: ignore[no-untyped-def]
            dialog.fields.old.setText(first)
            dialog.fields.new.setText(third)
            dialog.fields.repeat.setText(third)
            dialog.ok_button.click()

        on_modal(change)
        ChangePasswordDialog(db, lead).exec()
        assert accounts.authenticate(db, "sam.taylor", third).actor.name == "Sam Taylor"
        files = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
        stored = b"".join(p.read_bytes() for p in files if p.exists())
        assert b"$argon2id$" in stored  # the hashes are there, and nothing else
    finally:
        db.close()
    stored += path.read_bytes()
    settings = Path(
        QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "x").fileName()
    )
    settings_text = b"".join(p.read_bytes() for p in settings.parent.rglob("*") if p.is_file())
    assert b"=alex" in settings_text  # the last user name is remembered
    log_text = caplog.text
    assert "login: sam.taylor" in log_text
    for secret in (first, second, third, temporary):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in stored
            assert secret.encode(encoding) not in settings_text
        assert secret not in log_text
