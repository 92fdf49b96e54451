"""Working days in England and Wales: weekends and bank holidays left out.

The bank holidays are worked out for any year from the rules of the Banking and Financial
Dealings Act 1971 and the royal proclamations that set them: New Year's Day, Good Friday,
Easter Monday, the first and last Mondays of May, the last Monday of August, Christmas Day
and Boxing Day, with a weekday in lieu when one falls on a weekend. Proclamations have moved or
added a day a few times (VE day, jubilees, royal weddings, a state funeral, a coronation):
those are the exceptions below, which only a new proclamation adds to. Nothing here stops at
a year: a complaint received in 2040 gets the right due date."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

# Days a proclamation moved (from the rule's date to another) or added (None: no day moved).
_MOVED: dict[date, date] = {
    date(1995, 5, 1): date(1995, 5, 8),  # VE day 50th anniversary
    date(2002, 5, 27): date(2002, 6, 4),  # Golden Jubilee
    date(2012, 5, 28): date(2012, 6, 4),  # Diamond Jubilee
    date(2020, 5, 4): date(2020, 5, 8),  # VE day 75th anniversary
    date(2022, 5, 30): date(2022, 6, 2),  # Platinum Jubilee
}
_ADDED = frozenset(
    {
        date(1999, 12, 31),  # the millennium
        date(2002, 6, 3),  # Golden Jubilee
        date(2011, 4, 29),  # royal wedding
        date(2012, 6, 5),  # Diamond Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # state funeral of Queen Elizabeth II
        date(2023, 5, 8),  # coronation of King Charles III
    }
)


def easter_sunday(year: int) -> date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _monday(on_or_after: date) -> date:
    return on_or_after + timedelta(days=(7 - on_or_after.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _in_lieu(day: date) -> date:
    """A fixed-date holiday on a weekend is taken on the next Monday."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of England and Wales in `year`."""
    easter = easter_sunday(year)
    christmas = date(year, 12, 25)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        christmas_days = {christmas + timedelta(days=2), christmas + timedelta(days=3)}
    elif christmas.weekday() == 4:  # Friday: Boxing Day on Saturday moves to Monday
        christmas_days = {christmas, christmas + timedelta(days=3)}
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday, Christmas in lieu Tuesday
        christmas_days = {christmas + timedelta(days=1), christmas + timedelta(days=2)}
    else:
        christmas_days = {christmas, christmas + timedelta(days=1)}
    days = {
        _in_lieu(date(year, 1, 1)),
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _monday(date(year, 5, 1)),
        _last_monday(year, 5),
        _last_monday(year, 8),
        *christmas_days,
    }
    days = {_MOVED.get(d, d) for d in days}
    days |= {d for d in _ADDED if d.year == year}
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the day something was received is day 0, so
    10 working days from a Monday with no holidays is the Monday two weeks on)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if `end` is not after it)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
