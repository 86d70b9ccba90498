"""The working-day calendar across 2026's Spring Festival, National Day and their 调休 weekends."""

import datetime as dt

import pytest

from portal.models import CalendarOverride, CalendarYear
from portal.workdays import (
    WorkingDayCounter,
    add_working_days,
    is_working_day,
    unknown_years,
    working_days_between,
)

D = dt.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 14), True),  # Saturday made a working day for the Spring Festival
        (D(2026, 2, 16), False),  # Spring Festival holiday (a Monday)
        (D(2026, 2, 28), True),  # make-up Saturday
        (D(2026, 9, 27), False),  # Sunday off for 中秋
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # make-up Saturday after National Day
        (D(2026, 11, 23), True),  # an ordinary Monday
        (D(2026, 11, 22), False),  # an ordinary Sunday
    ],
)
def test_is_working_day_follows_the_statutory_calendar(day, working):
    assert is_working_day(day) is working


@pytest.mark.django_db
def test_add_working_days_skips_spring_festival_and_counts_make_up_saturday():
    # Given Friday 13 Feb 2026, the day before the make-up Saturday
    # When two working days are added
    # Then Saturday 14 Feb counts, the holiday week does not: 14 Feb, then 24 Feb
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


@pytest.mark.django_db
def test_add_working_days_across_national_day():
    # 30 Sep (Wed) + 1 working day: 1–7 Oct off, 8 Oct (Thu) is the first working day
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # 8 Oct + 2: 9 Oct (Fri), 10 Oct (make-up Saturday)
    assert add_working_days(D(2026, 10, 8), 2) == D(2026, 10, 10)


@pytest.mark.django_db
def test_zero_days_on_a_holiday_is_the_next_working_day():
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 8)
    assert add_working_days(D(2026, 11, 23), 0) == D(2026, 11, 23)


@pytest.mark.django_db
def test_negative_days_count_backwards():
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


@pytest.mark.django_db
def test_working_days_between_counts_make_up_days_and_skips_holidays():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3  # 8, 9, 10 Oct
    assert working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == 0


@pytest.mark.django_db
def test_the_counter_is_the_same_calendar_as_working_days_between():
    CalendarOverride.objects.create(date=D(2026, 10, 9), is_working_day=False, note="本地调整")
    counter = WorkingDayCounter(D(2026, 9, 1), D(2027, 1, 31))
    days = [D(2026, 9, 1) + dt.timedelta(days=n) for n in range(0, 150, 7)]
    for a in days:
        for b in days:
            assert counter.between(a, b) == working_days_between(a, b)


@pytest.mark.django_db
def test_unknown_year_falls_back_to_weekends_and_is_reported():
    # chinese-calendar 1.11.0 does not know 2027: no crash, plain weekends, and a warning
    assert is_working_day(D(2027, 1, 4)) is True  # Monday
    assert is_working_day(D(2027, 1, 2)) is False  # Saturday
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)  # a Friday, unknown as a holiday
    assert unknown_years([2026, 2027]) == [2027]


@pytest.mark.django_db
def test_override_table_wins_and_covers_an_unknown_year():
    # Given the administrators entered New Year 2027 (a Friday) as a holiday
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    # Then deadlines skip it, but one date does not make the year entered: the warning stays
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_working_day(D(2027, 1, 1)) is False
    assert unknown_years([2027]) == [2027]
    # until an administrator confirms the year
    CalendarYear.objects.create(year=2027)
    assert unknown_years([2026, 2027]) == []
    # And an override can make a statutory holiday a working day
    CalendarOverride.objects.create(date=D(2026, 10, 2), is_working_day=True, note="本地调整")
    assert is_working_day(D(2026, 10, 2)) is True
