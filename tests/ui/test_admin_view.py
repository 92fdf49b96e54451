"""The Admin view driven as a user would: tables, forms, validation, delete, read-only."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from audit_tool.services import changelog, reference
from audit_tool.ui.admin_view import AdminView


def _view(world, show_window, actor=None):
    view = AdminView(world.db, actor or world.lead)
    view.resize(1200, 700)
    show_window(view)
    return view


def _column(tab, column=0):
    return [tab.model.index(r, column).data() for r in range(tab.model.rowCount())]


def test_lists_agencies_teams_and_people(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window)
    assert "Children's Social Care" in _column(view.agencies)
    assert {"Assessment Team North", "Through Care Team", "Public Protection Unit"} <= set(
        _column(view.teams)
    )
    people = dict(zip(_column(view.people, 0), _column(view.people, 1), strict=True))
    assert people["Priya Lead"] == "Auditor, QA lead, Moderator"
    assert people["Sam Worker"] == "-"


def test_adding_a_team_through_the_form(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window)
    view.tabs.setCurrentWidget(view.teams)
    tab = view.teams
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.name, "Exploitation Hub")
    assert tab.key.text() == "exploitation_hub"  # suggested from the name
    tab.agency.setCurrentIndex(tab.agency.findData("csc"))
    tab.service_area.setCurrentText("Exploitation")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Exploitation Hub" in _column(tab)
    assert tab.title.text() == "Exploitation Hub"  # the saved team stays selected
    team = next(
        t
        for t in reference.list_teams(sqlite_world.db, sqlite_world.lead)
        if t.key == "exploitation_hub"
    )
    assert team.service_area == "Exploitation" and team.agency_key == "csc"
    entry = changelog.entries(sqlite_world.db, sqlite_world.lead, entity="team")[0]
    assert entry.action == "create" and entry.actor_name == "Priya Lead"


def test_invalid_team_shows_messages_beside_the_fields_and_writes_nothing(
    qtbot, sqlite_world, show_window
):
    view = _view(sqlite_world, show_window)
    tab = view.teams
    view.tabs.setCurrentWidget(tab)
    before = changelog.count(sqlite_world.db)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    tab.key.setText("ppu")  # already used
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    name_error = tab.findChild(QLabel, "teams_nameError")
    key_error = tab.findChild(QLabel, "teams_keyError")
    agency_error = tab.findChild(QLabel, "teams_agencyError")
    assert name_error.isVisible() and name_error.text() == "A name is required"
    assert key_error.isVisible() and "already used by Public Protection Unit" in key_error.text()
    assert agency_error.isVisible() and "agency" in agency_error.text()
    assert "3 problems" in tab.message.text()
    assert changelog.count(sqlite_world.db) == before


def test_editing_a_persons_roles(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window)
    tab = view.people
    view.tabs.setCurrentWidget(tab)
    tab.table.selectRow(_column(tab).index("Bea Auditor"))
    assert tab.role_boxes["auditor"].isChecked() and not tab.role_boxes["moderator"].isChecked()
    box = tab.role_boxes["moderator"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    tab.name.setFocus()
    qtbot.keyClick(tab.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves
    assert reference.get_person(sqlite_world.db, "aud2").roles == ("auditor", "moderator")
    row = _column(tab).index("Bea Auditor")
    assert tab.model.index(row, 1).data() == "Auditor, Moderator"


def test_delete_asks_and_shows_the_services_refusal(qtbot, sqlite_world, show_window, monkeypatch):
    view = _view(sqlite_world, show_window)
    tab = view.teams
    view.tabs.setCurrentWidget(tab)
    shown = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(
        "audit_tool.ui.admin_view.show_error", lambda parent, title, exc: shown.append(str(exc))
    )
    tab.table.selectRow(_column(tab).index("Assessment Team North"))  # it has cases
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert shown and "case" in shown[0]
    assert "Assessment Team North" in _column(tab)

    reference.save_team(
        sqlite_world.db, sqlite_world.lead, key="spare", name="Spare Team", agency_key="csc"
    )
    tab.refresh()
    tab.table.selectRow(_column(tab).index("Spare Team"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "Spare Team" in _column(tab)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "Spare Team" not in _column(tab)
    assert (
        changelog.entries(sqlite_world.db, sqlite_world.lead, entity="team")[0].action == "delete"
    )


def test_viewer_sees_a_read_only_admin(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window, sqlite_world.viewer)
    for tab in (view.agencies, view.teams, view.people):
        view.tabs.setCurrentWidget(tab)
        assert tab.read_only_note.isVisible()
        assert not tab.findChild(QPushButton, f"{tab.prefix}Save").isVisible()
        assert not tab.name.isEnabled()
    assert view.people.model.rowCount() > 0
