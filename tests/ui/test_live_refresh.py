"""The visible list follows changes made by another user (another connection to the same
file): on activation and on the interval, keeping the selection, never under the user's
typing in an open audit form."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from audit_tool.services import reference
from audit_tool.store import open_database
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.main_window import MainWindow
from tests import factories
from tests.ui.conftest import opened_window, show_and_activate


def other_user(world: factories.World) -> factories.World:
    """The same people, acting through a second Database object on the same file."""
    assert world.db.path is not None
    other = open_database(world.db.path)
    return dataclasses.replace(world, db=other, lead=reference.actor_for(other, "lead1"))


def audits_window(qtbot, world: factories.World) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(world.db, world.lead)
    show_and_activate(qtbot, window)
    # Live refresh waits while a mouse button is down; a press whose release an earlier test
    # sent to a widget it had already closed leaves Qt believing the button is still held.
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton)
    assert QApplication.mouseButtons() == Qt.MouseButton.NoButton
    window.show_view("audits")
    view = window.view("audits")
    view.scope.setCurrentIndex(view.scope.findData(None))  # type: ignore[attr-defined]
    return window


def test_change_by_another_user_appears_when_the_window_is_activated(qtbot, sqlite_world):
    factories.looped_audit(sqlite_world, ref="C1000")
    window = audits_window(qtbot, sqlite_world)
    view = window.view("audits")
    assert view.count.text() == "1 audit"  # type: ignore[attr-defined]
    elsewhere = other_user(sqlite_world)
    try:
        factories.looped_audit(elsewhere, ref="C1001")
        # Nothing changes by itself before the (two-minute) interval...
        other = QWidget()
        show_and_activate(qtbot, other)
        assert view.count.text() == "1 audit"  # type: ignore[attr-defined]
        # ...but coming back to the window refreshes the list.
        with (
            qtbot.waitSignal(window.live_refresh.refreshed, timeout=5000),
            qtbot.waitActive(window),
        ):
            window.activateWindow()
        assert view.count.text() == "2 audits"  # type: ignore[attr-defined]
    finally:
        elsewhere.db.close()


def test_interval_refresh_keeps_selection_and_leaves_an_open_form_alone(qtbot, sqlite_world):
    first = factories.looped_audit(sqlite_world, ref="C1000")
    second = factories.looped_audit(sqlite_world, ref="C1001")
    window = audits_window(qtbot, sqlite_world)
    view = window.view("audits")
    rows = view.model.rows  # type: ignore[attr-defined]
    view.table.selectRow([r.uuid for r in rows].index(second))  # type: ignore[attr-defined]
    # An auditor has the first audit open in its own window, typing.
    auditor_window = MainWindow(sqlite_world.db, sqlite_world.auditor)
    show_and_activate(qtbot, auditor_window)
    audits_view = auditor_window.view("audits")
    dialog = opened_window(qtbot, audits_view, lambda: audits_view.open_review(first))
    form = dialog.findChild(AuditForm)
    box = form.summary["worries"]
    show_and_activate(qtbot, dialog)
    # Autosave after a minute, not 3 s: on a slow machine the steps below take longer than
    # that, and an autosave would hide whether the refresh touched the form.
    form._timer.setInterval(60_000)
    box.setFocus()
    qtbot.keyClicks(box, "Drift in the plan")
    elsewhere = other_user(sqlite_world)
    try:
        factories.looped_audit(elsewhere, ref="C1002")
        with qtbot.waitSignal(window.live_refresh.refreshed, timeout=5000):
            window.live_refresh.set_interval(20)
        window.live_refresh.set_interval(60_000)
        assert view.count.text() == "3 audits"  # type: ignore[attr-defined]
        assert view.selected().uuid == second  # type: ignore[attr-defined]
        # The form kept its unsaved typing and its focus.
        assert box.toPlainText() == "Drift in the plan"
        assert form.status.text() == "Unsaved changes"
        assert box.hasFocus()
    finally:
        elsewhere.db.close()
