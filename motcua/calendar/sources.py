"""Where the statutory holidays come from: the `holidays` package (holidays.VN).

holidays.VN computes the Labour Code 2019 Art. 112 holidays, lunar dates included, the
compensatory days off and some official swaps (e.g. Mon 31/8/2026 off), but never the make-up
working Saturdays: those come from the overrides table (models.CalendarOverride).
Pure computation, no database: the benchmark and the pure tests build calendars from here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType

import holidays

from motcua.calendar.deadlines import DEFAULT_PERIODS, Period, WorkCalendar

# holidays.VN knows the lunar calendar up to about 2100; later years get weekends only.
HOLIDAY_FIRST_YEAR = 2000
HOLIDAY_LAST_YEAR = 2100


@functools.cache
def public_holiday_dates() -> frozenset[dt.date]:
    """Every public holiday and official day off that holidays.VN knows, 2000–2100."""
    years = range(HOLIDAY_FIRST_YEAR, HOLIDAY_LAST_YEAR + 1)
    return frozenset(holidays.VN(years=years).keys())


@functools.lru_cache(maxsize=256)
def public_holiday_names(year: int, language: str = "vi") -> Mapping[dt.date, str]:
    """The holidays of `year` with their names in `language` ("vi" or "en_US")."""
    if language not in holidays.VN.supported_languages:
        language = "en_US"
    return MappingProxyType(dict(holidays.VN(years=year, language=language)))


@functools.lru_cache(maxsize=32)
def base_calendar(periods: tuple[Period, ...] = DEFAULT_PERIODS) -> WorkCalendar:
    """The statutory calendar without any override (no make-up working Saturdays)."""
    return WorkCalendar(holidays=public_holiday_dates(), periods=periods)
