"""Planning a programme in the GUI: create it, draw a sample, assign auditors."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPushButton, QSpinBox

from audit_tool.services import programmes
from audit_tool.ui.programmes_view import ProgrammesView
from tests.ui.conftest import show_and_activate


def _pick(combo: QComboBox, key: str) -> None:
    combo.setCurrentIndex(combo.findData(key))


def test_plan_sample_and_assign(qtbot, sqlite_world, on_modal, monkeypatch):
    db, lead = sqlite_world.db, sqlite_world.lead
    view = show_and_activate(qtbot, ProgrammesView(db, lead))
    view.resize(1200, 800)
    assert view.model.rowCount() == 0

    qtbot.keyClicks(view.name, "Monthly audits, January")
    qtbot.keyClicks(view.key, "jan")
    _pick(view.kind, "monthly")
    view.starts_on.setDate(QDate(2026, 1, 1))
    view.due_on.setDate(QDate(2025, 12, 1))  # before the start: refused beside the field
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    due_error = view.findChild(QLabel, "programme_due_onError")
    assert due_error.isVisible() and "before the start" in due_error.text()
    view.due_on.setDate(QDate(2026, 1, 31))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
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
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1001"]
    assert "seed 7" in view.audits_title.text()

    def assign_manager(dialog):  # tm1 manages the case: the service refuses, the dialog says why
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
    assert "case's worker or manager" in seen["error"]
    (first, _second) = programmes.list_assignments(db, lead, "jan")
    assert first.reviewers == (("aud1", None), ("aud2", None)) and first.moderator_key == "mod1"
    assert view.audit_model.index(0, 2).data() == "In review"
    assert view.audit_model.index(0, 3).data() == "Alex Auditor, Bea Auditor"
    assert view.audit_model.index(0, 4).data() == "Morgan Moderator"
    assert "Alex Auditor: 1 due, 0 done" in view.compliance.text()


def test_cases_picked_by_hand(qtbot, sqlite_world, monkeypatch):
    from datetime import date

    from PySide6.QtWidgets import QInputDialog

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
    view = show_and_activate(qtbot, ProgrammesView(db, lead))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("C1002, C1000", True))
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1002"]
    shown = []
    monkeypatch.setattr(
        "audit_tool.ui.programmes_view.show_error", lambda p, t, e: shown.append(str(e))
    )
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("C1000\nNOPE", True))
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    assert shown and "NOPE" in shown[0] and len(view.audit_model.rows) == 2
