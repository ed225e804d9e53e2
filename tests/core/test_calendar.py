"""The working-day calendar (rules.md TIME-01…09), with the test vectors of rules.md §1."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core import calendar
from sanxiang.core.calendar import Unit
from sanxiang.core.models import CalendarOverride, CalendarYear

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_overrides():
    calendar.overrides.invalidate()
    yield
    calendar.overrides.invalidate()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (D(2025, 9, 30), 7, Unit.WORKING_DAYS, D(2025, 10, 16)),  # National Day; 10-11 (Sat) is a workday
        (D(2025, 9, 30), 20, Unit.WORKING_DAYS, D(2025, 11, 4)),
        (
            D(2026, 2, 13),
            7,
            Unit.WORKING_DAYS,
            D(2026, 3, 2),
        ),  # Spring Festival 2026, make-up Sat 02-14, 02-28
        (D(2025, 12, 31), 7, Unit.WORKING_DAYS, D(2026, 1, 12)),
        (D(2025, 7, 3), 90, Unit.CALENDAR_DAYS, D(2025, 10, 9)),  # ends 10-01, rolls past the holiday
    ],
)
def test_rules_md_vectors(start, amount, unit, expected):
    assert calendar.due_date(start, amount, unit).date == expected


@pytest.mark.django_db
def test_spring_festival_2026_make_up_days_are_working_days():
    assert calendar.is_working_day(D(2026, 2, 14))  # Saturday, 调休上班
    assert calendar.is_working_day(D(2026, 2, 28))  # Saturday, 调休上班
    assert not any(calendar.is_working_day(D(2026, 2, d)) for d in range(15, 24))
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2  # 02-14 and 02-24


@pytest.mark.django_db
def test_national_day_2026_due_dates():
    # 2026-09-30 + 7 working days skips the National Day/Mid-Autumn week
    due = calendar.due_date(D(2026, 9, 30), 7, Unit.WORKING_DAYS).date
    assert due > D(2026, 10, 8)
    assert calendar.working_days_between(D(2026, 9, 30), due) == 7


@pytest.mark.django_db
def test_start_day_is_excluded_and_zero_is_the_start():
    assert calendar.add_working_days(D(2026, 3, 10), 0) == D(2026, 3, 10)
    assert calendar.add_working_days(D(2026, 3, 10), 1) == D(2026, 3, 11)
    assert calendar.add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)  # Friday → Monday


@pytest.mark.django_db
def test_year_without_package_data_is_provisional_until_overrides_complete():
    assert calendar.coverage(2027) is calendar.Coverage.PROVISIONAL
    due = calendar.due_date(D(2026, 12, 28), 7, Unit.WORKING_DAYS)
    assert due.provisional
    # An admin loads the 2027 notice: New Year's Day off, a make-up Sunday.
    CalendarOverride.objects.create(
        date=D(2027, 1, 1), is_working_day=False, name="元旦", source="test notice"
    )
    CalendarOverride.objects.create(
        date=D(2027, 1, 3), is_working_day=True, name="调休", source="test notice"
    )
    CalendarYear.objects.create(year=2027, complete=True, source="test notice")
    calendar.overrides.invalidate()
    assert calendar.coverage(2027) is calendar.Coverage.OVERRIDES
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 1, 3))  # a Sunday made a working day
    due = calendar.due_date(D(2026, 12, 31), 1, Unit.WORKING_DAYS)
    assert due == calendar.Due(D(2027, 1, 3), provisional=False)


@pytest.mark.django_db
def test_local_override_beats_package_data():
    assert calendar.is_working_day(D(2026, 3, 10))
    CalendarOverride.objects.create(date=D(2026, 3, 10), is_working_day=False, name="本地调整", source="test")
    calendar.overrides.invalidate()
    assert not calendar.is_working_day(D(2026, 3, 10))


@pytest.mark.django_db
def test_months_clamp_to_month_end():
    assert calendar.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert calendar.due_date(D(2026, 8, 31), 6, Unit.MONTHS).date == D(
        2027, 3, 1
    )  # 02-28 is a Sunday in 2027


@pytest.mark.django_db
@given(start=st.dates(D(2004, 1, 1), D(2026, 10, 31)), n=st.integers(0, 40))
def test_add_then_count_is_identity(start, n):
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, due) == n
    assert n == 0 or calendar.is_working_day(due)


@pytest.mark.django_db
@given(start=st.dates(D(2004, 1, 1), D(2026, 6, 30)), n=st.integers(1, 200))
def test_calendar_periods_never_end_on_a_rest_day(start, n):
    due = calendar.due_date(start, n, Unit.CALENDAR_DAYS).date
    assert calendar.is_working_day(due)
    assert due >= start + dt.timedelta(days=n)
