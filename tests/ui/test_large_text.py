"""A 175% system font: the layout grows with it (sidebar, table columns), nothing is cut off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from audit_tool.ui.main_window import MainWindow
from tests.ui.conftest import show_and_activate

SCALE = 1.75


@pytest.fixture
def large_text(qapp):
    """The application font at 175%, put back afterwards."""
    before = QFont(qapp.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * SCALE)
    qapp.setFont(font)
    yield before.pointSizeF() * SCALE
    qapp.setFont(before)


def _window(qtbot, world):
    window = MainWindow(world.db, world.lead)
    window.resize(1920, 1040)  # maximised on a 1920 x 1080 screen
    return show_and_activate(qtbot, window)


def test_the_sidebar_grows_with_the_font_and_cuts_no_label(qtbot, sqlite_world, large_text):
    window = _window(qtbot, sqlite_world)
    sidebar = window.sidebar
    assert sidebar.font().pointSizeF() >= large_text  # not a fixed point size
    metrics = QFontMetrics(sidebar.font())
    window.sidebar.item(window.view_keys().index("actions")).setText("Actions (12 overdue)")
    window._fit_sidebar()  # what update_actions does after changing the text
    for row in range(sidebar.count()):
        item = sidebar.item(row)
        rect = sidebar.visualItemRect(item)
        assert rect.width() >= metrics.horizontalAdvance(item.text()), item.text()
        assert rect.right() <= sidebar.viewport().width(), item.text()
        assert rect.height() >= metrics.height()


def test_the_sidebar_follows_a_font_change_while_open(qtbot, sqlite_world, qapp):
    window = _window(qtbot, sqlite_world)
    narrow = window.sidebar.width()
    before = QFont(qapp.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * SCALE)
    qapp.setFont(font)
    try:
        qtbot.waitUntil(lambda: window.sidebar.width() > narrow * 1.5)
    finally:
        qapp.setFont(before)
    qtbot.waitUntil(lambda: window.sidebar.width() == narrow)


def test_the_case_list_shows_its_last_column_whole(qtbot, sqlite_world, large_text):
    window = _window(qtbot, sqlite_world)
    window.show_view("cases")  # the window opens on My work
    table = window.view("cases").table
    qtbot.waitUntil(lambda: table.model().rowCount() == 3)
    header = table.horizontalHeader()
    last = header.count() - 1
    right = header.sectionViewportPosition(last) + header.sectionSize(last)
    assert right <= table.viewport().width()  # no column pushed out of sight
    metrics = QFontMetrics(table.font())
    title = str(table.model().headerData(last, Qt.Orientation.Horizontal))
    assert header.sectionSize(last) >= metrics.horizontalAdvance(title)
    opened = str(table.model().index(0, last).data())
    assert header.sectionSize(last) >= metrics.horizontalAdvance(opened) + 8  # not elided


def test_the_login_dialog_grows_when_it_says_what_is_wrong(qtbot, sqlite_world, large_text):
    """At 175% the wrong-password line used to squeeze the help text under it."""
    from PySide6.QtWidgets import QLabel

    from audit_tool.ui.login_dialog import LoginDialog

    dialog = show_and_activate(qtbot, LoginDialog(sqlite_world.db, "alex"))
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible)
    qtbot.waitUntil(lambda: dialog.height() >= dialog.minimumSizeHint().height())
    for label in dialog.pages.currentWidget().findChildren(QLabel):
        if label.isVisible() and label.wordWrap():
            needed = label.heightForWidth(label.width())
            assert label.height() >= needed, label.text()
