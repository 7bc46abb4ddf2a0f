"""The figures of the dashboard (/reports/): tables on the page, charts from the same JSON."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from motcua.core.text import fold
from motcua.dossiers.enums import Action, Channel
from motcua.dossiers.models import DossierEvent
from motcua.organisations.models import Organisation
from motcua.procedures.models import ProcedureVersion
from motcua.reporting.models import OPEN_END, DossierFact
from motcua.reporting.one_stop import facts_for_period, one_stop_cells
from motcua.reporting.params import ReportParams
from motcua.reporting.savings import savings_report

TOP = 15
MINUTES_PER_DAY = 8 * 60


def _month(value: dt.date | dt.datetime) -> str:
    return value.strftime("%Y-%m")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def monthly(params: ReportParams) -> list[dict[str, Any]]:
    """Per month: received and resolved by channel, online share, average working days."""
    facts = facts_for_period(params)
    months: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "received_counter": 0,
            "received_online": 0,
            "received_post": 0,
            "resolved_counter": 0,
            "resolved_online": 0,
            "resolved_post": 0,
            "average_days": None,
        }
    )
    names = {Channel.COUNTER: "counter", Channel.ONLINE: "online", Channel.POST: "post"}
    received = (
        facts.filter(received_day__gte=params.date_from)
        .order_by()
        .values(m=TruncMonth("received_day"), ch=F("channel"))
        .annotate(n=Count("pk"))
    )
    for r in received:
        months[_month(r["m"])][f"received_{names[r['ch']]}"] += r["n"]
    resolved = (
        facts.filter(end_key__lte=params.date_to)
        .order_by()
        .values(m=TruncMonth("ended_day"), ch=F("channel"))
        .annotate(n=Count("pk"))
    )
    for r in resolved:
        months[_month(r["m"])][f"resolved_{names[r['ch']]}"] += r["n"]
    timed = (
        facts.filter(end_key__lte=params.date_to, completed=True, work_minutes__isnull=False)
        .order_by()
        .values(m=TruncMonth("ended_day"))
        .annotate(work=Avg("work_minutes"))
    )
    averages = {_month(r["m"]): float(r["work"] or 0) for r in timed}
    out = []
    for key in sorted(months):
        row = months[key]
        received_total = row["received_counter"] + row["received_online"] + row["received_post"]
        row["month"] = key
        row["month_label"] = f"{key[5:7]}/{key[:4]}"  # shown to people as mm/yyyy
        row["received"] = received_total
        row["resolved"] = row["resolved_counter"] + row["resolved_online"] + row["resolved_post"]
        row["online_share"] = _share(row["received_online"], received_total)
        if key in averages:
            row["average_days"] = round(averages[key] / MINUTES_PER_DAY, 2)
        out.append(row)
    return out


def _unit_names(ids: set[int]) -> dict[int, tuple[str, str, str]]:
    return {
        pk: (code, name, path)
        for pk, code, name, path in Organisation.objects.filter(pk__in=ids).values_list(
            "pk", "agency_code", "name", "path"
        )
    }


Cells = dict[tuple[int, int], dict[str, int]]


def on_time_by_organisation(
    params: ReportParams, cells: Cells | None = None
) -> list[dict[str, Any]]:
    """Indicator 2.1 per receiving unit."""
    per_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if cells is None:
        cells = one_stop_cells(params)
    for (unit, _version), c in cells.items():
        within = c["in_progress_total"] - c["in_progress_overdue"]
        per_unit[unit][0] += c["resolved_early"] + c["resolved_on_time"] + within
        per_unit[unit][1] += (
            c["resolved_early"]
            + c["resolved_on_time"]
            + c["resolved_late"]
            + c["in_progress_total"]
        )
    names = _unit_names(set(per_unit))
    rows = [
        {
            "key": names.get(unit, (str(unit),))[0],
            "name": names.get(unit, ("", str(unit)))[1],
            "on_time": good,
            "processed": total,
            "rate": _share(good, total),
            "_path": names.get(unit, ("", "", ""))[2],
        }
        for unit, (good, total) in per_unit.items()
        if total
    ]
    rows.sort(key=lambda r: str(r.pop("_path")))
    return rows


def overdue_in_period(params: ReportParams, cells: Cells | None = None) -> dict[str, Any]:
    """Late dossiers of the period as form 06a counts them: resolved late in the period
    (column 10) plus in progress and overdue at the end of the period (column 13), by receiving
    unit and by procedure (the largest first)."""
    if cells is None:
        cells = one_stop_cells(params)
    per_unit: Counter[int] = Counter()
    per_version: Counter[int] = Counter()
    resolved_late = in_progress_overdue = 0
    for (unit, version), c in cells.items():
        late = c["resolved_late"] + c["in_progress_overdue"]
        resolved_late += c["resolved_late"]
        in_progress_overdue += c["in_progress_overdue"]
        if late:
            per_unit[unit] += late
            per_version[version] += late
    names = _unit_names(set(per_unit))
    units: list[dict[str, Any]] = [
        {
            "key": names.get(unit, (str(unit),))[0],
            "name": names.get(unit, ("", ""))[1],
            "count": n,
        }
        for unit, n in per_unit.items()
    ]
    units.sort(key=lambda r: (-r["count"], fold(r["name"])))
    per_procedure: Counter[tuple[str, str]] = Counter()
    versions = ProcedureVersion.objects.filter(pk__in=per_version).values_list(
        "pk", "procedure__code", "procedure__current_version__name"
    )
    for pk, code, name in versions:
        per_procedure[(code, name or code)] += per_version[pk]
    procedures: list[dict[str, Any]] = [
        {"key": code, "name": name, "count": n} for (code, name), n in per_procedure.items()
    ]
    procedures.sort(key=lambda r: (-r["count"], r["key"]))
    return {
        "total": resolved_late + in_progress_overdue,
        "resolved_late": resolved_late,
        "in_progress_overdue": in_progress_overdue,
        "as_of": params.date_to.isoformat(),
        "by_organisation": units[:TOP],
        "by_procedure": procedures[:TOP],
    }


def overdue_now(params: ReportParams, today: dt.date | None = None) -> dict[str, Any]:
    """Dossiers open today and overdue, by receiving unit and by procedure (the largest)."""
    today = today or timezone.localdate()
    qs = DossierFact.objects.filter(end_key=OPEN_END, overdue_from__lte=today)
    if params.unit_ids is not None:
        ids = params.unit_ids
        qs = qs.filter(Q(receiving_unit_id__in=ids) | Q(processing_unit_id__in=ids))
    by_unit = list(qs.order_by().values("receiving_unit_id").annotate(n=Count("pk")))
    names = _unit_names({r["receiving_unit_id"] for r in by_unit})
    units = sorted(
        (
            {
                "key": names.get(r["receiving_unit_id"], (str(r["receiving_unit_id"]),))[0],
                "name": names.get(r["receiving_unit_id"], ("", ""))[1],
                "count": r["n"],
            }
            for r in by_unit
        ),
        key=lambda r: (-r["count"], r["name"]),
    )
    by_procedure = (
        qs.order_by()
        .values(
            key=F("version__procedure__code"), name=F("version__procedure__current_version__name")
        )
        .annotate(count=Count("pk"))
        .order_by("-count", "key")[:TOP]
    )
    return {
        "as_of": today.isoformat(),
        "total": sum(r["count"] for r in units),
        "by_organisation": units[:TOP],
        "by_procedure": list(by_procedure),
    }


def processing_time_by_procedure(params: ReportParams) -> list[dict[str, Any]]:
    rows = (
        facts_for_period(params)
        .filter(end_key__lte=params.date_to, completed=True, work_minutes__isnull=False)
        .order_by()
        .values(
            key=F("version__procedure__code"), name=F("version__procedure__current_version__name")
        )
        .annotate(dossiers=Count("pk"), work=Avg("work_minutes"), allowed=Avg("allowed_minutes"))
        .order_by("-dossiers", "key")[:TOP]
    )
    return [
        {
            "key": r["key"],
            "name": r["name"],
            "dossiers": r["dossiers"],
            "average_days": round(float(r["work"] or 0) / MINUTES_PER_DAY, 2),
            "statutory_days": round(float(r["allowed"]) / MINUTES_PER_DAY, 2)
            if r["allowed"] is not None
            else None,
        }
        for r in rows
    ]


def late_causes(params: ReportParams) -> list[dict[str, Any]]:
    """Reasons given in extensions (apology letters, form 04) in the period, most frequent first."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(params.date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(params.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    events = DossierEvent.objects.filter(action=Action.EXTEND, at__gte=start, at__lt=end)
    if params.unit_ids is not None:
        ids = params.unit_ids
        events = events.filter(
            Q(dossier__receiving_unit_id__in=ids) | Q(dossier__processing_unit_id__in=ids)
        )
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for data, note in events.values_list("data", "note").iterator(chunk_size=2000):
        reason = (data or {}).get("reason") if isinstance(data, dict) else None
        text = " ".join(str(reason or note or "").split())
        key = fold(text)
        counts[key] += 1
        labels.setdefault(key, text)
    return [{"reason": labels[key] or "—", "count": n} for key, n in counts.most_common(TOP)]


def dashboard_data(params: ReportParams) -> dict[str, Any]:
    months = monthly(params)
    received = sum(m["received"] for m in months)
    online = sum(m["received_online"] for m in months)
    savings = savings_report(params)
    cells = one_stop_cells(params)
    overdue = overdue_in_period(params, cells)
    timed = processing_time_by_procedure(params)
    weighted = sum(Decimal(str(p["average_days"])) * p["dossiers"] for p in timed)
    dossiers_timed = sum(p["dossiers"] for p in timed)
    return {
        "period": {"from": params.date_from.isoformat(), "to": params.date_to.isoformat()},
        "unit": params.unit.agency_code if params.unit is not None else None,
        "summary": {
            "received": received,
            "received_online": online,
            "online_share": _share(online, received),
            "resolved": sum(m["resolved"] for m in months),
            "overdue": overdue["total"],
            "average_days_top_procedures": round(float(weighted / dossiers_timed), 2)
            if dossiers_timed
            else None,
            "estimated_saving": savings.total,
        },
        "monthly": months,
        "on_time_by_organisation": on_time_by_organisation(params, cells),
        "overdue": overdue,
        "overdue_now": overdue_now(params),
        "processing_time_by_procedure": timed,
        "late_causes": late_causes(params),
        "savings": savings.as_dict(),
    }
