"""Closing the loop in the GUI: family feedback, learning points, actions and feedback to the
worker recorded from inside an audit, and the moderator reminded before confirming."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from audit_tool.services import (
    audits,
    feedback,
    learning,
    learning_actions,
    reference,
    worker_feedback,
)
from audit_tool.ui.audit_extras_panel import AuditExtrasPanel
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.date_field import DateField
from audit_tool.ui.extras_dialogs import FeedbackDialog
from audit_tool.ui.moderation_view import ModerationForm
from tests.factories import complete_review, final_audit, looped_audit

LEFT = Qt.MouseButton.LeftButton


# ---------------------------------------------------------------- helpers


def _safely(qtbot, handler: Callable[[QWidget], None]) -> Callable[[QWidget], None]:
    """Run a dialog handler; if it fails, close the dialog so the test fails, not hangs."""

    def run(dialog: QWidget) -> None:
        try:
            # Keyboard focus (and so completion) needs the dialog to be the active window.
            dialog.activateWindow()
            qtbot.waitUntil(dialog.isActiveWindow)
            handler(dialog)
        except BaseException:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()
            raise

    return run


def _open_tab(qtbot, panel: AuditExtrasPanel, page: QWidget) -> None:
    bar = panel.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(panel.indexOf(page)).center())
    assert panel.currentWidget() is page


def _child(dialog: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def _choose(qtbot, combo: QComboBox, typed: str, expected: str) -> None:
    """Pick an item as a keyboard user does: focus the list and type the start of it."""
    combo.setFocus()
    qtbot.keyClicks(combo, typed)
    assert combo.currentText() == expected


def _tick(qtbot, checkbox: QCheckBox) -> None:
    """Click a check box on its box (a wide check box is not clickable at its centre)."""
    qtbot.mouseClick(checkbox, LEFT, pos=QPoint(8, checkbox.height() // 2))


def _ok(qtbot, dialog: QWidget, prefix: str) -> None:
    qtbot.mouseClick(_child(dialog, QPushButton, f"{prefix}ok"), LEFT)


def _cell(panel_tab, row: int, title: str) -> str:
    model = panel_tab.model
    column = [c.title for c in model.columns].index(title)
    return model.data(model.index(row, column))


def _feedback_handler(qtbot, respondent: tuple[str, str], channel: tuple[str, str], answers):
    def handler(dialog: QWidget) -> None:
        _choose(qtbot, _child(dialog, QComboBox, "feedbackDialog_respondent"), *respondent)
        _choose(qtbot, _child(dialog, QComboBox, "feedbackDialog_channel"), *channel)
        assert _child(dialog, DateField, "feedbackDialog_collected_on").value() == (
            date.today(),
            None,
        )
        _tick(qtbot, _child(dialog, QCheckBox, "feedbackDialog_consent"))
        for key, (typed, label) in answers.items():
            combo = _child(dialog, QComboBox, f"feedbackDialog_answer_{key}")
            assert combo.currentText() == "Not asked"
            _choose(qtbot, combo, typed, label)
        qtbot.keyClicks(
            _child(dialog, QPlainTextEdit, "feedbackDialog_comment"), "They listened to us"
        )
        _ok(qtbot, dialog, "feedbackDialog_")

    return _safely(qtbot, handler)


class _NoModal:
    """Fails the test (rather than hanging it) if a modal dialog appears while armed."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)

    def _poll(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QDialog) and widget.isVisible():
            self.seen.append(widget.windowTitle())
            widget.reject()

    def __enter__(self) -> _NoModal:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


# ---------------------------------------------------------------- family feedback


def test_feedback_from_a_parent_and_a_child_inside_an_audit(
    qtbot, sqlite_world, on_modal, show_window
):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    form.resize(1100, 760)
    panel = form.extras
    tab = panel.feedback_tab
    _open_tab(qtbot, panel, tab)
    assert tab.empty.isVisible() and "No feedback recorded yet" in tab.empty.text()
    assert not tab.table.isVisible()
    assert panel.tabText(panel.indexOf(tab)) == "Family feedback (0)"

    yes, partly = ("Y", "Yes"), ("P", "Partly")
    on_modal(
        _feedback_handler(
            qtbot,
            ("P", "Parent"),
            ("P", "Phone"),
            {
                "child_views": yes,
                "right_agencies": yes,
                "family_views": yes,
                "copy_of_plan": partly,
                "contactable": yes,
            },
        )
    )
    qtbot.mouseClick(panel.feedback_add, LEFT)
    on_modal(_feedback_handler(qtbot, ("Ch", "Child"), ("F", "Face to face"), {"child_views": yes}))
    qtbot.mouseClick(panel.feedback_add, LEFT)

    assert panel.tabText(panel.indexOf(tab)) == "Family feedback (2)"
    assert tab.table.isVisible() and not tab.empty.isVisible()
    shown = {
        (_cell(tab, r, "Respondent"), _cell(tab, r, "How"), _cell(tab, r, "Answers"))
        for r in range(tab.model.rowCount())
    }
    assert shown == {("Parent", "Phone", "4 yes, 1 partly"), ("Child", "Face to face", "1 yes")}
    assert _cell(tab, 0, "Consent") == "Yes" and _cell(tab, 0, "Shareable") == "No"

    stored = {r.respondent: r for r in feedback.audit_feedback(world.db, world.lead, uuid)}
    assert set(stored) == {"parent", "child"}
    assert (stored["parent"].channel, stored["child"].channel) == ("phone", "face_to_face")
    assert stored["parent"].answers["copy_of_plan"] == "partly"
    assert stored["parent"].answers["positive_difference"] == "not_asked"
    assert stored["child"].consent and stored["child"].audit_uuid == uuid


def test_a_comment_naming_the_case_cannot_be_shared(qtbot, sqlite_world, on_modal, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    panel = form.extras
    _open_tab(qtbot, panel, panel.feedback_tab)
    seen: dict[str, object] = {}

    def handler(dialog: QWidget) -> None:
        _choose(qtbot, _child(dialog, QComboBox, "feedbackDialog_respondent"), "Ca", "Carer")
        _choose(qtbot, _child(dialog, QComboBox, "feedbackDialog_channel"), "O", "Online")
        _tick(qtbot, _child(dialog, QCheckBox, "feedbackDialog_consent"))
        comment = _child(dialog, QPlainTextEdit, "feedbackDialog_comment")
        shareable = _child(dialog, QCheckBox, "feedbackDialog_shareable")
        error = _child(dialog, QLabel, "feedbackDialog_shareableError")
        qtbot.keyClicks(comment, "Sam Worker on C1000 always called back")
        _tick(qtbot, shareable)
        # Refused at once, with what identifies someone, under the box.
        assert not shareable.isChecked()
        assert error.isVisible()
        assert error.text() == (
            "Pseudonymise before sharing: it names case reference 'C1000', name 'Sam Worker'"
        )
        comment.clear()
        qtbot.keyClicks(comment, "The worker always called back")
        _tick(qtbot, shareable)
        assert shareable.isChecked() and not error.isVisible()
        # Naming the case again after ticking: pressing OK refuses and keeps the dialog open.
        qtbot.keyClicks(comment, " (C1000)")
        _ok(qtbot, dialog, "feedbackDialog_")
        assert dialog.isVisible() and not shareable.isChecked()
        assert "case reference 'C1000'" in error.text() and error.isVisible()
        seen["refused"] = feedback.audit_feedback(world.db, world.auditor, uuid)
        comment.setPlainText("The worker always called back")
        _tick(qtbot, shareable)
        _ok(qtbot, dialog, "feedbackDialog_")
        assert not dialog.isVisible()

    on_modal(_safely(qtbot, handler))
    qtbot.mouseClick(panel.feedback_add, LEFT)
    assert seen["refused"] == []  # nothing was saved while the comment named the case
    (row,) = feedback.audit_feedback(world.db, world.auditor, uuid)
    assert (row.respondent, row.comment, row.shareable) == (
        "carer",
        "The worker always called back",
        True,
    )
    assert _cell(panel.feedback_tab, 0, "Shareable") == "Yes"


def test_feedback_outside_an_audit_against_a_case(qtbot, sqlite_world, on_modal):
    world = sqlite_world
    dialog = FeedbackDialog(world.db, world.lead, audit_uuid=None, case_ref="C1001")
    qtbot.addWidget(dialog)
    assert "C1001" in dialog.windowTitle()
    for name in ("respondent", "channel", "collected_on", "consent", "comment", "shareable"):
        assert _child(dialog, QWidget, f"feedbackDialog_{name}").accessibleName()

    def handler(d: QWidget) -> None:
        _ok(qtbot, d, "feedbackDialog_")  # nothing chosen: messages beside the fields
        assert d.isVisible()
        assert _child(d, QLabel, "feedbackDialog_respondentError").isVisible()
        assert _child(d, QLabel, "feedbackDialog_channelError").isVisible()
        _choose(qtbot, _child(d, QComboBox, "feedbackDialog_respondent"), "Y", "Young person")
        _choose(qtbot, _child(d, QComboBox, "feedbackDialog_channel"), "O", "Online")
        _ok(qtbot, d, "feedbackDialog_")

    on_modal(_safely(qtbot, handler))
    assert dialog.exec() == QDialog.DialogCode.Accepted
    row = dialog.result_row
    assert row is not None and row.audit_uuid is None and row.case_ref == "C1001"
    assert row.respondent == "young_person"


# ---------------------------------------------------------------- learning


def test_learning_points_with_themes_and_completion(qtbot, sqlite_world, on_modal, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    panel = form.extras
    tab = panel.learning_tab
    _open_tab(qtbot, panel, tab)
    assert tab.empty.isVisible()

    def first(dialog: QWidget) -> None:
        _choose(qtbot, _child(dialog, QComboBox, "learningDialog_kind"), "S", "Strength")
        _choose(
            qtbot, _child(dialog, QComboBox, "learningDialog_item"), "Voice", "Voice of the child"
        )
        qtbot.keyClicks(
            _child(dialog, QPlainTextEdit, "learningDialog_text"),
            "The child's words shape the plan",
        )
        qtbot.keyClicks(
            _child(dialog, QLineEdit, "learningDialog_themes"), "Voice of the child, supervision"
        )
        assert _child(dialog, QCheckBox, "learningDialog_in_briefing").isChecked()
        _ok(qtbot, dialog, "learningDialog_")

    on_modal(_safely(qtbot, first))
    qtbot.mouseClick(panel.learning_add, LEFT)

    offered: list[str] = []

    def second(dialog: QWidget) -> None:
        _choose(
            qtbot, _child(dialog, QComboBox, "learningDialog_kind"), "A", "Area for development"
        )
        qtbot.keyClicks(
            _child(dialog, QPlainTextEdit, "learningDialog_text"), "Supervision is not reflective"
        )
        themes = _child(dialog, QLineEdit, "learningDialog_themes")
        themes.setFocus()
        qtbot.keyClicks(themes, "management oversight, sup")
        popup = themes.completer().popup()
        qtbot.waitUntil(popup.isVisible)
        model = popup.model()
        offered.extend(model.index(i, 0).data() for i in range(model.rowCount()))
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert themes.text() == "management oversight, supervision"
        assert dialog.isVisible()  # Return picked the completion; it did not press OK
        _tick(qtbot, _child(dialog, QCheckBox, "learningDialog_in_briefing"))
        _ok(qtbot, dialog, "learningDialog_")

    on_modal(_safely(qtbot, second))
    qtbot.mouseClick(panel.learning_add, LEFT)

    assert offered == ["supervision"]  # the existing tag that starts with what was typed
    assert panel.tabText(panel.indexOf(tab)) == "Learning (2)"
    assert _cell(tab, 0, "Practice area") == "Voice of the child"
    points = {p.kind: p for p in learning.audit_learning(world.db, world.auditor, uuid)}
    assert points["strength"].themes == ("supervision", "voice of the child")
    assert points["strength"].item_key == "voice_of_child" and points["strength"].in_briefing
    assert points["development"].themes == ("management oversight", "supervision")
    assert not points["development"].in_briefing
    assert "supervision" in learning.theme_tags(world.db, world.auditor)


def test_an_empty_learning_point_is_refused_beside_the_field(
    qtbot, sqlite_world, on_modal, show_window
):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))

    def handler(dialog: QWidget) -> None:
        _ok(qtbot, dialog, "learningDialog_")
        error = _child(dialog, QLabel, "learningDialog_textError")
        assert dialog.isVisible() and error.isVisible()
        assert error.text() == "Write the learning point"
        qtbot.mouseClick(_child(dialog, QPushButton, "learningDialog_cancel"), LEFT)

    on_modal(_safely(qtbot, handler))
    qtbot.mouseClick(form.extras.learning_add, LEFT)
    assert learning.audit_learning(world.db, world.auditor, uuid) == []


# ---------------------------------------------------------------- actions


def test_raise_an_action_and_complete_it(qtbot, sqlite_world, on_modal, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    panel = form.extras
    tab = panel.actions_tab
    _open_tab(qtbot, panel, tab)
    assert tab.empty.isVisible() and not panel.action_complete.isEnabled()

    def raise_it(dialog: QWidget) -> None:
        qtbot.keyClicks(
            _child(dialog, QPlainTextEdit, "actionDialog_text"), "Update the chronology"
        )
        owner = _child(dialog, QComboBox, "actionDialog_owner")
        owner.setFocus()
        qtbot.keyClicks(owner.lineEdit(), "Sam")
        popup = owner.completer().popup()
        qtbot.waitUntil(popup.isVisible)
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert owner.currentText().startswith("Sam Worker")
        due = _child(dialog, QDateEdit, "actionDialog_due_on")
        assert due.date().toPython() == date.today() + timedelta(days=28)
        _choose(
            qtbot, _child(dialog, QComboBox, "actionDialog_scope"), "For the s", "For the service"
        )
        _ok(qtbot, dialog, "actionDialog_")

    on_modal(_safely(qtbot, raise_it))
    qtbot.mouseClick(panel.action_add, LEFT)
    assert panel.tabText(panel.indexOf(tab)) == "Actions (1)"
    assert (_cell(tab, 0, "Owner"), _cell(tab, 0, "Status"), _cell(tab, 0, "Scope")) == (
        "Sam Worker",
        "Open",
        "For the service",
    )

    tab.table.selectRow(0)
    assert panel.action_complete.isEnabled()

    def complete(dialog: QWidget) -> None:
        qtbot.keyClicks(
            _child(dialog, QPlainTextEdit, "actionStatusDialog_note"),
            "Chronology brought up to date",
        )
        _ok(qtbot, dialog, "actionStatusDialog_")

    on_modal(_safely(qtbot, complete))
    qtbot.mouseClick(panel.action_complete, LEFT)

    today = date.today().isoformat()
    assert _cell(tab, 0, "Status") == f"Done (Alex Auditor, {today})"
    assert not panel.action_complete.isEnabled()  # done: nothing more to complete
    (row,) = learning_actions.audit_actions(world.db, world.lead, uuid)
    assert (row.status, row.completed_by, row.completion_note) == (
        "done",
        "Alex Auditor",
        "Chronology brought up to date",
    )
    assert (row.owner_key, row.scope) == ("sw1", "service")


def test_a_final_audit_keeps_its_learning_but_actions_move_on(qtbot, sqlite_world, show_window):
    world = sqlite_world
    uuid = final_audit(world)
    form = show_window(ModerationForm(world.db, world.lead, uuid))
    panel = form.extras
    assert not panel.feedback_add.isEnabled() and not panel.learning_add.isEnabled()
    assert "final" in panel.learning_tab.note.text()
    assert panel.action_add.isEnabled() and panel.worker_save.isEnabled()


def test_a_colleague_who_only_sees_the_audit_gets_no_buttons_to_change_it(
    qtbot, sqlite_world, show_window
):
    """tm1 audits in the same agency, so sees this audit, but is not one of its auditors or
    its moderator: the panel offers nothing the services would refuse."""
    world = sqlite_world
    uuid = final_audit(world)
    colleague = reference.actor_for(world.db, "tm1")
    form = show_window(ModerationForm(world.db, colleague, uuid))
    panel = form.extras
    assert not panel.takes_part
    for button in (panel.feedback_add, panel.learning_add, panel.action_add, panel.worker_save):
        assert not button.isEnabled(), button.text()
    assert not panel.to_worker.isEnabled()
    lead_form = show_window(ModerationForm(world.db, world.lead, uuid))
    assert lead_form.extras.takes_part and lead_form.extras.action_add.isEnabled()


def test_a_blind_auditor_sees_only_their_own_learning(qtbot, sqlite_world, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    learning.add_learning_point(
        world.db, world.auditor, uuid, kind="strength", text="Good chronology", themes=["x"]
    )
    other = show_window(AuditForm(world.db, world.auditor2, uuid))
    tab = other.extras.learning_tab
    assert other.extras.tabText(other.extras.indexOf(tab)) == "Learning (0)"
    assert "only what you recorded" in tab.note.text()
    mine = show_window(AuditForm(world.db, world.auditor, uuid))
    assert mine.extras.tabText(mine.extras.indexOf(mine.extras.learning_tab)) == "Learning (1)"


# ---------------------------------------------------------------- feedback to the worker


def test_moderator_is_asked_before_confirming_without_worker_feedback(
    qtbot, sqlite_world, on_modal, show_window
):
    world = sqlite_world
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    mod = show_window(ModerationForm(world.db, world.moderator, uuid))
    mod.resize(1100, 760)
    panel = mod.extras
    assert panel.tabText(0) == "Moderation"

    asked: list[str] = []

    def answer_no(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), LEFT)

    on_modal(_safely(qtbot, answer_no))
    qtbot.mouseClick(mod.confirm_button, LEFT)
    assert asked == [
        "Feedback to the worker or their manager is not recorded for this audit. "
        "Confirm the final grades anyway?"
    ]
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_moderation"
    assert panel.currentWidget() is panel.worker_tab  # where to record it

    # Record it on the worker tab, then confirm without being asked.
    assert "Not recorded" in panel.worker_status.text()
    assert not panel.given_on.isEnabled()
    _tick(qtbot, panel.to_worker)
    _tick(qtbot, panel.to_manager)
    assert panel.given_on.isEnabled()
    panel.how.setFocus()
    qtbot.keyClicks(panel.how.lineEdit(), "In supervision")
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(panel.worker_save, LEFT)
    assert panel.worker_status.text().startswith("Saved. Recorded: feedback given to the worker")
    stored = worker_feedback.get_worker_feedback(world.db, world.lead, uuid)
    assert not stored.missing and stored.how == "In supervision"
    assert stored.given_on == date.today()

    with _NoModal() as guard, qtbot.waitSignal(mod.confirmed):
        qtbot.mouseClick(mod.confirm_button, LEFT)
    assert guard.seen == []
    assert audits.get_audit(world.db, world.lead, uuid).status == "final"


def test_worker_feedback_needs_a_date_in_the_past(qtbot, sqlite_world, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    panel = form.extras
    _open_tab(qtbot, panel, panel.worker_tab)
    _tick(qtbot, panel.to_worker)
    future = date.today() + timedelta(days=3)
    for typed, message in [
        (future.isoformat(), "The date cannot be in the future"),
        ("2026-02-30", "There is no such date as 2026-02-30"),
        ("30/01/2026", "Type the date as YYYY-MM-DD, for example 2026-03-01"),
    ]:
        panel.given_on.line.selectAll()
        qtbot.keyClicks(panel.given_on.line, typed)
        qtbot.mouseClick(panel.worker_save, LEFT)
        assert panel.given_on.text() == typed  # kept as typed, never changed
        assert panel.given_on_error.isVisible()
        assert panel.given_on_error.text() == message
        assert worker_feedback.get_worker_feedback(world.db, world.lead, uuid).missing


def test_an_action_changed_by_someone_else_meanwhile_is_not_overwritten(
    qtbot, sqlite_world, monkeypatch
):
    """The edit dialog saves against the revision it showed: a change made meanwhile elsewhere
    is reported (who changed it) and kept."""
    from audit_tool.ui.extras_dialogs import ActionDialog

    world = sqlite_world
    uuid = final_audit(world)
    row = learning_actions.add_action(
        world.db,
        world.lead,
        uuid,
        text="Update the chronology",
        owner_key="tm1",
        due_on=date.today() + timedelta(days=14),
    )
    dialog = ActionDialog(world.db, world.lead, audit_uuid=uuid, existing=row)
    qtbot.addWidget(dialog)
    learning_actions.update_action(
        world.db,
        world.moderator,
        row.uuid,
        text="Update the chronology by Friday",
        owner_key="tm1",
        due_on=row.due_on,
        scope=row.scope,
    )
    shown: list[str] = []
    monkeypatch.setattr(
        "audit_tool.ui.errors.show_error", lambda _p, _t, exc: shown.append(str(exc))
    )
    dialog.text.setPlainText("Update the chronology this week")
    dialog.save()
    assert shown and "Morgan Moderator changed this action" in shown[0], shown
    assert dialog.result_row is None
    (kept,) = [a for a in learning_actions.audit_actions(world.db, world.lead, uuid)]
    assert kept.text == "Update the chronology by Friday"


def test_a_typed_future_date_is_refused_not_changed(qtbot, sqlite_world, on_modal):
    """Typing a date after today used to be clamped silently (2027-03-01 saved as 2026-03-01,
    2026-12-25 as the 2nd): now the typed date stays as typed and the dialog says why not."""
    world = sqlite_world
    dialog = FeedbackDialog(world.db, world.lead, audit_uuid=None, case_ref="C1001")
    qtbot.addWidget(dialog)
    future = date.today() + timedelta(days=400)
    seen: dict[str, object] = {}

    def handler(d: QWidget) -> None:
        _choose(qtbot, _child(d, QComboBox, "feedbackDialog_respondent"), "Y", "Young person")
        _choose(qtbot, _child(d, QComboBox, "feedbackDialog_channel"), "O", "Online")
        edit = _child(d, DateField, "feedbackDialog_collected_on")
        edit.line.setFocus()
        edit.line.selectAll()
        qtbot.keyClicks(edit.line, future.isoformat())
        seen["typed"] = edit.value()[0]
        _ok(qtbot, d, "feedbackDialog_")
        error = _child(d, QLabel, "feedbackDialog_collected_onError")
        seen["error"] = error.text() if error.isVisible() else ""
        seen["open"] = d.isVisible()
        d.reject()

    on_modal(_safely(qtbot, handler))
    assert dialog.exec() == QDialog.DialogCode.Rejected
    assert seen == {"typed": future, "error": "The date cannot be in the future", "open": True}
    assert feedback.list_feedback(world.db, world.lead) == []  # nothing saved


def test_confirm_checks_the_grades_before_asking_about_worker_feedback(
    qtbot, sqlite_world, on_modal, show_window
):
    """The rationale is missing: say so first (no question about feedback to the worker yet),
    clear the message once it is typed, and leave no red message once the audit is locked."""
    world = sqlite_world
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, world.auditor2, uuid, overall="requires_improvement")
    mod = show_window(ModerationForm(world.db, world.moderator, uuid))
    mod.resize(1100, 760)
    overall = mod.finals["overall"]
    overall.setCurrentIndex(overall.findData("good"))

    with _NoModal() as guard:
        qtbot.mouseClick(mod.confirm_button, LEFT)
    assert guard.seen == []  # not asked about worker feedback while the grades cannot go
    assert mod.rationale_error.isVisible()
    assert "say why" in mod.rationale_error.text()
    graded = [item.key for item in mod.template.graded_items]
    shown = [k for k, label in mod.errors.items() if label.isVisible()]
    assert shown == graded  # every fault at once
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_moderation"

    for key in graded:  # the auditors differ on every area: take A's grade
        qtbot.mouseClick(mod.take_buttons[(key, 0)], LEFT)
        assert not mod.errors[key].isVisible()

    mod.rationale.setFocus()
    qtbot.keyClicks(mod.rationale, "B's review missed the latest plan")
    assert not mod.rationale_error.isVisible()  # cleared once fixed

    asked: list[str] = []

    def answer_yes(box: QWidget) -> None:
        asked.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), LEFT)

    on_modal(_safely(qtbot, answer_yes))
    with qtbot.waitSignal(mod.confirmed):
        qtbot.mouseClick(mod.confirm_button, LEFT)
    assert len(asked) == 1  # now asked, once
    assert audits.get_audit(world.db, world.lead, uuid).status == "final"
    assert not any(label.isVisible() for label in [*mod.errors.values(), mod.rationale_error])
    assert mod.message.text() == "Final grades confirmed. The audit is final and locked."


def test_moderating_reviews_that_mostly_agree_takes_at_most_8_clicks(
    qtbot, sqlite_world, on_modal, show_window
):
    """The evidence is on screen beside each grade, and "Take all of A" settles the items the
    auditors differ on: counted, confirming takes 4 clicks (at most 8 allowed)."""
    from audit_tool.services import templates
    from audit_tool.services.audits import Answer

    world = sqlite_world
    uuid = looped_audit(world)
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    for actor, plans in ((world.auditor, "good"), (world.auditor2, "requires_improvement")):
        review = audits.get_audit(world.db, actor, uuid).my_review
        answers = {i.key: Answer("good") for i in tpl.graded_items}
        answers["plans"] = Answer(plans, f"{actor.name}: the plan is dated March")
        audits.save_review(world.db, actor, review, answers=answers, overall="good")
        audits.submit_review(world.db, actor, review)

    mod = show_window(ModerationForm(world.db, world.moderator, uuid))
    mod.resize(1100, 760)
    evidence_b = mod.findChild(QLabel, "moderation_evidence_plans_1")
    assert evidence_b is not None and evidence_b.isVisible()  # readable without hovering
    assert evidence_b.text() == "Bea Auditor: the plan is dated March"

    clicks = {"n": 0}

    def click(widget: QWidget) -> None:
        clicks["n"] += 1
        qtbot.mouseClick(widget, LEFT)

    click(mod.findChild(QPushButton, "moderation_takeAll_0"))
    assert mod.finals["plans"].currentData() == "good"
    click(mod.rationale)
    qtbot.keyClicks(mod.rationale, "A's reading of the plan is right")

    def answer_yes(box: QWidget) -> None:
        click(box.button(QMessageBox.StandardButton.Yes))

    on_modal(_safely(qtbot, answer_yes))
    with qtbot.waitSignal(mod.confirmed):
        click(mod.confirm_button)
    final = audits.get_audit(world.db, world.lead, uuid)
    assert (final.status, final.moderation.answers["plans"].value) == ("final", "good")
    assert clicks["n"] <= 8
    assert clicks["n"] == 4
    assert not mod.findChild(QPushButton, "moderation_takeAll_0").isVisible()  # locked


def test_the_feedback_sheet_is_saved_and_records_feedback_given(
    qtbot, sqlite_world, show_window, monkeypatch, tmp_path
):
    """From a confirmed audit: one click (and a file name) gives the worker's one-page sheet,
    and the audit then shows feedback given to the worker and their manager today."""
    import io

    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    from tests.factories import final_audit

    world = sqlite_world
    open_audit = looped_audit(world, ref="C1001", programme="p-other")
    uuid = final_audit(world)
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    not_final = show_window(AuditForm(world.db, world.auditor, open_audit))
    _open_tab(qtbot, not_final.extras, not_final.extras.worker_tab)
    assert not not_final.extras.worker_sheet_button.isEnabled()  # not confirmed yet

    mod = show_window(ModerationForm(world.db, world.moderator, uuid))
    panel = mod.extras
    _open_tab(qtbot, panel, panel.worker_tab)
    assert panel.worker_sheet_button.isEnabled()
    with qtbot.waitSignal(panel.changed, timeout=20000):
        qtbot.mouseClick(panel.worker_sheet_button, LEFT)
    assert panel.worker_status.text().startswith("Saved sheet.pdf. ")
    stored = worker_feedback.get_worker_feedback(world.db, world.lead, uuid)
    assert (stored.given_to_worker, stored.given_to_manager, stored.given_on) == (
        True,
        True,
        date.today(),
    )
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert len(reader.pages) == 1
    assert "Feedback on the audit of case C1000" in reader.pages[0].extract_text()
