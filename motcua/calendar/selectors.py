"""Reads of the working calendar: the effective `WorkCalendar` of a unit, the overrides, the
list of exceptional days of a year.

`calendar_for` caches one immutable calendar per organisation in the process and checks a cheap
version (count, newest update and newest id of the applicable overrides, plus the unit's working
hours row) on every call, so a change made by another process (admin, CLI, another web worker)
is seen at once; saves and deletes in this process also clear the cache through signals.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.calendar.deadlines import (
    DEFAULT_PERIODS,
    MAX_YEAR,
    MIN_YEAR,
    TZ,
    DeadlineOutOfRange,
    Unit,
    WorkCalendar,
    clock_start,
    due_at,
    is_working_day,
)
from motcua.calendar.models import CalendarOverride, WorkingHours
from motcua.calendar.sources import public_holiday_dates, public_holiday_names
from motcua.core.errors import NotFound, ValidationFailed
from motcua.organisations.models import Organisation

DaySource = Literal["holidays", "override"]


@dataclass(frozen=True)
class CalendarDay:
    """A day whose status differs from plain Monday–Friday: a weekday off or a weekend worked."""

    date: dt.date
    is_working: bool
    reason: str
    source: DaySource
    legal_reference: str = ""

    @property
    def weekday(self) -> int:
        """ISO weekday: 1 = Monday … 7 = Sunday."""
        return self.date.isoweekday()


def organisation_get_by_agency_code(code: str, *, field: str = "org") -> Organisation:
    """The organisation with this agency code, or NotFound naming `field`."""
    org = Organisation.objects.filter(agency_code=code.strip()).first()
    if org is None:
        message = _("No organisation has the agency code “%(code)s”.") % {"code": code}
        raise NotFound(message, fields={field: message})
    return org


def _scope_q(organisation_id: int | None) -> Q:
    q = Q(organisation__isnull=True)
    if organisation_id is not None:
        q |= Q(organisation_id=organisation_id)
    return q


def calendar_override_list(
    *,
    year: int | None = None,
    organisation: Organisation | None = None,
    every_organisation: bool = False,
) -> QuerySet[CalendarOverride]:
    """Overrides in date order: those that apply to `organisation` (province-wide ones and its
    own; province-wide only when None), or every override when `every_organisation`."""
    qs = CalendarOverride.objects.select_related("organisation").order_by(
        "date", "organisation__agency_code"
    )
    if not every_organisation:
        qs = qs.filter(_scope_q(organisation.pk if organisation else None))
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


# --- The effective calendar, cached per organisation ---------------------------------------

_lock = threading.Lock()
_cache: dict[int | None, tuple[tuple[Any, ...], WorkCalendar]] = {}
# Equal calendars share one instance, so their lazily built day index is built once.
_interned: dict[WorkCalendar, WorkCalendar] = {}


_checked: dict[int | None, float] = {}


def calendar_cache_clear() -> None:
    """Forget every cached calendar (called on override / working-hours saves and deletes)."""
    with _lock:
        _cache.clear()
        _checked.clear()


def _version(organisation_id: int | None) -> tuple[Any, ...]:
    agg = CalendarOverride.objects.filter(_scope_q(organisation_id)).aggregate(
        n=Count("pk"), last=Max("updated_at"), top=Max("pk")
    )
    hours: Any = None
    if organisation_id is not None:
        hours = (
            WorkingHours.objects.filter(organisation_id=organisation_id)
            .values_list("pk", "updated_at")
            .first()
        )
    return (agg["n"], agg["last"], agg["top"], hours)


def _build(organisation_id: int | None) -> WorkCalendar:
    days_off = set(public_holiday_dates())
    worked: set[dt.date] = set()
    rows = list(
        CalendarOverride.objects.filter(_scope_q(organisation_id)).values_list(
            "date", "is_working", "organisation_id"
        )
    )
    rows.sort(key=lambda row: row[2] is not None)  # the unit's own overrides win
    for day, is_working, _org in rows:
        if is_working:
            days_off.discard(day)
            if day.weekday() >= 5:
                worked.add(day)
        else:
            worked.discard(day)
            days_off.add(day)
    periods = DEFAULT_PERIODS
    if organisation_id is not None:
        hours = WorkingHours.objects.filter(organisation_id=organisation_id).first()
        if hours is not None:
            periods = hours.periods
    cal = WorkCalendar(
        holidays=frozenset(days_off), working_weekends=frozenset(worked), periods=periods
    )
    with _lock:
        shared = _interned.get(cal)
        if shared is not None:
            return shared
        if len(_interned) >= 64:
            _interned.clear()
        _interned[cal] = cal
    return cal


def calendar_for(organisation: Organisation | None = None) -> WorkCalendar:
    """The effective calendar of `organisation` (the province's when None).

    holidays.VN + province-wide overrides + that organisation's own overrides (which win) +
    its working hours (default 07:00–11:30, 13:30–17:00). One or two small queries per call.
    """
    organisation_id = organisation.pk if organisation is not None else None
    now = time.monotonic()
    recheck = float(getattr(settings, "MOTCUA_CALENDAR_RECHECK_SECONDS", 2.0))
    hit = _cache.get(organisation_id)
    # Changes in this process clear the cache at once (signals); changes made by another
    # process are seen within `recheck` seconds, without a query on every call.
    if hit is not None and now - _checked.get(organisation_id, -1e9) < recheck:
        return hit[1]
    version = _version(organisation_id)
    _checked[organisation_id] = now
    if hit is not None and hit[0] == version:
        return hit[1]
    cal = _build(organisation_id)
    with _lock:
        _cache[organisation_id] = (version, cal)
    return cal


def _holiday_language() -> str:
    return "vi" if (get_language() or "vi").lower().startswith("vi") else "en_US"


def calendar_days_list(year: int, organisation: Organisation | None = None) -> list[CalendarDay]:
    """The exceptions of `year` to plain Monday–Friday for `organisation`: weekdays off
    (holidays, swapped days off) and weekend days worked, each with its reason and source."""
    cal = calendar_for(organisation)
    overrides: dict[dt.date, CalendarOverride] = {}
    for row in sorted(
        calendar_override_list(year=year, organisation=organisation),
        key=lambda o: o.organisation_id is not None,
    ):
        overrides[row.date] = row  # the unit's own override wins
    names = public_holiday_names(year, _holiday_language())
    result: list[CalendarDay] = []
    day = dt.date(year, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == year:
        working = is_working_day(cal, day)
        if working != (day.weekday() < 5):
            override = overrides.get(day)
            if override is not None:
                result.append(
                    CalendarDay(
                        date=day,
                        is_working=working,
                        reason=override.reason,
                        source="override",
                        legal_reference=override.legal_reference,
                    )
                )
            else:
                result.append(
                    CalendarDay(
                        date=day, is_working=working, reason=names.get(day, ""), source="holidays"
                    )
                )
        day += one
    return result


@dataclass(frozen=True)
class Deadline:
    received_at: dt.datetime
    clock_start: dt.datetime
    due_at: dt.datetime
    amount: int
    unit: Unit


def deadline_get(
    *,
    start: dt.datetime,
    amount: int,
    unit: Unit,
    cutoff: dt.time | None = None,
    organisation: Organisation | None = None,
) -> Deadline:
    """Clock start and due time of a dossier received at `start` under `organisation`'s
    calendar (the province's when None), for a time limit of `amount` `unit`s."""
    cal = calendar_for(organisation)
    try:
        started = clock_start(cal, start, cutoff)
        due = due_at(cal, started, amount, unit)
    except DeadlineOutOfRange:
        message = _(
            "The due time falls outside the years the calendar covers (%(min)s–%(max)s)."
        ) % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
        raise ValidationFailed(message, fields={"amount": message}) from None
    return Deadline(
        received_at=start.astimezone(TZ),
        clock_start=started,
        due_at=due,
        amount=amount,
        unit=unit,
    )
