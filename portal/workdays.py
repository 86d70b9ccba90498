"""The working-day calendar: statutory holidays and 调休 from chinese-calendar, corrected by the
administrators' override table, with plain weekends for a year the library does not know yet.

A year the library does not know never crashes a deadline computation; :func:`unknown_years`
lets pages warn that the year's holidays have not been entered.
"""

import datetime as dt
from collections.abc import Iterable

import chinese_calendar

from portal.models import CalendarOverride, CalendarYear

MAX_SPAN_DAYS = 3660


def _library_is_workday(day: dt.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def library_knows_year(year: int) -> bool:
    return _library_is_workday(dt.date(year, 6, 1)) is not None


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarOverride.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_working_day"))


def _is_working(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    known = _library_is_workday(day)
    if known is None:
        return day.weekday() < 5
    return known


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _overrides(day, day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    ``days == 0`` means "the same day if it is a working day, else the next working day"
    (即办件). Negative ``days`` count backwards.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    # No run of days off in the Chinese calendar is longer than nine days, so three calendar days
    # per working day plus a margin always covers the answer; one query loads the overrides.
    window = dt.timedelta(days=remaining * 3 + 30)
    lo, hi = (start, start + window) if step > 0 else (start - window, start)
    overrides = _overrides(lo, hi)
    day = start
    if remaining == 0:
        while not _is_working(day, overrides):
            day += dt.timedelta(days=1)
        return day
    while remaining:
        day += dt.timedelta(days=step)
        if abs((day - start).days) > MAX_SPAN_DAYS:
            raise ValueError("working-day span too large")
        if _is_working(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
    if end <= start:
        return 0
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValueError("working-day span too large")
    overrides = _overrides(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, overrides):
            count += 1
    return count


class WorkingDayCounter:
    """``between(a, b)`` = :func:`working_days_between` for any dates in [lo, hi], from one override
    query and a prefix sum: the same calendar, for code that counts many pairs (rankings, open data)."""

    def __init__(self, lo: dt.date, hi: dt.date):
        if (hi - lo).days > MAX_SPAN_DAYS * 3:
            raise ValueError("working-day span too large")
        self.lo = lo
        overrides = _overrides(lo, hi)
        self.prefix = [0]
        day = lo
        while day <= hi:
            self.prefix.append(self.prefix[-1] + (1 if _is_working(day, overrides) else 0))
            day += dt.timedelta(days=1)

    def between(self, a: dt.date, b: dt.date) -> int:
        if b <= a:
            return 0
        return self.prefix[(b - self.lo).days + 1] - self.prefix[(a - self.lo).days + 1]


def unknown_years(years: Iterable[int]) -> list[int]:
    """The years among ``years`` that chinese-calendar does not know and that no administrator has yet
    confirmed as entered (``CalendarYear``): entering one date is not enough, the warning stays until
    the year is confirmed. One query whatever the number of years."""
    unknown = [year for year in sorted(set(years)) if not library_knows_year(year)]
    if not unknown:
        return []
    confirmed = set(CalendarYear.objects.filter(year__in=unknown).values_list("year", flat=True))
    return [year for year in unknown if year not in confirmed]
