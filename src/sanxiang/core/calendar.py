"""The Chinese working-day calendar (rules.md TIME-01…09).

A day is a working day unless it is a weekend or a statutory holiday — except make-up workdays
(调休), which are working days even on a weekend. The source of truth, in order:

1. an admin-entered `CalendarOverride` for that date (local adjustments, or years the package lacks);
2. the `chinese-calendar` package for the years it covers (2004–2026 in 1.11.0);
3. for a year marked complete in `CalendarYear`: the weekend rule (its exceptions are all overrides);
4. otherwise the weekend rule, and the result is *provisional* — callers show it as such.

Periods exclude the start day (民法典 Art. 201) and a calendar-day period ending on a rest day
rolls forward to the next working day (民法典 Art. 203).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

import chinese_calendar

_ONE_DAY = dt.timedelta(days=1)
_CACHE_SECONDS = 30.0


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    YEARS = "years"


class Coverage(StrEnum):
    PACKAGE = "package"
    OVERRIDES = "overrides"
    PROVISIONAL = "provisional"


@dataclass(frozen=True)
class Due:
    """A computed due date; `provisional` when any day counted lies in a year without holiday data."""

    date: dt.date
    provisional: bool = False


class _Overrides:
    """Per-process cache of the override tables, refreshed after a short time or on local change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded_at = 0.0
        self._days: dict[dt.date, bool] = {}
        self._complete_years: set[int] = set()

    def invalidate(self) -> None:
        self._loaded_at = 0.0

    def _refresh(self) -> None:
        from sanxiang.core.models import CalendarOverride, CalendarYear

        with self._lock:
            if time.monotonic() - self._loaded_at < _CACHE_SECONDS:
                return
            self._days = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
            self._complete_years = set(
                CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
            )
            self._loaded_at = time.monotonic()

    def day(self, day: dt.date) -> bool | None:
        self._refresh()
        return self._days.get(day)

    def year_complete(self, year: int) -> bool:
        self._refresh()
        return year in self._complete_years


overrides = _Overrides()


def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def coverage(year: int) -> Coverage:
    if _package_covers(year):
        return Coverage.PACKAGE
    if overrides.year_complete(year):
        return Coverage.OVERRIDES
    return Coverage.PROVISIONAL


def is_working_day(day: dt.date) -> bool:
    override = overrides.day(day)
    if override is not None:
        return override
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def is_provisional(day: dt.date) -> bool:
    return overrides.day(day) is None and coverage(day.year) is Coverage.PROVISIONAL


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start excluded); negative n counts backwards."""
    return _add_working_days(start, n)[0]


def _add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, remaining, provisional = start, abs(n), False
    while remaining:
        day += step
        provisional = provisional or is_provisional(day)
        if is_working_day(day):
            remaining -= 1
    return day, provisional


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many have elapsed at `end` of a period begun on `start`."""
    if end <= start:
        return -working_days_between(end, start) if end < start else 0
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day)
    return count


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def due_date(start: dt.date, amount: int, unit: Unit | str, *, roll_forward: bool = True) -> Due:
    """The last day of a period of `amount` `unit`s beginning the day after `start`."""
    unit = Unit(unit)
    if unit is Unit.WORKING_DAYS:
        day, provisional = _add_working_days(start, amount)
        return Due(day, provisional)
    if unit is Unit.CALENDAR_DAYS:
        day = start + dt.timedelta(days=amount)
    elif unit is Unit.MONTHS:
        day = add_months(start, amount)
    else:
        day = add_months(start, 12 * amount)
    if roll_forward:
        day = next_working_day(day)
    return Due(day, is_provisional(day))
