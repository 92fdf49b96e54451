"""The Dashboard's figures in words: period presets, period names and titles, chart labels,
a change from the period before, and the choice the figures are for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from audit_tool.reporting.periods import DEFAULT_YEAR_START, natural_start, year_label, year_of
from audit_tool.reporting.report import Filters
from audit_tool.ui.charts import MANY_PERIODS
from audit_tool.ui.filters import quarter_start

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
    "single": "Dip sample (single auditor)",
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
AXIS_LABEL_CHARS = 36
BETTER_UP, BETTER_DOWN, NEUTRAL = "up", "down", ""


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _months_back(day: date, months: int) -> date:
    """The first of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def preset_range(
    preset: str, today: date, year_start: int = DEFAULT_YEAR_START
) -> tuple[date, date] | None:
    """The dates of a period preset; None for "between" (the date inputs say). Quarters and
    years are the partnership's (its year starts in the month `year_start`)."""
    if preset == "last_4_quarters":
        return _months_back(quarter_start(today, year_start), 9), today
    if preset == "this_year":
        return natural_start(today, "year", year_start), today
    if preset == "last_year":
        this_year = natural_start(today, "year", year_start)
        return this_year.replace(year=this_year.year - 1), this_year - timedelta(days=1)
    if preset == "last_12_months":
        return _months_back(today, 11), today
    return None


def preset_label(preset: str, today: date, year_start: int = DEFAULT_YEAR_START) -> str:
    """A preset's name, naming the partnership's year where it is one: "This year (2026/27)"."""
    label = PRESETS[preset]
    if preset in ("this_year", "last_year"):
        dates = preset_range(preset, today, year_start)
        assert dates is not None
        label += f" ({year_label(year_of(dates[0], year_start), year_start)})"
    return label


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


def unique_labels(labels: list[str]) -> list[str]:
    """Category labels must differ: a repeated one gets a number."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
