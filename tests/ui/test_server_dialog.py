"""The "Connect to team server" dialog against a real PostgreSQL: the message for each state,
creating and upgrading the schema, the password kept in the keyring and handed over in memory,
never in the settings or in the URL the window passes on."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QSpinBox, QWidget
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from audit_tool.store import migrate, open_database, server
from audit_tool.store.database import SCHEMA_HEAD
from audit_tool.store.urls import to_url
from audit_tool.ui import server_dialog
from audit_tool.ui.main_window import MainWindow
from audit_tool.ui.server_dialog import SETTINGS_KEY, ServerDialog, open_server_interactively
from audit_tool.ui.settings import app_settings
from tests.keyrings import MemoryKeyring
from tests.ui.conftest import show_and_activate


@pytest.fixture(autouse=True)
def memory_keyring(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    monkeypatch.delenv(server.ENV_PASSWORD, raising=False)
    monkeypatch.setattr(server_dialog, "_session_passwords", {})
    return memory_keyring


def password_of(url: str) -> str:
    """The password the test server accepts: the URL's, or any on a trust-auth server."""
    return str(make_url(url).password or "any-password-will-do")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill(qtbot, dialog: QWidget, url: str, *, tls: str = "prefer", port: int | None = None):  # type: ignore[no-untyped-def]
    """Type the server's details into the dialog as a user would."""
    parsed = make_url(url)
    for name, value in (
        ("hostEdit", parsed.host or "127.0.0.1"),
        ("databaseEdit", parsed.database or ""),
        ("userEdit", parsed.username or ""),
        ("passwordEdit", password_of(url)),
    ):
        edit = dialog.findChild(QLineEdit, name)
        edit.clear()
        qtbot.keyClicks(edit, value)
    dialog.findChild(QSpinBox, "portSpin").setValue(port or parsed.port or 5432)
    combo = dialog.findChild(QComboBox, "tlsCombo")
    combo.setCurrentIndex(combo.findData(tls))


def click(qtbot, dialog: QWidget, name: str) -> None:  # type: ignore[no-untyped-def]
    button = dialog.findChild(QPushButton, name)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def message(dialog: QWidget) -> str:
    from PySide6.QtWidgets import QLabel

    label = dialog.findChild(QLabel, "serverMessage")
    return label.text() if label.isVisible() else ""


def wait_for(qtbot, dialog: QWidget, words: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: words in message(dialog), timeout=15000)


def new_dialog(qtbot) -> ServerDialog:  # type: ignore[no-untyped-def]
    dialog = ServerDialog()
    show_and_activate(qtbot, dialog)
    return dialog


def test_test_connection_names_tls_then_connects_with_the_right_mode(qtbot, pg_url):
    open_database(pg_url).close()
    dialog = new_dialog(qtbot)
    assert dialog.tls_combo.currentData() == "require"  # the default
    assert "not checked" in dialog.tls_help.text()
    fill(qtbot, dialog, pg_url, tls="require")
    click(qtbot, dialog, "testButton")
    qtbot.waitUntil(
        lambda: dialog.last_result is not None and dialog.test_button.isEnabled(), timeout=15000
    )
    assert dialog.last_result is not None
    if dialog.last_result.status is server.Status.TLS_UNAVAILABLE:  # this machine's server: no TLS
        assert "does not offer encryption (TLS)" in message(dialog)
        dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("prefer"))
        assert "trusted network" in dialog.tls_help.text()
        click(qtbot, dialog, "testButton")
    wait_for(qtbot, dialog, "Connected: PostgreSQL")
    assert f"schema {SCHEMA_HEAD} (up to date)" in message(dialog)
    assert not dialog.schema_button.isVisible()
    assert dialog.isVisible()  # testing does not connect


def test_a_server_that_is_down_is_named_and_connect_does_not_close(qtbot, pg_url):
    dialog = new_dialog(qtbot)
    port = closed_port()
    fill(qtbot, dialog, pg_url, port=port)
    click(qtbot, dialog, "connectButton")
    wait_for(qtbot, dialog, f"Nothing answers at 127.0.0.1:{port}")
    qtbot.waitUntil(dialog.connect_button.isEnabled)
    assert dialog.isVisible() and dialog.url is None


def test_missing_details_are_asked_for_and_nothing_is_tried(qtbot):
    dialog = new_dialog(qtbot)
    assert not dialog.test_button.isEnabled() and not dialog.connect_button.isEnabled()
    qtbot.keyClicks(dialog.host_edit, "db.example.org")
    qtbot.keyClicks(dialog.database_edit, "audit")
    assert not dialog.connect_button.isEnabled()
    qtbot.keyClicks(dialog.user_edit, "jo")
    assert dialog.connect_button.isEnabled()


def test_an_empty_database_gets_its_schema_from_the_dialog(qtbot, pg_url):
    dialog = new_dialog(qtbot)
    fill(qtbot, dialog, pg_url)
    click(qtbot, dialog, "testButton")
    wait_for(qtbot, dialog, "is empty")
    qtbot.waitUntil(dialog.schema_button.isVisible)
    assert dialog.schema_button.text() == "Create schema"
    click(qtbot, dialog, "schemaButton")
    wait_for(qtbot, dialog, "Connected: PostgreSQL")
    assert server.test_connection(pg_url).revision == SCHEMA_HEAD
    assert not dialog.schema_button.isVisible()


def test_connect_keeps_the_password_in_the_keyring_and_out_of_the_settings(
    qtbot, pg_url, memory_keyring
):
    open_database(pg_url).close()
    dialog = new_dialog(qtbot)
    fill(qtbot, dialog, pg_url)
    dialog.remember_box.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        click(qtbot, dialog, "connectButton")
    assert dialog.url is not None and dialog.url.password is None
    password = password_of(pg_url)
    stored = app_settings().value(SETTINGS_KEY)
    assert stored == server.without_password(dialog.url)
    assert password not in str(stored)
    username = server.keyring_username(dialog.url)
    assert memory_keyring.items == {(server.KEYRING_SERVICE, username): password}
    assert server_dialog.session_password(dialog.url) == password

    # Next time the dialog offers the same server, remembering ticked.
    again = new_dialog(qtbot)
    assert again.host_edit.text() == (make_url(pg_url).host or "")
    assert again.database_edit.text() == make_url(pg_url).database
    assert again.tls_combo.currentData() == "prefer"
    assert again.remember_box.isChecked()

    # Unticking forgets it.
    fill(qtbot, again, pg_url)
    again.remember_box.setChecked(False)
    with qtbot.waitSignal(again.accepted, timeout=15000):
        click(qtbot, again, "connectButton")
    assert memory_keyring.items == {}


def test_the_window_opens_a_server_with_the_password_handed_over_in_memory(
    qtbot, sqlite_world, pg_url, on_modal
):
    open_database(pg_url).close()
    window = show_and_activate(qtbot, MainWindow(sqlite_world.db, sqlite_world.lead))
    action = window.findChild(type(window.open_action), "connectServer")
    assert action is not None and action.text() == "Connect to &team server..."

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, ServerDialog)
        fill(qtbot, dialog, pg_url)
        click(qtbot, dialog, "connectButton")

    on_modal(answer)
    with qtbot.waitSignal(window.open_database_requested, timeout=20000) as signal:
        action.trigger()
    (requested,) = signal.args
    expected = make_url(pg_url).set(query={"sslmode": "prefer"})
    assert requested == server.without_password(expected)
    assert make_url(requested).password is None

    # What the Application does with it: the password comes from the hand-off.
    db = open_server_interactively(requested, window)
    try:
        assert db is not None and db.current_revision() == SCHEMA_HEAD
        assert db.url.password == password_of(pg_url)
        assert password_of(pg_url) not in db.display_name
    finally:
        assert db is not None
        db.close()


def test_opening_an_older_server_schema_offers_the_upgrade(qtbot, pg_url, on_modal):
    engine = create_engine(to_url(pg_url))
    migrate.upgrade(engine, "0005_accounts")
    engine.dispose()
    seen: list[str] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, ServerDialog)
        seen.append(message(dialog))
        assert dialog.schema_button.isVisible()
        assert dialog.schema_button.text() == "Upgrade schema"
        dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("prefer"))
        click(qtbot, dialog, "schemaButton")
        wait_for(qtbot, dialog, "Connected: PostgreSQL")
        click(qtbot, dialog, "connectButton")

    on_modal(answer)
    db = open_server_interactively(pg_url)
    try:
        assert db is not None and db.current_revision() == SCHEMA_HEAD
    finally:
        if db is not None:
            db.close()
    assert "older schema (0005_accounts)" in seen[0]


def test_cancelling_the_dialog_opens_nothing(qtbot, pg_url, on_modal):
    url = make_url(pg_url).set(port=closed_port()).render_as_string(False)
    seen: list[str] = []

    def answer(dialog: QWidget) -> None:
        seen.append(message(dialog))
        dialog.reject()

    on_modal(answer)
    assert open_server_interactively(url) is None
    assert "Nothing answers" in seen[0]
