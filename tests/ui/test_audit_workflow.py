"""A whole looped audit through the GUI, and the autosave surviving a killed process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QPlainTextEdit, QPushButton

from audit_tool.services import audits, reference, templates
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.moderation_view import ModerationForm
from tests.factories import looped_audit
from tests.ui.conftest import opened_window, show_and_activate

FIRST_LETTER = {"good": "G", "requires_improvement": "R", "outstanding": "O", "inadequate": "I"}


def _grade_all(qtbot, form: AuditForm, grade: str, overall: str) -> None:
    """Choose grades with the keyboard, as a user tabbing through the form would."""
    for item in form.template.graded_items:
        combo = form.values[item.key]
        combo.setFocus()
        qtbot.keyClicks(combo, FIRST_LETTER[grade])
        assert combo.currentData() == grade
    form.overall.setFocus()
    qtbot.keyClicks(form.overall, FIRST_LETTER[overall])
    assert form.overall.currentData() == overall


def _answer_yes(qtbot, seen):
    def handler(box):
        seen.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    return handler


def _review_through_the_form(
    qtbot, world, actor, uuid, *, grade="good", overall="good", on_modal=None
):
    form = show_and_activate(qtbot, AuditForm(world.db, actor, uuid))
    form.resize(1100, 760)
    _grade_all(qtbot, form, grade, overall)
    qtbot.keyClicks(form.summary["strengths"], "Warm, consistent relationship with the family")
    qtbot.keyClicks(form.comments["voice_of_child"], "Child seen alone twice")
    warned: list[str] = []
    if on_modal is not None:  # the overall grade is out of line: a warning to confirm
        on_modal(_answer_yes(qtbot, warned))
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert bool(warned) == (on_modal is not None)
    assert not form.submit_button.isEnabled()
    assert "Review submitted" in form.message.text()
    return form


def test_a_looped_audit_through_the_gui(qtbot, sqlite_world, on_modal):
    world = sqlite_world
    uuid = looped_audit(world)
    _review_through_the_form(qtbot, world, world.auditor, uuid)
    _review_through_the_form(
        qtbot, world, world.auditor2, uuid, overall="requires_improvement", on_modal=on_modal
    )
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_moderation"

    # The moderator sees the difference and returns B's review with a comment.
    mod = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    overall_b = mod.findChild(QLabel, "moderation_overall_1")
    assert overall_b.text() == "Requires improvement to be good"
    assert "background" in overall_b.styleSheet()  # the difference is marked
    assert mod.finals["voice_of_child"].currentData() == "good"  # agreed: pre-filled

    def return_b(dialog):
        which = dialog.findChild(QComboBox, "return_which")
        which.setCurrentIndex(1)
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit, "return_comment"), "Check the overall")
        qtbot.mouseClick(dialog.findChild(QPushButton, "return_ok"), Qt.MouseButton.LeftButton)

    on_modal(return_b)
    title = mod.findChild(QLabel, "moderation_title")
    assert title.text().endswith("Ready to moderate")
    qtbot.mouseClick(mod.return_button, Qt.MouseButton.LeftButton)
    assert audits.get_audit(world.db, world.lead, uuid).status == "returned"
    assert title.text().endswith("Returned to an auditor")  # the header follows

    # B sees the comment, changes the overall grade and resubmits.
    form_b = show_and_activate(qtbot, AuditForm(world.db, world.auditor2, uuid))
    assert form_b.return_note.isVisible() and "Check the overall" in form_b.return_note.text()
    form_b.overall.setFocus()
    qtbot.keyClicks(form_b.overall, "O")  # Outstanding: still differs from A
    warned: list[str] = []
    on_modal(_answer_yes(qtbot, warned))  # Outstanding with Good areas: a warning, not a block
    qtbot.mouseClick(form_b.submit_button, Qt.MouseButton.LeftButton)
    assert warned and "better than every practice area" in warned[0]
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_moderation"

    # The moderator must give a rationale, then confirms.
    mod = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    take_a = mod.findChild(QPushButton, "moderation_take_overall_0")
    qtbot.mouseClick(take_a, Qt.MouseButton.LeftButton)
    assert mod.finals["overall"].currentData() == "good"
    # The grades first: the missing rationale is said before any question.
    qtbot.mouseClick(mod.confirm_button, Qt.MouseButton.LeftButton)
    assert mod.rationale_error.isVisible() and "say why" in mod.rationale_error.text()
    qtbot.keyClicks(mod.rationale, "Evidence supports Good; B's Outstanding is not evidenced")
    asked: list[str] = []  # no feedback to the worker is recorded: asked once, then confirmed
    on_modal(_answer_yes(qtbot, asked))
    qtbot.mouseClick(mod.confirm_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "Feedback to the worker" in asked[0]
    assert "confirmed" in mod.message.text()
    assert mod.findChild(QLabel, "moderation_title").text().endswith("Final")

    final = audits.get_audit(world.db, world.lead, uuid)
    assert (final.status, final.final_overall) == ("final", "good")
    assert final.moderation.answers["voice_of_child"].value == "good"
    assert final.moderation.rationale.startswith("Evidence supports Good")


def test_the_form_is_read_only_once_submitted(qtbot, sqlite_world):
    uuid = looped_audit(sqlite_world)
    form = _review_through_the_form(qtbot, sqlite_world, sqlite_world.auditor, uuid)
    again = show_and_activate(qtbot, AuditForm(sqlite_world.db, sqlite_world.auditor, uuid))
    assert not again.overall.isEnabled() and again.summary["strengths"].isReadOnly()
    assert again.status.text() == "Submitted: read only"
    assert form.values["plans"].currentData() == "good"


def test_submitting_with_gaps_shows_what_is_missing(qtbot, sqlite_world):
    uuid = looped_audit(sqlite_world)
    form = show_and_activate(qtbot, AuditForm(sqlite_world.db, sqlite_world.auditor, uuid))
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert "cannot be submitted" in form.message.text()
    error = form.findChild(QLabel, "auditForm_item_plansError")
    assert error.isVisible() and "Give a grade" in error.text()
    assert form.overall_error.isVisible()
    assert form.submit_button.isEnabled()


CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    from PySide6.QtTest import QTest
    from audit_tool.services import reference
    from audit_tool.store import open_database
    from audit_tool.ui import audit_form

    audit_form.AUTOSAVE_MS = 300
    app = QApplication([])
    db = open_database(sys.argv[1], create=False)
    form = audit_form.AuditForm(db, reference.actor_for(db, "aud1"), sys.argv[2])
    form.show()
    box = form.summary["strengths"]
    box.setFocus()
    form.saved.connect(lambda _t: print("SAVED", repr(box.toPlainText()), flush=True))
    text = sys.argv[3]
    for i, ch in enumerate(text):
        QTest.keyClicks(box, ch)
        QTest.qWait(40)
    print("TYPED", flush=True)
    QTest.qWait(100000)
    """
)


def test_autosave_survives_a_killed_process(sqlite_world, tmp_path: Path):
    """Type into a review in a separate process, kill it (SIGKILL) mid-typing, and check
    the database holds the text up to the last autosave and is intact."""
    uuid = looped_audit(sqlite_world)
    db_path = sqlite_world.db.path
    sqlite_world.db.close()
    text = "The family describe the worker as reliable and honest. " * 3
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, str(script), str(db_path), uuid, text],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    saved: list[str] = []
    deadline = time.monotonic() + 60
    assert child.stdout is not None
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.startswith("SAVED"):
            saved.append(eval(line[6:]))  # noqa: S307 - our own repr() of a string
            if len(saved) >= 2:
                break
        if not line or line.startswith("TYPED"):
            break
    child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up either way
    out, err = child.communicate(timeout=10)
    saved += [eval(x[6:]) for x in out.splitlines() if x.startswith("SAVED")]  # noqa: S307
    assert len(saved) >= 2, err
    assert "TYPED" not in out  # killed while still typing

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (stored,) = conn.execute(
            "SELECT r.strengths FROM reviews r JOIN people p ON p.id = r.reviewer_id "
            "WHERE p.key = 'aud1'"
        ).fetchone()
    # What was typed up to the last autosave it reported (or one it made just before dying).
    assert text.startswith(stored) and len(saved[-1]) <= len(stored) < len(text)

    from audit_tool.store import open_database

    db = open_database(db_path, create=False)
    try:
        reopened = AuditForm(db, reference.actor_for(db, "aud1"), uuid)
        assert reopened.summary["strengths"].toPlainText() == stored
        assert templates.get_template(db, reference.actor_for(db, "lead1"), "moderated_case_file")
    finally:
        db.close()


def test_a_lead_reopens_a_final_audit_with_a_reason(qtbot, sqlite_world, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from audit_tool.services import changelog
    from tests.services.test_audits import complete, grades

    world = sqlite_world
    uuid = looped_audit(world)
    complete(world, world.auditor, uuid)
    complete(world, world.auditor2, uuid)
    audits.confirm(world.db, world.moderator, uuid, answers=grades(world), overall="good")
    by_moderator = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    assert not by_moderator.reopen_button.isVisible()  # only a lead may
    form = show_and_activate(qtbot, ModerationForm(world.db, world.lead, uuid))
    assert form.reopen_button.isVisible() and not form.confirm_button.isVisible()
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *a, **k: ("Police shared new information", True)
    )
    qtbot.mouseClick(form.reopen_button, Qt.MouseButton.LeftButton)
    assert audits.get_audit(world.db, world.lead, uuid).status == "in_moderation"
    assert changelog.entries(world.db, world.lead, entity_uuid=uuid)[0].reason == (
        "Police shared new information"
    )


def test_audits_view_filters_and_opens_the_right_screen(qtbot, sqlite_world):
    from audit_tool.ui.audits_view import AuditsView

    world = sqlite_world
    first = looped_audit(world)
    looped_audit(world, ref="C1001", programme="p-other")
    view = show_and_activate(qtbot, AuditsView(world.db, world.auditor))
    assert view.scope.currentData() == "assigned" and view.model.rowCount() == 2
    view.programme_filter.setCurrentIndex(view.programme_filter.findData("p-other"))
    assert [r.case_ref for r in view.model.rows] == ["C1001"]
    view.programme_filter.setCurrentIndex(0)
    view.status_filter.setCurrentIndex(view.status_filter.findData("final"))
    assert view.model.rowCount() == 0 and view.empty.isVisible()
    view.status_filter.setCurrentIndex(0)
    view.table.selectRow([r.uuid for r in view.model.rows].index(first))
    window = opened_window(qtbot, view, lambda: view.open_review(first))
    assert window.findChild(AuditForm) is not None
    moderator_view = show_and_activate(qtbot, AuditsView(world.db, world.moderator))
    moderator_view.scope.setCurrentIndex(moderator_view.scope.findData(None))
    assert (
        moderator_view.model.rowCount() == 2 and moderator_view.model.rows[0].my_role == "moderator"
    )
    window = opened_window(qtbot, moderator_view, moderator_view.open_selected)
    assert window.findChild(ModerationForm) is not None


def test_a_lead_records_the_panel_summary_on_the_moderation_screen(qtbot, sqlite_world):
    from tests.services.test_audits import complete

    world = sqlite_world
    reference.save_person(
        world.db,
        world.lead,
        key="pc1",
        name="Pat Constable",
        agency_key="police",
        roles=["auditor"],
    )
    uuid = looped_audit(world, kind="multi_agency", reviewers=["aud1", "pc1"], moderator="mod1")
    complete(world, world.auditor, uuid)
    complete(world, reference.actor_for(world.db, "pc1"), uuid)
    by_moderator = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    assert by_moderator.panel.isReadOnly() and not by_moderator.panel_button.isVisible()
    form = show_and_activate(qtbot, ModerationForm(world.db, world.lead, uuid))
    qtbot.keyClicks(form.panel, "Agencies agreed the referral was late")
    qtbot.mouseClick(form.panel_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Panel summary recorded."
    view = audits.get_audit(world.db, world.lead, uuid)
    assert view.moderation.panel_summary == "Agencies agreed the referral was late"


def test_windows_open_close_and_open_again(qtbot, sqlite_world):
    """Closing an audit window and opening another (of every kind) never shows an error:
    the list of open windows used to touch the deleted window ("Internal C++ object already
    deleted")."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from audit_tool.ui.audits_view import AuditsView

    world = sqlite_world
    first = looped_audit(world)
    second = looped_audit(world, ref="C1001", programme="p-other")
    view = show_and_activate(qtbot, AuditsView(world.db, world.auditor))
    lead_view = show_and_activate(qtbot, AuditsView(world.db, world.lead))
    openers = [
        (view, lambda: view.open_review(first), AuditForm),
        (lead_view, lambda: lead_view.open_moderation(first), ModerationForm),
        (view, lambda: view.open_review(second), AuditForm),
        (lead_view, lambda: lead_view.open_moderation(second), ModerationForm),
        (view, lambda: view.open_audit(first), AuditForm),
    ]
    for owner, open_window, form_class in openers:
        window = opened_window(qtbot, owner, open_window)
        assert window.findChild(form_class) is not None
        assert owner._windows[-1] is window
        window.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert window not in owner._windows
    assert view._windows == [] and lead_view._windows == []


def test_an_urgent_concern_shows_on_the_audit_and_moderation_screens(qtbot, sqlite_world, on_modal):
    """Raised from the form: the raiser sees who was told; the other auditor's form and the
    moderation screen show it with its full text."""
    from PySide6.QtWidgets import QPushButton as Button

    from tests.factories import complete_review

    world = sqlite_world
    uuid = looped_audit(world)
    why = "The child said at school today that " + "they are frightened to go home " * 6
    form = show_and_activate(qtbot, AuditForm(world.db, world.auditor, uuid))
    assert not form.concern_note.isVisible()

    def raise_it(dialog):
        boxes = dialog.findChildren(QPlainTextEdit)
        qtbot.keyClicks(boxes[0], "Bruising on the arm, not explained")
        qtbot.keyClicks(boxes[1], why)
        qtbot.mouseClick(dialog.findChild(Button, "concern_raise"), Qt.MouseButton.LeftButton)

    on_modal(raise_it)
    with qtbot.waitSignal(form.concern_raised):
        form.raise_concern()
    shown = form.concern_note.text()
    assert form.concern_note.isVisible()
    assert "Bruising on the arm, not explained" in shown
    assert f"Why urgent: {why.strip()}" in shown  # whole, not cut off
    assert (
        "Seen at once by: Priya Lead (QA lead), Terry Manager (the case's manager), "
        "Morgan Moderator (moderator of the audit), Bea Auditor (auditor)"
    ) in shown

    other = show_and_activate(qtbot, AuditForm(world.db, world.auditor2, uuid))
    assert other.concern_note.isVisible() and "Bruising on the arm" in other.concern_note.text()
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    mod = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    assert mod.concern_note.isVisible()
    assert f"Why urgent: {why.strip()}" in mod.concern_note.text()


def test_the_audits_list_says_whose_turn_and_remembers_filters_per_person(qtbot, sqlite_world):
    """Open audits first ("Not final yet"), "Returned to Bea Auditor" rather than "Returned",
    "My review (submitted)" apart from one not submitted, and each person's filters come back
    at their next login."""
    from audit_tool.ui.audits_view import AuditsView
    from tests.factories import complete_review, final_audit

    world = sqlite_world
    uuid = looped_audit(world)
    final_audit(world, ref="C1001")
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
    audits.return_review(world.db, world.moderator, review_b, "See the March plan")

    view = show_and_activate(qtbot, AuditsView(world.db, world.auditor))
    assert view.status_filter.currentText() == "Not final yet"
    assert [r.case_ref for r in view.model.rows] == ["C1000"]  # the final one is not listed
    status = [c.title for c in view.model.columns].index("Status")
    me = [c.title for c in view.model.columns].index("Me")
    assert view.model.index(0, status).data() == "Returned to Bea Auditor"
    assert view.model.index(0, me).data() == "My review (submitted)"
    due = [c.title for c in view.model.columns].index("Due")
    assert view.model.index(0, due).data() == "2026-01-31 (overdue)"  # marked in every queue
    bea = show_and_activate(qtbot, AuditsView(world.db, world.auditor2))
    assert bea.model.index(0, me).data() == "My review (returned to me)"

    view.status_filter.setCurrentIndex(view.status_filter.findData(None))  # any status
    assert sorted(r.case_ref for r in view.model.rows) == ["C1000", "C1001"]
    again = show_and_activate(qtbot, AuditsView(world.db, world.auditor))
    assert again.status_filter.currentText() == "Any status" and again.model.rowCount() == 2
    other = show_and_activate(qtbot, AuditsView(world.db, world.auditor2))
    assert other.status_filter.currentText() == "Not final yet"  # Bea's own choice, not Alex's


def test_closing_the_moderation_window_keeps_what_was_chosen(qtbot, sqlite_world):
    """The review form saved on closing; the moderation screen dropped its unsaved grades and
    rationale. Now closing the window (or quitting, which closes it) saves them."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from audit_tool.ui.audits_view import AuditsView
    from tests.factories import complete_review

    world = sqlite_world
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, world.auditor2, uuid, overall="requires_improvement")
    view = show_and_activate(qtbot, AuditsView(world.db, world.moderator))
    window = opened_window(qtbot, view, lambda: view.open_moderation(uuid))
    form = window.findChild(ModerationForm)
    qtbot.mouseClick(form.take_all_buttons[1], Qt.MouseButton.LeftButton)  # all of B
    qtbot.keyClicks(form.rationale, "B's grades fit the evidence")
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    saved = audits.get_audit(world.db, world.lead, uuid).moderation
    assert saved is not None and saved.rationale == "B's grades fit the evidence"
    assert saved.answers["plans"].value == "requires_improvement"
    assert saved.overall == "requires_improvement"


def test_the_moderator_sees_what_changed_since_the_return(qtbot, sqlite_world):
    """Returned, changed and resubmitted: the moderation screen marks exactly the answers and
    writing the auditor changed, on screen and for a screen reader; nothing else is marked."""
    from tests.factories import complete_review

    world = sqlite_world
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, world.auditor2, uuid, overall="requires_improvement")
    review2 = audits.get_audit(world.db, world.auditor2, uuid).my_review
    audits.return_review(world.db, world.moderator, review2, "Look at the latest plan")
    answers = dict(audits.get_audit(world.db, world.auditor2, uuid).reviews[1].answers)
    answers["plans"] = audits.Answer("good", "The latest plan is SMART")
    audits.save_review(
        world.db, world.auditor2, review2, answers=answers, worries="Chronology behind"
    )
    audits.submit_review(world.db, world.auditor2, review2)

    form = show_and_activate(qtbot, ModerationForm(world.db, world.moderator, uuid))
    marks = {
        label.objectName(): label
        for label in form.findChildren(QLabel)
        if label.objectName().startswith("moderation_changed_")
    }
    assert set(marks) == {"moderation_changed_plans_1", "moderation_changed_worries_1"}
    plans = marks["moderation_changed_plans_1"]
    label = next(i.label for i in form.template.items if i.key == "plans")
    assert plans.isVisible() and plans.text() == "Changed since returned"
    assert plans.accessibleName() == f"B changed {label} since it was returned"
    who = form.findChild(QLabel, "moderation_who").text()
    assert "Bea Auditor (Children's Social Care), resubmitted with 2 changes since returned" in who
    assert who.count("since returned") == 1  # A was not returned
    worries = marks["moderation_changed_worries_1"]
    assert worries.accessibleName() == "B changed What are we worried about? since it was returned"
