"""Times kept as ISO 8601 text (signature reports, JSON data of events), shown the way people
read them: {{ value|iso_datetime }} gives 27/11/2026 14:05 in Vietnamese, in the local time."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def iso_datetime(value: object) -> str:
    """An ISO 8601 string (or a datetime) as the locale's short date and time; "" if unreadable."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return ""
    if not isinstance(value, dt.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


@register.filter
def month_label(value: object) -> str:
    """A month key "2025-01" as people say it: "tháng 01/2025" (English: "01/2025")."""
    from django.utils.translation import gettext

    text = str(value or "")
    year, _sep, month = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        return text
    return gettext("month %(month)s/%(year)s") % {"month": month, "year": year}


@register.filter
def iso_date(value: object) -> str:
    """An ISO 8601 date "2026-12-06" (or a date) as the locale's short date: 06/12/2026."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return ""
    if not isinstance(value, dt.date):
        return ""
    return formats.date_format(value, "SHORT_DATE_FORMAT")
