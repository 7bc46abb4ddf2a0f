"""Reads for the portal pages: what a procedure page shows, the public tracking view (no
personal data beyond the masked name), a citizen's dossiers and drafts, and the public
statistics per receiving unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.retention import retention_period
from motcua.core.text import fold, vietnamese_sort_key
from motcua.dossiers.draft_models import Draft, DraftStatus
from motcua.dossiers.enums import Channel, DossierStatus, StepResult
from motcua.dossiers.models import Dossier, DossierComponent, StepRecord
from motcua.dossiers.retention import draft_kept_until
from motcua.dossiers.selectors import dossier_get_by_code
from motcua.dossiers.services import classify
from motcua.feedback.enums import RatingLevel
from motcua.feedback.selectors import rating_shares_by_unit
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.procedures.models import Fee, ProcedureCase, ProcedureVersion, TimeLimit
from motcua.procedures.selectors import procedure_version_prefetch

S = DossierStatus


# --- procedures --------------------------------------------------------------------------------


@dataclass
class CaseView:
    case: ProcedureCase | None
    papers: list[Any]
    time_limits: list[TimeLimit]
    fees: list[Fee]


def procedure_page(version: ProcedureVersion) -> dict[str, Any]:
    """Everything the procedure page shows, with the per-case papers, times and fees."""
    version = procedure_version_prefetch().get(pk=version.pk)
    cases = sorted(version.cases.all(), key=lambda c: (c.order, c.pk))
    limits = list(version.time_limits.all())
    fees = sorted(version.fees.all(), key=lambda f: (f.order, f.pk))
    views: list[CaseView] = []
    choices: list[ProcedureCase | None] = [*cases] or [None]
    for case in choices:
        case_id = case.pk if case is not None else None
        views.append(
            CaseView(
                case=case,
                papers=sorted(case.papers.all(), key=lambda p: (p.order, p.pk)) if case else [],
                time_limits=[t for t in limits if t.case_id == case_id],
                fees=[f for f in fees if f.case_id == case_id],
            )
        )
    return {
        "version": version,
        "cases": views,
        "general_limits": [t for t in limits if t.case_id is None],
        "general_fees": [f for f in fees if f.case_id is None],
        "fields": list(version.fields.all()),
        "receiving": desk_choices(version)[0],
        "implementing": list(version.implementing_organisations.all()),
    }


# --- where to submit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskChoice:
    """One desk the applicant may submit to, as the wizard lists it."""

    code: str
    name: str
    place: str  # the desk's address, else the commune (or province) it sits in
    hours: str
    search: str  # folded name and place, for the list's filter


def _hours_text(unit: Organisation) -> str:
    from motcua.calendar.deadlines import DEFAULT_PERIODS

    hours = getattr(unit, "working_hours", None)
    periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_PERIODS
    if hours is not None:
        periods = (
            (hours.morning_start, hours.morning_end),
            (hours.afternoon_start, hours.afternoon_end),
        )

    def hm(t: dt.time) -> str:
        return f"{t.hour}:{t.minute:02d}"

    return _("Monday to Friday, %(m1)s–%(m2)s and %(a1)s–%(a2)s") % {
        "m1": hm(periods[0][0]),
        "m2": hm(periods[0][1]),
        "a1": hm(periods[1][0]),
        "a2": hm(periods[1][1]),
    }


def _place_of(unit: Organisation, names: dict[int, Organisation]) -> str:
    """The desk's address; without one, the commune and province it belongs to (from the
    agency tree: "xã Quách Phẩm, tỉnh Cà Mau"), never an invented street."""
    if unit.address:
        return unit.address
    places = []
    for pk in reversed(unit.ancestors_ids()):
        org = names.get(pk)
        if org is not None and org.kind in (OrganisationKind.COMMUNE, OrganisationKind.PROVINCE):
            places.append(_local_name(org.name))
    return ", ".join(places)


_GOVERNMENT_PREFIX = ("ủy ban nhân dân ", "uỷ ban nhân dân ")


def _local_name(name: str) -> str:
    """ "Ủy ban nhân dân xã Quách Phẩm" -> "xã Quách Phẩm"."""
    lowered = name.casefold()
    for prefix in _GOVERNMENT_PREFIX:
        if lowered.startswith(prefix):
            return name[len(prefix) :]
    return name


def desk_choices(version: ProcedureVersion, *, address: str = "") -> tuple[list[DeskChoice], str]:
    """The desks that receive `version` today, in Vietnamese alphabetical order, and the code
    of the one matching `address` (the applicant's: the desk of the commune named in it, the
    longest name winning so "Tân Hưng Đông" beats "Tân Hưng"), or "" when none matches."""
    today = timezone.localdate()
    units = [
        u
        for u in version.receiving_organisations.select_related("working_hours")
        if u.is_active_on(today)
    ]
    ancestors = {pk for u in units for pk in u.ancestors_ids()}
    names = {o.pk: o for o in Organisation.objects.filter(pk__in=ancestors)}
    choices = []
    for unit in sorted(units, key=lambda u: vietnamese_sort_key(u.name)):
        place = _place_of(unit, names)
        choices.append(
            DeskChoice(
                code=unit.agency_code,
                name=unit.name,
                place=place,
                hours=_hours_text(unit),
                search=fold(f"{unit.name} {place}"),
            )
        )
    folded = f" {fold(address)} "
    best, best_length = "", 0
    if folded.strip():
        for unit in units:
            for pk in unit.ancestors_ids():
                org = names.get(pk)
                if org is None or org.kind != OrganisationKind.COMMUNE:
                    continue
                local = fold(_local_name(org.name))
                if local and f" {local} " in folded.replace(",", " ") and len(local) > best_length:
                    best, best_length = unit.agency_code, len(local)
    return choices, best


# --- public tracking ---------------------------------------------------------------------------


@dataclass
class TrackingView:
    code: str
    status: str
    status_label: str
    procedure_name: str
    procedure_code: str
    receiving_unit: str
    current_unit: str
    applicant: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    appointment_at: dt.datetime | None
    ended_at: dt.datetime | None
    delivered_at: dt.datetime | None
    steps: list[dict[str, Any]] = field(default_factory=list)


def dossier_get_for_tracking(code: str) -> Dossier:
    """The dossier a tracking code names, whatever its letters' case (people type the code
    from the receipt: "000.00.15.h12-…"). Codes are stored as issued (upper-case unit codes),
    so the typed code and its upper-case form are the two looked up, each by the unique index.
    NotFound (404) for an unknown or malformed code."""
    code = code.strip()
    try:
        return dossier_get_by_code(code)
    except NotFound:
        if code.upper() == code:
            raise
    return dossier_get_by_code(code.upper())


def tracking_view(dossier: Dossier) -> TrackingView:
    """The public face of a dossier: status, times, steps and the masked applicant name."""
    steps = [
        {
            "order": s.order,
            "name": s.name,
            "unit": s.organisation.name,
            "started_at": s.started_at,
            "due_at": s.due_at,
            "ended_at": s.ended_at,
            "result": s.result,
            "result_label": StepResult(s.result).label if s.result else "",
            "current": dossier.current_step_id == s.pk and s.ended_at is None,
        }
        for s in StepRecord.objects.filter(dossier=dossier).select_related("organisation")
    ]
    return TrackingView(
        code=dossier.code,
        status=dossier.status,
        status_label=str(S(dossier.status).label),
        procedure_name=dossier.procedure_version.name,
        procedure_code=dossier.procedure_version.procedure.code,
        receiving_unit=dossier.receiving_unit.name,
        current_unit=dossier.current_unit.name,
        applicant=dossier.applicant.masked_name,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        appointment_at=dossier.appointment_at,
        ended_at=dossier.ended_at,
        delivered_at=dossier.delivered_at,
        steps=steps,
    )


# --- my dossiers -------------------------------------------------------------------------------


def dossier_list_for_owner(user: Any) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(owner=user)
        .select_related("procedure_version", "procedure_version__procedure", "receiving_unit")
        .order_by("-created_at", "-id")
    )


def draft_list_open(user: Any) -> QuerySet[Draft]:
    return (
        Draft.objects.filter(user=user, status=DraftStatus.OPEN)
        .select_related("procedure", "procedure__current_version")
        .order_by("-updated_at")
    )


# --- draft retention ---------------------------------------------------------------------------
# An open draft nobody updates is kept through the day `dossiers.retention.draft_kept_until` and
# removed by the first daily purge after it (`dossiers.retention.drafts_purge`).


@dataclass(frozen=True)
class OpenDraft:
    draft: Draft
    kept_until: dt.date


def draft_list_open_with_removal(user: Any) -> list[OpenDraft]:
    """The citizen's open drafts, each with the last day it is kept unless updated."""
    retention = retention_period()
    return [
        OpenDraft(draft=d, kept_until=draft_kept_until(d, retention=retention))
        for d in draft_list_open(user)
    ]


def dossier_components_for_owner(dossier: Dossier) -> QuerySet[DossierComponent]:
    return DossierComponent.objects.filter(dossier=dossier).order_by("id")


def dossier_get_for_owner(code: str, user: Any) -> Dossier | None:
    return (
        Dossier.objects.filter(code=code, owner_id=getattr(user, "pk", None))
        .select_related(
            "procedure_version",
            "procedure_version__procedure",
            "applicant",
            "receiving_unit",
            "current_unit",
            "case",
        )
        .prefetch_related(Prefetch("components"))
        .first()
    )


# --- statistics --------------------------------------------------------------------------------

RESOLVED = (S.RESULT_READY, S.DELIVERED)


@dataclass
class UnitFigures:
    unit: Organisation
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    online: int = 0
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def in_time(self) -> int:
        return self.early + self.on_time

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.in_time / self.resolved, 1) if self.resolved else None

    @property
    def rating_total(self) -> int:
        return int(self.ratings.get("total", 0))

    def rating_percent(self, level: str) -> float | None:
        total = self.rating_total
        return round(100 * self.ratings.get(level, 0) / total, 1) if total else None

    @property
    def rating_rows(self) -> list[tuple[str, str, int, float | None]]:
        return [
            (level, str(label), self.ratings.get(level, 0), self.rating_percent(level))
            for level, label in RatingLevel.choices
        ]


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(date_from, dt.time.min, tzinfo=tz),
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def statistics_by_unit(date_from: dt.date, date_to: dt.date) -> list[UnitFigures]:
    """Per receiving unit, dossiers resolved in [from, to] (result ready or delivered, by the end
    of processing) classified by the calendar-date rule of DOMAIN §4 (a dossier with more than
    one supplement request counts as late, §3), and the shares of the ratings given then."""
    start, end = _bounds(date_from, date_to)
    rows = Dossier.objects.filter(
        status__in=RESOLVED, ended_at__gte=start, ended_at__lt=end
    ).values_list("receiving_unit_id", "ended_at", "due_at", "supplement_count", "channel")
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, ended, due, supplements, channel in rows:
        bucket = figures[unit_id]
        bucket["resolved"] += 1
        if channel == Channel.ONLINE:
            bucket["online"] += 1
        result: str
        if supplements > 1:
            result = StepResult.LATE
        elif due is None or ended is None:
            result = StepResult.ON_TIME  # no statutory time: nothing to be late against
        else:
            result = classify(ended, due)
        bucket[str(result)] += 1
    ratings = rating_shares_by_unit(date_from=date_from, date_to=date_to)
    unit_ids = set(figures) | set(ratings)
    units = {u.pk: u for u in Organisation.objects.filter(pk__in=unit_ids)}
    out = [
        UnitFigures(
            unit=units[pk],
            resolved=figures[pk]["resolved"] if pk in figures else 0,
            early=figures[pk][StepResult.EARLY] if pk in figures else 0,
            on_time=figures[pk][StepResult.ON_TIME] if pk in figures else 0,
            late=figures[pk][StepResult.LATE] if pk in figures else 0,
            online=figures[pk]["online"] if pk in figures else 0,
            ratings=ratings.get(pk, {}),
        )
        for pk in unit_ids
        if pk in units
    ]
    return sorted(out, key=lambda f: (-f.resolved, f.unit.name))
