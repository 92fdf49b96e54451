"""The self-test's look at Qt (`audit-tool --self-test`): on the platform already chosen (the
self-test picks offscreen), an SVG icon and a QtCharts chart render into memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rendered:
    pyside_version: str
    platform: str
    icon_renders: bool
    chart_renders: bool


def render_check(prog: str) -> Rendered:
    """Render the application icon and a small bar chart; never a window on the screen."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QChartView
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from audit_tool.resources import resource

    app = QApplication.instance() or QApplication([prog])
    platform = QApplication.platformName()
    icon = QIcon(str(resource("icons", "app.svg")))
    icon_renders = not icon.pixmap(QSize(64, 64)).isNull()
    grades = QBarSet("Audits")
    grades.append([1.0, 0.0, 0.0, 0.0])
    series = QBarSeries()
    series.append(grades)
    chart = QChart()
    chart.addSeries(series)
    chart.createDefaultAxes()
    view = QChartView(chart)
    view.resize(400, 300)
    image = view.grab().toImage()
    chart_renders = not image.isNull() and image.width() == 400
    view.deleteLater()
    app.processEvents()
    return Rendered(pyside_version, platform, icon_renders, chart_renders)
