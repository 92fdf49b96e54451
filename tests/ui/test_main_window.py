"""The application shell: navigation, status bar, shortcuts, remembered layout."""

from __future__ import annotations

from PySide6.QtCore import Qt

from audit_tool.ui.main_window import MainWindow


def _window(qtbot, world, actor):
    from tests.ui.conftest import show_and_activate

    return show_and_activate(qtbot, MainWindow(world.db, actor))


def test_shell_shows_database_user_and_cases(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.lead)
    assert window.view_keys() == ["cases", "audits", "admin"]
    assert window.current_view_key() == "cases"
    assert str(sqlite_world.db.path) in window.database_label.text()
    assert "Priya Lead" in window.user_label.text() and "QA lead" in window.user_label.text()
    assert window.view("cases").model.rowCount() == 3
    assert "Priya Lead" in window.windowTitle()


def test_viewer_does_not_get_the_case_register(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.viewer)
    assert "cases" not in window.view_keys()


def test_keyboard_switches_views_and_layout_is_remembered(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.lead)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_key() == "admin"
    window.resize(1001, 655)
    window.close()
    again = _window(qtbot, sqlite_world, sqlite_world.lead)
    assert again.current_view_key() == "admin"
    # The offscreen screen is 800 pixels wide, so Qt narrows the restored window to its
    # minimum width; the height shows the geometry came back.
    assert again.height() == 655
