"""The Dashboard's Learning and voices tab and the commentary editor, driven as a lead would:
the report in words for the period on screen (tests/services/story_scenario.py), commentary
written per section, saved as a draft, exported in the PDF, published (then frozen) and a new
version started; a name in the commentary stops publication; a viewer reads, never writes."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from audit_tool.ui.dashboard import DashboardView
from audit_tool.ui.dashboard.commentary import CommentaryDialog
from tests.services.story_scenario import TODAY, build_story

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def world(sqlite_world):
    build_story(sqlite_world)
    yield sqlite_world
    QThreadPool.globalInstance().waitForDone(10_000)


def settled(qtbot, view):
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=10_000)
    return view


def open_view(qtbot, world, actor=None) -> DashboardView:
    """The Dashboard for 1 October 2025 to 31 March 2026 (2025/26 Q3 and Q4), by quarter."""
    view = DashboardView(world.db, actor or world.lead)
    qtbot.addWidget(view)
    view.resize(1360, 780)
    with qtbot.waitExposed(view):
        view.show()
    view.today = lambda: TODAY
    bar = view.filter_bar
    bar.period.setCurrentIndex(bar.period.findData("between"))
    settled(qtbot, view)
    bar.date_from.setDate(QDate(2025, 10, 1))
    bar.date_to.setDate(QDate(2026, 3, 31))
    qtbot.waitUntil(
        lambda: (
            view.shown is not None
            and (view.shown.date_from, view.shown.date_to) == (date(2025, 10, 1), date(2026, 3, 31))
        ),
        timeout=10_000,
    )
    return settled(qtbot, view)


def story_tab(qtbot, view):
    tabs = view.tabs
    qtbot.mouseClick(tabs.tabBar(), LEFT, pos=tabs.tabBar().tabRect(1).center())
    assert tabs.currentWidget() is view.story_panel
    return view.story_panel


def themes_shown(panel) -> list[list[str]]:
    model = panel.table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def pick_section(qtbot, dialog: CommentaryDialog, heading: str) -> None:
    sections = dialog.sections
    (item,) = [
        sections.item(i)
        for i in range(sections.count())
        if sections.item(i).text().startswith(heading)
    ]
    qtbot.mouseClick(sections.viewport(), LEFT, pos=sections.visualItemRect(item).center())
    assert dialog.editor.accessibleName() == f"Commentary on {heading}"


def write(qtbot, dialog: CommentaryDialog, heading: str, text: str) -> None:
    pick_section(qtbot, dialog, heading)
    dialog.editor.selectAll()
    qtbot.keyClicks(dialog.editor, text)


def export_pdf(qtbot, view, path, monkeypatch) -> str:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(view.export_button, LEFT)
    qtbot.waitUntil(lambda: not view.is_exporting(), timeout=30_000)
    assert f"Report written to {path}" in view.status.text()
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def test_the_tab_tells_the_learning_of_the_latest_quarter(qtbot, world):
    panel = story_tab(qtbot, open_view(qtbot, world))
    assert panel.heading.text() == "Learning in 2025/26 Q4, against 2025/26 Q3"
    assert panel.edition.text() == "Commentary: no commentary written"
    assert themes_shown(panel) == [
        ["Plans", "2", "new", "0", "▼ −1"],
        ["Voice of the child", "2", "▲ +1", "0", "no change"],
        ["Chronology", "0", "no change", "1", "▼ −1"],
        ["Assessment", "1", "new", "0", "no change"],
    ]
    text = panel.text.toPlainText()
    assert "“Child seen alone” — 2 audits · voice of the child" in text
    assert "“The worker really listened to us.” — a parent, 2 February 2026" in text
    assert "Reissue the chronology guidance — done 20 January 2026" in text
    for withheld in ("Priya Lead", "Dana", "Sam Worker", "Thorough assessment", "I like my"):
        assert withheld not in text


def test_a_lead_writes_saves_exports_and_publishes_the_commentary(
    qtbot, world, tmp_path, monkeypatch, on_modal
):
    view = open_view(qtbot, world)
    panel = story_tab(qtbot, view)
    qtbot.mouseClick(panel.comment_button, LEFT)
    dialog = view.commentary
    assert isinstance(dialog, CommentaryDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Commentary on the report for 2025/26 Q4"
    assert dialog.status.text() == "No commentary yet: the first save makes draft version 1."
    assert not dialog.save_button.isEnabled()
    write(qtbot, dialog, "Learning themes", "Chronologies remain the main gap.")
    write(qtbot, dialog, "Executive summary", "A steadier quarter.")
    pick_section(qtbot, dialog, "Learning themes")  # each section keeps its own words
    assert dialog.editor.toPlainText() == "Chronologies remain the main gap."
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.status.text().startswith("Draft, version 1, last saved ")
    assert not dialog.save_button.isEnabled()
    assert panel.edition.text() == "Commentary: draft version 1, not yet published"
    assert "Chronologies remain the main gap." in panel.text.toPlainText()

    text = export_pdf(qtbot, view, tmp_path / "draft.pdf", monkeypatch)
    assert (
        "Learning themes Commentary from the QA lead (draft, not yet published) "
        "Chronologies remain the main gap." in text
    )
    assert "Commentary from the QA lead (draft, not yet published) A steadier quarter." in text

    questions = []

    def yes(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        questions.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), LEFT)

    on_modal(yes)
    qtbot.mouseClick(dialog.publish_button, LEFT)
    assert questions and questions[0].startswith("Publish version 1 of the commentary")
    assert dialog.status.text().startswith("Published, version 1, on ")
    assert dialog.editor.isReadOnly() and dialog.new_button.isVisible()
    assert panel.edition.text().startswith("Commentary: published version 1, ")
    text = export_pdf(qtbot, view, tmp_path / "published.pdf", monkeypatch)
    assert "Commentary from the QA lead Chronologies remain the main gap." in text
    assert "not yet published" not in text

    qtbot.mouseClick(dialog.new_button, LEFT)
    assert dialog.status.text().startswith("Draft, version 2, ")
    assert not dialog.editor.isReadOnly()
    pick_section(qtbot, dialog, "Learning themes")
    assert dialog.editor.toPlainText() == "Chronologies remain the main gap."


def test_a_name_in_the_commentary_stops_its_publication(qtbot, world, on_modal):
    view = open_view(qtbot, world)
    qtbot.mouseClick(story_tab(qtbot, view).comment_button, LEFT)
    dialog = view.commentary
    write(qtbot, dialog, "Voices of children and families", "Thanks to Sam Worker.")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.message.isVisible()
    assert "name 'Sam Worker'" in dialog.message.text()
    on_modal(lambda box: qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), LEFT))
    qtbot.mouseClick(dialog.publish_button, LEFT)
    assert "remove name 'Sam Worker' before publishing" in dialog.message.text()
    assert dialog.status.text().startswith("Draft, version 1")


def test_unsaved_words_are_not_lost_on_closing(qtbot, world, on_modal):
    view = open_view(qtbot, world)
    qtbot.mouseClick(story_tab(qtbot, view).comment_button, LEFT)
    dialog = view.commentary
    write(qtbot, dialog, "Executive summary", "Kept on closing.")
    on_modal(lambda box: qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), LEFT))
    qtbot.mouseClick(dialog.findChild(QWidget, "commentaryDialog_close"), LEFT)
    assert not dialog.isVisible()
    assert view.story_panel.edition.text() == "Commentary: draft version 1, not yet published"


def test_a_viewer_reads_the_story_but_writes_no_commentary(qtbot, world):
    view = open_view(qtbot, world, world.viewer)
    panel = story_tab(qtbot, view)
    assert not panel.comment_button.isVisible()
    assert view.open_commentary() is None
    assert "Child seen alone" in panel.text.toPlainText()
