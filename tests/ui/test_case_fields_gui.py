"""Case fields driven as a user would: a QA lead defines them in Admin, sets a case's values in
the case editor (a bad value is an error beside its field), and samples a programme on them."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit

from audit_tool.services import case_fields, changelog, programmes
from audit_tool.ui.admin_view import AdminView
from audit_tool.ui.case_register import CaseRegisterView
from tests.services.test_case_fields import define_fields, set_fields
from tests.ui.loading import loaded, settled

# Where the screenshots go when asked (SCREENSHOTS=folder); looked at by hand, not compared.
SHOTS = os.environ.get("SCREENSHOTS")


def _shot(widget, name: str) -> None:
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # the layout settles first
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_lead_defines_a_choice_field_and_a_date_of_birth(qtbot, sqlite_world, show_window):
    world = sqlite_world
    view = AdminView(world.db, world.lead)
    view.resize(1200, 700)
    show_window(view)
    tab = view.case_fields
    view.tabs.setCurrentWidget(tab)
    assert tab.empty.isVisible() and "No case fields yet" in tab.empty.text()
    _click(qtbot, tab.new_button)
    qtbot.keyClicks(tab.label, "Pathway")
    assert tab.key.text() == "pathway"  # suggested from the label
    assert not tab.options.isVisible()
    tab.kind.setCurrentIndex(tab.kind.findData("choice"))
    assert tab.options.isVisible() and not tab.birth_date.isVisible()
    _click(qtbot, tab.save_button)  # no options yet
    error = tab.findChild(QLabel, "caseFields_optionsError")
    assert error.isVisible() and "needs its options" in error.text()
    assert case_fields.list_case_fields(world.db, world.lead) == []
    for option in ("RED", "AMBER", "GREEN"):
        qtbot.keyClicks(tab.options, option)
        qtbot.keyClick(tab.options, Qt.Key.Key_Return)
    _click(qtbot, tab.save_button)
    assert not error.isVisible()
    assert tab.model.index(0, 0).data() == "Pathway"
    assert tab.model.index(0, 3).data() == "RED, AMBER, GREEN"
    assert tab.key.isReadOnly()  # extracts and packs name it by its key
    _click(qtbot, tab.new_button)
    qtbot.keyClicks(tab.label, "Born")
    tab.kind.setCurrentIndex(tab.kind.findData("date"))
    assert tab.birth_date.isVisible()
    tab.birth_date.setChecked(True)
    _shot(view, "admin-case-fields")
    _click(qtbot, tab.save_button)
    (pathway, born) = case_fields.list_case_fields(world.db, world.lead)
    assert (pathway.options, born.birth_date, born.kind) == (
        ("RED", "AMBER", "GREEN"),
        True,
        "date",
    )
    assert tab.model.index(1, 2).data() == "Date (date of birth)"
    entry = changelog.entries(world.db, world.lead, entity="case_field", limit=1)[0]
    assert entry.action == "create" and entry.after["birth_date"] is True


def test_case_field_values_in_the_case_editor(qtbot, sqlite_world, on_modal):
    from tests.ui.conftest import show_and_activate

    world = sqlite_world
    define_fields(world)
    set_fields(world, "C1000", {"pathway": "AMBER"})
    view = show_and_activate(qtbot, CaseRegisterView(world.db, world.lead))
    view.table.selectRow(0)
    seen: dict[str, object] = {}

    def fill(dialog) -> None:
        pathway = dialog.findChild(QComboBox, "caseEditor_field_pathway")
        assert pathway.currentText() == "AMBER"
        pathway.setCurrentIndex(pathway.findData("RED"))
        mace = dialog.findChild(QComboBox, "caseEditor_field_mace")
        mace.setCurrentIndex(mace.findData("yes"))
        score = dialog.findChild(QLineEdit, "caseEditor_field_score")
        qtbot.keyClicks(score, "lots")
        born = dialog.findChild(QLineEdit, "caseEditor_field_dob")
        qtbot.keyClicks(born, date(date.today().year - 14, 1, 1).isoformat())
        seen["age"] = dialog.findChild(QLabel, "caseFields_age").text()
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        _click(qtbot, save)
        error = dialog.findChild(QLabel, "caseEditor_field_scoreError")
        seen["error"] = (error.isVisible(), error.text())
        seen["held"] = case_fields.case_values(world.db, world.lead, "C1000")
        _shot(dialog, "case-editor-fields")
        score.clear()
        qtbot.keyClicks(score, "7")
        _click(qtbot, save)

    on_modal(fill)
    view.edit_action.trigger()
    assert seen["age"] == "Age today: 14"
    assert seen["error"] == (True, "'lots' is not a number")
    assert seen["held"] == {"pathway": "AMBER"}  # nothing was saved with a bad value
    assert case_fields.case_values(world.db, world.lead, "C1000") == {
        "pathway": "RED",
        "mace": "yes",
        "score": "7",
        "dob": date(date.today().year - 14, 1, 1).isoformat(),
    }


def test_sampling_a_programme_on_a_cohort_rule(
    qtbot, sqlite_world, on_modal, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QMessageBox, QPushButton, QSpinBox

    from audit_tool.services import case_import
    from audit_tool.ui.programmes_view import ProgrammesView
    from tests.services.test_case_fields import (
        HEADER,
        START,
        _cohort_programme,
        _cohort_rows,
        _csv,
        _expected,
    )
    from tests.ui.conftest import show_and_activate

    world = sqlite_world
    define_fields(world)
    rows = _cohort_rows()
    case_import.import_cases(world.db, world.lead, _csv(tmp_path / "c.csv", HEADER, rows))
    _cohort_programme(world, "get-safe")
    expected = _expected(rows, "RED", 11, 17)
    view = loaded(qtbot, show_and_activate(qtbot, ProgrammesView(world.db, world.lead)))
    view.resize(1200, 800)
    seen: dict[str, object] = {}

    def sample(dialog) -> None:
        rule = dialog.findChild(QLineEdit, "sample_cohort")
        found = dialog.findChild(QLabel, "sample_found")
        error = dialog.findChild(QLabel, "sample_cohortError")
        seen["hint"] = dialog.findChild(QLabel, "sample_cohortHint").text()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        rule.setFocus()
        qtbot.keyClicks(rule, "pathway = PURPLE")
        qtbot.keyClick(rule, Qt.Key.Key_Tab)  # the rule is read when the line is left
        seen["bad"] = (error.isVisible(), error.text(), found.text())
        rule.setFocus()
        rule.clear()
        qtbot.keyClicks(rule, "pathway = RED and age 11-17")
        qtbot.keyClick(rule, Qt.Key.Key_Tab)
        seen["good"] = (error.isVisible(), found.text())
        dialog.findChild(QSpinBox, "sample_sample_size").setValue(4)
        dialog.findChild(QSpinBox, "sample_seed").setValue(42)
        _shot(dialog, "sample-cohort")
        _click(qtbot, dialog.findChild(QPushButton, "sample_draw"))

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.table.selectRow(0)
    loaded(qtbot, view)  # the programme's audits: then Draw sample is offered
    on_modal(sample)
    _click(qtbot, view.sample_button)
    settled(qtbot)
    assert "pathway (RED, AMBER, GREEN)" in str(seen["hint"]) and "age A-B" in str(seen["hint"])
    bad_visible, bad_text, bad_found = seen["bad"]  # type: ignore[misc]
    assert bad_visible and "'PURPLE' is not one of: RED, AMBER, GREEN" in bad_text
    assert bad_found == "No cases match until the cohort rule can be used."
    assert seen["good"] == (
        False,
        f"{len(expected)} case(s) match and are not yet in the programme.",
    )
    drawn = [r.case_ref for r in view.audit_model.rows]
    assert len(drawn) == 4 and set(drawn) <= expected
    # The same rule and seed draw the same cases again.
    _cohort_programme(world, "get-safe-again")
    from audit_tool.services.programmes import SampleFilters

    again = programmes.draw_sample(
        world.db,
        world.lead,
        "get-safe-again",
        SampleFilters(cohort="pathway = RED and age 11-17", opened_from=date(2000, 1, 1)),
        4,
        seed=42,
    )
    assert again == sorted(drawn) and START.year == 2026
    assert "from the cohort <i>pathway = RED and age 11-17</i>" in view.audits_title.text()
