"""Per-dossier facts: what form 06a and the index need, derived from one dossier row.

`fact_values()` is the one place where a dossier becomes calendar days and an outcome (DOMAIN
§4–§6). `dossier_fact_refresh()` keeps a dossier's `DossierFact` equal to `fact_values()` and is
called after every save of a dossier (a post_save receiver, see `apps.py`; the dossier services
may call it explicitly instead, docs/reporting.md). `facts_rebuild()` recomputes them all.

Rules (documented in docs/reporting.md):
- counted: received (`received_at` set) and not refused; statuses 1 and 3 never count;
- resolved: an end status other than refused — result ready, delivered, withdrawn, stopped —
  on the day of `ended_at` (Vietnam time);
- outcome: end day vs statutory due day (after pauses; an extension does not move it), early /
  on time / late; more than one supplement request → late; no time limit → on time;
- open at a report's end date `to`: within time if due day ≥ `to`; a dossier paused (supplement,
  fees) since a day on or before `to` is within time iff the pause began on or before its due
  day. As one column: `overdue_from` (see models.DossierFact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from motcua.calendar import deadlines as dl
from motcua.calendar.selectors import calendar_for
from motcua.dossiers.enums import END_STATUSES, ComponentKind, DeliveryMethod, DossierStatus
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.organisations.models import Organisation
from motcua.reporting.models import OPEN_END, DossierFact, Outcome

S = DossierStatus
NEVER_COUNTED = frozenset({S.SUBMITTED, S.REFUSED})
# Decision (docs/reporting.md): withdrawn and stopped dossiers are "resolved" in 06a, so that
# received = resolved + in progress holds for every row; refused ones are never counted.
RESOLVED_STATUSES = frozenset(END_STATUSES - {S.REFUSED})
COMPLETED_STATUSES = frozenset({S.RESULT_READY, S.DELIVERED})
ONE_DAY = dt.timedelta(days=1)

FACT_FIELDS = (
    "receiving_unit_id",
    "processing_unit_id",
    "version_id",
    "channel",
    "received_day",
    "ended_day",
    "end_key",
    "due_day",
    "overdue_from",
    "outcome",
    "completed",
    "work_minutes",
    "allowed_minutes",
    "fee_paid",
    "paid_online",
    "papers_digitised",
    "reused",
    "electronic_result",
)
# The dossier columns fact_values() reads (for .only() in bulk reads).
DOSSIER_FIELDS = (
    "id",
    "status",
    "channel",
    "receiving_unit_id",
    "processing_unit_id",
    "procedure_version_id",
    "received_at",
    "clock_started_at",
    "due_at",
    "ended_at",
    "paused_since",
    "paused_minutes",
    "supplement_count",
    "fee_amount",
    "fee_paid_at",
    "fee_paid_online",
    "delivery_method",
)
# A save whose update_fields hold none of these cannot change the fact (e.g. the code).
FACT_SOURCE_FIELDS = frozenset(
    {*DOSSIER_FIELDS, *(f.removesuffix("_id") for f in DOSSIER_FIELDS if f.endswith("_id"))}
)


@dataclass(frozen=True)
class Papers:
    """What a dossier's papers say, for the index: submitted papers (and how many were not
    digitised), papers reusing digitised data, result papers in electronic form."""

    submitted: int = 0
    not_digitised: int = 0
    reused: int = 0
    electronic_results: int = 0


NO_PAPERS = Papers()


def papers_of(dossier_ids: Iterable[int]) -> dict[int, Papers]:
    """The papers of these dossiers, in one grouped query."""
    rows = (
        DossierComponent.objects.filter(dossier_id__in=list(dossier_ids))
        .order_by()
        .values("dossier_id")
        .annotate(
            submitted=Count("pk", filter=Q(kind=ComponentKind.SUBMISSION)),
            not_digitised=Count("pk", filter=Q(kind=ComponentKind.SUBMISSION, digitised=False)),
            reused=Count("pk", filter=Q(reused=True)),
            electronic_results=Count(
                "pk", filter=Q(kind=ComponentKind.RESULT) & (Q(digitised=True) | ~Q(file=""))
            ),
        )
    )
    return {r.pop("dossier_id"): Papers(**r) for r in rows}


CalendarGetter = Callable[[int], dl.WorkCalendar]


def vn_day(value: dt.datetime) -> dt.date:
    """The calendar date of an instant in Vietnam time."""
    return value.astimezone(dl.TZ).date()


def outcome_of(ended_day: dt.date, due_day: dt.date | None, supplement_count: int) -> int:
    if supplement_count > 1:
        return Outcome.LATE
    if due_day is None:
        return Outcome.ON_TIME
    if ended_day < due_day:
        return Outcome.EARLY
    if ended_day == due_day:
        return Outcome.ON_TIME
    return Outcome.LATE


def overdue_from_of(
    received_day: dt.date, due_day: dt.date | None, paused_day: dt.date | None
) -> dt.date | None:
    """The first report end date at which an open dossier counts as overdue (None: never).

    Running: overdue at `to` iff due day < `to`, i.e. from due day + 1. Paused since p (and
    still paused): for `to` < p it was running, for `to` ≥ p it is overdue iff p > due day;
    so a pause that began on or before the due day means never, a later one changes nothing.
    """
    if due_day is None:
        return None
    if paused_day is not None and paused_day <= due_day:
        return None
    return max(due_day + ONE_DAY, received_day)


def _calendar_getter() -> CalendarGetter:
    cache: dict[int, dl.WorkCalendar] = {}

    def get(unit_id: int) -> dl.WorkCalendar:
        cal = cache.get(unit_id)
        if cal is None:
            cal = calendar_for(Organisation(pk=unit_id))
            cache[unit_id] = cal
        return cal

    return get


def _minutes(cal: dl.WorkCalendar, start: dt.datetime, end: dt.datetime, paused: int) -> int:
    worked = int(dl.working_time_between(cal, start, end).total_seconds() // 60) - paused
    return max(0, worked)


def fact_values(
    d: Dossier, calendars: CalendarGetter | None = None, papers: Papers | None = None
) -> dict[str, Any] | None:
    """The fact of dossier `d` (None: the dossier does not count in the statistics); its
    papers are read from the database unless given."""
    if d.received_at is None or d.status in NEVER_COUNTED:  # not counts(d)
        return None
    if papers is None:
        papers = papers_of([d.pk]).get(d.pk, NO_PAPERS) if d.pk is not None else NO_PAPERS
    received_day = vn_day(d.received_at)
    ended = d.ended_at if d.status in RESOLVED_STATUSES else None
    ended_day = max(vn_day(ended), received_day) if ended is not None else None
    due_day = vn_day(d.due_at) if d.due_at is not None else None
    paused_day = vn_day(d.paused_since) if d.paused_since is not None and ended is None else None
    completed = d.status in COMPLETED_STATUSES and ended is not None
    work = allowed = None
    if completed and ended is not None and d.clock_started_at is not None:
        cal = (calendars or _calendar_getter())(d.receiving_unit_id)
        work = _minutes(cal, d.clock_started_at, ended, d.paused_minutes)
        if d.due_at is not None:
            allowed = _minutes(cal, d.clock_started_at, d.due_at, d.paused_minutes)
    return {
        "receiving_unit_id": d.receiving_unit_id,
        "processing_unit_id": d.processing_unit_id,
        "version_id": d.procedure_version_id,
        "channel": d.channel,
        "received_day": received_day,
        "ended_day": ended_day,
        "end_key": ended_day or OPEN_END,
        "due_day": due_day,
        "overdue_from": overdue_from_of(received_day, due_day, paused_day),
        "outcome": outcome_of(ended_day, due_day, d.supplement_count)
        if ended_day is not None
        else Outcome.OPEN,
        "completed": completed,
        "work_minutes": work,
        "allowed_minutes": allowed,
        "fee_paid": d.fee_amount > 0 and d.fee_paid_at is not None,
        "paid_online": d.fee_amount > 0 and d.fee_paid_at is not None and d.fee_paid_online,
        "papers_digitised": papers.submitted > 0 and papers.not_digitised == 0,
        "reused": papers.reused > 0,
        "electronic_result": papers.electronic_results > 0
        or d.delivery_method == DeliveryMethod.ONLINE,
    }


def counts(dossier: Dossier) -> bool:
    """Whether the dossier has a fact (it counts in the statistics)."""
    return dossier.received_at is not None and dossier.status not in NEVER_COUNTED


def dossier_fact_refresh(dossier: Dossier, *, created: bool = False) -> None:
    """Make the dossier's fact equal to `fact_values(dossier)` (insert, update or delete).
    `created`: the dossier row was just inserted, so it has no fact yet."""
    values = fact_values(dossier)
    if values is None:
        if not created:
            DossierFact.objects.filter(pk=dossier.pk).delete()
        return
    existing = DossierFact.objects.filter(pk=dossier.pk).values(*FACT_FIELDS).first()
    if existing == values:
        return
    if existing is None:
        DossierFact.objects.create(dossier_id=dossier.pk, **values)
    else:
        DossierFact.objects.filter(pk=dossier.pk).update(**values)


def on_dossier_saved(
    sender: Any,
    instance: Dossier,
    raw: bool = False,
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """post_save receiver of Dossier (connected in ReportingConfig.ready). A save that only
    writes columns the fact does not read (the code, say) costs no query."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not update_fields & FACT_SOURCE_FIELDS:
        return
    dossier_fact_refresh(instance, created=created)


def on_component_saved(
    sender: Any, instance: DossierComponent, raw: bool = False, **kwargs: Any
) -> None:
    """post_save receiver of DossierComponent: the services add papers after saving the
    dossier, so the paper flags of its fact are refreshed here (two small queries). Papers are
    never removed, so an electronic result once there stays (delivery online sets it too)."""
    if raw or instance.dossier_id is None:
        return
    dossier = instance._state.fields_cache.get("dossier")
    if dossier is not None and dossier.pk == instance.dossier_id and not counts(dossier):
        return  # no fact yet: the papers are read when the dossier is received
    papers = papers_of([instance.dossier_id]).get(instance.dossier_id, NO_PAPERS)
    flags: dict[str, bool] = {
        "papers_digitised": papers.submitted > 0 and papers.not_digitised == 0,
        "reused": papers.reused > 0,
    }
    if papers.electronic_results:
        flags["electronic_result"] = True
    DossierFact.objects.filter(pk=instance.dossier_id).update(**flags)


def facts_build(
    dossiers: Sequence[Dossier], calendars: CalendarGetter | None = None
) -> Iterator[DossierFact]:
    """Unsaved facts of `dossiers` (those that count)."""
    calendars = calendars or _calendar_getter()
    papers = papers_of(d.pk for d in dossiers)
    for d in dossiers:
        values = fact_values(d, calendars, papers.get(d.pk, NO_PAPERS))
        if values is not None:
            yield DossierFact(dossier_id=d.pk, **values)


def facts_rebuild(
    *,
    dossiers: QuerySet[Dossier] | None = None,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute the facts of `dossiers` (all by default), in batches; returns how many count."""
    qs = dossiers if dossiers is not None else Dossier.objects.all()
    qs = qs.only(*DOSSIER_FIELDS).order_by("pk")
    calendars = _calendar_getter()
    written = 0
    last_pk = 0
    while True:
        chunk = list(qs.filter(pk__gt=last_pk)[:batch_size])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        with transaction.atomic():
            DossierFact.objects.filter(pk__in=[d.pk for d in chunk]).delete()
            facts = list(facts_build(chunk, calendars))
            DossierFact.objects.bulk_create(facts, batch_size=batch_size)
        written += len(facts)
        if progress is not None:
            progress(len(chunk))
    if dossiers is None:
        DossierFact.objects.exclude(dossier_id__in=Dossier.objects.values("pk")).delete()
    return written
