"""Deadline arithmetic over a working calendar (DOMAIN §4): pure functions, no database, no I/O.

Every function takes an immutable `WorkCalendar` and tz-aware datetimes (any zone) and returns
datetimes in Asia/Ho_Chi_Minh. Naive datetimes are refused: a deadline computed from an
ambiguous instant is a silent bug.

The rules, exactly as DOMAIN §4 states them:

- A day is a working day when it is Monday–Friday and not in `holidays`, or when it is in
  `working_weekends` (an official make-up working Saturday/Sunday).
- Working periods are half-open for a clock start: [07:00, 11:30) and [13:30, 17:00) by default.
  `clock_start` of a receipt inside a period is the receipt itself; before the first period of a
  working day, the first period's start; at or after a period's end (exactly 11:30, lunch) the
  next period's start (13:30); at or after the last end (exactly 17:00, evening) or on a
  non-working day, 07:00 of the next working day.
- Cut-off (a procedure's reception closing hour, e.g. 15:00): a receipt on a working day at or
  after the cut-off starts the clock at 07:00 of the next working day. "At or after", like the end
  of a working period: exactly 15:00 is already "after the cut-off" (a half-open day [.., 15:00)).
- `due_at` for working hours / working days adds N hours, or N × (the calendar's daily working
  time, 8 h by default), of working time to the clock start, skipping non-working time. The due
  time is the *earliest* instant at which that much working time has elapsed, so a due time that
  uses up a working period exactly stays at its end: Wednesday 07:00 + 1 working day = Wednesday
  17:00 (not Thursday 07:00); Monday 10:00 + 1 working day = Tuesday 10:00.
- `due_at` for calendar days adds N days to the clock start (same time of day); if that day is
  not a working day, the due time moves to the next working day at the same time, or at the first
  period's start (07:00) if that time is not inside working hours.
- `start` that is not itself a working instant is normalised first, by the same rules as
  `clock_start` without a cut-off (so `due_at(cal, s, n, u) == due_at(cal, clock_start(cal, s),
  n, u)`). With amount 0 the result is that clock start. Pass `clock_start(cal, received_at,
  cutoff)` as `start` when a procedure has a cut-off.

Consequences worth knowing (and tested as properties):
- Working units are additive: for a ≥ 0 and b ≥ 1, due_at(due_at(s, a), b) == due_at(s, a + b),
  and extend_due(due_at(s, a), b) == due_at(s, a + b) for any b ≥ 0.
- Working units are monotonic in start and in amount. Calendar days are monotonic in amount,
  and in start by calendar *date* only: two starts whose "+N days" both land on the same
  weekend move to the same Monday, each keeping its own time of day.

Years outside MIN_YEAR..MAX_YEAR raise DeadlineOutOfRange (a ValueError). Performance: each
calendar lazily builds a sorted list of working-day ordinals over whole years (grown on demand,
shared by all threads) and every computation is a bisect plus index arithmetic on integer
microseconds: no loop over days.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_PERIODS",
    "MAX_YEAR",
    "MIN_YEAR",
    "TZ",
    "UNITS",
    "DeadlineOutOfRange",
    "Period",
    "Unit",
    "WorkCalendar",
    "clock_start",
    "due_at",
    "extend_due",
    "is_working_day",
    "next_working_day",
    "working_time_between",
]

TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")

Unit = Literal["working_hours", "working_days", "calendar_days"]
UNITS: Final[tuple[str, ...]] = get_args(Unit)

Period = tuple[dt.time, dt.time]
DEFAULT_PERIODS: Final[tuple[Period, ...]] = (
    (dt.time(7, 0), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2299

_US: Final = 1_000_000
_MINUTE_US: Final = 60 * _US
_HOUR_US: Final = 60 * _MINUTE_US
_MIN_ORD: Final = dt.date(MIN_YEAR, 1, 1).toordinal()
_MAX_ORD: Final = dt.date(MAX_YEAR, 12, 31).toordinal()
_ONE_US: Final = dt.timedelta(microseconds=1)


class DeadlineOutOfRange(ValueError):
    """The computation would leave the supported years (MIN_YEAR..MAX_YEAR)."""


def _time_us(t: dt.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US + t.microsecond


class _DayIndex:
    """Sorted ordinals of the working days over a range of whole years, built lazily.

    The snapshot `(lo, hi, days)` covers ordinals lo <= o < hi and is replaced as one object when
    the range grows, so readers take no lock: each computation reads one snapshot and all the
    indices it uses refer to that snapshot.
    """

    __slots__ = ("lock", "snapshot")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot: tuple[int, int, list[int]] = (0, 0, [])


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working calendar: hashable, comparable by value, safe to share and cache.

    holidays: days off although they may be Monday–Friday (public holidays, compensatory days,
        swapped days off). Weekend dates may appear here; they change nothing.
    working_weekends: days worked although they fall on a weekend (make-up working days). A
        date may not be in both sets.
    periods: the daily working periods, sorted and non-overlapping, as naive local times.
    """

    holidays: frozenset[dt.date] = frozenset()
    working_weekends: frozenset[dt.date] = frozenset()
    periods: tuple[Period, ...] = DEFAULT_PERIODS

    # Derived values (not part of the calendar's identity).
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _cum: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _holiday_ords: frozenset[int] = field(init=False, repr=False, compare=False)
    _weekend_ords: frozenset[int] = field(init=False, repr=False, compare=False)
    _index: _DayIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        holidays = frozenset(self.holidays)
        working_weekends = frozenset(self.working_weekends)
        periods = tuple((start, end) for start, end in self.periods)
        set_(self, "holidays", holidays)
        set_(self, "working_weekends", working_weekends)
        set_(self, "periods", periods)
        both = holidays & working_weekends
        if both:
            first = min(both).isoformat()
            raise ValueError(f"{first} cannot be both a holiday and a working weekend day")
        if not periods:
            raise ValueError("a working calendar needs at least one working period")
        starts: list[int] = []
        ends: list[int] = []
        cum: list[int] = []
        total = 0
        previous_end = -1
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods are naive local times")
            s, e = _time_us(start), _time_us(end)
            if not s < e:
                raise ValueError(f"working period {start}–{end} is empty")
            if s < previous_end:
                raise ValueError("working periods must be sorted and must not overlap")
            starts.append(s)
            ends.append(e)
            cum.append(total)
            total += e - s
            previous_end = e
        set_(self, "_starts", tuple(starts))
        set_(self, "_ends", tuple(ends))
        set_(self, "_cum", tuple(cum))
        set_(self, "_day_us", total)
        set_(self, "_holiday_ords", frozenset(d.toordinal() for d in holidays))
        set_(self, "_weekend_ords", frozenset(d.toordinal() for d in working_weekends))
        set_(self, "_index", _DayIndex())

    @property
    def working_day_length(self) -> dt.timedelta:
        """The working time of one working day (8 h by default): the unit of `working_days`."""
        return dt.timedelta(microseconds=self._day_us)


# --- internals ------------------------------------------------------------------------------


def _is_working_ord(cal: WorkCalendar, o: int) -> bool:
    if o in cal._weekend_ords:
        return True
    # date.fromordinal(1) is a Monday, so (o - 1) % 7 is the weekday (0 = Monday).
    return (o - 1) % 7 < 5 and o not in cal._holiday_ords


def _local(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    try:
        local = value.astimezone(TZ)
    except OverflowError as exc:
        raise DeadlineOutOfRange(f"{name} is outside the supported years") from exc
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        raise DeadlineOutOfRange(f"{name} is outside {MIN_YEAR}–{MAX_YEAR}")
    return local


def _split(local: dt.datetime) -> tuple[int, int]:
    tod = ((local.hour * 60 + local.minute) * 60 + local.second) * _US + local.microsecond
    return local.toordinal(), tod


def _make(o: int, tod: int) -> dt.datetime:
    d = dt.date.fromordinal(o)
    h, rest = divmod(tod, _HOUR_US)
    m, rest = divmod(rest, _MINUTE_US)
    s, us = divmod(rest, _US)
    return dt.datetime(d.year, d.month, d.day, h, m, s, us, tzinfo=TZ)


def _ensure(cal: WorkCalendar, lo_ord: int, hi_ord: int) -> list[int]:
    """The working-day ordinals of a snapshot covering lo_ord..hi_ord (inclusive)."""
    index = cal._index
    lo, hi, days = index.snapshot
    if lo <= lo_ord and hi_ord < hi:
        return days
    if lo_ord < _MIN_ORD or hi_ord > _MAX_ORD:
        raise DeadlineOutOfRange(f"the computation leaves the years {MIN_YEAR}–{MAX_YEAR}")
    with index.lock:
        lo, hi, days = index.snapshot
        if lo <= lo_ord and hi_ord < hi:
            return days
        first_year = max(MIN_YEAR, dt.date.fromordinal(lo_ord).year - 1)
        last_year = min(MAX_YEAR, dt.date.fromordinal(hi_ord).year + 4)
        if hi > lo:  # grow, never shrink
            first_year = min(first_year, dt.date.fromordinal(lo).year)
            last_year = max(last_year, dt.date.fromordinal(hi - 1).year)
        new_lo = dt.date(first_year, 1, 1).toordinal()
        new_hi = dt.date(last_year, 12, 31).toordinal() + 1
        new_days = [o for o in range(new_lo, new_hi) if _is_working_ord(cal, o)]
        index.snapshot = (new_lo, new_hi, new_days)
        return new_days


def _first_working_from(cal: WorkCalendar, o: int) -> int:
    """The first working day on or after ordinal o."""
    if _is_working_ord(cal, o):
        return o
    reach = 370
    while True:
        hi = min(o + reach, _MAX_ORD)
        days = _ensure(cal, o, hi)
        i = bisect_left(days, o)
        if i < len(days):
            return days[i]
        if hi == _MAX_ORD:
            raise DeadlineOutOfRange("no working day before the end of the supported years")
        reach *= 4


def _is_working_tod(cal: WorkCalendar, tod: int) -> bool:
    return any(s <= tod < e for s, e in zip(cal._starts, cal._ends, strict=True))


def _clock_start(cal: WorkCalendar, o: int, tod: int, cutoff_us: int | None) -> tuple[int, int]:
    if _is_working_ord(cal, o) and (cutoff_us is None or tod < cutoff_us):
        for s, e in zip(cal._starts, cal._ends, strict=True):
            if tod < s:
                return o, s
            if tod < e:
                return o, tod
    return _first_working_from(cal, o + 1), cal._starts[0]


def _position(cal: WorkCalendar, days: list[int], o: int, tod: int) -> int:
    """Working µs from the snapshot's start to the instant (o, tod): monotonic in time."""
    i = bisect_left(days, o)
    base = i * cal._day_us
    if i == len(days) or days[i] != o:
        return base
    for s, e, c in zip(cal._starts, cal._ends, cal._cum, strict=True):
        if tod <= s:
            return base + c
        if tod < e:
            return base + c + tod - s
    return base + cal._day_us


def _advance(cal: WorkCalendar, o: int, tod: int, add_us: int) -> tuple[int, int]:
    """The earliest instant at which `add_us` (> 0) working µs have elapsed since (o, tod)."""
    day_us = cal._day_us
    reach = (add_us // day_us) * 2 + 40  # calendar days; grown if Tết-like gaps need more
    while True:
        hi = min(o + reach, _MAX_ORD)
        days = _ensure(cal, o, hi)
        k, rem = divmod(_position(cal, days, o, tod) + add_us - 1, day_us)
        if k < len(days):
            rem += 1  # 1 <= rem <= day_us: working µs needed on day k
            for s, c, e in zip(cal._starts, cal._cum, cal._ends, strict=True):
                if rem <= c + e - s:
                    return days[k], s + rem - c
        if hi == _MAX_ORD:
            raise DeadlineOutOfRange(f"the due time falls after {MAX_YEAR}")
        reach *= 2


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amount must be an int")
    if amount < 0:
        raise ValueError("amount must not be negative")


# --- the public functions -------------------------------------------------------------------


def is_working_day(cal: WorkCalendar, day: dt.date) -> bool:
    """True for Monday–Friday not in `holidays`, and for days in `working_weekends`.

    An aware datetime is taken as its local date in Asia/Ho_Chi_Minh.
    """
    if isinstance(day, dt.datetime):
        day = _local(day, "day").date()
    return _is_working_ord(cal, day.toordinal())


def next_working_day(cal: WorkCalendar, day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    if isinstance(day, dt.datetime):
        day = _local(day, "day").date()
    return dt.date.fromordinal(_first_working_from(cal, day.toordinal() + 1))


def clock_start(
    cal: WorkCalendar, received_at: dt.datetime, cutoff: dt.time | None = None
) -> dt.datetime:
    """When the clock of a dossier received at `received_at` starts (DOMAIN §4).

    Inside a working period → `received_at` itself; before the day's first period → its start;
    in a gap (exactly 11:30, lunch) → the next period's start (13:30); at/after the last period
    (exactly 17:00), on a non-working day, or on a working day at/after `cutoff` → the first
    period's start (07:00) of the next working day.
    """
    local = _local(received_at, "received_at")
    cutoff_us: int | None = None
    if cutoff is not None:
        if cutoff.tzinfo is not None:
            raise ValueError("cutoff is a naive local time")
        cutoff_us = _time_us(cutoff)
    o, tod = _split(local)
    new_o, new_tod = _clock_start(cal, o, tod, cutoff_us)
    if new_o == o and new_tod == tod:
        return local
    return _make(new_o, new_tod)


def due_at(cal: WorkCalendar, start: dt.datetime, amount: int, unit: Unit | str) -> dt.datetime:
    """The due time of `amount` `unit`s counted from `start` (see the module docstring).

    `start` is first normalised like `clock_start(cal, start)` (no cut-off); amount 0 returns
    that clock start. Raises ValueError for an unknown unit or a negative amount, TypeError for
    a non-int amount, DeadlineOutOfRange past MAX_YEAR.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}: expected one of {', '.join(UNITS)}")
    _check_amount(amount)
    o, tod = _clock_start(cal, *_split(_local(start, "start")), None)
    if unit == "calendar_days":
        target = o + amount
        if target > _MAX_ORD:
            raise DeadlineOutOfRange(f"the due time falls after {MAX_YEAR}")
        if not _is_working_ord(cal, target):
            target = _first_working_from(cal, target + 1)
            if not _is_working_tod(cal, tod):
                tod = cal._starts[0]
        return _make(target, tod)
    add_us = amount * (_HOUR_US if unit == "working_hours" else cal._day_us)
    if add_us == 0:
        return _make(o, tod)
    return _make(*_advance(cal, o, tod, add_us))


def working_time_between(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """The working time from `a` to `b` (negative when b is before a).

    Non-working time (nights, lunch, non-working days) counts zero, so for a pause from `a` to
    `b` this is the time to add to the due time with `extend_due`.
    """
    oa, ta = _split(_local(a, "a"))
    ob, tb = _split(_local(b, "b"))
    days = _ensure(cal, min(oa, ob), max(oa, ob))
    delta = _position(cal, days, ob, tb) - _position(cal, days, oa, ta)
    return dt.timedelta(microseconds=delta)


def extend_due(cal: WorkCalendar, due: dt.datetime, paused: dt.timedelta) -> dt.datetime:
    """`due` pushed back by `paused` working time (a clock pause: supplement, fees).

    paused == 0 returns `due` unchanged (in local time, even at a period's end such as 17:00);
    otherwise the earliest instant at which `paused` working time has elapsed after `due`, so
    extend_due(cal, due, working_time_between(cal, pause, resume)) keeps the working time left
    at the pause. Raises ValueError for a negative pause.
    """
    local = _local(due, "due")
    if not isinstance(paused, dt.timedelta):
        raise TypeError("paused must be a timedelta")
    paused_us = paused // _ONE_US
    if paused_us < 0:
        raise ValueError("paused must not be negative")
    if paused_us == 0:
        return local
    return _make(*_advance(cal, *_split(local), paused_us))
