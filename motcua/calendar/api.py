"""Public calendar API (/api/v1/calendar): deadline calculator and the year's exceptional days.

Query parameters are taken as strings and validated by motcua.calendar.parsing, so every bad
input answers 422 {"error": {"code": "validation_error", "fields": {<param>: <message>}}} and an
unknown agency code answers 404 with fields {"org": ...}.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from ninja import Router, Schema

from motcua.calendar import parsing
from motcua.calendar.selectors import (
    calendar_days_list,
    deadline_get,
    organisation_get_by_agency_code,
)
from motcua.organisations.models import Organisation

router = Router(tags=["calendar"])


class DeadlineOut(Schema):
    received_at: str
    clock_start: str
    due_at: str
    amount: int
    unit: str
    organisation: str | None


class CalendarDayOut(Schema):
    date: dt.date
    weekday: int
    weekday_name: str
    is_working: bool
    reason: str
    source: str
    legal_reference: str


class CalendarDaysOut(Schema):
    year: int
    organisation: str | None
    days: list[CalendarDayOut]


def _organisation(code: str | None) -> Organisation | None:
    if code is None or not code.strip():
        return None
    return organisation_get_by_agency_code(code, field="org")


@router.get("/deadline", response=DeadlineOut, operation_id="calculate_deadline")
def calculate_deadline(
    request: HttpRequest,
    start: str | None = None,
    amount: str | None = None,
    unit: str | None = None,
    cutoff: str | None = None,
    org: str | None = None,
) -> DeadlineOut:
    """Due time of a dossier received at `start` (ISO 8601; local time unless it has an offset)
    for a time limit of `amount` `unit`s (working_hours, working_days, calendar_days), with an
    optional receipt cut-off `cutoff` (HH:MM) and the calendar of unit `org` (agency code)."""
    received = parsing.parse_start(start)
    count = parsing.parse_amount(amount)
    kind = parsing.parse_unit(unit)
    closing = parsing.parse_cutoff(cutoff)
    organisation = _organisation(org)
    result = deadline_get(
        start=received, amount=count, unit=kind, cutoff=closing, organisation=organisation
    )
    return DeadlineOut(
        received_at=result.received_at.isoformat(),
        clock_start=result.clock_start.isoformat(),
        due_at=result.due_at.isoformat(),
        amount=result.amount,
        unit=result.unit,
        organisation=organisation.agency_code if organisation else None,
    )


@router.get("/days", response=CalendarDaysOut, operation_id="list_calendar_days")
def list_calendar_days(
    request: HttpRequest, year: str | None = None, org: str | None = None
) -> CalendarDaysOut:
    """Weekdays off and weekend days worked in `year` (default: this year), with reasons;
    `source` is "holidays" (statutory, from holidays.VN) or "override" (the overrides table)."""
    number = parsing.parse_year(year) if year is not None else timezone.localdate().year
    organisation = _organisation(org)
    days = calendar_days_list(number, organisation)
    return CalendarDaysOut(
        year=number,
        organisation=organisation.agency_code if organisation else None,
        days=[
            CalendarDayOut(
                date=day.date,
                weekday=day.weekday,
                weekday_name=str(WEEKDAYS[day.date.weekday()]),
                is_working=day.is_working,
                reason=day.reason,
                source=day.source,
                legal_reference=day.legal_reference,
            )
            for day in days
        ],
    )
