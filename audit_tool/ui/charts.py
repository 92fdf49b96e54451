"""The dashboard's chart pieces (Qt Charts): a chart, its axes, bar sets, and its colours from
the theme (ui.theme), so a chart is dark under a dark palette and light under a light one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QGuiApplication, QPen
from PySide6.QtWidgets import QToolTip

from audit_tool.ui import theme as themes

MANY_PERIODS = 12  # more than this: no value labels on the bars, axis labels turned


def chart_for(title: str) -> QChart:
    """An empty chart in the current theme's light or dark look (`paint` finishes the colours
    once its axes are attached)."""
    chart = QChart()
    dark = themes.current().is_dark
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 2, 4, 2))
    chart.layout().setContentsMargins(2, 2, 2, 2)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def value_axis(title: str, top: float, *, percent: bool = False) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setLabelFormat("%d")
    axis.setMin(0)
    if percent:
        axis.setMax(100)
        axis.setTickCount(6)
    else:
        axis.setMax(max(top, 4) * 1.08)
        axis.applyNiceNumbers()
    return axis


def category_axis(labels: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(labels)
    return axis


def period_axis(labels: list[str]) -> QBarCategoryAxis:
    axis = category_axis(labels)
    if len(labels) > MANY_PERIODS:
        axis.setLabelsAngle(-90)
    return axis


def bar_set(name: str, values: list[float], colour: str, label_colour: str) -> QBarSet:
    """A set of bars filled with `colour`, its value labels in `label_colour` (both from the
    theme, a pair the contrast test checks)."""
    bars = QBarSet(name)
    bars.append(values)
    bars.setColor(QColor(colour))
    bars.setBorderColor(QColor(themes.current().bar_edge))
    bars.setLabelColor(QColor(label_colour))
    return bars


def attach(chart: QChart, series: Any, x_axis: Any, y_axis: Any) -> None:
    chart.addSeries(series)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x_axis)
    series.attachAxis(y_axis)


def tooltips(bar_set: QBarSet, text: Callable[[int], str]) -> None:
    def hovered(status: bool, index: int) -> None:
        if status:
            QToolTip.showText(QCursor.pos(), text(index))
        else:
            QToolTip.hideText()

    bar_set.hovered.connect(hovered)


def empty_chart(title: str, message: str) -> QChart:
    chart = chart_for(title)
    chart.setTitle(
        f"<p align='center'>{title}<br><span style='font-weight:normal'>{message}</span></p>"
    )
    chart.legend().hide()
    return chart


def paint(chart: QChart, theme: themes.Theme | None = None) -> None:
    """Colour `chart`'s background, title, legend, axes, gridlines and line labels from `theme`
    (default: the current set). The bars keep the colours they were made with."""
    theme = theme or themes.current()
    fg, grid = QColor(theme.chart_fg), QColor(theme.chart_grid)
    chart.setBackgroundBrush(QBrush(QColor(theme.chart_bg)))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(QBrush(fg))
    chart.legend().setLabelColor(fg)
    for axis in chart.axes():
        axis.setLabelsColor(fg)
        axis.setTitleBrush(QBrush(fg))
        axis.setGridLineColor(grid)
        axis.setLinePenColor(grid)
        axis.setShadesVisible(False)
    for series in chart.series():
        if isinstance(series, QLineSeries):
            series.setPointLabelsColor(fg)
            series.setPointLabelsFont(QGuiApplication.font())  # Qt's default is tiny
