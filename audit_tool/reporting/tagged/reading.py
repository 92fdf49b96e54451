"""Reading the computed report dict for the accessible report: names for keys, periods and
their labels, and numbers written the same way everywhere (one decimal for percentages,
"no data" where there is nothing to divide by)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from audit_tool.reporting.agreement import pct as percent
from audit_tool.reporting.periods import MONTH_NAMES
from audit_tool.reporting.tagged import document as d
from audit_tool.reporting.words import GRADES

GRADE_SHORT = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
QUESTION_SHORT = {
    "child_views": "Child's views gained",
    "right_agencies": "Right agencies spoken to",
    "family_views": "Family could share views",
    "copy_of_plan": "Family has copy of plan",
    "contactable": "Worker can be reached",
    "positive_difference": "Made a positive difference",
}
NO_DATA = "no data"
R: d.Align = "right"

Period = dict[str, Any]


def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}%"


def share(part: int, whole: int) -> str:
    """A share worked out here, rounded half-up as the report JSON's percentages are."""
    return pct(percent(part, whole))


def number(value: float | None, places: int = 2) -> str:
    return NO_DATA if value is None else f"{value:.{places}f}"


def long_date(text: str | None) -> str:
    try:
        day = date.fromisoformat(str(text)[:10])
    except ValueError:
        return "date not recorded"
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def period_label(period: Period) -> str:
    label = str(period.get("label", ""))
    return f"{label} (partial)" if period.get("partial") else label


def graded(overall: dict[str, int]) -> int:
    return sum(int(overall.get(g, 0)) for g in GRADES)


def good(overall: dict[str, int]) -> int:
    return int(overall.get("outstanding", 0)) + int(overall.get("good", 0))


class Reader:
    """The report dict read for the document: periods, the whole range, names for keys."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.periods: list[Period] = list(report.get("periods") or [])
        self.total: Period = report.get("total") or {}
        by = report.get("by", "quarter")
        self.word = by if by in ("quarter", "month", "year") else "quarter"
        self.labels: dict[str, dict[str, str]] = report.get("labels") or {}
        self.last = self.periods[-1] if self.periods else self.total

    def name(self, kind: str, key: str) -> str:
        found = (self.labels.get(kind) or {}).get(key)
        if found:
            return str(found)
        return key.replace("_", " ").capitalize() if key.islower() else key

    def question(self, key: str) -> str:
        return QUESTION_SHORT.get(key) or self.name("questions", key)

    def rows_by_period(self, row: Callable[[Period], list[str]]) -> list[list[str]]:
        return [[period_label(p), *row(p)] for p in self.periods]

    def whole(self, row: Callable[[Period], list[str]]) -> list[str]:
        return ["Whole period", *row(self.total)]

    def range_text(self) -> str:
        return f"{long_date(self.report.get('from'))} to {long_date(self.report.get('to'))}"


def agreement(p: Period) -> dict[str, Any]:
    return p.get("agreement") or {}
