"""Parsing of user input for the deadline calculator (API query strings and command options).

Each parser raises ValidationFailed with a translated message that names the field, so the
API answers {"error": {"code": "validation_error", "fields": {<field>: ...}}} and the commands
print the same message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from django.utils.translation import gettext as _

from motcua.calendar.deadlines import MAX_YEAR, MIN_YEAR, TZ, UNITS, Unit
from motcua.core.errors import ValidationFailed

_AMOUNT = re.compile(r"^\s*\d+\s*$")
_CUTOFF = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
# In a query string "+07:00" arrives as " 07:00" when the client did not encode the "+".
_SPACE_OFFSET = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?) (\d{2}(?::?\d{2})?)$"
)


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: message})


def _required(value: str | None, field: str) -> str:
    if value is None or not value.strip():
        raise _fail(field, _("This field is required."))
    return value.strip()


def parse_start(value: str | None, field: str = "start") -> dt.datetime:
    """ISO 8601 date and time; local time (Asia/Ho_Chi_Minh) unless it carries an offset."""
    text = _required(value, field)
    match = _SPACE_OFFSET.match(text)
    if match:
        text = f"{match.group(1)}+{match.group(2)}"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) < 10:
        raise _fail(
            field,
            _(
                "“%(value)s” is not a valid date and time: use YYYY-MM-DD HH:MM, optionally "
                "with a UTC offset such as +07:00."
            )
            % {"value": value},
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TZ)
    try:
        year = parsed.astimezone(TZ).year
    except OverflowError:
        year = parsed.year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(field, _year_range_message())
    return parsed


def parse_amount(value: str | None, field: str = "amount") -> int:
    """A whole number of 0 or more."""
    text = _required(value, field)
    if not _AMOUNT.match(text):
        raise _fail(
            field,
            _("“%(value)s” is not a valid amount: give a whole number, 0 or more.")
            % {"value": value},
        )
    return int(text)


def parse_unit(value: str | None, field: str = "unit") -> Unit:
    text = _required(value, field)
    if text not in UNITS:
        raise _fail(
            field,
            _("“%(value)s” is not a valid unit: use %(units)s.")
            % {"value": value, "units": ", ".join(UNITS)},
        )
    return cast(Unit, text)


def parse_cutoff(value: str | None, field: str = "cutoff") -> dt.time | None:
    """HH:MM (or HH:MM:SS) local time; None or empty means no cut-off."""
    if value is None or not value.strip():
        return None
    match = _CUTOFF.match(value)
    try:
        if match is None:
            raise ValueError(value)
        hour, minute, second = (int(part or 0) for part in match.groups())
        return dt.time(hour, minute, second)
    except ValueError:
        raise _fail(
            field,
            _("“%(value)s” is not a valid cut-off time: use HH:MM, for example 15:00.")
            % {"value": value},
        ) from None


def parse_date(value: str | None, field: str = "date") -> dt.date:
    text = _required(value, field)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _fail(
            field,
            _("“%(value)s” is not a valid date: use YYYY-MM-DD, for example 2026-08-22.")
            % {"value": value},
        )
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _fail(field, _year_range_message())
    return day


def parse_year(value: str | None, field: str = "year") -> int:
    text = _required(value, field)
    if not re.fullmatch(r"\d{4}", text):
        raise _fail(field, _("“%(value)s” is not a valid year.") % {"value": value})
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(field, _year_range_message())
    return year


def _year_range_message() -> str:
    return _("The calendar covers the years %(min)s to %(max)s.") % {
        "min": MIN_YEAR,
        "max": MAX_YEAR,
    }
