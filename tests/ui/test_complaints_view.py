"""The Complaints and compliments view driven as a user would: record a complaint with two
points and a learning point, see every problem beside its field at once, mark a compliment
shareable only once it names nobody, and import an extract."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from audit_tool.services import complaints, reference
from audit_tool.ui.complaints.complaint_dialog import ComplaintDialog
from audit_tool.ui.complaints.compliment_dialog import ComplimentDialog
from audit_tool.ui.complaints.view import ComplaintsView

# Set to a folder to keep screenshots of the view and its dialogs (to look at them).
SHOTS = os.environ.get("AUDIT_TOOL_SHOTS")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _view(qtbot, world, actor=None) -> ComplaintsView:  # type: ignore[no-untyped-def]
    view = ComplaintsView(world.db, actor or world.lead)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    return view


def _fill(dialog: ComplaintDialog, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog.reference.clear()
    qtbot.keyClicks(dialog.reference, "CMP-100")
    dialog.received.line.clear()
    qtbot.keyClicks(dialog.received.line, "2025-12-19")
    dialog.team.setCurrentIndex(dialog.team.findText("Assessment Team North"))
    points = dialog.points
    points.set_text(0, 0, "Calls were not returned")
    points.set_text(0, 1, "communication, delay")
    qtbot.mouseClick(points.add_button, Qt.MouseButton.LeftButton)
    points.set_text(1, 0, "The plan was not shared with the family")
    points.set_text(1, 1, "plans")
    qtbot.mouseClick(dialog.learning.add_button, Qt.MouseButton.LeftButton)
    dialog.learning.set_text(0, 1, "Agree how and when parents will hear back")
    dialog.learning.set_text(0, 2, "communication")


def test_record_a_complaint_with_two_points_and_a_learning_point(qtbot, sqlite_world, on_modal):
    view = _view(qtbot, sqlite_world)
    assert view.figures.text() == "No complaints match."
    seen: dict[str, str] = {}

    def fill_and_save(dialog: QDialog) -> None:
        assert isinstance(dialog, ComplaintDialog)
        _fill(dialog, qtbot)
        seen["due"] = dialog.due.text()
        _shot(dialog, "complaint_dialog")
        qtbot.mouseClick(dialog.findChild(QPushButton, "complaint_save"), Qt.MouseButton.LeftButton)

    on_modal(fill_and_save)
    view.new_complaint.trigger()
    # Across Christmas and New Year: ten working days from Friday 19 December 2025.
    assert seen["due"] == "Wed 07 Jan 2026 (10 working days)"
    qtbot.waitUntil(lambda: view.complaint_model.rowCount() == 1)
    row = view.complaint_model.rows[0]
    assert (row.reference, len(row.points), row.themes) == (
        "CMP-100",
        2,
        ("communication", "delay", "plans"),
    )
    assert [lp.text for lp in row.learning] == ["Agree how and when parents will hear back"]
    assert view.figures.text().startswith("1 complaint(s) covering 2 point(s); 1 overdue.")
    assert "Area for development: Agree how and when parents" in view.detail.toPlainText()
    timescale = view.complaint_model.index(0, 5)
    assert timescale.data() == "Overdue"
    _shot(view, "complaints_view")


def test_every_problem_is_shown_beside_its_field_at_once(qtbot, sqlite_world):
    choices = _view(qtbot, sqlite_world).choices
    dialog = ComplaintDialog(sqlite_world.db, sqlite_world.lead, choices)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.received.line.setText("2026-13-01")
    dialog.responded.line.setText("2026-01-05")
    dialog.points.set_text(0, 0, "Sam Worker never called")
    dialog.summary.setPlainText("About C1001")
    dialog.save()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    errors = {
        name: dialog.findChild(type(dialog.form.message), f"complaint_{name}Error")
        for name in ("reference", "received_on", "outcome", "summary")
    }
    assert all(label.isVisible() for label in errors.values())
    assert "YYYY-MM-DD" in errors["received_on"].text() or "date" in errors["received_on"].text()
    assert "case reference 'C1001'" in errors["summary"].text()
    assert "name 'Sam Worker'" in dialog.points.error.text()
    assert dialog.form.message.text() == (
        "The complaint was not saved: 5 problems, shown next to the fields."
    )
    _shot(dialog, "complaint_dialog_errors")
    assert complaints.list_complaints(sqlite_world.db, sqlite_world.lead) == []


def test_a_compliment_is_shareable_only_once_it_names_nobody(qtbot, sqlite_world):
    view = _view(qtbot, sqlite_world)
    dialog = ComplimentDialog(sqlite_world.db, sqlite_world.lead, view.choices)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.summary.setPlainText("Terry Manager explained everything")
    dialog.themes.setText("communication")
    dialog.shareable.setChecked(True)
    assert not dialog.shareable.isChecked()
    error = dialog.form.errors["shareable"]
    assert error.isVisible() and "name 'Terry Manager'" in error.text()
    _shot(dialog, "compliment_dialog")
    dialog.summary.setPlainText("The team manager explained everything")
    dialog.shareable.setChecked(True)
    assert dialog.shareable.isChecked() and not error.isVisible()
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    view.refresh()
    view.tabs.setCurrentIndex(1)
    assert view.compliment_model.rowCount() == 1
    assert view.compliment_model.index(0, 6).data() == "Yes"


def test_an_auditor_sees_compliments_only(qtbot, sqlite_world):
    view = _view(qtbot, sqlite_world, sqlite_world.auditor)
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == ["Compliments"]
    assert not view.new_complaint.isVisible() and not view.new_compliment.isVisible()


def test_import_a_bad_then_a_good_extract(qtbot, sqlite_world, tmp_path):
    from audit_tool.ui.complaints.import_dialog import ComplaintImportDialog

    header = "Complaint reference,Received,Agency,Stage,Points\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "B-1,2026-02-30,csc,1,1\nB-2,2026-01-05,nowhere,9,0\n")
    dialog = ComplaintImportDialog(sqlite_world.db, sqlite_world.lead, path=bad)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.report is not None)
    assert dialog.problem_model.rowCount() == 4
    assert not dialog.import_button.isEnabled() and not dialog.valid_only_button.isVisible()
    assert "Nothing will be imported until they are fixed." in dialog.summary.text()
    _shot(dialog, "complaint_import_bad")
    good = tmp_path / "good.csv"
    good.write_text(header + "G-1,2026-02-03,csc,1,2\n")
    dialog.load(good)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled())
    assert dialog.import_button.text() == "&Import 1 complaint(s)"
    with qtbot.waitSignal(dialog.imported):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    (row,) = complaints.list_complaints(sqlite_world.db, sqlite_world.lead)
    assert row.reference == "G-1" and row.due_on == date(2026, 2, 17)
    assert reference  # the module the view's choices come through
