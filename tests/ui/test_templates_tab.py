"""Admin > Templates: build a template item by item, save it, preview it, version on edit."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from audit_tool.services import programmes, templates
from audit_tool.ui.admin_view import AdminView
from tests.factories import looped_audit
from tests.ui.conftest import show_and_activate


def test_build_save_preview_and_version(qtbot, sqlite_world, on_modal, monkeypatch):
    world = sqlite_world
    view = show_and_activate(qtbot, AdminView(world.db, world.lead))
    tab = view.templates
    view.tabs.setCurrentWidget(tab)
    assert {r.key for r in tab.model.rows} == {
        "moderated_case_file",
        "jtai_multi_agency",
        "send_ehc_plan",
    }
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.name, "Exploitation (RED pathway)")
    qtbot.keyClicks(tab.key, "red_pathway")
    for key, label, kind, limiting in (
        ("voice", "Voice of the child", "grade", True),
        ("risk", "Risk assessment", "grade", False),
        ("days", "Days to strategy discussion", "number", False),
    ):
        tab.item_key.setText(key)
        tab.item_label.setText(label)
        tab.item_kind.setCurrentIndex(tab.item_kind.findData(kind))
        tab.item_limiting.setChecked(limiting)
        tab.item_section.setText("Practice")
        qtbot.mouseClick(tab.add_item_button, Qt.MouseButton.LeftButton)
    assert tab.item_list.count() == 3
    assert tab.item_list.item(0).text() == "Practice: Voice of the child (Grade, limiting)"
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    row = templates.get_template(world.db, world.lead, "red_pathway")
    assert (row.version, [i.key for i in row.items]) == (1, ["voice", "risk", "days"])

    seen = []
    on_modal(lambda dialog: (seen.append(dialog.windowTitle()), dialog.accept()))
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    assert seen == ["Preview: Exploitation (RED pathway)"]

    # Used by an audit: the next save is version 2.
    programmes.save_programme(
        world.db,
        world.lead,
        key="red",
        name="RED",
        kind="monthly",
        template_key="red_pathway",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
    )
    looped_audit(world, programme="red")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.item_list.setCurrentRow(2)
    qtbot.mouseClick(tab.remove_item_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert templates.get_template(world.db, world.lead, "red_pathway").version == 2


def test_invalid_template_shows_the_message(qtbot, sqlite_world):
    view = show_and_activate(qtbot, AdminView(sqlite_world.db, sqlite_world.lead))
    tab = view.templates
    view.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.name, "Empty")
    qtbot.keyClicks(tab.key, "empty")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    error = tab.form.errors["items"]
    assert error.isVisible() and "at least one graded" in error.text()


def test_auditors_cannot_edit_templates(qtbot, sqlite_world):
    view = show_and_activate(qtbot, AdminView(sqlite_world.db, sqlite_world.auditor))
    view.tabs.setCurrentWidget(view.templates)
    assert not view.templates.save_button.isEnabled() and view.templates.model.rowCount() == 3


def test_a_new_scale_from_the_templates_tab(qtbot, sqlite_world, on_modal):
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton

    view = show_and_activate(qtbot, AdminView(sqlite_world.db, sqlite_world.lead))
    tab = view.templates
    view.tabs.setCurrentWidget(tab)

    def fill(dialog):
        qtbot.keyClicks(dialog.findChild(QLineEdit, "scale_name"), "Red amber green")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "scale_key"), "rag")
        dialog.findChild(QPlainTextEdit, "scale_levels").setPlainText("Green\nAmber\nRed")
        qtbot.mouseClick(dialog.findChild(QPushButton, "scale_save"), Qt.MouseButton.LeftButton)

    on_modal(fill)
    qtbot.mouseClick(tab.scale_button, Qt.MouseButton.LeftButton)
    assert tab.scale.currentData() == "rag"
    assert tab.scale.currentText() == "Red amber green (Green, Amber, Red)"
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.name, "RAG audit")
    qtbot.keyClicks(tab.key, "rag_audit")
    tab.scale.setCurrentIndex(tab.scale.findData("rag"))
    tab.item_key.setText("safety")
    tab.item_label.setText("Safety")
    qtbot.mouseClick(tab.add_item_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert (
        templates.get_template(sqlite_world.db, sqlite_world.lead, "rag_audit").scale_key == "rag"
    )


def test_a_refusal_not_about_a_field_is_one_dialog_and_changes_nothing(
    qtbot, sqlite_world, monkeypatch
):
    from audit_tool.errors import PermissionDenied
    from tests.ui.error_capture import capture_errors

    world = sqlite_world
    view = show_and_activate(qtbot, AdminView(world.db, world.lead))
    tab = view.templates
    view.tabs.setCurrentWidget(tab)
    tab.table.selectRow(0)
    chosen = tab.current.key
    shown = capture_errors(monkeypatch)

    def refuse(*_a, **_k):
        raise PermissionDenied("Your role no longer lets you edit templates")

    monkeypatch.setattr(templates, "save_template", refuse)
    monkeypatch.setattr(templates, "retire_template", refuse)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.retire_button, Qt.MouseButton.LeftButton)
    message = "Your role no longer lets you edit templates"
    assert shown == [("Template not saved", message), ("Not retired", message)]
    assert not tab.form.message.isVisible() and tab.current.key == chosen
