"""A dip sample made in the window: cases added as single-auditor audits, one auditor
assigned and no moderator, labelled as a dip sample in the programme's list of audits."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QPushButton

from audit_tool.services import programmes
from audit_tool.ui.programmes_view import ProgrammesView
from tests.ui.conftest import show_and_activate
from tests.ui.loading import loaded, settled


def test_a_dip_sample_is_added_and_assigned_to_one_auditor(qtbot, sqlite_world, on_modal):
    db, lead = sqlite_world.db, sqlite_world.lead
    programmes.save_programme(
        db,
        lead,
        key="dip",
        name="Dip sample: Year 9 reviews",
        kind="thematic",
        theme="Year 9 reviews",
        template_key="moderated_case_file",
        starts_on=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
    )
    view = loaded(qtbot, show_and_activate(qtbot, ProgrammesView(db, lead)))
    view.resize(1200, 800)
    loaded(qtbot, view)  # the programme selected, its audits listed: Add cases is offered
    seen: dict[str, object] = {}

    def add_by_hand(dialog):
        kind = dialog.findChild(QComboBox, "pickCases_kind")
        seen["kinds"] = [kind.itemText(i) for i in range(kind.count())]
        seen["default"] = kind.currentText()
        kind.setCurrentIndex(kind.findData("single"))
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit, "pickCases_refs"), "C1002")
        qtbot.mouseClick(dialog.findChild(QPushButton, "pickCases_add"), Qt.MouseButton.LeftButton)

    on_modal(add_by_hand)
    qtbot.mouseClick(view.pick_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert seen["default"] == "Looped: two auditors, then moderation"
    assert "Dip sample: one auditor, not moderated" in seen["kinds"]
    assert view.audit_model.index(0, 1).data() == "Dip sample (single auditor)"

    def assign(dialog):
        seen["heading"] = dialog.findChild(QLabel, "assign_case").text()
        moderator = dialog.findChild(QComboBox, "assign_moderator")
        seen["moderator"] = (moderator.isEnabled(), moderator.currentText())
        seen["second"] = dialog.findChild(QComboBox, "assign_reviewer_B")
        auditor = dialog.findChild(QComboBox, "assign_reviewers")
        auditor.setCurrentIndex(auditor.findData("aud1"))
        qtbot.mouseClick(dialog.findChild(QPushButton, "assign_ok"), Qt.MouseButton.LeftButton)

    view.audit_table.selectRow(0)
    on_modal(assign)
    qtbot.mouseClick(view.assign_button, Qt.MouseButton.LeftButton)
    settled(qtbot)
    assert "a dip sample (one auditor, not moderated)" in str(seen["heading"])
    assert seen["moderator"] == (False, "(none)") and seen["second"] is None
    assert [view.audit_model.index(0, c).data() for c in range(5)] == [
        "C1002",
        "Dip sample (single auditor)",
        "In review",
        "Alex Auditor",
        "",
    ]
    (row,) = programmes.list_assignments(db, lead, "dip")
    assert (row.kind, row.reviewers, row.moderator_key) == ("single", (("aud1", None),), None)
