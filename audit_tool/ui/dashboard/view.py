"""The Dashboard view: the quarterly QA report's figures as tiles and charts, and the report in
words (learning themes, quotes, areas for improvement, the lead's commentary) in a tab beside.

The figures are the report's (reporting/report.py), computed off the GUI thread for the chosen
period and filters; changing either while a computation runs cancels it and starts again, and a
result that arrives for an earlier choice is dropped. Tiles give the latest period's figure and
its change from the period before; clicking a grade in a period on the grades chart lists the
final audits behind it (reporting/drilldown.py), and opening one asks the main window to show
the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.reporting import report as reports
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.dashboard.breakdowns import BreakdownsPanel
from audit_tool.ui.dashboard.charts_area import ChartsArea
from audit_tool.ui.dashboard.computing import Calculator, overdue_today, with_story
from audit_tool.ui.dashboard.drilldown import DrilldownDialog
from audit_tool.ui.dashboard.figures import (
    GRADE_LABELS,
    Choice,
    categories,
    is_partial,
    long_date,
    period_name,
    period_title,
)
from audit_tool.ui.dashboard.filter_bar import FilterBar
from audit_tool.ui.dashboard.story_panel import StoryPanel
from audit_tool.ui.dashboard.tiles import make_tiles, show_tiles
from audit_tool.ui.errors import show_error
from audit_tool.ui.filters import plural, view_title


class DashboardView(QWidget):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({ops.AUDITS, ops.FEEDBACK, ops.LEARNING, ops.ACTIONS, ops.REFERENCE})

    status_message = Signal(str)
    changed = Signal()
    open_audit = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("dashboardView")
        # Replaceable in tests: the clock and the computation.
        self.today: Callable[[], date] = date.today
        self.compute: Callable[..., dict[str, Any]] = reports.compute
        self.report: dict[str, Any] | None = None  # the figures on show
        self.overdue_today: int | None = None  # overdue actions today: the sidebar's count
        self.shown: Choice | None = None  # what they are for
        self.drilldown: DrilldownDialog | None = None
        self.can_drill = actor.can("audit.view")
        self._charts_theme = themes.current()  # the colours the charts were drawn in
        self._export: ops.Operation[Any] | None = None  # the export running, if any
        self.calculator = Calculator(self)
        self.calculator.show_busy.connect(self._show_busy)
        self.calculator.progressed.connect(self._progress)
        self.calculator.ended.connect(self._ended)
        self.calculator.failed.connect(self._failed)
        self._build_commands()
        self.filter_bar = FilterBar(db, actor, lambda: self.today())
        self.filter_bar.changed.connect(self.refresh)
        self._build_busy()
        self._show_busy(False)
        self._build_figures()
        self._lay_out()
        self.refresh()

    def _build_commands(self) -> None:
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setObjectName("dashboard_refresh")
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)
        export_action = QAction(self)
        export_action.setShortcut(QKeySequence("Ctrl+E"))
        export_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        export_action.triggered.connect(lambda: self.export_report())
        self.addAction(export_action)

    def _build_busy(self) -> None:
        """The progress bar and Cancel while computing, Refresh and Export otherwise."""
        self.busy = QProgressBar()
        self.busy.setObjectName("dashboard_busy")
        self.busy.setAccessibleName("Calculating the figures")
        self.busy.setMaximumWidth(180)
        self.busy.setTextVisible(False)
        self.busy_label = QLabel("Calculating...")
        self.busy_label.setObjectName("dashboard_busyLabel")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("dashboard_cancel")
        self.cancel_button.setAccessibleName("Cancel the calculation")
        self.cancel_button.clicked.connect(self.cancel)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("dashboard_refreshButton")
        self.refresh_button.setAccessibleName("Calculate the figures again")
        self.refresh_button.setToolTip("Calculate the figures again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export report...")
        self.export_button.setObjectName("dashboard_exportButton")
        self.export_button.setAccessibleName("Export the QA report")
        self.export_button.setToolTip(
            "Write the quarterly QA report for this period and these filters as a PDF, an "
            "Excel workbook or JSON (Ctrl+E)"
        )
        self.export_button.clicked.connect(lambda: self.export_report())

    def _build_figures(self) -> None:
        """The status line, the latest period's tiles and the charts, or a word on no figures."""
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.latest = QLabel()
        self.latest.setObjectName("dashboard_latest")
        themes.styled(self.latest, "color: $muted;")
        self.tiles = make_tiles()
        self.charts_area = ChartsArea(self.can_drill)
        self.charts_area.grade_clicked.connect(self.show_audits_behind)
        self.breakdowns = BreakdownsPanel()
        self.charts_area.add_below(self.breakdowns)
        # The report in words, in a tab beside the charts.
        self.story_panel = StoryPanel(self.actor.can("report.comment"))
        self.story_panel.write_commentary.connect(self.open_commentary)
        self.commentary: QDialog | None = None  # the commentary editor, while open
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboard_tabs")
        self.tabs.addTab(self.charts_area, "Charts")
        self.tabs.addTab(self.story_panel, "Learning and voices")
        self.empty = QLabel()
        self.empty.setObjectName("dashboard_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(view_title("Dashboard"))
        top.addStretch(1)
        top.addWidget(self.busy_label)
        top.addWidget(self.busy)
        top.addWidget(self.cancel_button)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        self.figures = QWidget()
        self.figures.setObjectName("dashboard_figures")
        figures = QVBoxLayout(self.figures)
        figures.setContentsMargins(0, 0, 0, 0)
        figures.addWidget(self.latest)
        figures.addLayout(tiles)
        figures.addWidget(self.tabs, 1)
        self.figures.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.figures, 1)
        layout.addWidget(self.empty, 1)

    def choice(self) -> Choice:
        return self.filter_bar.choice()

    # -- computing

    def changeEvent(self, event: QEvent) -> None:
        """A palette that turns dark (or light) redraws the charts in the other set."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and themes.current() is not self._charts_theme:
            self._charts_theme = themes.current()
            if self.report is not None and self.shown is not None:
                self._show_report()

    def is_busy(self) -> bool:
        return self.calculator.is_busy()

    def refresh(self) -> None:
        """Compute the figures for the current choice, giving up on any computation running."""
        self.filter_bar.stop_waiting()
        self.calculator.give_up()
        choice = self.choice()
        if choice.date_to < choice.date_from:
            self._show_busy(False)
            self._say("The end date is before the start date: choose the dates again.")
            return
        db, actor, compute = self.db, self.actor, self.compute

        def work(progress: Callable[[int, int], bool]) -> tuple[dict[str, Any], int | None]:
            report = compute(
                db,
                actor,
                date_from=choice.date_from,
                date_to=choice.date_to,
                by=choice.by,
                filters=choice.filters,
                today=choice.today,
                progress=progress,
            )
            with_story(db, actor, report, choice.today)
            return report, overdue_today(db, actor, choice.today)

        self.busy.setRange(0, 0)
        self._say("")
        self.calculator.start(choice, work)

    def cancel(self) -> None:
        """Stop the computation running; the figures on show stay."""
        if not self.calculator.give_up():
            return
        self._show_busy(False)
        self._say(
            "Calculation cancelled: the figures shown are for the choice before. "
            "Press Refresh (F5) to calculate them for this one."
            if self.report is not None
            else "Calculation cancelled. Press Refresh (F5) to calculate the figures."
        )
        self.status_message.emit("Dashboard: calculation cancelled")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _show_busy(self, busy: bool) -> None:
        for widget in (self.busy, self.busy_label, self.cancel_button):
            widget.setVisible(busy)
        self.refresh_button.setVisible(not busy)

    def _progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def _ended(self, choice: Choice, outcome: tuple[dict[str, Any], int | None]) -> None:
        """The computation wanted has ended (one given up on never comes here)."""
        self._show_busy(False)
        self.report, self.overdue_today = outcome
        self.shown = choice
        self._show_report()

    def _failed(self, _choice: Choice) -> None:
        self._show_busy(False)
        self._say("The figures could not be calculated.")

    # -- exporting the report

    EXPORT_FORMATS = (
        ("PDF report (*.pdf)", "pdf"),
        ("Accessible PDF report, tagged for screen readers (*.pdf)", "accessible-pdf"),
        ("Excel workbook (*.xlsx)", "xlsx"),
        ("Report JSON (*.json)", "json"),
    )

    def is_exporting(self) -> bool:
        return self._export is not None

    def export_report(self, path: str | None = None, *, accessible: bool = False) -> None:
        """Write the report for the current choice, in the background, to a file the user
        names (its extension chooses PDF, Excel or JSON; the accessible file type, or
        `accessible`, makes a PDF the tagged accessible one)."""
        if self._export is not None:
            self.status_message.emit("A report is already being written")
            return
        choice = self.choice()
        if choice.date_to < choice.date_from:
            self._say("The end date is before the start date: choose the dates again.")
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            name = f"qa-report-{choice.date_from.isoformat()}-to-{choice.date_to.isoformat()}"
            path, chosen = QFileDialog.getSaveFileName(
                self,
                "Export the QA report",
                f"{name}.pdf",
                ";;".join(label for label, _fmt in self.EXPORT_FORMATS),
            )
            if not path:
                return
            accessible = dict(self.EXPORT_FORMATS).get(chosen) == "accessible-pdf"
        from pathlib import Path

        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in {fmt for _label, fmt in self.EXPORT_FORMATS}:
            show_error(
                self,
                "Report not exported",
                f"{Path(path).name}: name the file .pdf, .xlsx or .json to choose the format",
            )
            return
        from audit_tool.services import report_export

        db, actor = self.db, self.actor

        def work(progress: ops.Task) -> object:
            return report_export.write_report(
                db,
                actor,
                path,
                fmt="accessible-pdf" if accessible and suffix == "pdf" else suffix,
                date_from=choice.date_from,
                date_to=choice.date_to,
                by=choice.by,
                team=choice.filters.team,
                agency=choice.filters.agency,
                programme=choice.filters.programme,
                theme=choice.filters.theme,
                service_area=choice.filters.service_area,
                today=choice.today,
                progress=progress,
            )

        self.export_button.setText("Writing the report...")
        self._export = (
            ops.Operation(self, work, title="Report not exported")
            .busy(self.export_button)
            .success(self._exported)
            .finally_(self._export_done)
            .run_in_background()
        )

    def _export_done(self) -> None:
        self._export = None
        self.export_button.setText("Export report...")

    def _exported(self, path: object) -> None:
        self._say(f"Report written to {path}")
        self.status_message.emit(f"QA report written to {path}")

    # -- showing the figures

    def _show_report(self) -> None:
        report, choice = self.report, self.shown
        assert report is not None and choice is not None
        total = report["total"]
        if not total["audits_final"]:
            self.figures.hide()
            self.empty.show()
            self.empty.setText(
                f"No final audits between {long_date(choice.date_from)} and "
                f"{long_date(choice.date_to)}: widen the period or clear the filters."
            )
            self.status_message.emit("Dashboard: no final audits in the range")
            return
        self.empty.hide()
        self.figures.show()
        periods = report["periods"]
        latest = periods[-1]
        previous = periods[-2] if len(periods) > 1 else None
        self.latest.setText(f"Latest period: {period_title(latest)}{_compared(latest, previous)}")
        show_tiles(self.tiles, latest, previous, self.overdue_today)
        names = categories(periods, choice.by)
        self.charts_area.draw(periods, names, total, report.get("labels", {}))
        self.breakdowns.show_report(report)
        self.story_panel.show_story(report.get("story"))
        self.status_message.emit(
            f"Dashboard: {plural(total['audits_final'], 'final audit')} "
            f"from {long_date(choice.date_from)} to {long_date(choice.date_to)}"
        )

    # -- the lead's commentary

    def open_commentary(self) -> QDialog | None:
        """The commentary editor for the report on show (its last period and filters)."""
        if self.report is None or not self.actor.can("report.comment"):
            return None
        from audit_tool.services.report_editions import key_of
        from audit_tool.ui.dashboard.commentary import CommentaryDialog

        if self.commentary is not None:
            self.commentary.close()
        dialog = CommentaryDialog(self.db, self.actor, key_of(self.report), self)
        dialog.changed.connect(lambda e: self.story_panel.set_commentary(e.commentary, e.as_json()))
        self.commentary = dialog
        dialog.show()  # not modal: the figures stay in view while the lead writes
        return dialog

    # -- the audits behind a segment

    def show_audits_behind(self, grade: str, index: int) -> None:
        """List the final audits with `grade` in the `index`th period of the figures shown
        (read in the pool, up to 5,000; a newer click drops an older list)."""
        if self.report is None or self.shown is None or not self.can_drill:
            return
        from audit_tool.reporting.drilldown import audits_behind

        db, actor, choice = self.db, self.actor, self.shown
        period = self.report["periods"][index]
        limit = 5000

        def show(rows: list[Any]) -> None:
            counted = int(period["overall"][grade])
            shown = counted if len(rows) >= limit else len(rows)
            title = f"{GRADE_LABELS[grade]}, {period_name(period)}: {plural(shown, 'audit')}"
            note = f"The first {limit:,} are listed." if len(rows) >= limit else ""
            if self.drilldown is not None:
                self.drilldown.close()
                self.drilldown.deleteLater()
            dialog = DrilldownDialog(title, rows, note, self)
            dialog.open_audit.connect(self.open_audit)
            self.drilldown = dialog
            dialog.show()

        (
            ops.Operation(
                self,
                lambda task: audits_behind(
                    db,
                    actor,
                    date_from=choice.date_from,
                    date_to=choice.date_to,
                    filters=choice.filters,
                    period_from=date.fromisoformat(period["from"]),
                    period_to=date.fromisoformat(period["to"]),
                    grade=grade,
                    limit=limit,
                ),
                title="Dashboard",
                key="drilldown",
            )
            .success(show)
            .run_in_background()
        )


def _compared(latest: dict[str, Any], previous: dict[str, Any] | None) -> str:
    """What the latest period's changes are against, after its title."""
    if previous is None:
        return ""
    if is_partial(latest) or is_partial(previous):
        return (
            f", not compared with {period_name(previous)}: part of a period is never "
            "compared with a whole one"
        )
    return f", compared with {period_name(previous)}"
