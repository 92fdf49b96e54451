"""The Dashboard's charts: six chart views in a scroll area, drawn from the report's figures
in the theme's colours, each described in words for a screen reader."""

from __future__ import annotations

from collections.abc import Callable
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
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QWidget

from audit_tool.reporting.report import GRADES
from audit_tool.ui import charts
from audit_tool.ui import theme as themes
from audit_tool.ui.charts import MANY_PERIODS
from audit_tool.ui.dashboard.figures import (
    GRADE_LABELS,
    SHORT_QUESTIONS,
    elide,
    pct_text,
    period_name,
    unique_labels,
)
from audit_tool.ui.filters import plural, text_width

CHART_HEIGHT = 300
# The practice areas, a long list, go last, in a row as tall as they need.
CHARTS = (
    ("grades", "Final grades by period"),
    ("good", "Good or better by period"),
    ("agreement", "Auditor agreement by period"),
    ("actions", "Actions by period"),
    ("areas", "Good or better by practice area"),
    ("feedback", "Family feedback by question"),
)


class ChartsArea(QScrollArea):
    """The charts, two columns and three rows. A click on a grade in a period says
    `grade_clicked` (grade, period index) when `can_drill`."""

    grade_clicked = Signal(str, int)

    def __init__(self, can_drill: bool) -> None:
        super().__init__()
        self.can_drill = can_drill
        self.views: dict[str, QChartView] = {}
        self.charts: dict[str, QChart] = {}  # the charts on show, by key
        self.grade_sets: dict[str, QBarSet] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, (key, accessible) in enumerate(CHARTS):
            view = QChartView()
            view.setObjectName(f"dashboard_chart_{key}")
            view.setAccessibleName(f"Chart: {accessible}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(self._chart_height())
            view.setMinimumWidth(max(360, text_width(view, 40)))
            self.views[key] = view
            grid.addWidget(view, i // 2, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._grid = grid
        inner = QWidget()
        inner.setObjectName("dashboard_charts")
        inner.setLayout(grid)
        self.setObjectName("dashboard_scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(inner)

    def add_below(self, widget: QWidget) -> None:
        """A part of the page under the charts, across both columns (it scrolls with them)."""
        self._grid.addWidget(widget, self._grid.rowCount(), 0, 1, 2)

    def draw(
        self,
        periods: list[dict[str, Any]],
        names: list[str],
        total: dict[str, Any],
        labels: dict[str, Any],
    ) -> None:
        """Draw every chart anew: `names` label the periods on an axis."""
        self._set_chart("grades", self._grades_chart(periods, names))
        self._set_chart("good", self._good_chart(periods, names))
        self._set_chart("areas", self._areas_chart(total, labels))
        self._set_chart("feedback", self._feedback_chart(total, labels))
        self._set_chart("agreement", self._agreement_chart(periods, names))
        self._set_chart("actions", self._actions_chart(periods, names))

    def _chart_height(self) -> int:
        """A chart's least height: 300 pixels, or 20 lines of a larger font."""
        return max(CHART_HEIGHT, 20 * self.fontMetrics().lineSpacing())

    def _set_chart(self, key: str, chart: QChart) -> None:
        charts.paint(chart)
        old = self.charts.get(key)
        self.views[key].setChart(chart)
        self.charts[key] = chart
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
                bar_set.clicked.connect(lambda index, g=grade: self.grade_clicked.emit(g, index))
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
        view = self.views["good"]
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
        y_axis = charts.category_axis(unique_labels([elide(r[0]) for r in rows]))
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
        view = self.views["areas"]
        view.setMinimumHeight(max(self._chart_height(), 110 + row * len(rows)))
        self.views["feedback"].setMinimumHeight(view.minimumHeight())
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
            unique_labels([SHORT_QUESTIONS.get(k) or elide(texts.get(k, k)) for k in keys])
        )
        x_axis = charts.value_axis("% yes", 100, percent=True)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y_axis)
        series.attachAxis(x_axis)
        self.views["feedback"].setAccessibleDescription(
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
        self.views["agreement"].setAccessibleDescription(
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
        self.views[key].setAccessibleDescription("; ".join(parts))
