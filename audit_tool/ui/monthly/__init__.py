"""Monthly audits: the standing plan and what is expected of each manager each month, the
compliance of every manager against it, month by month, and the draw that sets each month's
audits up on its first working day (services/monthly*.py)."""

from audit_tool.ui.monthly.draw import MonthlyDrawTimer
from audit_tool.ui.monthly.view import MonthlyView

__all__ = ["MonthlyDrawTimer", "MonthlyView"]
