"""The Briefings view driven as a user would: drafting, editing, redrafting, the names check,
export, publication, versions, the register of use, and what a viewer sees."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from audit_tool.services import audits, briefings, learning
from audit_tool.services.audits import Answer
from audit_tool.ui.briefings import BriefingsView
from audit_tool.ui.briefings.common import total_text, words_text
from audit_tool.ui.briefings.dialogs import AllowDialog, RecordUseDialog
from audit_tool.ui.briefings.new_dialog import NewBriefingDialog
from tests.factories import complete_review, looped_audit
from tests.ui.conftest import show_and_activate

STRENGTH = "Direct work captured the child's wishes in their own words"
DEVELOPMENT = "Plans were not shared with the family in a form they could use"
LEFT = Qt.MouseButton.LeftButton
EXPORT_MS = 60_000  # rendering the PDF on a busy shared machine


def audited(world, ref: str, *, overall: str = "good") -> str:
    """A looped audit of `ref` with a strength and a development point, taken to final."""
    db = world.db
    uuid = looped_audit(world, ref=ref)
    learning.add_learning_point(
        db, world.auditor, uuid, kind="strength", text=STRENGTH, themes=["voice"]
    )
    learning.add_learning_point(db, world.auditor2, uuid, kind="development", text=DEVELOPMENT)
    complete_review(world, world.auditor, uuid, overall=overall)
    complete_review(world, world.auditor2, uuid, overall=overall)
    tpl = audits.get_audit(db, world.moderator, uuid).template
    audits.confirm(
        db,
        world.moderator,
        uuid,
        answers={i.key: Answer(overall) for i in tpl.graded_items},
        overall=overall,
    )
    return uuid


@pytest.fixture
def world(sqlite_world):
    audited(sqlite_world, "C1000")
    audited(sqlite_world, "C1001", overall="requires_improvement")
    return sqlite_world


def open_view(qtbot, world, actor=None) -> BriefingsView:
    view = BriefingsView(world.db, actor or world.lead)
    view.resize(1200, 760)
    return show_and_activate(qtbot, view)


def type_at_end(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, text)


def flat(text: str) -> str:
    return " ".join(text.split())


def draft_from_programme(qtbot, view, on_modal, title: str = "") -> None:
    """New briefing... (Ctrl+N) from the test programme, through the dialog."""
    seen: dict[str, str] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, NewBriefingDialog)
        assert dialog.programme_radio.isChecked()
        dialog.programme.setCurrentIndex(dialog.programme.findData("p-test"))
        seen["count"] = dialog.count.text()
        if title:
            qtbot.keyClicks(dialog.title, title)
        qtbot.mouseClick(dialog.ok, LEFT)

    on_modal(fill)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen["count"].startswith("2 final audits in this programme")
    reactivate(qtbot, view)


def reactivate(qtbot, view) -> None:
    """The window is active again once a dialog closes (the offscreen platform needs asking)."""
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)


def export_to(qtbot, view, monkeypatch, path: Path) -> None:
    asked: dict[str, str] = {}

    def fake(_parent, _caption, suggested, _filter):
        asked["suggested"] = suggested
        return str(path), "PDF document (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    reactivate(qtbot, view)
    with qtbot.waitSignal(view.exported, timeout=EXPORT_MS) as done:
        qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert view.busy.isVisible()  # the work goes on off the GUI thread
    assert done.args == [str(path)]
    assert asked["suggested"].endswith(".pdf")


def test_a_lead_drafts_edits_redrafts_and_exports(qtbot, world, on_modal, monkeypatch, tmp_path):
    view = open_view(qtbot, world)
    assert view.empty.isVisible() and not view.splitter.isVisible()
    assert view.empty.text().startswith("No briefings yet. New briefing... drafts one")

    draft_from_programme(qtbot, view, on_modal, title="Hearing the child")
    assert view.splitter.isVisible() and view.editor.isVisible()
    assert view.current is not None and view.current.row.title == "Hearing the child"
    assert view.title.text() == "Hearing the child"
    assert view.model.rows[0].audits == 2
    assert STRENGTH in view.boxes["worked_well"].edit.toPlainText()

    # Type into "Why it matters", with a bold word from the formatting shortcut.
    why = view.boxes["why"].edit
    type_at_end(qtbot, why, " Edited by the lead. ")
    qtbot.keyClick(why, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert view.bold_action.isChecked()
    qtbot.keyClicks(why, "Really")
    qtbot.keyClick(why, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(why, ".")
    assert view.save_status.text() == "Unsaved changes"
    assert "Edited by the lead. **Really**" in flat(why.toMarkdown())

    # Redraft an untouched section: no question, and the edit elsewhere stays.
    worked = view.boxes["worked_well"]
    with qtbot.waitSignal(view.status_message) as message:
        qtbot.mouseClick(worked.redraft_button, LEFT)
    assert message.args == ["'What worked well' drafted again from the audits"]
    assert "Edited by the lead. **Really**" in flat(why.toMarkdown())
    stored = briefings.get_briefing(world.db, world.lead, view.current.uuid)
    assert "Edited by the lead. **Really**" in flat(stored.sections["why"])
    assert STRENGTH in stored.sections["worked_well"]

    # Redrafting an edited section asks first; No keeps the text, Yes replaces it.
    improve = view.boxes["improve"]
    type_at_end(qtbot, improve.edit, " My own words.")
    questions: list[str] = []

    def answer(button: QMessageBox.StandardButton):
        def handler(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            questions.append(box.text())
            qtbot.mouseClick(box.button(button), LEFT)

        return handler

    on_modal(answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(improve.redraft_button, LEFT)
    assert questions == [
        "Replace your text for 'What needs to improve' with a fresh draft from the audits?"
    ]
    assert "My own words." in improve.edit.toPlainText()
    on_modal(answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(improve.redraft_button, LEFT)
    assert "My own words." not in improve.edit.toPlainText()
    assert DEVELOPMENT in improve.edit.toPlainText()
    assert "Edited by the lead." in why.toPlainText()

    # Export (Ctrl+E) in the background, with the text-only versions beside the PDF.
    assert view.accessible_check.isChecked()
    pdf = tmp_path / "hearing.pdf"
    messages: list[str] = []
    view.status_message.connect(messages.append)
    export_to(qtbot, view, monkeypatch, pdf)
    assert not view.busy.isVisible()
    assert messages[-1] == "Exported hearing.pdf, with hearing-text.pdf and hearing.txt beside it"
    assert (tmp_path / "hearing-text.pdf").exists()
    assert "Edited by the lead." in (tmp_path / "hearing.txt").read_text(encoding="utf-8")
    page = PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = flat(page.extract_text() or "")
    assert "Hearing the child" in text
    assert "Edited by the lead. Really." in text
    assert flat(STRENGTH) in text


def test_word_counts_and_the_budget(qtbot, world, on_modal):
    view = open_view(qtbot, world)
    draft_from_programme(qtbot, view, on_modal)
    why = view.boxes["why"]
    why.edit.setFocus()
    why.edit.selectAll()
    qtbot.keyClicks(why.edit, "Seventy two words here. ")
    assert why.count.text() == "4 / 80 words"
    assert "over budget" not in why.count.text()
    why.edit.insertPlainText(" ".join(["word"] * 92))  # a paste
    assert why.count.text() == words_text(96) == "96 / 80 words: over budget"
    assert "b00020" in why.count.styleSheet()  # red as well as said
    total = sum(box.words for box in view.boxes.values())
    assert view.total.text() == total_text(total)
    assert view.save_status.text() == "Unsaved changes"
    # Saved a few seconds after typing stops, without asking.
    qtbot.waitUntil(lambda: view.save_status.text().startswith("Saved at"), timeout=10_000)
    stored = briefings.get_briefing(world.db, world.lead, view.current.uuid)
    assert stored.word_counts["why"] == 96

    # The bullet list button (Ctrl+Shift+L) makes the paragraph a list item, and back.
    view.bullet_action.trigger()
    assert why.edit.toMarkdown().startswith("- Seventy two words")
    qtbot.keyClick(
        why.edit,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert why.edit.toMarkdown().startswith("Seventy two words")
    assert total_text(530) == "Total 530 words, about 4 minutes to present"
    assert total_text(60) == "Total 60 words, under a minute to present"


def test_a_name_stops_the_export_until_a_lead_allows_it(
    qtbot, world, on_modal, monkeypatch, tmp_path
):
    view = open_view(qtbot, world)
    draft_from_programme(qtbot, view, on_modal)
    type_at_end(qtbot, view.boxes["why"].edit, " Thanks to Sam Worker for the idea.")

    refused: dict[str, str] = {}

    def open_check(box: QWidget) -> None:
        assert isinstance(box, QMessageBox) and box.objectName() == "briefings_refused"
        refused["text"] = box.text()
        button = next(b for b in box.buttons() if b.objectName() == "briefings_openCheck")
        qtbot.mouseClick(button, LEFT)

    pdf = tmp_path / "named.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(pdf), ""))
    on_modal(open_check, timeout_ms=EXPORT_MS)
    qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "text" in refused and view.tabs.currentWidget() is view.names_tab)
    assert "• name 'Sam Worker'" in refused["text"]
    assert not pdf.exists()
    assert view.hits_list.count() == 1
    assert view.hits_list.item(0).text() == "Name: 'Sam Worker'"
    assert "1 identifying detail found" in view.check_summary.text()

    steps: list[str] = []

    def give_reason(dialog: QWidget) -> None:
        assert isinstance(dialog, AllowDialog)
        ok = dialog.findChild(QWidget, "briefings_allowOk")
        qtbot.mouseClick(ok, LEFT)  # no reason yet: refused, said beside the box
        steps.append(dialog.error.text())
        qtbot.keyClicks(dialog.reason, "Named with consent as the presenter")
        qtbot.mouseClick(ok, LEFT)

    on_modal(give_reason)
    view.hits_list.setCurrentRow(0)
    assert view.allow_action.isEnabled()
    view.allow_action.trigger()
    assert steps == ["Required"]
    assert view.hits_list.count() == 0
    assert view.check_summary.text() == "No case references, initials or names found."
    assert "Named with consent as the presenter" in view.overrides_list.item(0).text()

    export_to(qtbot, view, monkeypatch, pdf)
    assert "Sam Worker" in flat(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages))


def test_publishing_freezes_and_a_new_version_is_editable(qtbot, world, on_modal):
    view = open_view(qtbot, world)
    draft_from_programme(qtbot, view, on_modal)
    type_at_end(qtbot, view.boxes["why"].edit, " Last words before publishing.")
    asked: list[str] = []

    def yes(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), LEFT)

    on_modal(yes)
    with qtbot.waitSignal(view.changed, timeout=EXPORT_MS):
        view.button_for(view.publish_action).click()
    assert asked[0].startswith("Publishing freezes the text and the PDF")
    assert view.current is not None and view.current.published
    assert "Last words before publishing." in flat(view.current.sections["why"])  # saved first
    assert view.banner.isVisible()
    assert view.banner.text().startswith(
        f"Published on {date.today().day} {date.today():%B %Y}, version 1: frozen."
    )
    assert all(box.edit.isReadOnly() for box in view.boxes.values())
    assert view.title.isReadOnly()
    assert not any(box.redraft_button.isEnabled() for box in view.boxes.values())
    assert not view.save_action.isEnabled() and not view.publish_action.isEnabled()
    assert view.model.index(0, 2).data() == "Published, version 1"

    view.button_for(view.new_version_action).click()
    assert view.current.row.version == 2 and not view.current.published
    assert not view.boxes["why"].edit.isReadOnly() and not view.banner.isVisible()
    assert "Last words before publishing." in view.boxes["why"].edit.toPlainText()
    assert sorted(view.model.index(i, 2).data() for i in range(view.model.rowCount())) == [
        "Draft, version 2",
        "Published, version 1",
    ]
    # Sorting the list keeps the open briefing selected.
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        view.table.sortByColumn(2, order)
        assert view.selected() is not None and view.selected().uuid == view.current.uuid
    type_at_end(qtbot, view.boxes["why"].edit, " Version two.")
    view.save_action.trigger()
    assert view.save_status.text().startswith("Saved at")


def test_recording_where_a_published_briefing_was_used(qtbot, world, on_modal):
    draft = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    briefings.publish(world.db, world.lead, draft.uuid)
    view = open_view(qtbot, world)
    assert view.current is not None and view.current.published
    assert view.record_action.isEnabled()
    view.tabs.setCurrentWidget(view.use_tab)
    assert view.use_intro.text().startswith("Not recorded as used yet.")

    errors: list[str] = []

    def record(dialog: QWidget) -> None:
        assert isinstance(dialog, RecordUseDialog)
        ok = dialog.findChild(QWidget, "briefings_use_ok")
        qtbot.mouseClick(ok, LEFT)  # no team yet
        errors.append(dialog.form.errors["team"].text())
        qtbot.keyClicks(dialog.team.lineEdit(), "Assessment Team North")
        dialog.attendees.setValue(9)
        qtbot.keyClicks(dialog.presenter, "Team manager")
        qtbot.keyClicks(dialog.plan, "Plans reviewed in supervision for a month")
        qtbot.mouseClick(ok, LEFT)

    on_modal(record)
    with qtbot.waitSignal(view.changed):
        view.record_action.trigger()
    assert errors == ["Say which team used the briefing"]
    assert view.delivery_model.rowCount() == 1
    assert [view.delivery_model.index(0, c).data() for c in range(5)] == [
        "Assessment Team North",
        date.today().isoformat(),
        "Team manager",
        "9",
        "Plans reviewed in supervision for a month",
    ]
    assert view.use_intro.text() == "Used by 1 team, 9 attendees in all."
    (row,) = briefings.deliveries(world.db, world.lead, draft.uuid)
    assert row.team_name == "Assessment Team North"


def test_a_viewer_sees_published_briefings_read_only(qtbot, world, monkeypatch, tmp_path):
    published = briefings.new_briefing(
        world.db, world.lead, programme_key="p-test", title="Published one"
    )
    briefings.new_briefing(world.db, world.lead, theme="voice", title="Still a draft")
    view = open_view(qtbot, world, world.viewer)
    assert view.empty.isVisible() and view.model.rows == []
    assert view.empty.text().startswith("No published briefings yet.")
    assert not view.empty_button.isVisible()

    briefings.publish(world.db, world.lead, published.uuid)
    view.refresh()
    assert [r.title for r in view.model.rows] == ["Published one"]
    assert view.count.text() == "1 briefing"
    for action in (
        view.new_action,
        view.save_action,
        view.publish_action,
        view.new_version_action,
        view.check_action,
        view.record_action,
    ):
        assert not action.isVisible()
    assert not view.format_bar.isVisible()
    assert view.tabs.indexOf(view.names_tab) == -1
    assert all(box.edit.isReadOnly() for box in view.boxes.values())
    assert not any(box.redraft_button.isVisible() for box in view.boxes.values())
    assert view.banner.text().startswith("Published on") and "New version" not in view.banner.text()
    assert view.export_action.isVisible() and view.export_action.isEnabled()
    view.accessible_check.setChecked(False)
    pdf = tmp_path / "viewer.pdf"
    export_to(qtbot, view, monkeypatch, pdf)
    assert pdf.exists() and not (tmp_path / "viewer-text.pdf").exists()
    assert PdfReader(pdf).pages[0].extract_text()


def test_a_conflicting_save_says_so_and_reloads(qtbot, world, on_modal):
    view = open_view(qtbot, world)
    draft_from_programme(qtbot, view, on_modal)
    assert view.current is not None
    briefings.save_briefing(  # someone else, elsewhere
        world.db,
        world.lead,
        view.current.uuid,
        title="Changed elsewhere",
        audience="",
        sections={"why": "Their text."},
    )
    type_at_end(qtbot, view.boxes["why"].edit, " Mine.")
    shown: list[str] = []

    def reload(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        button = next(b for b in box.buttons() if b.objectName() == "briefings_conflictReload")
        qtbot.mouseClick(button, LEFT)

    on_modal(reload)
    qtbot.keyClick(view.boxes["why"].edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "changed by someone else" in shown[0]
    assert "by Priya Lead" in shown[0]
    assert view.title.text() == "Changed elsewhere"
    assert view.boxes["why"].edit.toPlainText() == "Their text."


def test_drafting_from_chosen_audits_and_a_theme_with_none(qtbot, world, on_modal):
    view = open_view(qtbot, world)
    seen: dict[str, object] = {}

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, NewBriefingDialog)
        dialog.chosen_radio.setChecked(True)
        assert not dialog.ok.isEnabled()
        assert dialog.audits.count() == 2
        seen["row"] = dialog.audits.item(0).text()
        dialog.audits.item(0).setCheckState(Qt.CheckState.Checked)
        seen["count"] = dialog.count.text()
        qtbot.mouseClick(dialog.ok, LEFT)

    on_modal(choose)
    view.new_action.trigger()
    assert seen["row"] == "C1000  ·  Test programme  ·  Good"
    assert seen["count"] == "1 final audit chosen."
    assert view.current is not None and view.current.row.source == "Chosen audits"
    assert view.current.row.audits == 1

    def theme(dialog: QWidget) -> None:
        assert isinstance(dialog, NewBriefingDialog)
        dialog.theme_radio.setChecked(True)
        qtbot.keyClicks(dialog.theme.lineEdit(), "nothing tagged")
        seen["none"] = dialog.count.text()
        qtbot.mouseClick(dialog.ok, LEFT)

    on_modal(theme)
    view.new_action.trigger()
    assert str(seen["none"]).startswith("No final audits are tagged 'nothing tagged' yet.")
    assert view.current.row.audits == 0
    assert view.banner.isVisible() and view.banner.text().startswith("No final audits yet")
    assert len(view.model.rows) == 2
