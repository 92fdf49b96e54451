"""The GUI says so when the change log was shortened: Verify chain in Admin > Change log, and a
warning in the main window's status bar for a file whose log did not check out on opening."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from audit_tool.store import open_database
from audit_tool.ui import operations as ops
from audit_tool.ui.changelog_view import ChangeLogView
from audit_tool.ui.main_window import MainWindow
from tests.factories import final_audit


def test_verify_chain_names_the_entries_deleted_from_the_end(qtbot, sqlite_world, show_window):
    world = sqlite_world
    final_audit(world)
    view = show_window(ChangeLogView(world.db, world.lead))
    qtbot.waitUntil(lambda: not ops.is_running(view, "rows"))  # loaded in the pool
    with world.db.engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM change_log")).scalar()
        conn.execute(text("DELETE FROM change_log WHERE id >= :n"), {"n": last - 1})
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.verify_result.text().startswith("Broken:"))
    assert f"entries {last - 1} to {last} are missing" in view.verify_result.text()


def test_the_window_warns_when_the_log_did_not_check_out_on_opening(
    qtbot, sqlite_world, show_window
):
    world = sqlite_world
    final_audit(world)
    with world.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM change_log"))
    path = world.db.path
    again = open_database(path, create=False)
    try:
        window = show_window(MainWindow(again, world.lead))
        warning = window.findChild(QLabel, "statusLogWarning")
        assert warning is not None and warning.isVisible()
        assert warning.text() == "Change log does not check out: Admin > Change log"
        assert "it is empty but the database holds 1 audit(s)" in warning.toolTip()
    finally:
        again.close()


def test_no_warning_for_a_log_that_checks_out(qtbot, sqlite_world, show_window):
    window = show_window(MainWindow(sqlite_world.db, sqlite_world.lead))
    assert window.findChild(QLabel, "statusLogWarning") is None
