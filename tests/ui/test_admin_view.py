"""The Admin view driven as a user would: tables, forms, validation, delete, read-only, and
the questions families are asked."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from audit_tool.services import changelog, feedback, reference
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
        "audit_tool.ui.reference_tab.show_error", lambda parent, title, exc: shown.append(str(exc))
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


def _questions(view):
    tab = view.questions
    view.tabs.setCurrentWidget(tab)
    return tab


def test_a_lead_adds_a_feedback_question(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window)
    tab = _questions(view)
    assert _column(tab, 0)[:2] == ["child_views", "right_agencies"]  # in the order asked
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert not tab.key.isReadOnly() and not tab.toggle_button.isEnabled()
    qtbot.keyClicks(tab.key, "felt_safe")
    qtbot.keyClicks(tab.text, "The child felt safe with the worker.")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert _column(tab, 0)[-1] == "felt_safe" and tab.title.text() == "felt_safe"
    assert tab.key.isReadOnly()  # answers are kept under the key
    (added,) = [
        q for q in feedback.list_questions(sqlite_world.db, sqlite_world.lead) if not q.standard
    ]
    assert (added.key, added.text, added.active) == (
        "felt_safe",
        "The child felt safe with the worker.",
        True,
    )
    # A custom question can be deactivated and reactivated.
    assert tab.toggle_button.isEnabled() and tab.toggle_button.text() == "Deactivate"
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    keys = [q.key for q in feedback.list_questions(sqlite_world.db, sqlite_world.lead)]
    assert "felt_safe" not in keys
    row = _column(tab, 0).index("felt_safe")
    assert tab.model.index(row, 2).data() == "No" and tab.toggle_button.text() == "Reactivate"
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    assert "felt_safe" in [
        q.key for q in feedback.list_questions(sqlite_world.db, sqlite_world.lead)
    ]


def test_a_bad_question_key_is_shown_beside_the_field(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window)
    tab = _questions(view)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.key, "Felt safe?")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    key_error = tab.findChild(QLabel, "questions_keyError")
    text_error = tab.findChild(QLabel, "questions_textError")
    assert key_error.isVisible() and "lower-case" in key_error.text()
    assert text_error.isVisible() and text_error.text() == "Write the question"
    assert len(feedback.list_questions(sqlite_world.db, sqlite_world.lead)) == 6


def test_a_standard_question_is_reworded_but_cannot_be_deactivated(
    qtbot, sqlite_world, show_window
):
    view = _view(sqlite_world, show_window)
    tab = _questions(view)
    tab.table.selectRow(_column(tab, 0).index("contactable"))
    assert tab.title.text() == "contactable" and tab.model.index(4, 1).data() == "Yes"
    assert not tab.toggle_button.isEnabled()  # the six standard questions are always asked
    assert "always asked" in tab.toggle_button.toolTip()
    tab.text.selectAll()
    qtbot.keyClicks(tab.text, "I can reach my worker when I need to.")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    (question,) = [
        q
        for q in feedback.list_questions(sqlite_world.db, sqlite_world.lead)
        if q.key == "contactable"
    ]
    assert question.text == "I can reach my worker when I need to." and question.active
    assert not tab.toggle_button.isEnabled() and tab.title.text() == "contactable"
    entry = changelog.entries(sqlite_world.db, sqlite_world.lead, entity="feedback_question")[0]
    assert entry.actor_name == "Priya Lead"


def test_only_a_lead_sees_the_questions_tab(qtbot, sqlite_world, show_window):
    assert _view(sqlite_world, show_window).questions is not None
    view = _view(sqlite_world, show_window, sqlite_world.auditor)
    assert view.questions is None
    assert "Feedback questions" not in [
        view.tabs.tabText(i).replace("&", "") for i in range(view.tabs.count())
    ]


def test_the_partnership_name_and_logo(qtbot, sqlite_world, show_window, tmp_path):
    from audit_tool.services import settings
    from tests.services.test_settings import png

    view = _view(sqlite_world, show_window)
    view.tabs.setCurrentWidget(view.partnership)
    tab = view.partnership
    assert tab.preview.text() == "No logo" and not tab.remove.isEnabled()
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("hello", encoding="utf-8")
    tab.choose_logo(str(not_a_picture))
    assert tab.logo_error.isVisible() and "not a PNG or JPEG" in tab.logo_error.text()
    good = tmp_path / "crest.png"
    good.write_bytes(png(120, 40))
    tab.choose_logo(str(good))
    assert not tab.logo_error.isVisible() and not tab.preview.pixmap().isNull()
    tab.name.clear()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.name_error.isVisible() and tab.status.text() == "Not saved"
    qtbot.keyClicks(tab.name, "Northshire Safeguarding Children Partnership")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "Saved"
    saved = settings.partnership(sqlite_world.db)
    assert saved.name == "Northshire Safeguarding Children Partnership"
    assert saved.logo == png(120, 40)


def test_the_partnership_settings_are_read_only_for_others(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window, sqlite_world.auditor)
    assert not view.partnership.save_button.isEnabled()
    assert not view.partnership.name.isEnabled()


def test_the_partnerships_year_start_is_chosen_in_admin(qtbot, sqlite_world, show_window):
    from PySide6.QtWidgets import QComboBox

    from audit_tool.services import settings

    view = _view(sqlite_world, show_window)
    view.tabs.setCurrentWidget(view.partnership)
    tab = view.partnership
    combo = tab.findChild(QComboBox, "partnership_yearStart")
    assert combo.isVisible() and combo.currentText() == "April"  # the UK financial year
    combo.setCurrentIndex(combo.findText("September"))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "Saved"
    assert settings.partnership(sqlite_world.db).year_start_month == 9
    (entry,) = changelog.entries(sqlite_world.db, sqlite_world.lead, entity="settings")
    assert (entry.before["year_start_month"], entry.after["year_start_month"]) == (4, 9)
    tab.refresh()
    assert combo.currentText() == "September"
    reader = _view(sqlite_world, show_window, sqlite_world.auditor)
    assert not reader.partnership.year_start.isEnabled()
