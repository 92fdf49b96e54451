"""The report's periods (shared/INTERFACES.md, report JSON v1.1): quarters and years of the
partnership's year (it starts in `year_start_month`, 4 = April by default: the UK financial
year), or calendar months, with their labels and whether each is `partial`.

With year start 4, "2022/23 Q1" is April-June 2022 and "2022/23 Q4" January-March 2023, the year
"2022/23"; with year start 1, "2022 Q1" and "2022"; with year start 9, "2022/23 Q1" is
September-November 2022. Months always read "2022-01". A period is partial when the report's
`from` or `to` cuts it, or it runs past today: its figures are not those of a whole period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from audit_tool.errors import ValidationError

BY = ("quarter", "month", "year")
DEFAULT_YEAR_START = 4  # April: the UK financial year
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Period:
    label: str
    start: date  # first day counted (the report's `from` where it cuts the period)
    end: date  # last day counted (the report's `to` where it cuts the period)
    partial: bool = False

    @property
    def lower(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)

    @property
    def upper(self) -> datetime:  # exclusive
        after = self.end + timedelta(days=1)
        return datetime(after.year, after.month, after.day, tzinfo=UTC)


def check_year_start(month: int) -> int:
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(f"The year starts in a month from 1 to 12, not '{month}'")
    return month


def parse_month(text: str) -> int:
    """A month given as 1-12 or by name ("4", "April", "apr")."""
    word = text.strip().lower()
    if word.isdigit():
        return check_year_start(int(word))
    for i, name in enumerate(MONTH_NAMES, start=1):
        if len(word) >= 3 and name.lower().startswith(word):
            return i
    raise ValidationError(f"The year starts in a month from 1 to 12 or its name, not '{text}'")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_label(first_year: int, year_start: int) -> str:
    """ "2022/23" for the year that starts in 2022 (or "2022" when it starts in January)."""
    if year_start == 1:
        return str(first_year)
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def year_of(day: date, year_start: int) -> int:
    """The calendar year in which the partnership's year holding `day` began."""
    return day.year if day.month >= year_start else day.year - 1


def natural_start(day: date, by: str, year_start: int) -> date:
    """The first day of the whole quarter, month or year holding `day`."""
    if by == "month":
        return day.replace(day=1)
    first = date(year_of(day, year_start), year_start, 1)
    if by == "year":
        return first
    months = (day.year * 12 + day.month) - (first.year * 12 + first.month)
    return _add_months(first, (months // 3) * 3)


def label_of(start: date, by: str, year_start: int) -> str:
    """The label of the whole period that begins on `start`."""
    if by == "month":
        return f"{start.year}-{start.month:02d}"
    year = year_of(start, year_start)
    if by == "year":
        return year_label(year, year_start)
    quarter = ((start.month - year_start) % 12) // 3 + 1
    return f"{year_label(year, year_start)} Q{quarter}"


def periods(
    date_from: date,
    date_to: date,
    by: str,
    *,
    year_start: int = DEFAULT_YEAR_START,
    today: date | None = None,
) -> list[Period]:
    """The quarters, months or years covering the range, the first and last clipped to it and
    marked partial where clipped or running past today."""
    if by not in BY:
        raise ValidationError(f"Report by quarter, month or year, not '{by}'")
    check_year_start(year_start)
    if date_to < date_from:
        raise ValidationError("The report's end date is before its start date")
    today = today or date.today()
    step = {"quarter": 3, "month": 1, "year": 12}[by]
    out = []
    start = natural_start(date_from, by, year_start)
    while start <= date_to:
        nxt = _add_months(start, step)
        last = nxt - timedelta(days=1)
        partial = start < date_from or last > date_to or last > today
        out.append(
            Period(
                label_of(start, by, year_start), max(start, date_from), min(last, date_to), partial
            )
        )
        start = nxt
    return out


def total_period(date_from: date, date_to: date, today: date) -> Period:
    """The whole range: partial while it runs past today."""
    return Period(
        f"{date_from.isoformat()} to {date_to.isoformat()}", date_from, date_to, date_to > today
    )
