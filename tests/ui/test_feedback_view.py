"""The Feedback view driven as a user would: the figures per question, filters, recording
feedback for a case outside an audit, changing it, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from audit_tool.services import feedback
from audit_tool.services.feedback import FeedbackInput
from audit_tool.ui.feedback_view import FeedbackView
from audit_tool.ui.filters import quarter_start
from tests.factories import looped_audit

LEFT = Qt.MouseButton.LeftButton
DAY = date.today() - timedelta(days=3)
# The quarter before last: well clear of DAY, and among the quarters the period list offers.
_LAST_QUARTER = quarter_start(quarter_start(date.today()) - timedelta(days=1))
EARLIER_QUARTER = quarter_start(_LAST_QUARTER - timedelta(days=1))


def _record(world, actor, answers, *, audit_uuid=None, case_ref=None, **kw):
    data = {"respondent": "parent", "channel": "phone", "collected_on": DAY, "consent": True}
    data.update(kw)
    return feedback.add_feedback(
        world.db,
        actor,
        FeedbackInput(answers=answers, **data),
        audit_uuid=audit_uuid,
        case_ref=case_ref,
    )


def _view(world, show_window, actor=None) -> FeedbackView:
    view = FeedbackView(world.db, actor or world.lead)
    view.resize(1200, 700)
    show_window(view)
    return view


def _cells(view: FeedbackView, title: str) -> list[str]:
    column = [c.title for c in view.model.columns].index(title)
    return [view.model.index(r, column).data() for r in range(view.model.rowCount())]


def _figures(view: FeedbackView, key: str) -> dict[str, str]:
    """One question's row of the figures, by column title."""
    model = view.summary_model
    row = [q.key for q in model.rows].index(key)
    return {c.title: model.index(row, i).data() for i, c in enumerate(model.columns)}


def _choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _child(dialog: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def _safely(handler):  # type: ignore[no-untyped-def]
    """Run a dialog handler; if it fails, close the dialog so the test fails, not hangs."""

    def run(dialog: QWidget) -> None:
        try:
            handler(dialog)
        except BaseException:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()
            raise

    return run


def test_figures_and_list_show_counts_with_percentages(qtbot, sqlite_world, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    _record(world, world.auditor, {"child_views": "yes", "contactable": "no"}, audit_uuid=uuid)
    _record(world, world.auditor, {"child_views": "partly"}, audit_uuid=uuid)
    _record(
        world,
        world.lead,
        {"child_views": "yes", "copy_of_plan": "not_asked"},
        case_ref="C1002",
        respondent="young_person",
        channel="online",
        comment="The plan is written so I can follow it.",
        shareable=True,
    )
    view = _view(world, show_window)
    child = _figures(view, "child_views")
    assert child["% yes"] == "66.7%" and child["Answered (n)"] == "3"
    assert (child["Yes"], child["Partly"], child["No"]) == ("2 (66.7%)", "1 (33.3%)", "0 (0.0%)")
    assert _figures(view, "copy_of_plan")["% yes"] == "-"  # only "not asked": no figure
    tip = view.summary_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("The practitioner spoke with the child") and "66.7% yes (n=3)" in tip
    assert sorted(_cells(view, "Case")) == ["C1000", "C1000", "C1002"]
    assert _cells(view, "Shareable").count("Shareable") == 1
    assert "The plan is written so I can follow it." in _cells(view, "Comment")
    assert view.count.text() == "3 conversations (1 outside audits), 1 shareable comment"
    # The detail shows every answer and the whole comment.
    row = _cells(view, "Case").index("C1002")
    view.table.selectRow(row)
    detail = view.detail.toPlainText()
    assert "The plan is written so I can follow it." in detail
    assert "Outside an audit" in detail and "Young person, online" in detail
    assert "The family received a copy of the child's assessment or plan." in detail
    assert "Not asked" in detail and "Priya Lead" in detail


def test_filters_narrow_the_list_and_the_figures(qtbot, sqlite_world, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    _record(world, world.auditor, {"child_views": "yes"}, audit_uuid=uuid)
    _record(world, world.lead, {"child_views": "no"}, case_ref="C1002")  # Through Care
    _record(
        world,
        world.lead,
        {"child_views": "yes"},
        case_ref="C1001",
        collected_on=EARLIER_QUARTER + timedelta(days=5),
        comment="They listened.",
        shareable=True,
    )
    view = _view(world, show_window)
    assert view.model.rowCount() == 3
    _choose(view.source, "outside")
    assert sorted(_cells(view, "Case")) == ["C1001", "C1002"]
    assert _figures(view, "child_views")["% yes"] == "50.0%"
    _choose(view.source, "audit")
    assert _cells(view, "Case") == ["C1000"]
    _choose(view.source, None)
    _choose(view.team_filter, "through_care")
    assert _cells(view, "Case") == ["C1002"]
    assert _figures(view, "child_views")["Answered (n)"] == "1"
    _choose(view.team_filter, None)
    _choose(view.programme_filter, "p-test")  # the programme's audits only
    assert _cells(view, "Case") == ["C1000"]
    _choose(view.programme_filter, None)
    box = view.shareable_only
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))
    assert _cells(view, "Case") == ["C1001"]
    qtbot.mouseClick(view.clear_button, LEFT)
    assert view.model.rowCount() == 3 and not box.isChecked()
    # A quarter preset, and dates of one's own.
    _choose(view.period, f"quarter:{EARLIER_QUARTER.isoformat()}")
    start, end = view.dates()
    assert start == EARLIER_QUARTER and end is not None and (end - start).days in range(89, 92)
    assert _cells(view, "Case") == ["C1001"]
    _choose(view.period, "between")
    assert view.date_from.isVisible() and view.date_to.isVisible()
    view.date_from.setDate(date(2020, 1, 1))
    view.date_to.setDate(date(2020, 12, 31))
    assert view.model.rowCount() == 0 and view.empty.isVisible()
    assert "No feedback matches" in view.empty.text()
    assert _figures(view, "child_views")["% yes"] == "-"
    for widget in (view.programme_filter, view.team_filter, view.period, view.source, box):
        assert widget.accessibleName()


def test_recording_feedback_for_a_case_outside_an_audit(qtbot, sqlite_world, on_modal, show_window):
    world = sqlite_world
    _record(world, world.lead, {"child_views": "yes"}, case_ref="C1000")
    view = _view(world, show_window, world.auditor)
    assert _figures(view, "child_views")["% yes"] == "100.0%"
    done: list[str] = []

    def fill_feedback(dialog: QWidget) -> None:
        assert "C1002" in dialog.windowTitle()
        _choose(_child(dialog, QComboBox, "feedbackDialog_respondent"), "carer")
        _choose(_child(dialog, QComboBox, "feedbackDialog_channel"), "face_to_face")
        consent = _child(dialog, QCheckBox, "feedbackDialog_consent")
        qtbot.mouseClick(consent, LEFT, pos=QPoint(8, consent.height() // 2))
        _choose(_child(dialog, QComboBox, "feedbackDialog_answer_child_views"), "no")
        _choose(_child(dialog, QComboBox, "feedbackDialog_answer_contactable"), "partly")
        qtbot.keyClicks(
            _child(dialog, QPlainTextEdit, "feedbackDialog_comment"), "Hard to reach anyone"
        )
        qtbot.mouseClick(_child(dialog, QPushButton, "feedbackDialog_ok"), LEFT)
        done.append("feedback")

    def ask_case(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog) and dialog.objectName() == "feedbackCaseDialog"
        edit = _child(dialog, QLineEdit, "feedbackCaseRef")
        assert edit.accessibleName() == "Case reference"
        qtbot.keyClicks(edit, "c1002")  # the reference as typed, in lower case
        on_modal(_safely(fill_feedback))
        dialog.accept()

    on_modal(_safely(ask_case))
    with qtbot.waitSignals([view.changed, view.status_message]):
        view.record_action.trigger()
    assert done == ["feedback"]
    # The new conversation is listed, selected and counted in the figures.
    row = view.selected()
    assert row is not None and row.case_ref == "C1002" and not row.in_audit
    assert row.respondent == "carer" and row.author_name == "Alex Auditor"
    assert row.answers["child_views"] == "no" and row.comment == "Hard to reach anyone"
    child = _figures(view, "child_views")
    assert child["% yes"] == "50.0%" and child["Answered (n)"] == "2"
    assert _figures(view, "contactable")["Partly"] == "1 (100.0%)"
    stored = feedback.list_feedback(world.db, world.lead)
    assert sorted(r.case_ref for r in stored) == ["C1000", "C1002"]
    assert all(r.audit_uuid is None for r in stored)


def test_an_unknown_case_is_reported_and_nothing_opens(
    qtbot, sqlite_world, on_modal, show_window, monkeypatch
):
    view = _view(sqlite_world, show_window)
    shown: list[str] = []
    monkeypatch.setattr(
        "audit_tool.ui.errors.show_error", lambda _p, _t, exc: shown.append(str(exc))
    )

    def ask_case(dialog: QWidget) -> None:
        qtbot.keyClicks(_child(dialog, QLineEdit, "feedbackCaseRef"), "C9999")
        dialog.accept()

    on_modal(_safely(ask_case))
    assert view.record_for_case() is None
    assert shown == ["No case with reference 'C9999'."]
    assert feedback.list_feedback(sqlite_world.db, sqlite_world.lead) == []


def test_double_click_changes_feedback_outside_an_audit_or_opens_the_audit(
    qtbot, sqlite_world, on_modal, show_window
):
    world = sqlite_world
    uuid = looped_audit(world)
    _record(world, world.auditor, {"child_views": "yes"}, audit_uuid=uuid)
    _record(
        world, world.lead, {"child_views": "yes"}, case_ref="C1002", collected_on=DAY - timedelta(1)
    )
    view = _view(world, show_window)
    cases = _cells(view, "Case")

    def double_click(row: int) -> None:
        rect = view.table.visualRect(view.model.index(row, 1))
        qtbot.mouseClick(view.table.viewport(), LEFT, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), LEFT, pos=rect.center())

    with qtbot.waitSignal(view.open_audit) as opened:
        double_click(cases.index("C1000"))
    assert opened.args == [uuid]
    assert view.open_button.isVisible() and not view.edit_button.isVisible()

    def change(dialog: QWidget) -> None:
        assert dialog.windowTitle().startswith("Change feedback")
        _choose(_child(dialog, QComboBox, "feedbackDialog_answer_child_views"), "partly")
        qtbot.mouseClick(_child(dialog, QPushButton, "feedbackDialog_ok"), LEFT)

    on_modal(_safely(change))
    with qtbot.waitSignal(view.changed):
        double_click(cases.index("C1002"))
    assert view.edit_button.isVisible() and not view.open_button.isVisible()
    assert view.selected().answers["child_views"] == "partly"
    assert _figures(view, "child_views")["% yes"] == "50.0%"


def test_an_auditor_sees_the_feedback_of_their_agencys_audits_only(
    qtbot, sqlite_world, show_window, monkeypatch
):
    """Issue #7's scoping: Alex (children's social care) sees his agency's audits, his own or
    not, but not the police's; the figures are of the same rows."""
    from audit_tool.services import cases, reference

    world = sqlite_world
    mine = looped_audit(world)
    colleagues = looped_audit(world, ref="C1001", reviewers=["aud2", "lead1"], programme="p-o")
    reference.save_person(
        world.db,
        world.lead,
        key="pol1",
        name="Pat Police",
        agency_key="police",
        team_key="ppu",
        roles=["auditor"],
    )
    cases.create_case(
        world.db, world.lead, cases.CaseInput(ref="P1", initials="GH", case_type="cp", team="ppu")
    )
    police = looped_audit(world, ref="P1", reviewers=["pol1", "lead1"], programme="p-o")
    _record(world, world.auditor, {"child_views": "yes"}, audit_uuid=mine)
    _record(world, world.lead, {"child_views": "no"}, audit_uuid=colleagues)
    _record(world, world.lead, {"child_views": "no"}, audit_uuid=police)
    view = _view(world, show_window, world.auditor)
    assert sorted(_cells(view, "Case")) == ["C1000", "C1001"]
    assert _figures(view, "child_views")["% yes"] == "50.0%"  # the police audit's "no" is out
    lead_view = _view(world, show_window)
    assert sorted(_cells(lead_view, "Case")) == ["C1000", "C1001", "P1"]
    assert _figures(lead_view, "child_views")["% yes"] == "33.3%"


def test_empty_state_and_a_viewer(qtbot, sqlite_world, show_window, monkeypatch):
    view = _view(sqlite_world, show_window)
    assert view.model.rowCount() == 0 and view.empty.isVisible()
    assert "No feedback from families yet" in view.empty.text()
    assert view.count.text().startswith("0 conversations")
    assert view.record_action.isVisible()
    shown: list[str] = []
    # Loading the rows is an operation: its errors go to the one place (ui.operations).
    monkeypatch.setattr(
        "audit_tool.ui.errors.show_error", lambda _p, _t, exc: shown.append(str(exc))
    )
    viewer = FeedbackView(sqlite_world.db, sqlite_world.viewer)
    qtbot.addWidget(viewer)
    assert shown and "may not view service-user feedback" in shown[0]
    assert not viewer.record_action.isVisible()
