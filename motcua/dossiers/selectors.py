"""Reads over dossiers: queues, search, the visibility rule, the export stream."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import policies
from motcua.accounts.enums import Role
from motcua.calendar import deadlines as dl
from motcua.calendar.selectors import calendar_for
from motcua.core.compiled import CompiledQuery
from motcua.core.errors import NotFound
from motcua.core.text import fold
from motcua.dossiers.enums import END_STATUSES, NATIONAL_STATUS_CODE, PAUSED_STATUSES, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent, StepRecord

S = DossierStatus
OPEN_STATUSES = [s for s in S.values if s not in END_STATUSES and s != S.SUBMITTED]
RUNNING_STATUSES = [s for s in OPEN_STATUSES if s not in PAUSED_STATUSES]
QUEUES = ("to_receive", "my_tasks", "unit", "due_soon", "overdue", "all")


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure_version",
        "procedure_version__procedure",
        "applicant",
        "receiving_unit",
        "current_unit",
        "current_step",
    )


CODE_MAX_LENGTH = Dossier._meta.get_field("code").max_length or 64
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _no_dossier(code: str) -> NotFound:
    return NotFound(
        _("No dossier has the code “%(code)s”.") % {"code": code}, fields={"code": code}
    )


# The answer for an unknown code, and for a dossier the reader may not see: the same, so that
# codes cannot be probed.
dossier_not_found = _no_dossier


def is_possible_code(code: str) -> bool:
    """Whether `code` could be a dossier's code: fits the column, no control character (a NUL
    byte in a query is an error on PostgreSQL). Anything else is answered "not found" unread."""
    return 0 < len(code) <= CODE_MAX_LENGTH and not CONTROL_CHARACTER.search(code)


def dossier_get_by_code(code: str) -> Dossier:
    if not is_possible_code(code):
        raise _no_dossier(code)
    try:
        return Dossier.objects.select_related(
            "procedure_version__procedure", "applicant", "receiving_unit", "current_unit"
        ).get(code=code)
    except Dossier.DoesNotExist:
        raise _no_dossier(code) from None


# The dossier's export row (`GET /api/v1/dossiers/export`) as ORM paths, and what the API's
# dossier body and `can_view` add: the body is built from these flat values, read either from a
# Dossier instance (`values_of`) or straight from the database (`dossier_summary`).
EXPORT_FIELDS = (
    "code",
    "receiving_unit__agency_code",
    "procedure_version__procedure__code",
    "channel",
    "status",
    "submitted_at",
    "received_at",
    "due_at",
    "appointment_at",
    "ended_at",
    "delivered_at",
    "supplement_count",
    "paused_minutes",
    "paused_since",
)
SUMMARY_ACCESS_FIELDS = (
    "id",
    "owner_id",
    "receiving_unit_id",
    "processing_unit_id",
    "current_unit_id",
)

SUMMARY_FIELDS = (
    *EXPORT_FIELDS,
    *SUMMARY_ACCESS_FIELDS,
    "procedure_version__name",
    "current_unit__agency_code",
    "applicant__full_name",
    "applicant__id_number",
    "applicant__kind",
    "fee_amount",
    "result_number",
    # what `policies` needs to list the reader's allowed actions without another query
    "current_step__role",
    "current_step__ended_at",
    "receiving_unit__path",
    "current_unit__path",
)

_summary_by_code = CompiledQuery(
    lambda code: Dossier.objects.filter(code=code), fields=SUMMARY_FIELDS
)


def values_of(d: Dossier, fields: Sequence[str]) -> dict[str, Any]:
    """The values `.values(*fields)` would read, from an instance and its related objects."""
    out: dict[str, Any] = {}
    for path in fields:
        value: Any = d
        for part in path.split("__"):
            value = getattr(value, part)
            if value is None:
                break  # a null relation: `.values()` reads None for what lies beyond it
        out[path] = value
    return out


def dossier_summary(code: str) -> dict[str, Any]:
    """SUMMARY_FIELDS of the dossier `code`, in one prepared query (the API's hot read)."""
    if not is_possible_code(code):
        raise _no_dossier(code)
    row = _summary_by_code.first(code=code)
    if row is None:
        raise _no_dossier(code)
    return row


def can_view(user: Any, dossier: Dossier) -> bool:
    return can_view_summary(user, values_of(dossier, SUMMARY_ACCESS_FIELDS))


def can_view_summary(user: Any, v: dict[str, Any]) -> bool:
    """`can_view` from the SUMMARY_ACCESS_FIELDS of a dossier."""
    if not getattr(user, "is_authenticated", False):
        return False
    if v["owner_id"] is not None and v["owner_id"] == user.pk:
        return True
    units = {v["receiving_unit_id"], v["processing_unit_id"], v["current_unit_id"]}
    if getattr(user, "is_official", False) and user.organisation_id in units:
        return True  # an official of a unit the dossier belongs to: no scope query needed
    if policies.is_provincial_admin(user):
        return True
    scope = set(policies.organisations_in_scope(user).values_list("pk", flat=True))
    if not scope:
        return False
    if units & scope:
        return True
    return StepRecord.objects.filter(dossier_id=v["id"], organisation_id__in=scope).exists()


def dossier_get_for_viewer(code: str, user: Any) -> Dossier:
    dossier = dossier_get_by_code(code)
    if not can_view(user, dossier):
        # Same answer as for an unknown code: do not reveal that it exists.
        raise _no_dossier(code)
    return dossier


def dossier_list_for_official(
    user: Any, *, queue: str = "unit", q: str = "", now: dt.datetime | None = None
) -> QuerySet[Dossier]:
    now = now or timezone.now()
    scope = policies.organisations_in_scope(user)
    qs = _base().filter(
        Q(receiving_unit__in=scope) | Q(current_unit__in=scope) | Q(processing_unit__in=scope)
    )
    if queue == "to_receive":
        qs = qs.filter(status=S.SUBMITTED, receiving_unit__in=scope)
    elif queue == "my_tasks":
        roles = list(user.role_set()) if hasattr(user, "role_set") else []
        mine = Q(current_unit_id=user.organisation_id)
        open_step = mine & Q(current_step__role__in=roles, current_step__ended_at__isnull=True)
        # Approved and waiting for the result, which the holder of the step's role issues
        # (services.dossier_complete).
        to_issue = mine & Q(
            status=S.IN_PROGRESS, current_step__ended_at__isnull=False, current_step__role__in=roles
        )
        to_return = Q(status=S.RESULT_READY, receiving_unit_id=user.organisation_id)
        if Role.COUNTER_OFFICER not in roles:
            to_return = Q(pk__in=[])
        qs = qs.filter(open_step | to_issue | to_return).exclude(
            status__in=[
                *PAUSED_STATUSES,
                S.SUBMITTED,
                S.REFUSED,
                S.WITHDRAWN,
                S.STOPPED,
                S.DELIVERED,
            ]
        )
    elif queue == "due_soon":
        # A paused dossier (supplement, fees) is not running against its due time: the pause
        # will move it (DOMAIN §4), so it is not "due soon".
        cal = calendar_for(getattr(user, "organisation", None))
        horizon = dl.extend_due(cal, now, cal.working_day_length)
        qs = qs.filter(
            status__in=RUNNING_STATUSES,
            paused_since__isnull=True,
            due_at__gte=now,
            due_at__lte=horizon,
        )
    elif queue == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now).exclude(_paused_within_time())
    if q:
        qs = qs.filter(_search(q))
    return qs.order_by("due_at" if queue in ("due_soon", "overdue") else "-created_at")


def _paused_within_time() -> Q:
    """DOMAIN §4: a dossier whose clock is paused (supplement, fees) is within time if the
    pause began on or before its due date (calendar dates, Vietnam time), else overdue."""
    return Q(
        Q(paused_since__isnull=False),
        LessThanOrEqual(TruncDate("paused_since", tzinfo=dl.TZ), TruncDate("due_at", tzinfo=dl.TZ)),
    )


def _search(q: str) -> Q:
    q = q.strip()
    folded = fold(q)
    cond = (
        Q(code__icontains=q)
        | Q(applicant__id_number=q)
        | Q(procedure_version__procedure__code__icontains=q)
    )
    words = folded.split()
    if words:
        name_q = Q()
        proc_q = Q()
        for word in words:
            name_q &= Q(applicant__full_name_folded__contains=word)
            proc_q &= Q(procedure_version__name_folded__contains=word)
        cond |= name_q | proc_q
    return cond


def deadline_state(
    dossier: Dossier, now: dt.datetime | None = None, cal: dl.WorkCalendar | None = None
) -> str:
    """'early' / 'risk' / 'late' for the colour of a queue row (open dossiers), by the rules of
    the "overdue" and "due soon" queues: a paused dossier is late only if its pause began after
    its due date (DOMAIN §4) and is never at risk (its clock is not running).

    Pass `cal` (the receiving unit's calendar) when colouring many rows of one unit."""
    now = now or timezone.now()
    if dossier.due_at is None:
        return "early"
    due_day = _vn_date(dossier.due_at)
    if dossier.status in END_STATUSES:
        return "late" if _vn_date(dossier.ended_at or now) > due_day else "early"
    if dossier.paused_since is not None:
        return "late" if _vn_date(dossier.paused_since) > due_day else "early"
    if now > dossier.due_at:
        return "late"
    cal = cal or calendar_for(dossier.receiving_unit)
    if dl.working_time_between(cal, now, dossier.due_at) <= cal.working_day_length:
        return "risk"
    return "early"


def _vn_date(value: dt.datetime) -> dt.date:
    """The calendar date of an instant in Vietnam time (DOMAIN §4 compares dates there)."""
    return value.astimezone(dl.TZ).date()


def dossier_events(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "from_unit", "to_unit").prefetch_related(
        "attachments"
    )


def _iso(value: dt.datetime | None) -> str | None:
    """Vietnam time, ISO 8601 with +07:00 (the province's zone, whatever zone is active)."""
    return value.astimezone(dl.TZ).isoformat() if value else None


def export_row(v: dict[str, Any]) -> dict[str, Any]:
    """The export row from the EXPORT_FIELDS values of a dossier."""
    return {
        "code": v["code"],
        "receiving_unit": v["receiving_unit__agency_code"],
        "procedure_code": v["procedure_version__procedure__code"],
        "channel": v["channel"],
        "status": v["status"],
        "status_code": NATIONAL_STATUS_CODE[v["status"]],
        "submitted_at": _iso(v["submitted_at"]),
        "received_at": _iso(v["received_at"]),
        "due_at": _iso(v["due_at"]),
        "appointment_at": _iso(v["appointment_at"]),
        "ended_at": _iso(v["ended_at"]),
        "delivered_at": _iso(v["delivered_at"]),
        "supplement_count": v["supplement_count"],
        "paused_minutes": v["paused_minutes"],
        "paused_since": _iso(v["paused_since"]),
    }


def dossier_export_row(d: Dossier) -> dict[str, Any]:
    return export_row(values_of(d, EXPORT_FIELDS))


def dossier_export_iter(
    *, date_from: dt.date, date_to: dt.date, unit_ids: list[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Dossiers received in [from, to] or still open in that period (received before `from`
    and not ended before it), in order of receipt, as export rows.

    `unit_ids` (None: every unit) keeps the dossiers one of those units received, processes
    (the processing unit) or holds now (the current unit): the Department of Justice exports
    the dossiers it processes although the provincial desk received them. One row per dossier:
    one query over the dossier table, the units ORed (PostgreSQL combines the three unit
    indexes in a BitmapOr; the all-units path has no unit condition at all)."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(
        date_to + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    qs = Dossier.objects.filter(received_at__isnull=False, received_at__lt=end)
    qs = qs.filter(Q(received_at__gte=start) | Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    if unit_ids is not None:
        qs = qs.filter(
            Q(receiving_unit_id__in=unit_ids)
            | Q(processing_unit_id__in=unit_ids)
            | Q(current_unit_id__in=unit_ids)
        )
    rows = qs.order_by("received_at", "id").values_list(*EXPORT_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        yield export_row(dict(zip(EXPORT_FIELDS, row, strict=True)))
