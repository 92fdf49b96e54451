"""Text typed in the audit form reaches the change log when the window closes or the app quits
(not only the first save of the session), and the change log shows the change in words."""

from __future__ import annotations

from audit_tool.services import audits, changelog
from audit_tool.services.audits import Answer
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.changelog_view import ChangeLogView
from audit_tool.ui.main_window import MainWindow
from tests.factories import looped_audit
from tests.ui.conftest import opened_window, show_and_activate


def _draft_saves(world, review_uuid):
    rows = changelog.entries(world.db, world.lead, entity="review", entity_uuid=review_uuid)
    return [r for r in rows if r.action == "update"]


def _open_form(qtbot, world, uuid):  # type: ignore[no-untyped-def]
    window = MainWindow(world.db, world.auditor)
    show_and_activate(qtbot, window)
    audits_view = window.view("audits")
    dialog = opened_window(qtbot, audits_view, lambda: audits_view.open_review(uuid))
    form = dialog.findChild(AuditForm)
    assert form is not None
    return window, dialog, form


def test_text_typed_then_the_window_closed_is_in_the_change_log(qtbot, sqlite_world):
    world = sqlite_world
    uuid = looped_audit(world)
    _window, dialog, form = _open_form(qtbot, world, uuid)
    form.summary["strengths"].setFocus()
    qtbot.keyClicks(form.summary["strengths"], "Mum says")
    assert form.save(explicit=True)  # the first save of the session
    qtbot.keyClicks(form.summary["worries"], "No plan for the holidays")
    dialog.close()
    newest = _draft_saves(world, form.review_uuid)[0]
    assert newest.after == {"worries": "No plan for the holidays"}
    assert len(_draft_saves(world, form.review_uuid)) == 2


def test_text_typed_then_the_app_quit_is_in_the_change_log(qtbot, sqlite_world):
    world = sqlite_world
    uuid = looped_audit(world)
    window, _dialog, form = _open_form(qtbot, world, uuid)
    qtbot.keyClicks(form.summary["next_steps"], "Visit within a week")
    window.quit_action.trigger()  # File > Quit with the audit still open
    (entry,) = _draft_saves(world, form.review_uuid)
    assert entry.after == {"next_steps": "Visit within a week"}


def test_the_detail_pane_shows_grades_and_items_in_words(qtbot, sqlite_world, show_window):
    world = sqlite_world
    uuid = looped_audit(world)
    review = audits.get_audit(world.db, world.auditor, uuid).my_review
    assert review is not None
    audits.save_review(world.db, world.auditor, review, answers={"plans": Answer("good")})
    audits.save_review(
        world.db, world.auditor, review, answers={"plans": Answer("requires_improvement")}
    )
    view = show_window(ChangeLogView(world.db, world.lead))
    view.table.selectRow(0)
    assert view.model.rows[0].entity == "review"
    cells = [
        tuple(view.fields.item(r, c).text() for c in range(3))
        for r in range(view.fields.rowCount())
    ]
    assert cells == [("Plans", "Good", "Requires improvement to be good")]
    assert view.fields.horizontalHeaderItem(1).text() == "Before"
    assert "Plans: Good -> Requires improvement to be good" in view.detail_text()
    assert "requires_improvement" not in view.detail_text() and "[" not in view.detail_text()
    actions = {view.model.index(r, 2).data() for r in range(view.model.rowCount())}
    assert "Assigned" in actions and "assign" not in actions  # every action in words
