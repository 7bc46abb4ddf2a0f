"""Form 06a, "Tình hình, kết quả giải quyết TTHC" (DOMAIN §5), over a period [from, to].

One aggregate query over `DossierFact` restricted to the dossiers relevant to the period
(`end_key >= from AND received_day <= to`, an index range), grouped by (receiving unit,
procedure version), then folded into rows by organisation, field or procedure in Python.
`one_stop_naive()` computes the same figures dossier by dossier from the dossier table, as the
reference the tests compare the fast path with. `one_stop_drill()` lists the dossiers behind a
figure, with the same conditions as the count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.enums import Channel, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import classify
from motcua.reporting.facts import RESOLVED_STATUSES, vn_day
from motcua.reporting.groups import GroupResolver
from motcua.reporting.models import DossierFact, Outcome
from motcua.reporting.params import ReportParams

S = DossierStatus

# The form's numeric columns, in its order (columns 3–13), with their labels.
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("received_total", _("Total")),
    ("received_online", _("Online")),
    ("received_counter_post", _("At the counter or by post")),
    ("carried_over", _("Carried over from the previous period")),
    ("resolved_total", _("Total")),
    ("resolved_early", _("Early")),
    ("resolved_on_time", _("On time")),
    ("resolved_late", _("Late")),
    ("in_progress_total", _("Total")),
    ("in_progress_within_time", _("Within time")),
    ("in_progress_overdue", _("Overdue")),
)
COLUMN_NAMES = tuple(name for name, _label in COLUMNS)
# What the query counts; the three totals are sums of these.
BASE_COLUMNS = (
    "received_online",
    "received_counter_post",
    "carried_over",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_overdue",
)


def complete(counts: dict[str, int]) -> dict[str, int]:
    """All 11 columns from the base counts (totals and "within time")."""
    c = {name: int(counts.get(name, 0)) for name in BASE_COLUMNS}
    c["in_progress_within_time"] = c["in_progress_total"] - c["in_progress_overdue"]
    c["received_total"] = c["received_online"] + c["received_counter_post"] + c["carried_over"]
    c["resolved_total"] = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
    return {name: c[name] for name in COLUMN_NAMES}


@dataclass
class Row:
    key: str
    name: str
    counts: dict[str, int]
    sort: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, **self.counts}


@dataclass
class OneStopReport:
    params: ReportParams
    rows: list[Row] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        p = self.params
        return {
            "period": {"from": p.date_from.isoformat(), "to": p.date_to.isoformat()},
            "group_by": p.group_by,
            "unit": p.unit.agency_code if p.unit is not None else None,
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total,
        }


# --- the fast path ----------------------------------------------------------------------------


def facts_for_period(params: ReportParams) -> QuerySet[DossierFact]:
    """Facts of the dossiers the period concerns: received by `to`, not ended before `from`."""
    qs = DossierFact.objects.filter(end_key__gte=params.date_from, received_day__lte=params.date_to)
    if params.unit_ids is not None:
        ids = params.unit_ids
        qs = qs.filter(Q(receiving_unit_id__in=ids) | Q(processing_unit_id__in=ids))
    return qs


def column_q(column: str, date_from: dt.date, date_to: dt.date) -> Q:
    """The condition, within `facts_for_period`, of the dossiers counted in `column`."""
    in_period = Q(received_day__gte=date_from)
    ended = Q(end_key__lte=date_to)
    open_at_end = Q(end_key__gt=date_to)
    overdue = Q(overdue_from__lte=date_to)
    conditions = {
        "received_total": Q(),
        "received_online": in_period & Q(channel=Channel.ONLINE),
        "received_counter_post": in_period & ~Q(channel=Channel.ONLINE),
        "carried_over": Q(received_day__lt=date_from),
        "resolved_total": ended,
        "resolved_early": ended & Q(outcome=Outcome.EARLY),
        "resolved_on_time": ended & Q(outcome=Outcome.ON_TIME),
        "resolved_late": ended & Q(outcome=Outcome.LATE),
        "in_progress_total": open_at_end,
        "in_progress_within_time": open_at_end & ~overdue,
        "in_progress_overdue": open_at_end & overdue,
    }
    return conditions[column]


def one_stop_cells(params: ReportParams) -> dict[tuple[int, int], dict[str, int]]:
    """The base counts per (receiving unit id, procedure version id): one query."""
    f, t = params.date_from, params.date_to
    annotations = {name: Count("pk", filter=column_q(name, f, t)) for name in BASE_COLUMNS}
    rows = (
        facts_for_period(params)
        .order_by()
        .values("receiving_unit_id", "version_id")
        .annotate(**annotations)
    )
    return {
        (r["receiving_unit_id"], r["version_id"]): {name: r[name] for name in BASE_COLUMNS}
        for r in rows
    }


def _fold(params: ReportParams, cells: dict[tuple[int, int], dict[str, int]]) -> OneStopReport:
    resolver = GroupResolver(params.group_by, cells.keys())
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BASE_COLUMNS, 0))
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for (unit_id, version_id), counts in cells.items():
        group = resolver.group(unit_id, version_id)
        names[group.key] = (group.name, group.sort)
        target = sums[group.key]
        for name in BASE_COLUMNS:
            target[name] += counts[name]
    rows = [
        Row(key, names[key][0], complete(counts), names[key][1]) for key, counts in sums.items()
    ]
    rows = [row for row in rows if any(row.counts.values())]
    rows.sort(key=lambda row: row.sort)
    total = complete({name: sum(row.counts[name] for row in rows) for name in BASE_COLUMNS})
    return OneStopReport(params=params, rows=rows, total=total)


def one_stop_report(params: ReportParams) -> OneStopReport:
    """Form 06a for `params` (the fast path over DossierFact)."""
    return _fold(params, one_stop_cells(params))


# --- the reference: dossier by dossier ------------------------------------------------------


def naive_columns(d: Dossier, date_from: dt.date, date_to: dt.date) -> set[str]:
    """The base columns dossier `d` counts in, straight from DOMAIN §4–§5 (no facts)."""
    if d.received_at is None or d.status in (S.SUBMITTED, S.REFUSED):
        return set()
    received = vn_day(d.received_at)
    ended = vn_day(d.ended_at) if d.status in RESOLVED_STATUSES and d.ended_at else None
    if ended is not None and ended < received:
        ended = received
    if received > date_to or (ended is not None and ended < date_from):
        return set()
    out: set[str] = set()
    if received >= date_from:
        out.add("received_online" if d.channel == Channel.ONLINE else "received_counter_post")
    else:
        out.add("carried_over")
    if ended is not None and ended <= date_to:
        if d.supplement_count > 1:
            result = "late"
        elif d.due_at is None:
            result = "on_time"
        else:
            result = str(classify(d.ended_at, d.due_at))  # type: ignore[arg-type]
        out.add(f"resolved_{result}")
        return out
    out.add("in_progress_total")
    if d.due_at is not None:
        due = vn_day(d.due_at)
        paused = vn_day(d.paused_since) if d.paused_since is not None else None
        # paused (still) since a day on or before the end date: overdue iff paused after due
        overdue = paused > due if paused is not None and paused <= date_to else due < date_to
        if overdue:
            out.add("in_progress_overdue")
    return out


def one_stop_naive(params: ReportParams) -> OneStopReport:
    """Form 06a computed dossier by dossier from the dossier table (slow; the reference)."""
    qs = Dossier.objects.filter(received_at__isnull=False).only(
        "id",
        "status",
        "channel",
        "receiving_unit_id",
        "processing_unit_id",
        "procedure_version_id",
        "received_at",
        "due_at",
        "ended_at",
        "paused_since",
        "supplement_count",
    )
    if params.unit_ids is not None:
        ids = params.unit_ids
        qs = qs.filter(Q(receiving_unit_id__in=ids) | Q(processing_unit_id__in=ids))
    cells: dict[tuple[int, int], dict[str, int]] = {}
    for d in qs.iterator(chunk_size=2000):
        columns = naive_columns(d, params.date_from, params.date_to)
        if not columns:
            continue
        cell = cells.setdefault(
            (d.receiving_unit_id, d.procedure_version_id), dict.fromkeys(BASE_COLUMNS, 0)
        )
        for name in columns:
            cell[name] += 1
    return _fold(params, cells)


# --- drill-down -------------------------------------------------------------------------------


def one_stop_drill(params: ReportParams, column: str, key: str = "") -> QuerySet[Dossier]:
    """The dossiers behind `column` of the row `key` ("" = the total row), oldest first."""
    if column not in COLUMN_NAMES:
        raise ValueError(column)
    facts = facts_for_period(params).filter(column_q(column, params.date_from, params.date_to))
    if key:
        if params.group_by == "organisation":
            facts = facts.filter(receiving_unit__agency_code=key)
        else:
            pairs = facts.order_by().values_list("receiving_unit_id", "version_id").distinct()
            resolver = GroupResolver(params.group_by, pairs)
            facts = facts.filter(version_id__in=resolver.version_ids_for_key(key))
    return (
        Dossier.objects.filter(pk__in=facts.values("dossier_id"))
        .select_related("procedure_version__procedure", "applicant", "receiving_unit")
        .order_by("received_at", "pk")
    )
