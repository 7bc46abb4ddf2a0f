"""Properties of the deadline arithmetic, checked by hypothesis against a plain day-by-day
reference implementation of DOMAIN §4."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.deadlines import (
    TZ,
    WorkCalendar,
    clock_start,
    due_at,
    extend_due,
    is_working_day,
    working_time_between,
)
from motcua.calendar.tests.conftest import VN_CALENDAR as CAL

ONE_DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
ZONES = [
    TZ,
    dt.UTC,
    dt.timezone(dt.timedelta(hours=9)),
    dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
    ZoneInfo("Europe/Paris"),
]
EDGES = [
    dt.time(0, 0),
    dt.time(6, 59, 59, 999999),
    dt.time(7, 0),
    dt.time(11, 29, 59, 999999),
    dt.time(11, 30),
    dt.time(13, 29, 59),
    dt.time(13, 30),
    dt.time(15, 0),
    dt.time(16, 59, 59, 999999),
    dt.time(17, 0),
    dt.time(23, 59),
]

any_instant = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 12, 31, 23, 59),
    timezones=st.sampled_from(ZONES),
)
edge_instant = st.builds(
    lambda day, t: dt.datetime.combine(day, t, tzinfo=TZ),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)),
    st.sampled_from(EDGES),
)
instants = st.one_of(any_instant, edge_instant)
working_units = st.sampled_from(["working_hours", "working_days"])
units = st.sampled_from(["working_hours", "working_days", "calendar_days"])
amounts = st.integers(min_value=0, max_value=60)
PROPERTY = settings(max_examples=300, deadline=None)


# --- a deliberately naive reference ----------------------------------------------------------


def _working(cal: WorkCalendar, day: dt.date) -> bool:
    return day in cal.working_weekends or (day.weekday() < 5 and day not in cal.holidays)


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=TZ)


def ref_clock_start(cal: WorkCalendar, t: dt.datetime) -> dt.datetime:
    t = t.astimezone(TZ)
    day, tod = t.date(), t.timetz().replace(tzinfo=None)
    while True:
        if _working(cal, day):
            for start, end in cal.periods:
                if tod < start:
                    return _at(day, start)
                if tod < end:
                    return _at(day, tod)
        day, tod = day + ONE_DAY, dt.time(0)


def ref_add(cal: WorkCalendar, t: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """Walk the working periods one by one until `delta` (> 0) is used up."""
    day, tod = t.date(), t.timetz().replace(tzinfo=None)
    while True:
        if _working(cal, day):
            for start, end in cal.periods:
                if tod >= end:
                    continue
                begin = _at(day, max(tod, start))
                available = _at(day, end) - begin
                if delta <= available:
                    return begin + delta
                delta -= available
        day, tod = day + ONE_DAY, dt.time(0)


def unit_length(unit: str) -> dt.timedelta:
    return HOUR if unit == "working_hours" else CAL.working_day_length


def in_working_time(cal: WorkCalendar, t: dt.datetime, *, closed: bool) -> bool:
    local = t.astimezone(TZ)
    tod = local.timetz().replace(tzinfo=None)
    if not is_working_day(cal, local.date()):
        return False
    if closed:
        return any(start <= tod <= end for start, end in cal.periods)
    return any(start <= tod < end for start, end in cal.periods)


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(instants, st.sampled_from([None, dt.time(15, 0), dt.time(11, 0)]))
def test_clock_start_is_the_first_working_instant(t: dt.datetime, cutoff: dt.time | None) -> None:
    started = clock_start(CAL, t, cutoff)
    assert started >= t
    assert started.tzinfo == TZ
    assert in_working_time(CAL, started, closed=False)
    assert clock_start(CAL, started) == started
    if cutoff is None:
        assert started == ref_clock_start(CAL, t)


@PROPERTY
@given(instants, amounts, working_units)
def test_due_at_matches_the_reference_and_never_falls_in_non_working_time(
    t: dt.datetime, amount: int, unit: str
) -> None:
    due = due_at(CAL, t, amount, unit)
    started = ref_clock_start(CAL, t)
    expected = started if amount == 0 else ref_add(CAL, started, amount * unit_length(unit))
    assert due == expected
    assert due.tzinfo == TZ
    # a due time is inside a working period, or at the end of one it used up
    assert in_working_time(CAL, due, closed=True)
    assert working_time_between(CAL, started, due) == amount * unit_length(unit)


@PROPERTY
@given(instants, st.integers(min_value=0, max_value=400))
def test_calendar_days_land_on_the_first_working_day_at_the_same_time(
    t: dt.datetime, amount: int
) -> None:
    due = due_at(CAL, t, amount, "calendar_days")
    started = clock_start(CAL, t)
    assert in_working_time(CAL, due, closed=False)
    assert due.timetz() == started.timetz()  # clock starts are always inside working hours
    day = started.date() + amount * ONE_DAY
    while not _working(CAL, day):
        day += ONE_DAY
    assert due.date() == day


@PROPERTY
@given(instants, amounts, st.integers(min_value=1, max_value=60), working_units)
def test_adding_a_then_b_equals_adding_a_plus_b(t: dt.datetime, a: int, b: int, unit: str) -> None:
    first = due_at(CAL, t, a, unit)
    assert due_at(CAL, first, b, unit) == due_at(CAL, t, a + b, unit)
    assert extend_due(CAL, first, b * unit_length(unit)) == due_at(CAL, t, a + b, unit)
    assert extend_due(CAL, first, dt.timedelta(0)) == first


@PROPERTY
@given(instants, instants, amounts, working_units)
def test_monotonic_in_start(t1: dt.datetime, t2: dt.datetime, amount: int, unit: str) -> None:
    early, late = sorted((t1, t2))
    assert due_at(CAL, early, amount, unit) <= due_at(CAL, late, amount, unit)


@PROPERTY
@given(instants, instants, amounts)
def test_calendar_days_are_monotonic_in_start_by_date(
    t1: dt.datetime, t2: dt.datetime, amount: int
) -> None:
    early, late = sorted((t1, t2))
    early_due = due_at(CAL, early, amount, "calendar_days")
    late_due = due_at(CAL, late, amount, "calendar_days")
    assert early_due.date() <= late_due.date()


@PROPERTY
@given(instants, amounts, amounts, units)
def test_monotonic_in_amount(t: dt.datetime, a: int, b: int, unit: str) -> None:
    small, large = sorted((a, b))
    assert due_at(CAL, t, small, unit) <= due_at(CAL, t, large, unit)


@PROPERTY
@given(
    instants,
    st.integers(min_value=1, max_value=30),
    st.floats(min_value=0, max_value=1),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=40)),
)
def test_a_pause_added_with_extend_due_keeps_the_working_time_left(
    t: dt.datetime, days: int, where: float, length: dt.timedelta
) -> None:
    # given a dossier with its due time, paused somewhere before it and resumed later
    started = clock_start(CAL, t)
    due = due_at(CAL, started, days, "working_days")
    pause = started + (due - started) * where
    resume = pause + length
    left = working_time_between(CAL, pause, due)
    # when the paused working time is added to the due time
    paused = working_time_between(CAL, pause, resume)
    new_due = extend_due(CAL, due, paused)
    # then the working time left after resuming is what was left at the pause
    assert working_time_between(CAL, resume, new_due) == left
    assert working_time_between(CAL, due, new_due) == paused
    assert new_due >= due


@PROPERTY
@given(instants, instants, instants)
def test_working_time_between_is_additive_and_antisymmetric(
    a: dt.datetime, b: dt.datetime, c: dt.datetime
) -> None:
    ab = working_time_between(CAL, a, b)
    assert ab == -working_time_between(CAL, b, a)
    assert ab + working_time_between(CAL, b, c) == working_time_between(CAL, a, c)
    if a <= b:
        assert dt.timedelta(0) <= ab <= b - a
