"""The Dashboard view: the quarterly QA report's figures as tiles and charts.

The figures are the report's (reporting/report.py), computed off the GUI thread for the chosen
period and filters; changing either while a computation runs cancels it and starts again, and a
result that arrives for an earlier choice is dropped. Tiles give the latest period's figure and
its change from the period before; clicking a grade in a period on the grades chart lists the
final audits behind it (reporting/drilldown.py), and opening one asks the main window to show
the audit."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
)
from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, Cancelled
from audit_tool.reporting import report as reports
from audit_tool.reporting.report import GRADES, Filters
from audit_tool.store import Database
from audit_tool.ui import charts
from audit_tool.ui import theme as themes
from audit_tool.ui.charts import MANY_PERIODS
from audit_tool.ui.errors import show_error
from audit_tool.ui.filters import (
    filter_combo,
    filter_date,
    list_table,
    plural,
    quarter_start,
    text_width,
    view_title,
)
from audit_tool.ui.table_model import Column, RecordTableModel

PRESETS = {
    "last_4_quarters": "Last 4 quarters",
    "this_year": "This year",
    "last_year": "Last year",
    "last_12_months": "Last 12 months, by month",
    "between": "Between dates",
}
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
KIND_LABELS = {
    "looped": "Looped",
    "single": "Single (not moderated)",
    "multi_agency": "Multi-agency",
    "send": "SEND",
}
# The standard feedback questions in a few words, for a chart's axis (the full text is in the
# tooltip).
SHORT_QUESTIONS = {
    "child_views": "Child's views gained",
    "right_agencies": "Right agencies spoken to",
    "family_views": "Family could share views",
    "copy_of_plan": "Family has a copy of plan",
    "contactable": "Can reach the worker",
    "positive_difference": "Made a positive difference",
}
DATE_DELAY_MS = 400  # typing a date: wait for a pause before computing
BUSY_DELAY_MS = 150  # a quick computation does not flash the progress bar
CHART_HEIGHT = 300
AXIS_LABEL_CHARS = 36
BETTER_UP, BETTER_DOWN, NEUTRAL = "up", "down", ""


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _months_back(day: date, months: int) -> date:
    """The first of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def preset_range(preset: str, today: date) -> tuple[date, date] | None:
    """The dates of a period preset; None for "between" (the date inputs say)."""
    if preset == "last_4_quarters":
        return _months_back(quarter_start(today), 9), today
    if preset == "this_year":
        return date(today.year, 1, 1), today
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if preset == "last_12_months":
        return _months_back(today, 11), today
    return None


def period_dates(period: dict[str, Any]) -> tuple[date, date]:
    """The days a report period counts (the report's `from`/`to` where they cut it)."""
    return date.fromisoformat(period["from"]), date.fromisoformat(period["to"])


def period_name(period: dict[str, Any]) -> str:
    """A period's label in words: "2026/27 Q3" or "2026" as the report gives it, or "Oct 2026"
    for the month "2026-10"."""
    label = str(period["label"])
    if re.fullmatch(r"\d{4}-\d{2}", label):
        year, month = label.split("-")
        return f"{date(int(year), int(month), 1):%b %Y}"
    return label


def is_partial(period: dict[str, Any]) -> bool:
    """The report marks a period partial when the range cuts it or it runs past today."""
    return bool(period.get("partial", False))


def period_title(period: dict[str, Any]) -> str:
    """ "2026/27 Q3" for a whole quarter, "2026/27 Q3 (partial: 1 October to 7 December 2026)"
    for part of one."""
    if not is_partial(period):
        return period_name(period)
    start, end = period_dates(period)
    return f"{period_name(period)} (partial: {start.day} {start:%B} to {long_date(end)})"


def categories(periods: list[dict[str, Any]], by: str) -> list[str]:
    """The periods' labels on a chart axis: a month as "Jan" over "2026" (narrower than
    "2026-01"), unless there are too many months for that to fit."""
    labels = [str(p["label"]) for p in periods]
    if by == "month" and len(labels) <= MANY_PERIODS:
        labels = [
            f"{date(int(year), int(month), 1):%b}<br>{year}"
            for year, month in (label.split("-") for label in labels)
        ]
    return [
        f"{label} (partial)" if is_partial(p) else label
        for label, p in zip(labels, periods, strict=True)
    ]


def elide(text: str, chars: int = AXIS_LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def pct_text(value: float | None) -> str:
    return "no figure" if value is None else f"{value:.1f}%"


def change_text(
    latest: float | None, previous: float | None, previous_label: str | None, *, points: bool
) -> tuple[str, str]:
    """ "▲ 4.2 points on 2026 Q2" (or "▼ ...", "no change on ..."), and the direction."""
    if previous_label is None:
        return "no earlier period to compare", ""
    if latest is None or previous is None:
        return "no figure to compare", ""
    diff = round(latest - previous, 1) if points else latest - previous
    if diff == 0:
        return f"no change on {previous_label}", ""
    arrow, direction = ("▲", "up") if diff > 0 else ("▼", "down")
    amount = f"{abs(diff):.1f} points" if points else f"{abs(diff):,.0f}"
    return f"{arrow} {amount} on {previous_label}", direction


def feedback_mean(feedback: dict[str, Any]) -> tuple[float | None, int, int]:
    """The mean % yes over the questions with answers: (mean, questions, answers)."""
    figures = [q["pct_yes"] for q in feedback.values() if q.get("pct_yes") is not None]
    answers = sum(int(q.get("asked", 0)) for q in feedback.values())
    if not figures:
        return None, 0, answers
    return round(sum(figures) / len(figures), 1), len(figures), answers


@dataclass(frozen=True)
class Choice:
    """What the figures are for: the period, the grouping and the filters."""

    date_from: date
    date_to: date
    by: str
    filters: Filters
    today: date


# ---------------------------------------------------------------- tiles


class Tile(QFrame):
    """One headline figure: what it is, the latest value, a detail line and the change."""

    def __init__(self, name: str, title: str, tip: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        self.setToolTip(tip)
        # Preferred, not Fixed: a wrapped line makes the tile taller (height for width).
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.title = QLabel(title)
        self.title.setObjectName(f"{name}_title")
        themes.styled(self.title, "color: $muted;")
        self.value = QLabel()
        self.value.setObjectName(f"{name}_value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel()
        self.detail.setObjectName(f"{name}_detail")
        themes.styled(self.detail, "color: $muted;")
        self.change = QLabel()
        self.change.setObjectName(f"{name}_change")
        for label in (self.title, self.value, self.detail, self.change):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addWidget(self.change)

    def show_figures(self, value: str, detail: str, change: str, tone: str) -> None:
        """`tone`: "better", "worse" or "" (the words carry the meaning; colour only helps)."""
        self.value.setText(value)
        self.detail.setText(detail)
        self.change.setText(change)
        colour = {"better": "success", "worse": "error"}.get(tone, "muted")
        themes.styled(self.change, f"color: ${colour};")
        self.setAccessibleDescription(self.text())

    def text(self) -> str:
        return " · ".join(
            label.text()
            for label in (self.title, self.value, self.detail, self.change)
            if label.text()
        )


def _tone(direction: str, better: str) -> str:
    if not direction or not better:
        return ""
    return "better" if direction == better else "worse"


# ---------------------------------------------------------------- the audits behind a segment


class DrilldownDialog(QDialog):
    """The final audits a chart segment counts; Open (or double-click) asks to open one."""

    open_audit = Signal(str)

    def __init__(self, title: str, rows: list[Any], note: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_drilldown")
        self.setWindowTitle(title)
        self.resize(980, 480)
        heading = QLabel(title)
        heading.setObjectName("dashboard_drilldownTitle")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.model = RecordTableModel(
            [
                Column("Case", lambda r: r.case_ref),
                Column("Team", lambda r: r.team_name),
                Column("Programme", lambda r: r.programme_name),
                Column("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind)),
                Column("Finalised", lambda r: r.finalised_on.isoformat() if r.finalised_on else ""),
                Column("Final grade", lambda r: GRADE_LABELS.get(r.final_overall or "", "")),
            ],
            self,
        )
        self.model.set_rows(rows)
        self.table = list_table("dashboard_drilldownTable", "Audits behind the figure", self.model)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(4, Qt.SortOrder.AscendingOrder)  # as listed: oldest first
        self.table.setSortingEnabled(True)
        self.table.activated.connect(lambda _index: self.open_selected())
        if rows:
            self.table.selectRow(0)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open audit", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setObjectName("dashboard_drilldownOpen")
        self.open_button.setEnabled(bool(rows))
        self.open_button.clicked.connect(self.open_selected)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if note:
            layout.addWidget(QLabel(note))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_audit.emit(self.model.rows[rows[0].row()].uuid)


# ---------------------------------------------------------------- a computation in the pool


# Computations kept alive whatever becomes of the view that asked for them: those running, and a
# few that ended, until the thread pool has surely let go of them.
_RUNNING: set[_Run] = set()
_ENDED: deque[_Run] = deque(maxlen=8)


class _Run(QObject):
    """One computation in the thread pool. It hands on the worker's signals with itself as a
    token, so the view can tell the computation it wants from one it has given up on."""

    progressed = Signal(object, int, int)  # run, done, total
    ended = Signal(object, bool, object)  # run, succeeded, the result or the error

    def __init__(self, choice: Choice, fn: Callable[..., Any]) -> None:
        super().__init__()
        from audit_tool.ui.workers import Worker

        self.choice = choice
        self.worker = Worker(fn)
        # Bound methods of a QObject of the GUI thread: delivered there, in order.
        self.worker.signals.progress.connect(self._progress)
        self.worker.signals.finished.connect(self._finished)
        self.worker.signals.failed.connect(self._failed)

    def start(self) -> None:
        _RUNNING.add(self)
        self.worker.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(self, done, total)

    def _finished(self, result: object) -> None:
        self._end()
        self.ended.emit(self, True, result)

    def _failed(self, exc: object) -> None:
        self._end()
        self.ended.emit(self, False, exc)

    def _end(self) -> None:
        _RUNNING.discard(self)
        _ENDED.append(self)


# ---------------------------------------------------------------- the view


def overdue_today(db: Database, actor: Actor, today: date) -> int | None:
    """Overdue actions today, counted as the sidebar counts them (None: not the actor's to see)."""
    from audit_tool.services import learning

    if not actor.can("action.view"):
        return None
    return learning.overdue_count(db, actor, today=today)


class DashboardView(QWidget):
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
        self._run: _Run | None = None  # the computation whose result is wanted
        self._charts: dict[str, QChart] = {}
        self._charts_theme = themes.current()  # the colours the charts were drawn in
        self.grade_sets: dict[str, QBarSet] = {}

        # -- commands
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setObjectName("dashboard_refresh")
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)

        # -- period and filters
        today = self.today()
        self.period = filter_combo("dashboard_period", "Period")
        for key, label in PRESETS.items():
            self.period.addItem(label, key)
        first = preset_range("last_4_quarters", today)
        assert first is not None
        self.date_from = filter_date("dashboard_from", "From date", first[0])
        self.date_to = filter_date("dashboard_to", "To date", first[1])
        self.date_from.setVisible(False)
        self.date_to.setVisible(False)
        self.by = filter_combo("dashboard_by", "Figures by")
        self.by.addItem("By quarter", "quarter")
        self.by.addItem("By month", "month")
        self.by.addItem("By year", "year")
        self.team_filter = filter_combo("dashboard_team", "Team")
        self.team_filter.addItem("All teams", None)
        self.agency_filter = filter_combo("dashboard_agency", "Agency")
        self.agency_filter.addItem("All agencies", None)
        self.programme_filter = filter_combo("dashboard_programme", "Programme")
        self.programme_filter.addItem("All programmes", None)
        self.theme_filter = filter_combo("dashboard_theme", "Theme")
        self.theme_filter.addItem("All themes", None)
        self._fill_filters()
        for combo in (self.team_filter, self.programme_filter, self.theme_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)

        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DELAY_MS)
        self._date_timer.timeout.connect(self.refresh)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.by.currentIndexChanged.connect(lambda _i: self.refresh())
        for combo in (
            self.team_filter,
            self.agency_filter,
            self.programme_filter,
            self.theme_filter,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self._date_timer.start())
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("dashboard_clear")
        self.clear_button.setAccessibleName("Clear the team, agency, programme and theme")
        self.clear_button.clicked.connect(self.clear_filters)

        # -- busy
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
        export_action = QAction(self)
        export_action.setShortcut(QKeySequence("Ctrl+E"))
        export_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        export_action.triggered.connect(lambda: self.export_report())
        self.addAction(export_action)
        self._export: Any = None  # the export running, if any
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self._show_busy(self._run is not None))
        self._show_busy(False)

        # -- status, tiles
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.latest = QLabel()
        self.latest.setObjectName("dashboard_latest")
        themes.styled(self.latest, "color: $muted;")
        self.tiles = {
            "audits": Tile(
                "dashboard_tile_audits",
                "Final audits",
                "Audits made final in the period, against the audits due in it",
            ),
            "good": Tile(
                "dashboard_tile_good",
                "Good or better",
                "Final overall grade Outstanding or Good, of the audits graded",
            ),
            "agreement": Tile(
                "dashboard_tile_agreement",
                "Auditors agree",
                "Looped audits whose two auditors gave the same overall grade; quadratic-"
                "weighted kappa beside it",
            ),
            "feedback": Tile(
                "dashboard_tile_feedback",
                "Family feedback",
                "Mean of the % answering yes to each feedback question, in the audits",
            ),
            "worker": Tile(
                "dashboard_tile_worker",
                "Worker feedback",
                "Final audits whose worker was given feedback on the audit",
            ),
            "actions": Tile(
                "dashboard_tile_actions",
                "Actions",
                "Overdue today: open actions due before today, of all the actions you can see "
                "(the count beside Actions in the sidebar). Open and done: the actions raised "
                "in the period's audits",
            ),
        }
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)

        # -- charts: two columns, three rows, in a scroll area
        self.chart_views: dict[str, QChartView] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        # The practice areas, a long list, go last, in a row as tall as they need.
        names = [
            ("grades", "Final grades by period"),
            ("good", "Good or better by period"),
            ("agreement", "Auditor agreement by period"),
            ("actions", "Actions by period"),
            ("areas", "Good or better by practice area"),
            ("feedback", "Family feedback by question"),
        ]
        for i, (key, accessible) in enumerate(names):
            view = QChartView()
            view.setObjectName(f"dashboard_chart_{key}")
            view.setAccessibleName(f"Chart: {accessible}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(self._chart_height())
            view.setMinimumWidth(max(360, text_width(view, 40)))
            self.chart_views[key] = view
            grid.addWidget(view, i // 2, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        charts = QWidget()
        charts.setObjectName("dashboard_charts")
        charts.setLayout(grid)
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setObjectName("dashboard_scroll")
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.chart_scroll.setWidget(charts)

        self.empty = QLabel()
        self.empty.setObjectName("dashboard_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()

        # -- layout
        top = QHBoxLayout()
        top.addWidget(view_title("Dashboard"))
        top.addStretch(1)
        top.addWidget(self.busy_label)
        top.addWidget(self.busy)
        top.addWidget(self.cancel_button)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        filters = QHBoxLayout()
        filters.addWidget(self.period)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        filters.addWidget(self.by)
        filters.addWidget(self.team_filter, 1)
        filters.addWidget(self.agency_filter)
        filters.addWidget(self.programme_filter, 1)
        filters.addWidget(self.theme_filter, 1)
        filters.addWidget(self.clear_button)
        self.figures = QWidget()
        self.figures.setObjectName("dashboard_figures")
        figures = QVBoxLayout(self.figures)
        figures.setContentsMargins(0, 0, 0, 0)
        figures.addWidget(self.latest)
        figures.addLayout(tiles)
        figures.addWidget(self.chart_scroll, 1)
        self.figures.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.figures, 1)
        layout.addWidget(self.empty, 1)
        self.refresh()

    # -- filters

    def _fill_filters(self) -> None:
        from audit_tool.services import programmes, reference

        if self.actor.can("reference.view"):
            for team in reference.list_teams(self.db, self.actor, with_case_counts=False):
                self.team_filter.addItem(team.name, team.key)
            for agency in reference.list_agencies(self.db, self.actor):
                self.agency_filter.addItem(agency.name, agency.key)
        themes: dict[str, str] = {}
        if self.actor.can("programme.view"):
            for programme in programmes.list_programmes(self.db, self.actor):
                self.programme_filter.addItem(programme.name, programme.key)
                if programme.theme:
                    themes.setdefault(programme.theme.lower(), programme.theme)
        if self.actor.can("learning.view"):
            from audit_tool.services import learning

            for tag in learning.theme_tags(self.db, self.actor):
                themes.setdefault(tag.lower(), tag[:1].upper() + tag[1:])
        for key, label in sorted(themes.items()):
            self.theme_filter.addItem(label, key)
        self.theme_filter.setToolTip("A programme's theme, or a theme tag on a learning point")

    def clear_filters(self) -> None:
        """Back to every team, agency, programme and theme (the period stays)."""
        combos = (self.team_filter, self.agency_filter, self.programme_filter, self.theme_filter)
        for combo in combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.refresh()

    def _period_changed(self) -> None:
        preset = self.period.currentData()
        between = preset == "between"
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        wanted = {"last_4_quarters": "quarter", "last_12_months": "month"}.get(preset)
        if wanted is not None and self.by.currentData() != wanted:
            self.by.blockSignals(True)
            self.by.setCurrentIndex(self.by.findData(wanted))
            self.by.blockSignals(False)
        dates = preset_range(preset, self.today())
        if dates is not None:
            for edit, day in zip((self.date_from, self.date_to), dates, strict=True):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.refresh()

    def choice(self) -> Choice:
        today = self.today()
        dates = preset_range(self.period.currentData(), today)
        if dates is None:
            start: date = self.date_from.date().toPython()  # type: ignore[assignment]
            end: date = self.date_to.date().toPython()  # type: ignore[assignment]
            dates = (start, end)
        return Choice(
            date_from=dates[0],
            date_to=dates[1],
            by=self.by.currentData(),
            filters=Filters(
                team=self.team_filter.currentData(),
                agency=self.agency_filter.currentData(),
                programme=self.programme_filter.currentData(),
                theme=self.theme_filter.currentData(),
            ),
            today=today,
        )

    # -- computing

    def changeEvent(self, event: QEvent) -> None:
        """A palette that turns dark (or light) redraws the charts in the other set."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and themes.current() is not self._charts_theme:
            self._charts_theme = themes.current()
            if self.report is not None and self.shown is not None:
                self._show_report()

    def is_busy(self) -> bool:
        return self._run is not None

    def refresh(self) -> None:
        """Compute the figures for the current choice, giving up on any computation running."""
        self._date_timer.stop()
        if self._run is not None:
            self._run.cancel()
            self._run = None
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
            return report, overdue_today(db, actor, choice.today)

        run = _Run(choice, work)
        run.progressed.connect(self._progress)
        run.ended.connect(self._ended)
        self._run = run
        self.busy.setRange(0, 0)
        self._say("")
        self._busy_timer.start()
        run.start()

    def cancel(self) -> None:
        """Stop the computation running; the figures on show stay."""
        if self._run is None:
            return
        self._run.cancel()
        self._run = None
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

    def _progress(self, run: object, done: int, total: int) -> None:
        if run is self._run:
            self.busy.setRange(0, max(total, 1))
            self.busy.setValue(done)

    def _ended(self, run: object, succeeded: bool, outcome: object) -> None:
        if run is not self._run:
            return  # a computation given up on: its figures are for an earlier choice
        assert isinstance(run, _Run)
        self._run = None
        self._busy_timer.stop()
        self._show_busy(False)
        if succeeded:
            assert isinstance(outcome, tuple)
            self.report, self.overdue_today = outcome
            self.shown = run.choice
            self._show_report()
        elif not isinstance(outcome, Cancelled):
            self._say("The figures could not be calculated.")
            show_error(
                self, "Dashboard", outcome if isinstance(outcome, BaseException) else str(outcome)
            )

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
        from audit_tool.reporting import exports
        from audit_tool.ui.workers import Worker

        db, actor = self.db, self.actor

        def work(progress: Callable[[int, int], bool]) -> object:
            return exports.write_report(
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
                today=choice.today,
                progress=progress,
            )

        worker = Worker(work)
        worker.signals.finished.connect(self._exported)
        worker.signals.failed.connect(self._export_failed)
        self._export = worker
        self.export_button.setEnabled(False)
        self.export_button.setText("Writing the report...")
        worker.start()

    def _export_done(self) -> None:
        self._export = None
        self.export_button.setEnabled(True)
        self.export_button.setText("Export report...")

    def _exported(self, path: object) -> None:
        self._export_done()
        self._say(f"Report written to {path}")
        self.status_message.emit(f"QA report written to {path}")

    def _export_failed(self, exc: object) -> None:
        self._export_done()
        if isinstance(exc, Cancelled):
            return
        show_error(self, "Report not exported", exc if isinstance(exc, BaseException) else str(exc))

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
        if previous is None:
            compared = ""
        elif is_partial(latest) or is_partial(previous):
            compared = (
                f", not compared with {period_name(previous)}: part of a period is never "
                "compared with a whole one"
            )
        else:
            compared = f", compared with {period_name(previous)}"
        self.latest.setText(f"Latest period: {period_title(latest)}{compared}")
        self._show_tiles(latest, previous)
        labels = report.get("labels", {})
        names = categories(periods, choice.by)
        self._set_chart("grades", self._grades_chart(periods, names))
        self._set_chart("good", self._good_chart(periods, names))
        self._set_chart("areas", self._areas_chart(total, labels))
        self._set_chart("feedback", self._feedback_chart(total, labels))
        self._set_chart("agreement", self._agreement_chart(periods, names))
        self._set_chart("actions", self._actions_chart(periods, names))
        self.status_message.emit(
            f"Dashboard: {plural(total['audits_final'], 'final audit')} "
            f"from {long_date(choice.date_from)} to {long_date(choice.date_to)}"
        )

    def _show_tiles(self, latest: dict[str, Any], previous: dict[str, Any] | None) -> None:
        before = period_name(previous) if previous else None
        name = period_name(latest)
        partial = next((p for p in (latest, previous) if p is not None and is_partial(p)), None)

        def prev(get: Callable[[dict[str, Any]], Any]) -> Any:
            return get(previous) if previous is not None else None

        def show(
            key: str,
            value: str,
            detail: str,
            now: float | None,
            then: float | None,
            *,
            points: bool,
            better: str,
        ) -> None:
            if partial is not None and previous is not None:  # like with like, or not at all
                change, direction = f"not compared: {period_name(partial)} is partial", ""
            else:
                change, direction = change_text(now, then, before, points=points)
            self.tiles[key].show_figures(value, detail, change, _tone(direction, better))

        final, planned = latest["audits_final"], latest.get("audits_planned")
        so_far = " so far" if is_partial(latest) else ""
        show(
            "audits",
            f"{final:,}",
            f"of {planned:,} due{so_far}" if planned else f"in {name}{so_far}",
            final,
            prev(lambda p: p["audits_final"]),
            points=False,
            better=NEUTRAL,
        )
        graded = sum(latest["overall"].values())
        good = latest["pct_good_or_better"]
        show(
            "good",
            "No grades" if good is None else pct_text(good),
            f"of {plural(graded, 'graded audit')}",
            latest["pct_good_or_better"],
            prev(lambda p: p["pct_good_or_better"]),
            points=True,
            better=BETTER_UP,
        )
        agreement = latest["agreement"]
        kappa, pairs = agreement.get("kappa_quadratic"), agreement["pairs"]
        show(
            "agreement",
            "No pairs"
            if agreement["exact_pct"] is None
            else f"{agreement['exact_pct']:.1f}% exact",
            f"kappa {kappa:.2f}, {plural(pairs, 'pair')}"
            if kappa is not None
            else f"{plural(pairs, 'pair')}: too few for kappa",
            agreement["exact_pct"],
            prev(lambda p: p["agreement"]["exact_pct"]),
            points=True,
            better=BETTER_UP,
        )
        mean, questions, answers = feedback_mean(latest["feedback"])
        show(
            "feedback",
            "No answers" if mean is None else f"{mean:.1f}% yes",
            f"{plural(questions, 'question')}, {plural(answers, 'answer')}"
            if mean is not None
            else "in these audits",
            mean,
            prev(lambda p: feedback_mean(p["feedback"])[0]),
            points=True,
            better=BETTER_UP,
        )
        worker = latest["worker_feedback_pct"]
        show(
            "worker",
            "No audits" if worker is None else pct_text(worker),
            f"of {plural(final, 'final audit')}",
            latest["worker_feedback_pct"],
            prev(lambda p: p["worker_feedback_pct"]),
            points=True,
            better=BETTER_UP,
        )
        actions = latest["actions"]
        overdue = self.overdue_today
        self.tiles["actions"].show_figures(
            f"{actions['open']:,} open" if overdue is None else f"{overdue:,} overdue today",
            f"from {name}'s audits: {actions['open']:,} open, {actions['done']:,} done",
            "",
            "",
        )

    def _chart_height(self) -> int:
        """A chart's least height: 300 pixels, or 20 lines of a larger font."""
        return max(CHART_HEIGHT, 20 * self.fontMetrics().lineSpacing())

    def _set_chart(self, key: str, chart: QChart) -> None:
        charts.paint(chart)
        old = self._charts.get(key)
        self.chart_views[key].setChart(chart)
        self._charts[key] = chart
        if old is not None:
            old.deleteLater()  # the view lets go of the chart it showed before

    def _grades_chart(self, periods: list[dict[str, Any]], categories: list[str]) -> QChart:
        chart = charts.chart_for("Final grades by period")
        series = QStackedBarSeries()
        series.setLabelsVisible(len(periods) <= MANY_PERIODS)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsCenter)
        series.setLabelsFormat("@value")
        top = max((p["audits_final"] for p in periods), default=0)
        self.grade_sets = {}
        theme = themes.current()
        for grade in GRADES:
            values = [p["overall"][grade] for p in periods]
            bar_set = charts.bar_set(
                GRADE_LABELS[grade], values, theme.grades[grade], theme.grade_fg[grade]
            )
            # A set's labels show only if every bar of it is tall enough to hold one (Qt draws
            # none for a zero, but cannot hide just one label).
            if any(0 < v < top * 0.06 for v in values):
                bar_set.setLabelColor(QColor(Qt.GlobalColor.transparent))
            charts.tooltips(bar_set, self._grade_tip(grade, periods))
            if self.can_drill:
                bar_set.clicked.connect(lambda index, g=grade: self.show_audits_behind(g, index))
            series.append(bar_set)
            self.grade_sets[grade] = bar_set
        charts.attach(
            chart, series, charts.period_axis(categories), charts.value_axis("Final audits", top)
        )
        self._describe("grades", series, periods)
        return chart

    def _grade_tip(self, grade: str, periods: list[dict[str, Any]]) -> Callable[[int], str]:
        def tip(index: int) -> str:
            period = periods[index]
            n = period["overall"][grade]
            text = f"{GRADE_LABELS[grade]}, {period_name(period)}: {plural(n, 'audit')}"
            if self.can_drill and n:
                text += " (click to list them)"
            return text

        return tip

    def _good_chart(self, periods: list[dict[str, Any]], categories: list[str]) -> QChart:
        chart = charts.chart_for("Good or better by period (% of graded audits)")
        series = QLineSeries()
        series.setName("Good or better")
        series.setPointsVisible(True)
        series.setPointLabelsVisible(len(periods) <= MANY_PERIODS)
        series.setPointLabelsFormat("@yPoint%")
        series.setPointLabelsClipping(False)
        colour = QColor(themes.current().grades["outstanding"])
        series.setColor(colour)
        pen = QPen(colour)
        pen.setWidth(3)
        series.setPen(pen)
        for i, period in enumerate(periods):
            if period["pct_good_or_better"] is not None:
                series.append(i, period["pct_good_or_better"])
        chart.legend().hide()
        charts.attach(
            chart, series, charts.period_axis(categories), charts.value_axis("%", 100, percent=True)
        )
        view = self.chart_views["good"]
        view.setAccessibleDescription(
            "; ".join(
                f"{period_name(p)}: {pct_text(p['pct_good_or_better'])} good or better"
                for p in periods
            )
        )
        return chart

    def _areas_chart(self, total: dict[str, Any], labels: dict[str, Any]) -> QChart:
        title = "Good or better by practice area (% of graded, whole range)"
        names = labels.get("items", {})
        rows = []
        for key, item in total["items"].items():
            if item.get("kind") != "grade":
                continue
            counts = item["counts"]
            graded = sum(counts.values())
            if graded:
                good = counts["outstanding"] + counts["good"]
                rows.append((names.get(key, key), round(100 * good / graded, 1), good, graded))
        if not rows:
            return charts.empty_chart(title, "No practice areas graded in this range")
        rows.sort(key=lambda r: (r[1], r[0]), reverse=True)
        rows.reverse()  # the first category is drawn at the bottom: the best at the top
        chart = charts.chart_for(title)
        chart.legend().hide()
        series = QHorizontalBarSeries()
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        series.setLabelsFormat("@value%")
        series.setBarWidth(0.75)
        theme = themes.current()
        bar_set = charts.bar_set(
            "Good or better", [r[1] for r in rows], theme.grades["good"], theme.grade_fg["good"]
        )
        charts.tooltips(
            bar_set,
            lambda i: (
                f"{rows[i][0]}: {rows[i][1]:.1f}% good or better "
                f"({rows[i][2]:,} of {rows[i][3]:,} graded)"
            ),
        )
        series.append(bar_set)
        chart.addSeries(series)
        y_axis = charts.category_axis(_unique([elide(r[0]) for r in rows]))
        x_axis = charts.value_axis("% good or better", 100, percent=True)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y_axis)
        series.attachAxis(x_axis)
        font = y_axis.labelsFont()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7))
        y_axis.setLabelsFont(font)
        # A category axis drops a label ("...") that is taller than its row.
        row = QFontMetrics(font).lineSpacing() + 11
        view = self.chart_views["areas"]
        view.setMinimumHeight(max(self._chart_height(), 110 + row * len(rows)))
        self.chart_views["feedback"].setMinimumHeight(view.minimumHeight())
        view.setAccessibleDescription(
            "; ".join(f"{r[0]}: {r[1]:.1f}% good or better" for r in reversed(rows))
        )
        return chart

    def _feedback_chart(self, total: dict[str, Any], labels: dict[str, Any]) -> QChart:
        title = "Family feedback: % yes by question (whole range)"
        texts = labels.get("questions", {})
        inside, outside = total["feedback"], total.get("feedback_outside", {})
        keys = [k for k in inside if inside[k]["asked"] or outside.get(k, {}).get("asked")]
        if not keys:
            return charts.empty_chart(title, "No answers from families in this range")
        keys.reverse()  # the first category is drawn at the bottom
        chart = charts.chart_for(title)
        series = QHorizontalBarSeries()
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        series.setLabelsFormat("@value%")
        series.setBarWidth(0.6)
        theme = themes.current()
        sets = [("In audits", inside, theme.grades["outstanding"], theme.grade_fg["outstanding"])]
        if any(q.get("asked") for q in outside.values()):
            sets.append(("Outside audits", outside, theme.chart_neutral, theme.chart_neutral_fg))
        else:
            chart.legend().hide()
        for name, figures, colour, label in sets:
            values = [figures.get(k, {}).get("pct_yes") or 0.0 for k in keys]
            bar_set = charts.bar_set(name, values, colour, label)

            def tip(i: int, figures: dict[str, Any] = figures, name: str = name) -> str:
                q = figures.get(keys[i], {})
                return (
                    f"{texts.get(keys[i], keys[i])}\n{name}: {pct_text(q.get('pct_yes'))} yes "
                    f"({q.get('yes', 0):,} yes, {q.get('partly', 0):,} partly, "
                    f"{q.get('no', 0):,} no)"
                )

            charts.tooltips(bar_set, tip)
            series.append(bar_set)
        chart.addSeries(series)
        y_axis = charts.category_axis(
            _unique([SHORT_QUESTIONS.get(k) or elide(texts.get(k, k)) for k in keys])
        )
        x_axis = charts.value_axis("% yes", 100, percent=True)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y_axis)
        series.attachAxis(x_axis)
        self.chart_views["feedback"].setAccessibleDescription(
            "; ".join(
                f"{texts.get(k, k)}: {pct_text(inside[k]['pct_yes'])} yes" for k in reversed(keys)
            )
        )
        return chart

    def _agreement_chart(self, periods: list[dict[str, Any]], categories: list[str]) -> QChart:
        title = "Auditor agreement by period (% of pairs)"
        if not any(p["agreement"]["pairs"] for p in periods):
            return charts.empty_chart(
                title, "No looped audits with two graded reviews in this range"
            )
        chart = charts.chart_for(title)
        series = QBarSeries()
        series.setLabelsVisible(len(periods) <= 6)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(3)

        def tip(i: int) -> str:
            a = periods[i]["agreement"]
            if not a["pairs"]:
                return f"{period_name(periods[i])}: no pairs of reviews"
            kappa = a.get("kappa_quadratic")
            ac2 = a.get("gwet_ac2")
            return (
                f"{period_name(periods[i])}: {plural(a['pairs'], 'pair')} of reviews\n"
                f"Same grade: {pct_text(a['exact_pct'])}; within one grade: "
                f"{pct_text(a['within_one_pct'])}\n"
                f"Kappa (quadratic): {'too few pairs' if kappa is None else f'{kappa:.3f}'}; "
                f"Gwet's AC2: {'too few pairs' if ac2 is None else f'{ac2:.3f}'}"
            )

        theme = themes.current()
        for name, key, colour, label in (
            ("Same grade", "exact_pct", theme.grades["outstanding"], theme.grade_fg["outstanding"]),
            ("Within one grade", "within_one_pct", theme.grades["good"], theme.grade_fg["good"]),
        ):
            values = [p["agreement"][key] or 0.0 for p in periods]
            bar_set = charts.bar_set(name, values, colour, label)
            charts.tooltips(bar_set, tip)
            series.append(bar_set)
        charts.attach(
            chart, series, charts.period_axis(categories), charts.value_axis("%", 100, percent=True)
        )
        self.chart_views["agreement"].setAccessibleDescription(
            "; ".join(tip(i).replace("\n", "; ") for i in range(len(periods)))
        )
        return chart

    def _actions_chart(self, periods: list[dict[str, Any]], categories: list[str]) -> QChart:
        title = "Actions from the period's audits"
        if not any(sum(p["actions"].values()) for p in periods):
            return charts.empty_chart(title, "No actions raised in these audits")
        chart = charts.chart_for(title)
        series = QStackedBarSeries()
        series.setLabelsVisible(len(periods) <= MANY_PERIODS)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsCenter)
        series.setLabelsFormat("@value")
        theme = themes.current()
        parts = (
            (
                "Done",
                [p["actions"]["done"] for p in periods],
                theme.chart_neutral,
                theme.chart_neutral_fg,
            ),
            (
                "Open, not yet overdue",
                [p["actions"]["open"] - p["actions"]["overdue"] for p in periods],
                theme.grades["good"],
                theme.grade_fg["good"],
            ),
            (
                "Overdue",
                [p["actions"]["overdue"] for p in periods],
                theme.grades["inadequate"],
                theme.grade_fg["inadequate"],
            ),
        )
        top = max((sum(p["actions"][k] for k in ("open", "done")) for p in periods), default=0)
        for name, values, colour, label in parts:
            bar_set = charts.bar_set(name, [float(v) for v in values], colour, label)
            if any(0 < v < top * 0.06 for v in values):
                bar_set.setLabelColor(QColor(Qt.GlobalColor.transparent))  # too thin to read

            def tip(i: int, name: str = name, values: list[int] = values) -> str:
                return f"{period_name(periods[i])}: {name.lower()}: {values[i]:,}"

            charts.tooltips(bar_set, tip)
            series.append(bar_set)
        charts.attach(
            chart, series, charts.period_axis(categories), charts.value_axis("Actions", top)
        )
        self._describe("actions", series, periods)
        return chart

    def _describe(
        self, key: str, series: QAbstractBarSeries, periods: list[dict[str, Any]]
    ) -> None:
        """The chart's figures in words, for a screen reader."""
        parts = []
        for i, name in enumerate(period_name(p) for p in periods):
            values = ", ".join(f"{s.label()} {int(s.at(i)):,}" for s in series.barSets())
            parts.append(f"{name}: {values}")
        self.chart_views[key].setAccessibleDescription("; ".join(parts))

    # -- the audits behind a segment

    def show_audits_behind(self, grade: str, index: int) -> DrilldownDialog | None:
        """List the final audits with `grade` in the `index`th period of the figures shown."""
        if self.report is None or self.shown is None or not self.can_drill:
            return None
        from audit_tool.reporting.drilldown import audits_behind

        choice = self.shown
        period = self.report["periods"][index]
        limit = 5000
        try:
            rows = audits_behind(
                self.db,
                self.actor,
                date_from=choice.date_from,
                date_to=choice.date_to,
                filters=choice.filters,
                period_from=date.fromisoformat(period["from"]),
                period_to=date.fromisoformat(period["to"]),
                grade=grade,
                limit=limit,
            )
        except AuditToolError as exc:
            show_error(self, "Dashboard", exc)
            return None
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
        return dialog


def _unique(labels: list[str]) -> list[str]:
    """Category labels must differ: a repeated one gets a number."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
