"""Planning a programme in the GUI: create it, draw a sample, assign auditors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPushButton, QSpinBox

from audit_tool.services import programmes
from audit_tool.ui.programmes_view import ProgrammesView
from tests.ui.conftest import show_and_activate
from tests.ui.loading import loaded, settled


def _pick(combo: QComboBox, key: str) -> None:
    combo.setCurrentIndex(combo.findData(key))


def _type_date(qtbot, field, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select what the date field holds and type over it, as a user does."""
    field.line.selectAll()
    qtbot.keyClicks(field.line, text)


def test_programme_dates_are_kept_as_typed_and_an_unreadable_one_is_refused(qtbot, sqlite_world):
    """QDateEdit dropped a typed year (2027-01-05 was saved as 2026-01-05): the dates are
    typed text now, kept exactly, and one that cannot be read is said beside its field."""
    from datetime import date

    db, lead = sqlite_world.db, sqlite_world.lead
    view = show_and_activate(qtbot, ProgrammesView(db, lead))
    qtbot.keyClicks(view.name, "Neglect: thematic audit")
    qtbot.keyClicks(view.key, "neglect")
    _pick(view.kind, "thematic")
    qtbot.keyClicks(view.theme, "Neglect")
    _type_date(qtbot, view.starts_on, "2026-12-01")
    _type_date(qtbot, view.due_on, "2027-02-30")  # no such day
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    due_error = view.findChild(QLabel, "programme_due_onError")
    assert due_error.isVisible() and due_error.text() == "There is no such date as 2027-02-30"
    assert programmes.list_programmes(db, lead) == []  # nothing saved
    assert view.due_on.text() == "2027-02-30"  # what was typed stays

    _type_date(qtbot, view.due_on, "2027-01-05")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    (saved,) = programmes.list_programmes(db, lead)
    assert (saved.starts_on, saved.due_on) == (date(2026, 12, 1), date(2027, 1, 5))
    assert not due_error.isVisible()

    # A new programme does not start with the dates of the one selected before it.
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert (view.starts_on.text(), view.due_on.text()) == (date.today().isoformat(), "")
    qtbot.keyClicks(view.name, "No due date")
    qtbot.keyClicks(view.key, "no-due")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert due_error.isVisible() and due_error.text() == "A due date is required"


def test_plan_sample_and_assign(qtbot, sqlite_world, on_modal, monkeypatch):
    db, lead = sqlite_world.db, sqlite_world.lead
    view = loaded(qtbot, show_and_activate(qtbot, ProgrammesView(db, lead)))
    view.resize(1200, 800)
    assert view.model.rowCount() == 0

    qtbot.keyClicks(view.name, "Monthly audits, January")
    qtbot.keyClicks(view.key, "jan")
    _pick(view.kind, "monthly")
    _type_date(qtbot, view.starts_on, "2026-01-01")
    _type_date(qtbot, view.due_on, "2025-12-01")  # before the start: refused beside the field
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    due_error = view.findChild(QLabel, "programme_due_onError")
    assert due_error.isVisible() and "before the start" in due_error.text()
    _type_date(qtbot, view.due_on, "2026-01-31")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert [r.key for r in view.model.rows] == ["jan"]

    def sample(dialog):
        dialog.findChild(QComboBox, "sample_team").setCurrentIndex(
            dialog.findChild(QComboBox, "sample_team").findData("assess_north")
        )
        assert "2 case(s) match" in dialog.findChild(QLabel, "sample_found").text()
        dialog.findChild(QSpinBox, "sample_sample_size").setValue(2)
        dialog.findChild(QSpinBox, "sample_seed").setValue(7)
        qtbot.mouseClick(dialog.findChild(QPushButton, "sample_draw"), Qt.MouseButton.LeftButton)

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    on_modal(sample)
    qtbot.mouseClick(view.sample_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1001"]
    assert "seed 7" in view.audits_title.text()

    def assign_manager(dialog):  # tm1 manages the case: the service refuses, the dialog says why
        seen["case"] = dialog.findChild(QLabel, "assign_case").text()
        _pick(dialog.findChild(QComboBox, "assign_reviewers"), "aud1")
        _pick(dialog.findChild(QComboBox, "assign_reviewer_B"), "tm1")
        _pick(dialog.findChild(QComboBox, "assign_moderator"), "mod1")
        qtbot.mouseClick(dialog.findChild(QPushButton, "assign_ok"), Qt.MouseButton.LeftButton)
        error = dialog.findChild(QLabel, "assign_reviewersError")
        seen["error"] = error.text() if error.isVisible() else ""
        _pick(dialog.findChild(QComboBox, "assign_reviewer_B"), "aud2")
        qtbot.mouseClick(dialog.findChild(QPushButton, "assign_ok"), Qt.MouseButton.LeftButton)

    seen: dict[str, str] = {}
    view.audit_table.selectRow(0)
    on_modal(assign_manager)
    qtbot.mouseClick(view.assign_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert "case's worker or manager" in seen["error"]
    assert seen["case"].startswith("<b>Case C1000</b>: a looped audit (two auditors")
    (first, _second) = programmes.list_assignments(db, lead, "jan")
    assert first.reviewers == (("aud1", None), ("aud2", None)) and first.moderator_key == "mod1"
    assert view.audit_model.index(0, 1).data() == "Looped"  # in words, as in Audits
    assert view.audit_model.index(0, 2).data() == "In review"
    assert view.audit_model.index(0, 3).data() == "Alex Auditor, Bea Auditor"
    assert view.audit_model.index(0, 4).data() == "Morgan Moderator"
    assert "Alex Auditor: 1 due, 0 done" in view.compliance.text()


def test_cases_picked_by_hand(qtbot, sqlite_world, on_modal):
    """A bad reference no longer throws the typed list away: every fault is named at once, the
    text stays, and the valid references can be added on their own."""
    from datetime import date

    from PySide6.QtWidgets import QPlainTextEdit

    db, lead = sqlite_world.db, sqlite_world.lead
    programmes.save_programme(
        db,
        lead,
        key="hand",
        name="Hand picked",
        kind="thematic",
        theme="Neglect",
        template_key="moderated_case_file",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
    )
    view = loaded(qtbot, show_and_activate(qtbot, ProgrammesView(db, lead)))

    def type_and_add(text: str, seen: list[str]):
        def handler(dialog):
            box = dialog.findChild(QPlainTextEdit, "pickCases_refs")
            for number, line in enumerate(text.split("\n")):
                if number:
                    qtbot.keyClick(box, Qt.Key.Key_Return)
                qtbot.keyClicks(box, line)
            qtbot.mouseClick(
                dialog.findChild(QPushButton, "pickCases_add"), Qt.MouseButton.LeftButton
            )
            message = dialog.findChild(QLabel, "pickCases_message")
            if dialog.isVisible():  # refused: what the user sees
                seen.append(message.text())
                seen.append(box.toPlainText())
                valid = dialog.findChild(QPushButton, "pickCases_addValid")
                seen.append(valid.text() if valid.isVisible() else "")
                if valid.isVisible():
                    qtbot.mouseClick(valid, Qt.MouseButton.LeftButton)
                else:
                    dialog.reject()

        return handler

    first: list[str] = []
    on_modal(type_and_add("C1002, C1000", first))
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert first == []
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1002"]

    seen: list[str] = []
    on_modal(type_and_add("C1000\nNOPE\nC1001\nALSO-BAD\nC1001", seen))
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert seen == [
        "No case with reference NOPE, ALSO-BAD. "
        "Already in Hand picked (or listed twice): C1000, C1001.",
        "C1000\nNOPE\nC1001\nALSO-BAD\nC1001",  # the typed list is kept as typed
        "Add the 1 valid one(s)",  # C1001, once
    ]
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1001", "C1002"]

    seen.clear()
    on_modal(type_and_add("C1001, NOPE", seen))
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert seen[2] == ""  # nothing valid: the dialog was cancelled
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1001", "C1002"]


def test_the_sample_dialog_keeps_typed_dates_and_refuses_an_unreadable_one(qtbot, sqlite_world):
    """Opened from/to were date boxes that changed a typed year and could not be left blank:
    typed text now, kept as typed, blank for no limit, an unreadable one said beside it and
    nothing drawn."""
    from datetime import date

    from audit_tool.services.programmes import SampleFilters
    from audit_tool.ui.sample_dialog import SampleDialog

    db, lead = sqlite_world.db, sqlite_world.lead
    programmes.save_programme(
        db,
        lead,
        key="sample-dates",
        name="Sample dates",
        kind="thematic",
        theme="Neglect",
        template_key="moderated_case_file",
        starts_on=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
    )
    row = programmes.get_programme(db, lead, "sample-dates")
    every = programmes.candidate_cases(db, lead, SampleFilters(), programme_key=row.key)
    dialog = show_and_activate(qtbot, SampleDialog(db, lead, row, None))
    assert (dialog.opened_from.text(), dialog.opened_to.text()) == ("", "")  # no limit
    assert dialog.found.text() == f"{len(every):,} case(s) match and are not yet in the programme."
    error = dialog.findChild(QLabel, "sample_opened_fromError")

    dialog.opened_from.line.setFocus()  # the user clicks into it
    _type_date(qtbot, dialog.opened_from, "2031-02-30")
    qtbot.keyClick(dialog.opened_from.line, Qt.Key.Key_Tab)  # the count follows on leaving it
    assert error.isVisible() and error.text() == "There is no such date as 2031-02-30"
    assert dialog.found.text() == "No cases match until the dates can be read."
    qtbot.mouseClick(dialog.findChild(QPushButton, "sample_draw"), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.sample == []  # nothing drawn

    dialog.opened_from.line.setFocus()
    _type_date(qtbot, dialog.opened_from, "2099-01-05")
    qtbot.keyClick(dialog.opened_from.line, Qt.Key.Key_Tab)
    assert not error.isVisible() and dialog.opened_from.text() == "2099-01-05"  # as typed
    assert dialog.filters().opened_from == date(2099, 1, 5)
    assert dialog.found.text() == "0 case(s) match and are not yet in the programme."
