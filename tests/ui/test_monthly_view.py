"""Monthly audits in the window: a lead sets the standing plan and what is expected of each
manager; the month is drawn and every manager is listed against it, one with nothing
assigned as missing; month by month opens a month."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QSpinBox

from audit_tool.services import monthly, programmes
from audit_tool.ui.monthly import MonthlyView
from tests.ui.conftest import show_and_activate

TODAY = date(2026, 3, 4)  # 2 March 2026 was the month's first working day


def _pick(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _click_and_wait(qtbot, view: MonthlyView, name: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def _cells(model, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_a_lead_sets_expectations_and_sees_who_is_missing(qtbot, sqlite_world):
    db, lead = sqlite_world.db, sqlite_world.lead
    view = MonthlyView(db, lead, today=TODAY)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        show_and_activate(qtbot, view)
    view.resize(1200, 760)
    assert view.compliance.model.rowCount() == 0
    view.tabs.setCurrentWidget(view.plan)

    # Turned on without a template: refused beside the field, nothing saved.
    view.findChild(QCheckBox, "monthlyPlan_active").setChecked(True)
    qtbot.mouseClick(view.findChild(QPushButton, "monthlyPlanSave"), Qt.MouseButton.LeftButton)
    error = view.findChild(QLabel, "monthlyPlan_templateError")
    assert error.isVisible() and "Choose the template" in error.text()
    assert not monthly.get_plan(db, lead).active

    _pick(view.findChild(QComboBox, "monthlyPlan_template"), "moderated_case_file")
    _click_and_wait(qtbot, view, "monthlyPlanSave")
    who = view.findChild(QComboBox, "expect_who")
    audits = view.findChild(QSpinBox, "expect_audits")
    moderations = view.findChild(QSpinBox, "expect_moderations")
    for data, a, m in (("role:auditor", 1, 0), ("role:moderator", 0, 1), ("person:lead1", 0, 0)):
        _pick(who, data)
        audits.setValue(a)
        moderations.setValue(m)
        _click_and_wait(qtbot, view, "expectSet")
    assert [_cells(view.plan.model, r) for r in range(3)] == [
        ["Every auditor", "1", "0"],
        ["Every moderator", "0", "1"],
        ["Priya Lead", "0", "0"],
    ]
    # Turned on after March's first working day, the plan starts in April; a lead draws
    # March at once.
    assert monthly.get_plan(db, lead).first_month == date(2026, 4, 1)
    assert view.compliance.months[0].drawn_at is None
    _click_and_wait(qtbot, view, "monthlyDrawNow")
    assert len(programmes.list_assignments(db, lead, "monthly-2026-03")) == 2
    # Only moderators moderate: said beside the field, nothing saved.
    _pick(who, "person:aud1")
    audits.setValue(1)
    moderations.setValue(1)
    qtbot.mouseClick(view.findChild(QPushButton, "expectSet"), Qt.MouseButton.LeftButton)
    error = view.findChild(QLabel, "expect_moderationsError")
    assert error.isVisible() and error.text() == "Alex Auditor does not have the moderator role"
    assert len(monthly.list_expectations(db, lead)) == 3

    view.tabs.setCurrentWidget(view.compliance)
    rows = {view.compliance.model.rows[r].name: r for r in range(view.compliance.model.rowCount())}
    assert _cells(view.compliance.model, rows["Terry Manager"])[1:10] == [
        "Missing: nothing assigned",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]
    summary = view.compliance.summary.text()
    assert "<b>March 2026</b>: drawn on" in summary
    assert "1 manager(s) expected to audit or moderate have nothing assigned" in summary
    assert "Not drawn: Terry Manager: 1 audit(s) not drawn" in summary

    # Month by month lists the months with anything in them (only March here); opening one
    # shows its managers. Older months are in the month list, empty.
    view.tabs.setCurrentWidget(view.history)
    history = view.history.model
    assert history.rowCount() == 1
    assert _cells(history, 0)[:4] == ["March 2026", _cells(history, 0)[1], "1", "1"]
    view.compliance.month.setCurrentIndex(1)
    view.history.table.activated.emit(history.index(0, 0))
    assert view.tabs.currentWidget() is view.compliance
    assert view.compliance.month.currentText() == "March 2026"
    view.compliance.month.setCurrentIndex(view.compliance.month.findText("February 2026"))
    assert view.compliance.model.rowCount() == 0
    assert "not drawn (no monthly plan then" in view.compliance.summary.text()
