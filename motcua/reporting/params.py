"""Report parameters from a query string (web page or API), validated once for both.

Bad values raise ValidationFailed (422, with one message per field); a unit outside the user's
scope raises PermissionDenied (403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import validators
from motcua.core.errors import ValidationFailed
from motcua.organisations.models import Organisation
from motcua.reporting.policies import unit_ids_for

GROUP_BY = ("organisation", "field", "procedure")
CODE_MAX_LENGTH = validators.max_length_of(Organisation, "agency_code")


@dataclass(frozen=True)
class ReportParams:
    date_from: dt.date
    date_to: dt.date
    group_by: str
    unit: Organisation | None
    unit_ids: list[int] | None  # None: no restriction (the whole province)

    def query(self, **extra: Any) -> dict[str, str]:
        """The parameters as a query string dict (for links)."""
        out = {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "group_by": self.group_by,
        }
        if self.unit is not None:
            out["unit"] = self.unit.agency_code
        out.update({k: str(v) for k, v in extra.items()})
        return out


def _date(raw: str, name: str, errors: dict[str, str]) -> dt.date | None:
    try:
        value = dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors[name] = _("expected a date YYYY-MM-DD")
        return None
    try:  # from 1990 to a few years ahead: no year 9999 (motcua.core.validators)
        validators.clean_date(
            value,
            earliest=validators.EARLIEST_RECORD_DAY,
            latest=validators.latest_day(validators.FUTURE_YEARS),
        )
    except validators.FieldError as exc:
        errors[name] = str(exc.message)
        return None
    return value


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The period a report page opens with: this year so far (1 January to today) when
    dossiers were received this year; else the whole of the last year that has any (early in
    January, or a site loaded with an earlier year's history), so the first page a viewer
    sees shows figures rather than zeros. One indexed MAX over the facts."""
    from django.db.models import Max

    from motcua.reporting.models import DossierFact

    today = today or timezone.localdate()
    start = today.replace(month=1, day=1)
    latest = DossierFact.objects.filter(received_day__lte=today).aggregate(day=Max("received_day"))[
        "day"
    ]
    if latest is None or latest >= start:
        return start, today
    return latest.replace(month=1, day=1), latest.replace(month=12, day=31)


def parse_params(user: Any, data: Mapping[str, str], *, defaults: bool = False) -> ReportParams:
    """Validate `from`, `to`, `group_by` and `unit`; with `defaults`, missing dates mean this
    year so far (the web pages), otherwise they are required (the API)."""
    errors: dict[str, str] = {}
    raw_from, raw_to = data.get("from", ""), data.get("to", "")
    # the default period costs a query: only when a date is missing and may be defaulted
    default_from, default_to = (
        default_period() if defaults and not (raw_from and raw_to) else (None, None)
    )
    date_from = date_to = None
    if raw_from:
        date_from = _date(raw_from, "from", errors)
    elif defaults:
        date_from = default_from
    else:
        errors["from"] = _("required")
    if raw_to:
        date_to = _date(raw_to, "to", errors)
    elif defaults:
        date_to = default_to
    else:
        errors["to"] = _("required")
    if date_from and date_to:
        try:  # not reversed, and at most the length the reports are built for
            validators.clean_period(date_from, date_to)
        except validators.FieldError as exc:
            errors["to"] = str(exc.message)
    group_by = data.get("group_by", "") or "organisation"
    if group_by not in GROUP_BY:
        errors["group_by"] = _("one of: %(values)s") % {"values": ", ".join(GROUP_BY)}
    unit = None
    try:
        code = validators.clean_text(data.get("unit"), max_length=CODE_MAX_LENGTH)
    except validators.FieldError:
        code, errors["unit"] = "", _("no organisation has this agency code")
    if code:
        unit = Organisation.objects.filter(agency_code=code).first()
        if unit is None:
            errors["unit"] = _("no organisation has this agency code")
    if errors or date_from is None or date_to is None:
        raise ValidationFailed(_("Some report parameters are missing or invalid."), fields=errors)
    return ReportParams(
        date_from=date_from,
        date_to=date_to,
        group_by=group_by,
        unit=unit,
        unit_ids=unit_ids_for(user, unit),
    )
