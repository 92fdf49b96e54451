"""The Dashboard: the quarterly QA report's figures as tiles and charts.

view.py is the screen (DashboardView); filter_bar.py the period and filters, tiles.py the
headline figures, charts_area.py the charts, drilldown.py the audits behind a grade, figures.py
the figures in words, and computing.py the computation in the thread pool."""

from audit_tool.ui.dashboard.view import DashboardView

__all__ = ["DashboardView"]
