"""DOMAIN §4, case by case, over 2024–2027 (holidays.VN + the demo's make-up days)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar.deadlines import (
    TZ,
    DeadlineOutOfRange,
    WorkCalendar,
    clock_start,
    due_at,
    extend_due,
    is_working_day,
    next_working_day,
    working_time_between,
)
from motcua.calendar.sources import base_calendar, public_holiday_dates
from motcua.calendar.tests.conftest import local

H15 = dt.time(15, 0)

# --- is_working_day --------------------------------------------------------------------------

WORKING_DAY_CASES = [
    # New Year
    ("2024-01-01", False),
    ("2025-01-01", False),
    ("2026-01-01", False),
    ("2026-01-02", False),  # swapped day off (override, 12729/VPCP-KGVX)
    ("2026-01-10", True),  # its make-up Saturday (override)
    ("2027-01-01", False),
    # Tết
    ("2024-02-07", True),
    ("2024-02-08", False),
    ("2024-02-14", False),
    ("2024-02-15", True),
    ("2025-01-24", True),
    ("2025-01-27", False),
    ("2025-01-31", False),
    ("2025-02-03", True),
    ("2026-02-13", True),
    ("2026-02-16", False),
    ("2026-02-20", False),
    ("2026-02-23", True),
    ("2027-02-03", True),
    ("2027-02-04", False),
    ("2027-02-10", False),
    ("2027-02-11", True),
    # Hùng Kings (10/3 lunar)
    ("2024-04-18", False),
    ("2025-04-07", False),
    ("2026-04-27", False),  # Sunday 26/4 → compensatory Monday
    ("2027-04-16", False),
    # 30/4 – 1/5
    ("2024-04-29", False),  # swapped for Saturday 4/5
    ("2024-04-30", False),
    ("2024-05-01", False),
    ("2024-05-04", True),  # make-up Saturday (override)
    ("2025-04-26", True),  # make-up Saturday (override)
    ("2025-04-30", False),
    ("2025-05-01", False),
    ("2025-05-02", False),  # swapped for Saturday 26/4
    ("2026-04-30", False),
    ("2026-05-01", False),
    ("2027-04-30", False),
    ("2027-05-03", False),  # Saturday 1/5 → compensatory Monday
    # 2/9 and the adjacent day
    ("2024-09-02", False),
    ("2024-09-03", False),
    ("2025-09-01", False),
    ("2025-09-02", False),
    ("2026-08-22", True),  # make-up Saturday (override)
    ("2026-08-31", False),
    ("2026-09-01", False),
    ("2026-09-02", False),
    ("2026-09-03", True),
    ("2027-09-02", False),
    ("2027-09-03", False),
    # 24/11, Vietnamese Culture Day, from 2026 only
    ("2025-11-24", True),
    ("2026-11-24", False),
    ("2027-11-24", False),
    # plain weekends
    ("2026-03-14", False),
    ("2026-03-15", False),
    ("2026-03-16", True),
]


@pytest.mark.parametrize(("day", "expected"), WORKING_DAY_CASES)
def test_is_working_day(cal: WorkCalendar, day: str, expected: bool) -> None:
    assert is_working_day(cal, dt.date.fromisoformat(day)) is expected


def test_without_overrides_the_make_up_saturdays_are_not_worked() -> None:
    plain = base_calendar()
    assert not is_working_day(plain, dt.date(2026, 8, 22))
    assert not is_working_day(plain, dt.date(2026, 8, 31))  # holidays.VN knows the day off
    assert is_working_day(plain, dt.date(2026, 1, 2))  # ... but not this one


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-08-28", "2026-09-03"),
        ("2025-12-31", "2026-01-05"),
        ("2026-01-09", "2026-01-10"),
        ("2027-02-03", "2027-02-11"),
        ("2026-03-13", "2026-03-16"),
        ("2026-03-14", "2026-03-16"),
    ],
)
def test_next_working_day(cal: WorkCalendar, day: str, expected: str) -> None:
    assert next_working_day(cal, dt.date.fromisoformat(day)) == dt.date.fromisoformat(expected)


# --- clock_start -----------------------------------------------------------------------------

CLOCK_START_CASES = [
    # (received, cutoff, expected clock start) — Monday 9/3/2026 is an ordinary working day
    ("2026-03-09 06:59", None, "2026-03-09 07:00"),
    ("2026-03-09 07:00", None, "2026-03-09 07:00"),
    ("2026-03-09 10:00", None, "2026-03-09 10:00"),
    ("2026-03-09 11:29:59", None, "2026-03-09 11:29:59"),
    ("2026-03-09 11:30", None, "2026-03-09 13:30"),  # exactly 11:30 → 13:30
    ("2026-03-09 12:15", None, "2026-03-09 13:30"),  # lunch → 13:30
    ("2026-03-09 13:30", None, "2026-03-09 13:30"),
    ("2026-03-09 16:59:59", None, "2026-03-09 16:59:59"),
    ("2026-03-09 17:00", None, "2026-03-10 07:00"),  # exactly 17:00 → next working day 07:00
    ("2026-03-09 22:00", None, "2026-03-10 07:00"),
    ("2026-03-09 23:59:59.999999", None, "2026-03-10 07:00"),
    ("2026-03-13 17:00", None, "2026-03-16 07:00"),  # Friday evening → Monday
    ("2026-03-14 10:00", None, "2026-03-16 07:00"),  # Saturday → Monday
    ("2026-04-30 09:00", None, "2026-05-04 07:00"),  # holiday → next working day
    ("2027-02-05 10:00", None, "2027-02-11 07:00"),  # Tết 2027 (4–10/2)
    ("2026-08-22 09:00", None, "2026-08-22 09:00"),  # make-up Saturday is worked
    ("2026-01-02 09:00", None, "2026-01-05 07:00"),  # swapped day off
    # cut-off: a receipt at or after it starts the clock at 07:00 of the next working day
    ("2026-03-09 14:59", H15, "2026-03-09 14:59"),
    ("2026-03-09 15:00", H15, "2026-03-10 07:00"),
    ("2026-03-09 15:30", H15, "2026-03-10 07:00"),
    ("2026-03-09 06:00", H15, "2026-03-09 07:00"),
    ("2026-03-09 12:00", H15, "2026-03-09 13:30"),
    ("2026-03-13 15:30", H15, "2026-03-16 07:00"),
    ("2026-03-14 10:00", H15, "2026-03-16 07:00"),
    ("2026-08-21 15:30", H15, "2026-08-22 07:00"),  # next working day is the make-up Saturday
    ("2026-03-09 11:00", dt.time(11, 0), "2026-03-10 07:00"),
]


@pytest.mark.parametrize(("received", "cutoff", "expected"), CLOCK_START_CASES)
def test_clock_start(
    cal: WorkCalendar, received: str, cutoff: dt.time | None, expected: str
) -> None:
    result = clock_start(cal, local(received), cutoff)
    assert result == local(expected)
    assert result.tzinfo == TZ


def test_clock_start_accepts_any_zone_and_answers_in_local_time(cal: WorkCalendar) -> None:
    received = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)  # 17:00 in Hồ Chí Minh City
    result = clock_start(cal, received)
    assert result == local("2026-03-10 07:00")
    assert result.utcoffset() == dt.timedelta(hours=7)
    assert result.tzinfo == TZ


def test_clock_start_refuses_naive_datetimes(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock_start(cal, dt.datetime(2026, 3, 9, 10, 0))


# --- due_at ----------------------------------------------------------------------------------

DUE_CASES = [
    # (start, amount, unit, expected due)
    # the worked examples of DOMAIN §4
    ("2026-03-09 10:00", 1, "working_days", "2026-03-10 10:00"),  # Mon 10:00 + 1 → Tue 10:00
    ("2026-03-11 07:00", 1, "working_days", "2026-03-11 17:00"),  # Wed 07:00 + 1 → Wed 17:00
    ("2026-03-11 07:00", 2, "working_days", "2026-03-12 17:00"),
    ("2026-03-09 07:00", 4, "working_hours", "2026-03-09 11:00"),
    ("2026-03-09 09:30", 2, "working_hours", "2026-03-09 11:30"),  # uses up the morning
    ("2026-03-09 07:00", 5, "working_hours", "2026-03-09 14:00"),
    ("2026-03-09 16:00", 1, "working_hours", "2026-03-09 17:00"),  # uses up the day
    ("2026-03-09 16:00", 2, "working_hours", "2026-03-10 08:00"),
    ("2026-03-09 07:00", 8, "working_hours", "2026-03-09 17:00"),
    ("2026-03-09 07:00", 9, "working_hours", "2026-03-10 08:00"),
    ("2026-03-09 10:00", 40, "working_hours", "2026-03-16 10:00"),
    ("2026-03-09 10:00", 5, "working_days", "2026-03-16 10:00"),
    # a start that is not a working instant is normalised like a receipt (no cut-off)
    ("2026-03-09 12:00", 1, "working_days", "2026-03-10 11:30"),  # 13:30 + 8 h uses up Tue a.m.
    ("2026-03-09 11:30", 1, "working_hours", "2026-03-09 14:30"),
    ("2026-03-09 17:00", 1, "working_days", "2026-03-10 17:00"),
    ("2026-03-14 10:00", 1, "working_days", "2026-03-16 17:00"),
    ("2026-03-09 05:00", 1, "working_hours", "2026-03-09 08:00"),
    # amount 0: the clock start
    ("2026-03-09 10:00", 0, "working_days", "2026-03-09 10:00"),
    ("2026-03-09 12:00", 0, "working_hours", "2026-03-09 13:30"),
    ("2026-03-09 17:00", 0, "working_days", "2026-03-10 07:00"),
    ("2026-03-14 10:00", 0, "calendar_days", "2026-03-16 07:00"),
    # Tết
    ("2024-02-07 10:00", 1, "working_days", "2024-02-15 10:00"),
    ("2025-01-24 16:00", 1, "working_days", "2025-02-03 16:00"),
    ("2026-02-13 09:00", 2, "working_days", "2026-02-24 09:00"),
    ("2027-02-03 17:00", 1, "working_days", "2027-02-11 17:00"),
    ("2027-02-05 10:00", 5, "working_days", "2027-02-17 17:00"),  # received on a Tết day
    # Hùng Kings
    ("2024-04-17 08:00", 1, "working_days", "2024-04-19 08:00"),
    ("2025-04-04 14:00", 1, "working_days", "2025-04-08 14:00"),
    ("2026-04-24 07:00", 2, "working_days", "2026-04-28 17:00"),
    ("2027-04-15 10:00", 1, "working_days", "2027-04-19 10:00"),
    # 30/4 – 1/5, with the make-up Saturdays
    ("2024-04-26 10:00", 2, "working_days", "2024-05-03 10:00"),
    ("2024-05-03 10:00", 1, "working_days", "2024-05-04 10:00"),
    ("2025-04-25 10:00", 1, "working_days", "2025-04-26 10:00"),
    ("2025-04-29 10:00", 1, "working_days", "2025-05-05 10:00"),
    ("2026-04-29 10:00", 1, "working_days", "2026-05-04 10:00"),
    ("2027-04-29 10:00", 1, "working_days", "2027-05-04 10:00"),
    # 2/9 and the adjacent day
    ("2024-08-30 10:00", 1, "working_days", "2024-09-04 10:00"),
    ("2025-08-29 10:00", 1, "working_days", "2025-09-03 10:00"),
    ("2026-08-21 10:00", 1, "working_days", "2026-08-22 10:00"),  # make-up Saturday
    ("2026-08-28 10:00", 1, "working_days", "2026-09-03 10:00"),
    ("2027-09-01 10:00", 1, "working_days", "2027-09-06 10:00"),
    # 24/11 from 2026, not in 2025
    ("2025-11-21 10:00", 1, "working_days", "2025-11-24 10:00"),
    ("2026-11-23 10:00", 1, "working_days", "2026-11-25 10:00"),
    ("2027-11-23 10:00", 1, "working_days", "2027-11-25 10:00"),
    # New Year 2026 with its swap
    ("2025-12-31 10:00", 1, "working_days", "2026-01-05 10:00"),
    ("2026-01-09 10:00", 1, "working_days", "2026-01-10 10:00"),
    # calendar days: N days later, moved to the next working day at the same time
    ("2026-03-09 10:00", 4, "calendar_days", "2026-03-13 10:00"),
    ("2026-03-09 10:00", 5, "calendar_days", "2026-03-16 10:00"),  # Saturday → Monday
    ("2026-04-28 14:00", 2, "calendar_days", "2026-05-04 14:00"),  # lands on 30/4
    ("2026-04-27 10:00", 2, "calendar_days", "2026-05-04 07:00"),  # clock starts Tue 07:00
    ("2026-08-17 09:00", 5, "calendar_days", "2026-08-22 09:00"),  # make-up Saturday
    ("2027-02-01 10:00", 3, "calendar_days", "2027-02-11 10:00"),  # lands in Tết
    ("2026-11-17 10:00", 7, "calendar_days", "2026-11-25 10:00"),  # lands on 24/11
    ("2026-03-09 17:00", 1, "calendar_days", "2026-03-11 07:00"),
    ("2026-03-09 12:00", 1, "calendar_days", "2026-03-10 13:30"),
    ("2026-03-09 10:00", 30, "calendar_days", "2026-04-08 10:00"),
]


@pytest.mark.parametrize(("start", "amount", "unit", "expected"), DUE_CASES)
def test_due_at(cal: WorkCalendar, start: str, amount: int, unit: str, expected: str) -> None:
    result = due_at(cal, local(start), amount, unit)
    assert result == local(expected)
    assert result.tzinfo == TZ


def test_cutoff_then_one_working_day_is_the_end_of_the_next_working_day(
    cal: WorkCalendar,
) -> None:
    # given a dossier received after the 15:00 cut-off on Wednesday
    started = clock_start(cal, local("2026-03-11 15:30"), H15)
    # when it is due in 1 working day
    due = due_at(cal, started, 1, "working_days")
    # then it is "returned on the next working day": Thursday at closing time
    assert started == local("2026-03-12 07:00")
    assert due == local("2026-03-12 17:00")


def test_due_at_in_another_zone(cal: WorkCalendar) -> None:
    start = dt.datetime(2026, 3, 9, 3, 0, tzinfo=dt.UTC)  # 10:00 local
    due = due_at(cal, start, 1, "working_days")
    assert due.isoformat() == "2026-03-10T10:00:00+07:00"


def test_due_at_with_custom_working_hours() -> None:
    half_days = WorkCalendar(
        holidays=public_holiday_dates(), periods=((dt.time(8, 0), dt.time(12, 0)),)
    )
    assert half_days.working_day_length == dt.timedelta(hours=4)
    assert due_at(half_days, local("2026-03-09 08:00"), 1, "working_days") == local(
        "2026-03-09 12:00"
    )
    assert due_at(half_days, local("2026-03-09 13:00"), 1, "working_days") == local(
        "2026-03-10 12:00"
    )
    shifted = WorkCalendar(
        periods=((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0)))
    )
    assert clock_start(shifted, local("2026-03-09 07:00")) == local("2026-03-09 07:30")
    assert clock_start(shifted, local("2026-03-09 11:30")) == local("2026-03-09 13:00")
    assert due_at(shifted, local("2026-03-09 07:30"), 1, "working_days") == local(
        "2026-03-09 17:00"
    )


@pytest.mark.parametrize(
    ("amount", "unit", "error"),
    [
        (-1, "working_days", ValueError),
        (1, "weeks", ValueError),
        (1.5, "working_days", TypeError),
        (True, "working_days", TypeError),
    ],
)
def test_due_at_rejects_bad_arguments(
    cal: WorkCalendar, amount: object, unit: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        due_at(cal, local("2026-03-09 10:00"), amount, unit)  # type: ignore[arg-type]


def test_due_at_past_the_supported_years_is_an_error(cal: WorkCalendar) -> None:
    with pytest.raises(DeadlineOutOfRange):
        due_at(cal, local("2299-12-01 10:00"), 100, "working_days")
    with pytest.raises(DeadlineOutOfRange):
        due_at(cal, local("2026-03-09 10:00"), 10**9, "working_days")
    with pytest.raises(DeadlineOutOfRange):
        due_at(cal, local("2026-03-09 10:00"), 10**9, "calendar_days")


# --- working_time_between and extend_due -----------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        ("2026-03-09 10:00", "2026-03-09 15:00", 3),
        ("2026-03-09 11:30", "2026-03-09 13:30", 0),
        ("2026-03-09 17:00", "2026-03-10 07:00", 0),
        ("2026-03-14 08:00", "2026-03-15 16:00", 0),
        ("2026-03-09 07:00", "2026-03-16 07:00", 40),
        ("2026-08-21 16:00", "2026-08-24 08:00", 10),  # make-up Saturday counts
        ("2026-08-28 16:00", "2026-09-03 08:00", 2),  # 31/8 – 2/9 off
        ("2026-03-09 15:00", "2026-03-09 10:00", -3),
    ],
)
def test_working_time_between(cal: WorkCalendar, a: str, b: str, hours: int) -> None:
    assert working_time_between(cal, local(a), local(b)) == dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("due", "paused", "expected"),
    [
        ("2026-03-11 17:00", dt.timedelta(0), "2026-03-11 17:00"),
        ("2026-03-11 17:00", dt.timedelta(hours=1), "2026-03-12 08:00"),
        ("2026-03-11 10:00", dt.timedelta(hours=8), "2026-03-12 10:00"),
        ("2026-03-11 11:00", dt.timedelta(minutes=30), "2026-03-11 11:30"),
        ("2026-03-11 11:00", dt.timedelta(minutes=31), "2026-03-11 13:31"),
        ("2026-08-28 16:00", dt.timedelta(hours=2), "2026-09-03 08:00"),
        ("2026-03-14 10:00", dt.timedelta(hours=1), "2026-03-16 08:00"),
    ],
)
def test_extend_due(cal: WorkCalendar, due: str, paused: dt.timedelta, expected: str) -> None:
    assert extend_due(cal, local(due), paused) == local(expected)


def test_extend_due_by_a_pause_keeps_the_working_time_left(cal: WorkCalendar) -> None:
    # given a dossier due Thursday 10:00, paused for a supplement Tuesday 16:00 → Friday 09:00
    due = local("2026-03-12 10:00")
    pause, resume = local("2026-03-10 16:00"), local("2026-03-13 09:00")
    left = working_time_between(cal, pause, due)
    # when the paused working time is added
    new_due = extend_due(cal, due, working_time_between(cal, pause, resume))
    # then the same working time is left after resuming
    assert working_time_between(cal, resume, new_due) == left
    assert new_due == local("2026-03-16 15:00")  # 19 working hours after Thursday 10:00


def test_extend_due_rejects_a_negative_pause(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        extend_due(cal, local("2026-03-11 10:00"), dt.timedelta(hours=-1))


# --- the value itself ------------------------------------------------------------------------


def test_work_calendar_is_an_immutable_hashable_value() -> None:
    a = WorkCalendar(holidays={dt.date(2026, 1, 1)})  # type: ignore[arg-type]
    b = WorkCalendar(holidays=frozenset({dt.date(2026, 1, 1)}))
    assert a == b
    assert hash(a) == hash(b)
    assert {a: 1}[b] == 1
    assert isinstance(a.holidays, frozenset)
    due_at(a, local("2026-03-09 10:00"), 1, "working_days")  # builds a's index ...
    assert a == b  # ... which is not part of the value
    with pytest.raises(AttributeError):
        a.periods = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"holidays": frozenset({dt.date(2026, 8, 22)}), "working_weekends": {dt.date(2026, 8, 22)}},
        {"periods": ()},
        {"periods": ((dt.time(11), dt.time(7)),)},
        {"periods": ((dt.time(7), dt.time(12)), (dt.time(11), dt.time(17)))},
    ],
)
def test_work_calendar_rejects_inconsistent_definitions(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar(**kwargs)  # type: ignore[arg-type]
