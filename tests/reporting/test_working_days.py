"""Working days in England and Wales: bank holidays worked out for any year, weekends and
holidays skipped, checked against the dates gov.uk published."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tool.reporting.working_days import (
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # gov.uk/bank-holidays, England and Wales.
        (
            2022,  # New Year on a Saturday; the jubilee's moved and added days; the state
            # funeral; Christmas on a Sunday (Boxing Day Monday, Christmas Tuesday)
            [
                (1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19),
                (12, 26), (12, 27),
            ],
        ),
        (2023, [(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)]),
        (2026, [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)]),
        (2027, [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)]),
    ],
)  # fmt: skip
def test_bank_holidays_match_the_published_dates(year, expected):
    assert sorted(bank_holidays(year)) == [date(year, m, d) for m, d in expected]


def test_easter_and_the_rules_carry_on_past_any_list():
    assert easter_sunday(2038) == date(2038, 4, 25)  # the latest possible
    assert easter_sunday(2285) == date(2285, 3, 22)  # the earliest possible
    days = bank_holidays(2100)
    assert len(days) == 8 and date(2100, 12, 27) in days  # Christmas on a Saturday


def test_ten_working_days_across_christmas_and_the_year_end():
    # Received Friday 19 December 2025: 22, 23, 24 Dec; 25, 26 are holidays, then a weekend;
    # 29, 30, 31 Dec; 1 Jan is a holiday; 2, 5, 6, 7 Jan.
    assert add_working_days(date(2025, 12, 19), 10) == date(2026, 1, 7)
    assert working_days_between(date(2025, 12, 19), date(2026, 1, 7)) == 10


def test_weekends_and_easter_are_skipped():
    assert add_working_days(date(2026, 3, 30), 5) == date(2026, 4, 8)  # Good Friday, Easter Mon
    assert add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)  # Friday to Monday
    assert add_working_days(date(2026, 6, 6), 0) == date(2026, 6, 6)
    assert not is_working_day(date(2026, 8, 31)) and is_working_day(date(2026, 9, 1))
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)
