"""The Help menu: the user guide (F1), the keyboard shortcuts, About, About Qt, and the
third-party licence notices."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from audit_tool import __version__
from audit_tool.store.database import SCHEMA_HEAD
from audit_tool.ui.help import LicencesDialog, ShortcutsDialog, UserGuideDialog
from audit_tool.ui.main_window import MainWindow
from tests.ui.conftest import show_and_activate


def _window(qtbot, world):
    return show_and_activate(qtbot, MainWindow(world.db, world.lead))


def _guide(window) -> UserGuideDialog:
    (dialog,) = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, UserGuideDialog) and w.isVisible()
    ]
    return dialog


def _images(document: QTextDocument) -> list[str]:
    names = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isImageFormat():
                names.append(fragment.charFormat().toImageFormat().name())
            it += 1
        block = block.next()
    return names


def test_f1_opens_the_user_guide_with_its_screenshots(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world)
    assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, UserGuideDialog) for w in QApplication.topLevelWidgets() if w.isVisible()
        )
    )
    dialog = _guide(window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.images_loaded, timeout=20_000)  # read in the background
    text = dialog.browser.toPlainText()
    assert text.startswith("User guide")
    assert "Demo accounts" in text and "Moderate (moderator)" in text
    assert "A looped audit from start to finish" in text
    images = _images(dialog.browser.document())
    assert "screenshots/walkthrough/01-lead-login.png" in images
    for name in images:  # every picture is found, and fits the window
        image = dialog.browser.document().resource(
            QTextDocument.ResourceType.ImageResource.value, name
        )
        assert image is not None and image.width() > 200, name  # the picture, not a blank
        assert image.width() <= dialog.browser.viewport().width(), name
    dialog.close()
    assert not dialog.isVisible()


def test_a_missing_guide_is_said_in_words(qtbot, tmp_path):
    dialog = UserGuideDialog(path=tmp_path / "user-guide.md")
    qtbot.addWidget(dialog)
    assert "not installed" in dialog.browser.toPlainText()


def test_the_shortcuts_are_read_from_the_window_s_actions(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world)
    window.show_view("dashboard")  # a view's own keys are listed once it is open
    window.show_view("admin")
    extra = QAction("Something new", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+N"))
    window.addAction(extra)
    dialog = ShortcutsDialog(window, window._shortcut_place)
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    keys = {command: (shortcut, where) for command, shortcut, where in rows}
    f1 = QKeySequence(QKeySequence.StandardKey.HelpContents).toString(
        QKeySequence.SequenceFormat.NativeText
    )
    assert keys["User guide"] == (f1, "Help")
    assert keys["Lock"] == ("Ctrl+L", "File")
    assert keys["My work"] == ("Ctrl+1", "View")
    assert keys["Cases"] == ("Ctrl+2", "View")
    assert keys["Dashboard"] == ("Ctrl+9", "View")
    assert keys["Refresh"][1] == "Dashboard view"
    assert keys["Save"] == ("Ctrl+S", "Admin view")  # a QShortcut, not in a menu
    assert keys["Something new"][0] == "Ctrl+Alt+N"  # not a copy: what the window has
    assert len(rows) == len(set(rows))


def test_help_menu_opens_the_shortcuts_and_closes(qtbot, sqlite_world, on_modal):
    window = _window(qtbot, sqlite_world)
    seen = {}

    def check(dialog):
        seen["rows"] = dialog.rows()
        dialog.reject()

    on_modal(check)
    window.shortcuts_action.trigger()
    assert ("Open database", "Ctrl+O", "File") in seen["rows"]


def test_about_names_the_version_database_and_schema(qtbot, sqlite_world, on_modal):
    window = _window(qtbot, sqlite_world)
    seen = {}

    def check(box):
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        box.accept()

    on_modal(check)
    window.about_action.trigger()
    assert seen["title"] == "About Audit Tool"
    assert __version__ in seen["text"]
    assert str(sqlite_world.db.path) in seen["text"]
    assert f"schema version: {SCHEMA_HEAD}" in seen["text"]


def test_about_qt(qtbot, sqlite_world, on_modal):
    window = _window(qtbot, sqlite_world)
    seen = {}

    def check(box):
        seen["box"] = isinstance(box, QMessageBox)
        seen["text"] = box.text() + box.informativeText()
        box.accept()

    on_modal(check)
    window.about_qt_action.trigger()
    assert seen["box"] and "Qt" in seen["text"]


def test_the_licences_are_listed_with_their_texts(qtbot, sqlite_world, on_modal):
    window = _window(qtbot, sqlite_world)
    seen = {}

    def check(dialog):
        assert isinstance(dialog, LicencesDialog)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
        seen["text"] = dialog.text.toPlainText()
        dialog.reject()

    on_modal(check)
    window.licences_action.trigger()
    text = seen["text"]
    assert "SQLAlchemy" in text and "PySide6_Essentials" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text  # Qt
    assert "ZETETIC LLC" in text  # SQLCipher
    assert "Apache License" in text and "OpenSSL" in text
    assert "pytest" not in text.lower().split("third-party")[0]  # test tools are not shipped


def test_the_guide_dialog_is_a_dialog(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world)
    dialog = window.user_guide()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, QDialog) and dialog.objectName() == "userGuide"
    dialog.close()


def test_the_guide_is_found_in_a_checkout_and_in_the_frozen_package(tmp_path, monkeypatch):
    import sys

    from audit_tool.resources import user_guide_path

    assert user_guide_path().is_file()  # this checkout (or editable install)
    assert (user_guide_path().parent / "screenshots" / "dark-dashboard.png").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert user_guide_path() == tmp_path / "docs" / "user-guide.md"
