"""The Dashboard view driven as a user would: figures computed in the background, tiles, a
change of period, the audits behind a chart segment, cancelling, errors and the empty state.

The data, built through the services (then each audit's completion time set):

  2025/26 Q4 (15 February)  a1 C1000 Assessment Team North  good
                         a2 C1002 Through Care Team      outstanding
  2026/27 Q1 (10 May)       a3 C1001 Assessment Team North  requires improvement
                         a4 C1000 Assessment Team North  good (a second programme), with a
                            family's answers (child's views yes, copy of plan no) and an
                            overdue action

Both auditors of every audit gave the final grade, so they agree exactly.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDateEdit, QWidget

from audit_tool.errors import Cancelled, ValidationError
from audit_tool.reporting import report as reports
from audit_tool.reporting.drilldown import audits_behind
from audit_tool.reporting.report import Filters
from audit_tool.services import audits, feedback, learning_actions, templates
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from audit_tool.ui import operations as ops
from audit_tool.ui.dashboard import DashboardView, figures
from audit_tool.ui.dashboard.figures import change_text, preset_label, preset_range
from tests.factories import backdate, complete_review, looped_audit

TODAY = date(2026, 6, 30)


def finished_audit(world, ref, overall, when, programme="p-test", family=None):
    uuid = looped_audit(world, ref=ref, programme=programme)
    complete_review(world, world.auditor, uuid, overall=overall)
    complete_review(world, world.auditor2, uuid, overall=overall)
    if family is not None:  # a conversation with the family, recorded before confirming
        feedback.add_feedback(
            world.db,
            world.lead,
            FeedbackInput("parent", "phone", date(2026, 5, 1), True, family),
            audit_uuid=uuid,
        )
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers={i.key: Answer(overall) for i in tpl.graded_items},
        overall=overall,
    )
    backdate(world.db, uuid, when)
    return uuid


@pytest.fixture
def world(sqlite_world):
    q1, q2 = datetime(2026, 2, 15, 10, tzinfo=UTC), datetime(2026, 5, 10, 10, tzinfo=UTC)
    sqlite_world.ids = {
        "a1": finished_audit(sqlite_world, "C1000", "good", q1),
        "a2": finished_audit(sqlite_world, "C1002", "outstanding", q1),
        "a3": finished_audit(sqlite_world, "C1001", "requires_improvement", q2),
        "a4": finished_audit(
            sqlite_world,
            "C1000",
            "good",
            q2,
            programme="p-q2",
            family={"child_views": "yes", "copy_of_plan": "no", "contactable": "not_asked"},
        ),
    }
    learning_actions.add_action(  # open, and due before the end of the range: overdue
        sqlite_world.db,
        sqlite_world.lead,
        sqlite_world.ids["a4"],
        text="Update the chronology",
        owner_key="tm1",
        due_on=date(2026, 6, 1),
    )
    yield sqlite_world
    # No computation may outlive the database it reads.
    QThreadPool.globalInstance().waitForDone(10_000)


def settled(qtbot, view):
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=10_000)
    return view


def open_view(qtbot, world, preset="between"):
    """The dashboard from 1 January to 30 June 2026 (the partnership's 2025/26 Q4 and 2026/27
    Q1: its year starts in April), or for `preset`, once its figures are in."""
    view = DashboardView(world.db, world.lead)
    qtbot.addWidget(view)
    view.resize(1360, 780)
    with qtbot.waitExposed(view):
        view.show()
    view.today = lambda: TODAY
    bar = view.filter_bar
    if preset == "between":
        for edit, day in ((bar.date_from, date(2026, 1, 1)), (bar.date_to, TODAY)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
    bar.period.setCurrentIndex(bar.period.findData(preset))  # computes again
    return settled(qtbot, view)


def tile(view, key):
    return view.tiles[key].text()


def test_tiles_show_the_latest_period_and_its_change(qtbot, world):
    view = open_view(qtbot, world)
    assert view.shown.date_from == date(2026, 1, 1) and view.shown.date_to == TODAY
    assert [p["label"] for p in view.report["periods"]] == ["2025/26 Q4", "2026/27 Q1"]
    assert view.findChild(QWidget, "dashboard_latest").text() == (
        "Latest period: 2026/27 Q1, compared with 2025/26 Q4"
    )
    assert tile(view, "audits") == "Final audits · 2 · in 2026/27 Q1 · no change on 2025/26 Q4"
    assert "no change on 2025/26 Q4" in tile(view, "audits")
    # Q2: one of two good or better; Q1: both.
    assert tile(view, "good") == (
        "Good or better · 50.0% · of 2 graded audits · ▼ 50.0 points on 2025/26 Q4"
    )
    assert tile(view, "agreement") == (
        "Auditors agree · 100.0% exact · kappa 1.00, 2 pairs · no change on 2025/26 Q4"
    )
    # Feedback: the mean of 100% (child's views) and 0% (copy of plan); none in Q1.
    assert tile(view, "feedback") == (
        "Family feedback · 50.0% yes · 2 questions, 2 answers · no figure to compare"
    )
    # Overdue today, as the sidebar counts it; open and done from the period's audits.
    assert tile(view, "actions") == (
        "Actions · 1 overdue today · from 2026/27 Q1's audits: 1 open, 0 done"
    )
    # The change is said in words as well as by colour.
    good = view.findChild(QWidget, "dashboard_tile_good_change")
    assert "#b00020" in good.styleSheet()
    assert view.tiles["good"].accessibleDescription() == tile(view, "good")
    # The grades chart has one bar set per grade, with the counts per quarter.
    grade_sets = view.charts_area.grade_sets
    assert [grade_sets[g].at(0) for g in ("outstanding", "good")] == [1, 1]
    assert [grade_sets[g].at(1) for g in ("good", "requires_improvement")] == [1, 1]
    grades = view.charts_area.views["grades"]
    assert "2026/27 Q1: Outstanding 0, Good 1" in grades.accessibleDescription()


def test_changing_the_period_changes_the_figures(qtbot, world):
    view = open_view(qtbot, world)
    view.filter_bar.period.setCurrentIndex(view.filter_bar.period.findData("between"))
    from_edit = view.findChild(QDateEdit, "dashboard_from")
    to_edit = view.findChild(QDateEdit, "dashboard_to")
    assert from_edit.isVisible() and to_edit.isVisible()
    settled(qtbot, view)
    to_edit.setDate(QDate(2026, 3, 31))  # computed after a pause in typing
    qtbot.waitUntil(lambda: view.shown.date_to == date(2026, 3, 31), timeout=10_000)
    assert [p["label"] for p in view.report["periods"]] == ["2025/26 Q4"]
    # All four audits were due in January (their programmes' due date).
    assert tile(view, "audits") == ("Final audits · 2 · of 4 due · no earlier period to compare")
    assert tile(view, "good") == (
        "Good or better · 100.0% · of 2 graded audits · no earlier period to compare"
    )
    # By month: the latest month (March) has no final audits, February has two.
    by = view.findChild(QComboBox, "dashboard_by")
    by.setCurrentIndex(by.findData("month"))
    settled(qtbot, view)
    assert view.findChild(QWidget, "dashboard_latest").text() == (
        "Latest period: Mar 2026, compared with Feb 2026"
    )
    assert tile(view, "audits").startswith("Final audits · 0 · ")
    assert "▼ 2 on Feb 2026" in tile(view, "audits")


def test_a_filter_with_no_final_audits_shows_the_empty_state(qtbot, world):
    view = open_view(qtbot, world)
    team = view.findChild(QComboBox, "dashboard_team")
    team.setCurrentIndex(team.findData("ppu"))
    settled(qtbot, view)
    empty = view.findChild(QWidget, "dashboard_empty")
    assert empty.isVisibleTo(view) and not view.figures.isVisibleTo(view)
    assert empty.text() == (
        "No final audits between 1 January 2026 and 30 June 2026: widen the period or clear "
        "the filters."
    )
    team.setCurrentIndex(team.findData("through_care"))
    settled(qtbot, view)
    assert view.figures.isVisibleTo(view) and not empty.isVisibleTo(view)
    assert view.report["total"]["audits_final"] == 1
    view.findChild(QAbstractButton, "dashboard_clear").click()
    settled(qtbot, view)
    assert team.currentData() is None and view.shown.filters == Filters()
    assert view.report["total"]["audits_final"] == 4


def _drill(qtbot, view, grade: str, index: int) -> None:  # type: ignore[no-untyped-def]
    """Click a grade's bar in a period and wait for the list, which is read in the pool."""
    view.charts_area.grade_sets[grade].clicked.emit(index)
    qtbot.waitUntil(lambda: not ops.is_running(view, "drilldown"), timeout=10_000)


def test_clicking_a_grade_in_a_period_lists_the_audits_behind_it(qtbot, world):
    view = open_view(qtbot, world)
    _drill(qtbot, view, "good", 1)  # what a click on Good in 2026/27 Q1 does
    dialog = view.drilldown
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Good, 2026/27 Q1: 1 audit"
    assert [r.uuid for r in dialog.model.rows] == [world.ids["a4"]]
    assert dialog.table.model().index(0, 0).data() == "C1000"
    assert dialog.table.model().index(0, 5).data() == "Good"
    # The list is the report's count for the segment, in every period and grade.
    for index, period in enumerate(view.report["periods"]):
        for grade, bar_set in view.charts_area.grade_sets.items():
            _drill(qtbot, view, grade, index)
            assert len(view.drilldown.model.rows) == period["overall"][grade] == bar_set.at(index)
    _drill(qtbot, view, "good", 0)
    dialog = view.drilldown
    assert dialog.windowTitle() == "Good, 2025/26 Q4: 1 audit"
    with qtbot.waitSignal(view.open_audit) as opened:
        dialog.findChild(QAbstractButton, "dashboard_drilldownOpen").click()
    assert opened.args == [world.ids["a1"]]
    table = dialog.table
    rect = table.visualRect(table.model().index(0, 1))
    with qtbot.waitSignal(view.open_audit) as opened:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [world.ids["a1"]]


def test_the_list_follows_the_filters_of_the_figures_shown(qtbot, world):
    view = open_view(qtbot, world)
    team = view.findChild(QComboBox, "dashboard_team")
    team.setCurrentIndex(team.findData("assess_north"))
    settled(qtbot, view)
    assert view.report["periods"][0]["overall"]["outstanding"] == 0
    _drill(qtbot, view, "good", 0)
    rows = audits_behind(
        world.db,
        world.lead,
        date_from=date(2026, 1, 1),
        date_to=TODAY,
        filters=Filters(team="assess_north"),
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        grade="good",
    )
    assert view.drilldown.model.rows == rows and len(rows) == 1


def test_a_refused_list_is_one_dialog_and_no_list_opens(qtbot, world, monkeypatch):
    from audit_tool.errors import PermissionDenied
    from audit_tool.reporting import drilldown
    from tests.ui.error_capture import capture_errors

    view = open_view(qtbot, world)
    shown = capture_errors(monkeypatch)

    def refuse(*_a, **_k):
        raise PermissionDenied("Your role no longer shows the audits behind the figures")

    monkeypatch.setattr(drilldown, "audits_behind", refuse)
    _drill(qtbot, view, "good", 1)
    assert shown == [("Dashboard", "Your role no longer shows the audits behind the figures")]
    assert view.drilldown is None


def test_a_viewer_sees_the_figures_but_no_audits(qtbot, world):
    view = DashboardView(world.db, world.viewer)
    qtbot.addWidget(view)
    view.today = lambda: TODAY
    view.refresh()
    settled(qtbot, view)
    assert view.report is not None
    view.charts_area.grade_sets["good"].clicked.emit(0)
    assert view.drilldown is None


def blocked_compute(release, seen, *, obey_cancel):
    """A computation that waits for `release` halfway; `seen` gets its progress answers."""

    def compute(db, actor, **kw):
        progress = kw["progress"]
        progress(0, 2)
        release.wait(10)
        keep_going = progress(1, 2)
        seen.append(keep_going)
        if keep_going is False:
            if obey_cancel:
                raise Cancelled("The report was cancelled")
            kw["progress"] = None  # carry on regardless
        return reports.compute(db, actor, **kw)

    return compute


def test_cancel_stops_a_long_computation_and_keeps_the_figures(qtbot, world):
    view = open_view(qtbot, world)
    before = tile(view, "good")
    release, seen = threading.Event(), []
    view.compute = blocked_compute(release, seen, obey_cancel=True)
    by = view.findChild(QComboBox, "dashboard_by")
    by.setCurrentIndex(by.findData("month"))
    cancel = view.findChild(QAbstractButton, "dashboard_cancel")
    qtbot.waitUntil(cancel.isVisible)
    assert view.is_busy() and view.busy.isVisible()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not view.is_busy() and not cancel.isVisible()
    assert "Calculation cancelled" in view.findChild(QWidget, "dashboard_status").text()
    release.set()
    qtbot.waitUntil(lambda: seen == [False] and not view.calculator.unfinished())
    assert seen == [False]  # the computation was told to stop, and stopped
    assert tile(view, "good") == before and view.shown.by == "quarter"
    # Refresh computes the current choice.
    view.compute = reports.compute
    view.findChild(QAbstractButton, "dashboard_refreshButton").click()
    settled(qtbot, view)
    assert view.shown.by == "month"


def test_a_new_choice_discards_the_result_of_the_one_before(qtbot, world):
    view = open_view(qtbot, world)
    release, seen = threading.Event(), []
    # The first computation ignores the request to stop and finishes late.
    view.compute = blocked_compute(release, seen, obey_cancel=False)
    view.refresh()
    assert view.is_busy()
    view.compute = reports.compute
    team = view.findChild(QComboBox, "dashboard_team")
    team.setCurrentIndex(team.findData("through_care"))
    settled(qtbot, view)
    assert view.report["total"]["audits_final"] == 1
    release.set()
    # Once it has ended, its result has been handed to the view (in the same call), and dropped.
    qtbot.waitUntil(lambda: seen == [False] and not view.calculator.unfinished())
    assert view.shown.filters.team == "through_care"
    assert view.report["total"]["audits_final"] == 1
    assert tile(view, "audits").startswith("Final audits · 0 · ")  # Q2 for Through Care


def test_an_error_is_shown_in_words_not_a_traceback(qtbot, world, on_modal):
    view = open_view(qtbot, world)

    def broken(db, actor, **kw):
        raise ValidationError("No team with key 'gone'")

    view.compute = broken
    shown = []

    def close(box):
        shown.append(box.text())
        box.accept()

    on_modal(close)
    view.refresh()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown == ["No team with key 'gone'"]
    assert not view.is_busy()
    assert view.findChild(QWidget, "dashboard_status").text() == (
        "The figures could not be calculated."
    )


def test_every_input_and_chart_is_named(qtbot, world):
    view = open_view(qtbot, world)
    for widget in view.findChildren(QWidget):
        if isinstance(widget, QComboBox | QDateEdit) or widget.objectName().startswith(
            "dashboard_chart_"
        ):
            assert widget.objectName().startswith("dashboard_"), widget
            assert widget.accessibleName(), widget.objectName()
    assert len(view.charts_area.views) == 6
    for chart_view in view.charts_area.views.values():
        chart = chart_view.chart()
        assert chart.title() and chart_view.minimumHeight() >= 300
        assert chart_view.renderHints() & chart_view.renderHints().Antialiasing


def test_presets_and_change_words():
    today = date(2026, 11, 20)
    assert preset_range("last_4_quarters", today) == (date(2026, 1, 1), today)
    assert preset_range("last_12_months", today) == (date(2025, 12, 1), today)
    # The partnership's year: April to March unless Admin says otherwise.
    assert preset_range("last_year", today) == (date(2025, 4, 1), date(2026, 3, 31))
    assert preset_range("this_year", today) == (date(2026, 4, 1), today)
    assert preset_range("this_year", date(2026, 2, 1)) == (date(2025, 4, 1), date(2026, 2, 1))
    assert preset_label("this_year", today) == "This year (2026/27)"
    assert preset_label("last_year", today) == "Last year (2025/26)"
    # A calendar year, and an academic year from September (quarters Sep-Nov, Dec-Feb, ...).
    assert preset_range("this_year", today, 1) == (date(2026, 1, 1), today)
    assert preset_label("last_year", today, 1) == "Last year (2025)"
    assert preset_range("last_year", today, 9) == (date(2025, 9, 1), date(2026, 8, 31))
    assert preset_range("last_4_quarters", today, 9) == (date(2025, 12, 1), today)
    assert preset_range("between", today) is None
    assert preset_range("last_4_quarters", date(2026, 2, 1)) == (date(2025, 4, 1), date(2026, 2, 1))
    assert change_text(68.4, 64.2, "2026/27 Q1", points=True) == (
        "▲ 4.2 points on 2026/27 Q1",
        "up",
    )
    assert change_text(60.0, 64.2, "2026/27 Q1", points=True) == (
        "▼ 4.2 points on 2026/27 Q1",
        "down",
    )
    assert change_text(5, 5, "2026/27 Q1", points=False) == ("no change on 2026/27 Q1", "")
    assert change_text(None, 5, "2026/27 Q1", points=True)[1] == ""
    assert change_text(5, None, None, points=False)[0].startswith("no earlier period")


@pytest.mark.parametrize("suffix", ["pdf", "xlsx", "json"])
def test_the_report_is_exported_for_the_period_and_filters_on_screen(
    qtbot, world, tmp_path, monkeypatch, suffix
):
    import json

    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    view = open_view(qtbot, world)
    view.filter_bar.team_filter.setCurrentIndex(
        view.filter_bar.team_filter.findData("through_care")
    )
    settled(qtbot, view)
    out = tmp_path / f"report.{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert not view.export_button.isEnabled()  # one export at a time, while it runs
    qtbot.waitUntil(lambda: not view.is_exporting(), timeout=30_000)
    assert view.export_button.isEnabled() and f"Report written to {out}" in view.status.text()
    if suffix == "json":
        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["filters"]["team"] == "through_care"
        assert (report["from"], report["to"]) == ("2026-01-01", "2026-06-30")
        assert report["total"]["audits_final"] == 1  # a2, Through Care's only audit
    elif suffix == "pdf":
        text = " ".join(page.extract_text() for page in PdfReader(out).pages)
        assert "Quarterly quality assurance report" in text and "Through Care Team" in text
    else:
        from openpyxl import load_workbook

        assert "Summary" in load_workbook(out, read_only=True).sheetnames


def test_the_accessible_file_type_exports_the_tagged_report(qtbot, world, tmp_path, monkeypatch):
    """Choosing "Accessible PDF report" in the save dialog writes the tagged PDF/UA-1."""
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    view = open_view(qtbot, world)
    out = tmp_path / "report.pdf"
    label = next(label for label, fmt in view.EXPORT_FORMATS if fmt == "accessible-pdf")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), label))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_exporting(), timeout=30_000)
    assert f"Report written to {out}" in view.status.text()
    root = PdfReader(out).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"


def test_an_export_to_a_file_of_another_kind_is_refused(qtbot, world, tmp_path, on_modal):
    view = open_view(qtbot, world)
    seen = {}

    def read(box):
        seen["text"] = box.text()
        box.accept()

    on_modal(read)
    view.export_report(str(tmp_path / "report.docx"))
    qtbot.waitUntil(lambda: "text" in seen)
    assert "name the file .pdf, .xlsx or .json" in seen["text"]
    assert not (tmp_path / "report.docx").exists() and not view.is_exporting()


def test_the_charts_follow_the_palette(qtbot, world, qapp):
    from PySide6.QtGui import QPalette

    from audit_tool.ui import theme

    view = open_view(qtbot, world)
    light = view.charts_area.charts["grades"]
    assert light.backgroundBrush().color().name() == theme.LIGHT.chart_bg
    before = QPalette(qapp.palette())
    qapp.setPalette(theme.sample_dark_palette())
    try:
        qtbot.waitUntil(lambda: view.charts_area.charts["grades"] is not light)  # drawn again, dark
        for key, chart in view.charts_area.charts.items():
            assert chart.backgroundBrush().color().name() == theme.DARK.chart_bg, key
            assert chart.titleBrush().color().name() == theme.DARK.chart_fg, key
            for axis in chart.axes():
                assert axis.labelsColor().name() == theme.DARK.chart_fg, key
                assert axis.gridLineColor().name() == theme.DARK.chart_grid, key
        grades = view.charts_area.charts["grades"]
        assert grades.legend().labelColor().name() == theme.DARK.chart_fg
        outstanding = view.charts_area.grade_sets["outstanding"]
        assert outstanding.color().name() == theme.DARK.grades["outstanding"]
        assert outstanding.labelColor().name() == theme.DARK.grade_fg["outstanding"]
        # What the user sees: the chart's corner is the dark background.
        chart_view = view.charts_area.views["grades"]
        corner = chart_view.grab().toImage().pixelColor(3, 3).name()
        assert corner == theme.DARK.chart_bg
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(
        lambda: (
            view.charts_area.charts["grades"].backgroundBrush().color().name()
            == theme.LIGHT.chart_bg
        )
    )


def test_a_partial_quarter_is_marked_and_not_compared_with_a_whole_one(qtbot, world):
    """On 20 May the quarter April-June is partial: its final audits so far are not set against
    the whole quarter before in red (the issue's "-141 final audits" on 7 December)."""
    view = DashboardView(world.db, world.lead)
    qtbot.addWidget(view)
    view.resize(1360, 780)
    with qtbot.waitExposed(view):
        view.show()
    view.today = lambda: date(2026, 5, 20)
    bar = view.filter_bar
    for edit, day in ((bar.date_from, date(2026, 1, 1)), (bar.date_to, date(2026, 5, 20))):
        edit.setDate(QDate(day.year, day.month, day.day))
    bar.period.setCurrentIndex(bar.period.findData("between"))
    settled(qtbot, view)
    assert [(p["label"], p["partial"]) for p in view.report["periods"]] == [
        ("2025/26 Q4", False),
        ("2026/27 Q1", True),
    ]
    assert view.findChild(QWidget, "dashboard_latest").text() == (
        "Latest period: 2026/27 Q1 (partial: 1 April to 20 May 2026), not compared with "
        "2025/26 Q4: part of a period is never compared with a whole one"
    )
    for key in ("audits", "good", "agreement"):
        assert tile(view, key).endswith("not compared: 2026/27 Q1 is partial"), key
        change = view.findChild(QWidget, f"dashboard_tile_{key}_change")
        assert "#b00020" not in change.styleSheet() and "#1b5e20" not in change.styleSheet()
    assert "so far" in tile(view, "audits")
    assert figures.categories(view.report["periods"], "quarter") == [
        "2025/26 Q4",
        "2026/27 Q1 (partial)",
    ]
    # By year: both financial years are cut by the range (January to 20 May).
    by = view.findChild(QComboBox, "dashboard_by")
    by.setCurrentIndex(by.findData("year"))
    settled(qtbot, view)
    assert [(p["label"], p["partial"]) for p in view.report["periods"]] == [
        ("2025/26", True),
        ("2026/27", True),
    ]
    assert (
        view.findChild(QWidget, "dashboard_latest")
        .text()
        .startswith(
            "Latest period: 2026/27 (partial: 1 April to 20 May 2026), not compared with 2025/26"
        )
    )


def test_the_dashboard_and_the_sidebar_count_the_same_overdue_actions(qtbot, world):
    """One definition: open and due before today, of every action the user sees (here also an
    action of an audit outside the period and one of an audit not yet final)."""
    from audit_tool.ui.main_window import MainWindow
    from tests.ui.conftest import show_and_activate

    learning_actions.add_action(
        world.db, world.lead, world.ids["a1"], text="Share the plan", owner_key="tm1",
        due_on=date(2026, 3, 1),
    )  # fmt: skip
    learning_actions.add_action(
        world.db, world.lead, looped_audit(world, ref="C1002", programme="p-open"),
        text="Book the review", owner_key="tm1", due_on=date.today() - timedelta(days=1),
    )  # fmt: skip
    window = show_and_activate(qtbot, MainWindow(world.db, world.lead))
    item = window.sidebar.item(window.view_keys().index("actions"))
    qtbot.waitUntil(lambda: item.text() == "Actions (3 overdue)")
    view = DashboardView(world.db, world.lead)  # today is the real today, as the sidebar's
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    view.refresh()
    settled(qtbot, view)
    assert view.overdue_today == 3
    assert view.tiles["actions"].value.text() == "3 overdue today"
