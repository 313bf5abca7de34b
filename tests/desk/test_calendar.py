"""Working-day calendar: fixed examples from the 2025-2026 calendar plus Hypothesis properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.desk.calendar import (
    SATURDAY_MORNING,
    CalendarConfig,
    CalendarError,
    NaiveDatetimeError,
    WorkCalendar,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_days_counted_from_day_after_receipt(cal: WorkCalendar) -> None:
    # Monday 30/11/2026 10:00, 3 working days -> Thursday 03/12 closing time
    assert cal.due_in_working_days(at(2026, 11, 30, 10), 3) == at(2026, 12, 3, 17)


@pytest.mark.parametrize(("hour", "minute"), [(15, 0), (16, 30), (18, 0)])
def test_after_cutoff_counts_from_next_working_day(
    cal: WorkCalendar, hour: int, minute: int
) -> None:
    assert cal.due_in_working_days(at(2026, 11, 30, hour, minute), 3) == at(2026, 12, 4, 17)


def test_just_before_cutoff_counts_today(cal: WorkCalendar) -> None:
    assert cal.due_in_working_days(at(2026, 11, 30, 14, 59), 3) == at(2026, 12, 3, 17)


def test_received_at_weekend_counts_from_monday(cal: WorkCalendar) -> None:
    # Sunday receipt (out-of-hours desk) behaves like Monday morning
    assert cal.due_in_working_days(at(2026, 11, 29, 10), 1) == at(2026, 12, 1, 17)


def test_utc_input_is_converted_to_local_day(cal: WorkCalendar) -> None:
    # 08:30 UTC = 15:30 local: after the cut-off
    received = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
    assert cal.due_in_working_days(received, 1) == at(2026, 12, 2, 17)


def test_lunar_new_year_skipped(cal: WorkCalendar) -> None:
    # Tết 2026: 16-20 Feb off, 21-22 weekend
    assert cal.due_in_working_days(at(2026, 2, 13, 9), 1) == at(2026, 2, 23, 17)


def test_substituted_day_off_and_makeup_saturday_from_holidays(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2025, 5, 2))  # off, swapped with Sat 26/04/2025
    assert cal.is_working_day(date(2025, 4, 26))  # make-up Saturday
    assert cal.due_in_working_days(at(2025, 4, 25, 9), 1) == at(2025, 4, 26, 17)
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 31))


def test_observed_hung_kings_day(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2026, 4, 27))


def test_admin_days_off_and_makeup_days() -> None:
    cal = WorkCalendar(
        CalendarConfig(
            extra_days_off=frozenset({date(2026, 12, 1)}),
            makeup_days=frozenset({date(2026, 12, 5)}),
        )
    )
    assert not cal.is_working_day(date(2026, 12, 1))
    assert cal.is_working_day(date(2026, 12, 5))
    # Mon 10:00 + 4 days: Wed 2, Thu 3, Fri 4, Sat 5
    assert cal.due_in_working_days(at(2026, 11, 30, 10), 4) == at(2026, 12, 5, 17)


def test_saturday_morning_option() -> None:
    cal = WorkCalendar(CalendarConfig(saturday_sessions=SATURDAY_MORNING))
    assert cal.due_in_working_days(at(2026, 12, 4, 10), 1) == at(2026, 12, 5, 11, 30)
    assert cal.is_working_time(at(2026, 12, 5, 9))
    assert not WorkCalendar().is_working_time(at(2026, 12, 5, 9))


def test_hour_deadline_skips_lunch(cal: WorkCalendar) -> None:
    assert cal.due_in_working_hours(at(2026, 11, 30, 10), 2) == at(2026, 11, 30, 13, 30)


def test_hour_deadline_after_cutoff_starts_next_morning(cal: WorkCalendar) -> None:
    assert cal.due_in_working_hours(at(2026, 11, 30, 15, 30), 1) == at(2026, 12, 1, 8, 30)


def test_hour_deadline_ending_at_closing_stays_at_closing(cal: WorkCalendar) -> None:
    assert cal.due_in_working_hours(at(2026, 11, 30, 9, 30), 2) == at(2026, 11, 30, 11, 30)


def test_is_working_time_edges(cal: WorkCalendar) -> None:
    assert cal.is_working_time(at(2026, 11, 30, 7, 30))
    assert not cal.is_working_time(at(2026, 11, 30, 7, 29))
    assert not cal.is_working_time(at(2026, 11, 30, 11, 30))
    assert not cal.is_working_time(at(2026, 11, 30, 12))
    assert not cal.is_working_time(at(2026, 11, 29, 9))  # Sunday
    assert not cal.is_working_time(at(2026, 9, 2, 9))  # National Day


def test_working_time_between_and_pause_shift(cal: WorkCalendar) -> None:
    paused_from, paused_until = at(2026, 11, 30, 10), at(2026, 12, 1, 10)
    assert cal.working_time_between(paused_from, paused_until) == timedelta(hours=8)
    assert cal.working_time_between(paused_until, paused_from) == timedelta(0)
    due = at(2026, 12, 3, 17)
    assert cal.shift_due(due, paused_from, paused_until) == at(2026, 12, 4, 17)


def test_pause_over_weekend_costs_nothing_extra(cal: WorkCalendar) -> None:
    due = at(2026, 12, 3, 17)
    assert cal.shift_due(due, at(2026, 12, 4, 17), at(2026, 12, 7, 7)) == due


def test_naive_datetime_refused(cal: WorkCalendar) -> None:
    with pytest.raises(NaiveDatetimeError):
        cal.due_in_working_days(datetime(2026, 11, 30, 10), 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekday_sessions": ((time(12), time(11)),)},
        {"weekday_sessions": ((time(7), time(12)), (time(11), time(17)))},
        {"weekday_sessions": ()},
    ],
)
def test_bad_config_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(CalendarError):
        CalendarConfig(**kwargs)  # type: ignore[arg-type]


def test_negative_periods_refused(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError):
        cal.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(CalendarError):
        cal.add_working_time(at(2026, 1, 5, 9), timedelta(hours=-1))


# ----- properties ---------------------------------------------------------------------
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(VN)
)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
calendars = st.builds(
    lambda off, sat: WorkCalendar(
        CalendarConfig(
            extra_days_off=frozenset(off), saturday_sessions=SATURDAY_MORNING if sat else ()
        )
    ),
    st.sets(days, max_size=20),
    st.booleans(),
)


def _at_session_end(cal: WorkCalendar, moment: datetime) -> bool:
    local = moment.astimezone(VN)
    clock = local.time()
    return any(end == clock for _, end in cal.sessions_on(local.date()))


@settings(max_examples=150, deadline=None)
@given(calendars, moments, st.integers(0, 40))
def test_due_is_always_closing_time_of_a_working_day(
    cal: WorkCalendar, received: datetime, n: int
) -> None:
    due = cal.due_in_working_days(received, n)
    local = due.astimezone(VN)
    assert cal.is_working_day(local.date())
    assert not cal.is_public_holiday(local.date())
    assert local.date() not in cal.config.extra_days_off
    assert _at_session_end(cal, due)
    assert due > received


@settings(max_examples=150, deadline=None)
@given(calendars, days, st.integers(0, 30), st.integers(0, 30))
def test_adding_n_then_m_days_equals_n_plus_m(cal: WorkCalendar, day: date, n: int, m: int) -> None:
    assert cal.add_working_days(cal.add_working_days(day, n), m) == cal.add_working_days(day, n + m)


@settings(max_examples=150, deadline=None)
@given(calendars, moments, st.integers(0, 30), st.integers(0, 30))
def test_due_extends_by_m_days(cal: WorkCalendar, received: datetime, n: int, m: int) -> None:
    first = cal.due_in_working_days(received, n)
    extended = cal.end_of_office_day(cal.add_working_days(first.astimezone(VN).date(), m))
    assert extended == cal.due_in_working_days(received, n + m)


@settings(max_examples=150, deadline=None)
@given(calendars, moments, moments, st.integers(0, 20), st.integers(0, 20))
def test_due_is_monotonic(cal: WorkCalendar, a: datetime, b: datetime, n: int, m: int) -> None:
    early, late = sorted((a, b))
    assert cal.due_in_working_days(early, n) <= cal.due_in_working_days(late, n)
    small, big = sorted((n, m))
    assert cal.due_in_working_days(a, small) <= cal.due_in_working_days(a, big)


@settings(max_examples=150, deadline=None)
@given(calendars, moments, st.integers(0, 60 * 40), st.integers(0, 60 * 40))
def test_working_time_adds_up(cal: WorkCalendar, start: datetime, x: int, y: int) -> None:
    dx, dy = timedelta(minutes=x), timedelta(minutes=y)
    mid = cal.add_working_time(start, dx)
    assert cal.add_working_time(mid, dy) == cal.add_working_time(start, dx + dy)
    assert cal.working_time_between(start, mid) == dx
    if x:
        assert cal.is_working_time(mid) or _at_session_end(cal, mid)


@settings(max_examples=100, deadline=None)
@given(calendars, moments, st.integers(1, 16))
def test_hour_deadline_inside_office_hours(
    cal: WorkCalendar, received: datetime, hours: int
) -> None:
    due = cal.due_in_working_hours(received, hours)
    assert cal.is_working_time(due) or _at_session_end(cal, due)
    assert cal.is_working_day(due.astimezone(VN).date())
