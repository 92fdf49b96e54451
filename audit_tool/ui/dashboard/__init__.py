"""The Dashboard: the quarterly QA report's figures as tiles and charts (view.py), with the
filters, the figures in words, the tiles, the drill-down and the background computation in
modules of their own."""

from audit_tool.ui.dashboard.view import DashboardView

__all__ = ["DashboardView"]
