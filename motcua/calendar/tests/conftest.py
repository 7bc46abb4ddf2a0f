from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from motcua.calendar.deadlines import TZ, WorkCalendar
from motcua.calendar.sources import public_holiday_dates

# The swaps holidays.VN does not know (DOMAIN §4, data/holidays_vn.md), as the demo loads them.
MAKE_UP_WORKING_DAYS = frozenset(
    {dt.date(2024, 5, 4), dt.date(2025, 4, 26), dt.date(2026, 1, 10), dt.date(2026, 8, 22)}
)
EXTRA_DAYS_OFF = frozenset({dt.date(2026, 1, 2)})

VN_CALENDAR = WorkCalendar(
    holidays=public_holiday_dates() | EXTRA_DAYS_OFF, working_weekends=MAKE_UP_WORKING_DAYS
)


def local(text: str) -> dt.datetime:
    """ "2026-03-09 10:00" → that wall-clock time in Asia/Ho_Chi_Minh."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def cal() -> WorkCalendar:
    return VN_CALENDAR


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    from motcua.calendar.selectors import calendar_cache_clear

    calendar_cache_clear()
    yield
    calendar_cache_clear()
