"""The Actions view driven as a user would: choose a list, complete, cancel, reopen and edit."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QPushButton

from audit_tool.services import learning_actions
from audit_tool.ui import theme
from audit_tool.ui.actions_view import FLAG_COLUMN, ActionsView
from tests.factories import final_audit, looped_audit
from tests.ui.conftest import show_and_activate
from tests.ui.loading import loaded, settled

TODAY = date.today()


def build(world):
    """On the audit of C1000 (auditors aud1, aud2): an overdue action for Alex, one for Terry not
    yet due. On C1002 (auditors aud2 and mod1, moderated by the lead): one for the lead."""
    db = world.db
    north = looped_audit(world, ref="C1000")
    care = looped_audit(world, ref="C1002", reviewers=["aud2", "mod1"], moderator="lead1")
    overdue = learning_actions.add_action(
        db,
        world.auditor,
        north,
        text="Update the chronology",
        owner_key="aud1",
        due_on=TODAY - timedelta(days=10),
    )
    later = learning_actions.add_action(
        db,
        world.auditor,
        north,
        text="Book the review meeting",
        owner_key="tm1",
        due_on=TODAY + timedelta(days=20),
    )
    other = learning_actions.add_action(
        db,
        world.auditor2,
        care,
        text="Reissue supervision guidance",
        owner_key="lead1",
        due_on=TODAY + timedelta(days=5),
        scope="service",
    )
    return overdue, later, other


def texts(view):
    return [r.text for r in view.model.rows]


def click(qtbot, widget):
    """Click, then wait for the list it loads (the view loads in the pool)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    settled(qtbot)


def open_view(qtbot, db, actor):
    return loaded(qtbot, show_and_activate(qtbot, ActionsView(db, actor)))


def test_complete_an_overdue_action(qtbot, sqlite_world, on_modal):
    db, lead = sqlite_world.db, sqlite_world.lead
    overdue, _later, _other = build(sqlite_world)
    view = open_view(qtbot, db, lead)
    assert view.which() == "mine"  # the lead owns an open action
    assert texts(view) == ["Reissue supervision guidance"]
    assert view.which_buttons["overdue"].text() == "Overdue (1)"

    click(qtbot, view.which_buttons["overdue"])
    assert texts(view) == ["Update the chronology"]
    assert view.count.text() == "1 open, 1 overdue"
    status = view.model.index(0, 3)
    assert status.data() == "Overdue"  # the word, not colour alone
    assert status.data(Qt.ItemDataRole.ForegroundRole) == theme.qcolor("error")
    assert view.complete_action.isEnabled() and not view.reopen_action.isEnabled()

    def complete(dialog):
        note = dialog.findChild(QPlainTextEdit, "actionStatusDialog_note")
        qtbot.keyClicks(note, "Chronology brought up to date")
        click(qtbot, dialog.findChild(QPushButton, "actionStatusDialog_ok"))

    on_modal(complete)
    with qtbot.waitSignal(view.changed):
        click(qtbot, view.button_for(view.complete_action))
    loaded(qtbot, view)
    assert texts(view) == [] and view.empty.isVisible()
    assert view.empty.text() == "No overdue actions."
    assert view.count.text() == "0 open, 0 overdue"
    assert view.which_buttons["overdue"].text() == "Overdue"
    assert learning_actions.overdue_count(db, lead) == 0
    (done,) = [r for r in learning_actions.list_actions(db, lead, "all") if r.uuid == overdue.uuid]
    assert done.status == "done" and done.completion_note == "Chronology brought up to date"
    assert done.completed_by == "Priya Lead"

    # In All it shows as done and can be reopened; reopening makes it overdue again.
    click(qtbot, view.which_buttons["all"])
    view.table.selectRow(texts(view).index("Update the chronology"))
    assert view.model.index(view.table.currentIndex().row(), 3).data() == "Done"
    assert view.reopen_action.isEnabled() and not view.complete_action.isEnabled()
    assert "Chronology brought up to date" in view.detail.text()
    with qtbot.waitSignal(view.changed):
        click(qtbot, view.button_for(view.reopen_action))
    loaded(qtbot, view)
    assert view.count.text() == "3 open, 1 overdue"
    assert view.which_buttons["overdue"].text() == "Overdue (1)"


def test_cancel_needs_a_reason(qtbot, sqlite_world, on_modal):
    db, lead = sqlite_world.db, sqlite_world.lead
    build(sqlite_world)
    view = open_view(qtbot, db, lead)
    seen = {}

    def cancel(dialog):
        click(qtbot, dialog.findChild(QPushButton, "actionStatusDialog_ok"))
        seen["still_open"] = dialog.isVisible()  # no reason: refused, the dialog stays
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit, "actionStatusDialog_note"), "Duplicate")
        click(qtbot, dialog.findChild(QPushButton, "actionStatusDialog_ok"))

    on_modal(cancel)
    with qtbot.waitSignal(view.changed):
        click(qtbot, view.button_for(view.cancel_action))
    loaded(qtbot, view)
    assert seen["still_open"]
    assert texts(view) == ["Reissue supervision guidance"]  # Mine: done and cancelled too
    assert view.model.index(0, 3).data() == "Cancelled"
    assert view.count.text() == "0 open, 0 overdue, 1 cancelled"
    assert "Duplicate" in view.detail.text()
    click(qtbot, view.which_buttons["all"])
    assert view.count.text() == "2 open, 1 overdue, 1 cancelled"


def test_edit_through_the_dialog(qtbot, sqlite_world, on_modal):
    db, lead = sqlite_world.db, sqlite_world.lead
    build(sqlite_world)
    view = open_view(qtbot, db, lead)
    click(qtbot, view.which_buttons["open"])
    view.table.selectRow(texts(view).index("Book the review meeting"))

    def edit(dialog):
        text = dialog.findChild(QPlainTextEdit, "actionDialog_text")
        text.selectAll()
        qtbot.keyClicks(text, "Book the review meeting with the family")
        click(qtbot, dialog.findChild(QPushButton, "actionDialog_ok"))

    on_modal(edit)
    with qtbot.waitSignal(view.changed):
        click(qtbot, view.button_for(view.edit_action))
    loaded(qtbot, view)
    assert "Book the review meeting with the family" in texts(view)
    assert view.selected().text == "Book the review meeting with the family"  # still selected


def test_an_auditor_sees_their_own_and_their_audits_actions(qtbot, sqlite_world):
    db = sqlite_world.db
    build(sqlite_world)
    view = open_view(qtbot, db, sqlite_world.auditor)
    assert view.which() == "mine"
    assert texts(view) == ["Update the chronology"]
    click(qtbot, view.which_buttons["all"])
    # All of his agency's audits (issue #7's scoping), C1002's too though Alex has no part in it.
    assert texts(view) == [
        "Update the chronology",
        "Reissue supervision guidance",
        "Book the review meeting",
    ]
    click(qtbot, view.which_buttons["overdue"])
    assert texts(view) == ["Update the chronology"]

    # Someone with no open action of their own starts on Open. Morgan moderates C1000 and
    # audits C1002, still blind: only C1000's actions show.
    moderator_view = open_view(qtbot, db, sqlite_world.moderator)
    assert moderator_view.which() == "open"
    assert texts(moderator_view) == ["Update the chronology", "Book the review meeting"]


def test_filters_and_the_inadequate_marker(qtbot, sqlite_world):
    db, lead = sqlite_world.db, sqlite_world.lead
    build(sqlite_world)
    inadequate = final_audit(sqlite_world, ref="C1001", overall="inadequate")
    learning_actions.add_action(
        db, lead, inadequate, text="Strategy meeting", owner_key="tm1", due_on=TODAY
    )
    view = open_view(qtbot, db, lead)
    click(qtbot, view.which_buttons["open"])
    assert texts(view) == [
        "Update the chronology",
        "Strategy meeting",
        "Reissue supervision guidance",
        "Book the review meeting",
    ]  # by due date
    row = texts(view).index("Strategy meeting")
    flag = view.model.index(row, FLAG_COLUMN)
    assert flag.data() == "Inadequate audit"
    assert "graded inadequate" in flag.data(Qt.ItemDataRole.ToolTipRole)
    assert flag.data(Qt.ItemDataRole.DecorationRole) == theme.qcolor("error")
    assert view.model.index(0, FLAG_COLUMN).data() == ""

    team = view.findChild(QComboBox, "actionsTeam")
    team.setCurrentIndex(team.findData("through_care"))
    loaded(qtbot, view)
    assert texts(view) == ["Reissue supervision guidance"]
    programme = view.findChild(QComboBox, "actionsProgramme")
    programme.setCurrentIndex(programme.findData("p-test"))
    loaded(qtbot, view)
    assert texts(view) == ["Reissue supervision guidance"]
    team.setCurrentIndex(0)
    loaded(qtbot, view)
    assert len(texts(view)) == 4

    rect = view.table.visualRect(view.model.index(row, 0))
    with qtbot.waitSignal(view.open_audit) as opened:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [inadequate]


def test_inputs_are_named_for_assistive_technology(qtbot, sqlite_world):
    view = open_view(qtbot, sqlite_world.db, sqlite_world.lead)
    inputs = [view.table, *view.findChildren(QComboBox), *view.which_buttons.values()]
    assert [w.objectName() for w in inputs if not w.accessibleName()] == []
    assert view.which() == "open" and view.empty.isVisible()
    assert view.empty.text() == "No open actions."
    assert not view.complete_action.isEnabled() and not view.edit_action.isEnabled()


def test_open_actions_come_before_the_history(qtbot, sqlite_world):
    db, lead = sqlite_world.db, sqlite_world.lead
    _overdue, later, _other = build(sqlite_world)
    learning_actions.set_action_status(db, lead, later.uuid, "done")
    view = open_view(qtbot, db, lead)
    click(qtbot, view.which_buttons["all"])
    assert texts(view) == [
        "Update the chronology",
        "Reissue supervision guidance",
        "Book the review meeting",  # done: after the open ones, though due before one
    ]
    view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert texts(view) == [
        "Reissue supervision guidance",
        "Update the chronology",
        "Book the review meeting",
    ]
    view.refresh()  # the user's sort is kept
    loaded(qtbot, view)
    assert texts(view)[0] == "Reissue supervision guidance"
