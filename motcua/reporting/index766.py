"""Decision 766/QĐ-TTg service index: the indicators computable from MotCua's own data.

Score of an indicator: min(1, rate / threshold) × points, rounded to 2 decimals; a zero
denominator gives N/A (rate and score null). Thresholds, points and formula versions are data:
`DEFAULT_RULES` below (with effective dates), overridden by `IndicatorRule` rows, so an item
still marked "confirm" in DOMAIN §6 is corrected without a code change.

Formulas (formula version "766/2022", docs/reporting.md):
- 2.1 on time = (resolved early or on time + in progress within time) ÷ (resolved + in progress),
  the form 06a columns of the period (>1 supplement request = late, supplement time excluded).
- 2.2 processing time: per procedure, the average working time of the dossiers completed in the
  period (clock start to end, pauses excluded) against the average statutory time; rate = share
  of procedures whose average does not exceed the statutory time.
- 3.1 procedures offered online (partly or fully) ÷ procedures received by the units (current
  catalogue).
- 3.3 dossiers received online (channel 2; when the procedure returns a document and the dossier
  is completed, only with an electronic result) ÷ dossiers received in the period.
- 3.6 fee-bearing dossiers received in the period and paid online ÷ those paid.
- 4.1 completed dossiers with an electronic result ÷ completed dossiers whose procedure returns a
  document (completed in the period). An electronic result: a result paper that is a file or
  marked digitised, or delivery online.
- 4.2 digitised dossiers: every submitted paper digitised (at least one) and, when completed
  with a document result, an electronic result ÷ dossiers received in the period.
- 4.3 dossiers reusing digitised data (a paper marked reused) ÷ dossiers received.
- 5.4 satisfaction = 1 − (late ÷ resolved + dissatisfied ÷ resolved), not below 0, over the
  dossiers resolved in the period; ratings come from `satisfaction.py` (0 when no rating model).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.enums import Channel
from motcua.dossiers.models import Dossier
from motcua.organisations.models import Organisation
from motcua.procedures.enums import OnlineLevel, ProcedureStatus
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.reporting.models import DossierFact, IndicatorRule, Outcome
from motcua.reporting.one_stop import facts_for_period, one_stop_cells
from motcua.reporting.params import ReportParams
from motcua.reporting.satisfaction import dissatisfied_dossier_ids, satisfaction_source

TWO_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
MAX_TREND_MONTHS = 36
DECISION_766 = dt.date(2022, 6, 23)


@dataclass(frozen=True)
class Rule:
    code: str
    group: int
    name: str | Promise
    points: Decimal
    threshold: Decimal
    formula_version: str
    effective_from: dt.date
    confirmed: bool
    legal_reference: str = "QĐ 766/QĐ-TTg"
    source: str = "default"


# Points and thresholds: 3.1 ≥ 80 %, 3.3 ≥ 50 %, 4.2 ≥ 80 %, 4.3 ≥ 80 %, 5.4 ≥ 90 % are from
# DOMAIN §6; the split of each group's points between its indicators is ours (confirm).
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "2.1",
        2,
        _("Dossiers resolved or in progress on time"),
        Decimal(10),
        Decimal(1),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "2.2",
        2,
        _("Procedures resolved within their statutory time on average"),
        Decimal(10),
        Decimal(1),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "3.1",
        3,
        _("Procedures offered as online public services"),
        Decimal(6),
        Decimal("0.8"),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "3.3",
        3,
        _("Dossiers submitted online"),
        Decimal(8),
        Decimal("0.5"),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "3.6",
        3,
        _("Fee-bearing dossiers paid online"),
        Decimal(4),
        Decimal("0.5"),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "4.1",
        4,
        _("Completed dossiers with an electronic result"),
        Decimal(6),
        Decimal(1),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "4.2",
        4,
        _("Digitised dossiers"),
        Decimal(8),
        Decimal("0.8"),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "4.3",
        4,
        _("Dossiers reusing digitised data"),
        Decimal(8),
        Decimal("0.8"),
        "766/2022",
        DECISION_766,
        False,
    ),
    Rule(
        "5.4",
        5,
        _("Satisfaction (not late, no complaint)"),
        Decimal(6),
        Decimal("0.9"),
        "766/2022",
        DECISION_766,
        False,
    ),
)
CODES = tuple(rule.code for rule in DEFAULT_RULES)


def rules_on(day: dt.date) -> dict[str, Rule]:
    """The rule of each indicator in force on `day`: the newest IndicatorRule row effective by
    then, else the newest default effective by then."""
    out: dict[str, Rule] = {}
    for rule in sorted(DEFAULT_RULES, key=lambda r: r.effective_from):
        if rule.effective_from <= day:
            out[rule.code] = rule
    defaults = {rule.code: rule for rule in DEFAULT_RULES}
    for row in IndicatorRule.objects.filter(effective_from__lte=day).order_by("effective_from"):
        base = defaults.get(row.code)
        out[row.code] = Rule(
            code=row.code,
            group=base.group if base else int(row.code.split(".")[0]),
            name=row.name or (base.name if base else row.code),
            points=row.points,
            threshold=row.threshold,
            formula_version=row.formula_version,
            effective_from=row.effective_from,
            confirmed=row.confirmed,
            legal_reference=row.legal_reference or "QĐ 766/QĐ-TTg",
            source="database",
        )
    return {code: out[code] for code in CODES if code in out}


def score(rate: Decimal | None, rule: Rule) -> Decimal | None:
    if rate is None:
        return None
    ratio = min(Decimal(1), rate / rule.threshold)
    return (ratio * rule.points).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rate_of(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


# --- raw counts -------------------------------------------------------------------------------

Counts = dict[str, int]
PARTS = {
    "2.1": ("on_time", "processed"),
    "2.2": ("procedures_within", "procedures_timed"),
    "3.1": ("procedures_online", "procedures"),
    "3.3": ("received_online", "received"),
    "3.6": ("paid_online", "paid"),
    "4.1": ("electronic_results", "document_results"),
    "4.2": ("digitised", "received"),
    "4.3": ("reused", "received"),
    "5.4": ("satisfied", "resolved"),
}


def received_facts(params: ReportParams) -> QuerySet[DossierFact]:
    """Facts of the dossiers received in the period."""
    return facts_for_period(params).filter(received_day__gte=params.date_from)


def resolved_facts(params: ReportParams) -> QuerySet[DossierFact]:
    """Facts of the dossiers resolved (ended, not refused) in the period."""
    return facts_for_period(params).filter(end_key__lte=params.date_to)


def completed_facts(params: ReportParams) -> QuerySet[DossierFact]:
    """Facts of the dossiers completed with a result in the period."""
    return resolved_facts(params).filter(completed=True)


def fact_set_q(code: str, part: str) -> Q:
    """Within received_facts (completed_facts for 4.1): a dossier indicator's part."""
    document = Q(version__has_document_result=True)
    missing_result = Q(completed=True, electronic_result=False) & document
    conditions = {
        ("3.3", "numerator"): Q(channel=Channel.ONLINE) & ~missing_result,
        ("3.6", "denominator"): Q(fee_paid=True),
        ("3.6", "numerator"): Q(paid_online=True),
        ("4.1", "denominator"): document,
        ("4.1", "numerator"): document & Q(electronic_result=True),
        ("4.2", "numerator"): Q(papers_digitised=True) & ~missing_result,
        ("4.3", "numerator"): Q(reused=True),
    }
    return conditions.get((code, part), Q())


# Counts are computed per bucket: the receiving unit ("unit") or the month ("month"), the month
# of receipt for dossiers received in the period and the month of the end for the others.
Bucket = Any


def _bucket(by: str, day_field: str) -> Any:
    return F("receiving_unit_id") if by == "unit" else TruncMonth(day_field)


def _per_bucket(qs: QuerySet[DossierFact], bucket: Any, **annotations: Any) -> dict[Bucket, Counts]:
    rows = qs.order_by().values(bucket=bucket).annotate(**annotations)
    return {_key(r.pop("bucket")): r for r in rows}


def _key(value: Any) -> Bucket:
    """Months as "YYYY-MM" whatever the database returns (date or datetime)."""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    return value


def _dossier_counts(params: ReportParams, by: str = "unit") -> dict[Bucket, Counts]:
    out: dict[Bucket, Counts] = defaultdict(dict)
    received = _per_bucket(
        received_facts(params),
        _bucket(by, "received_day"),
        received=Count("pk"),
        received_online=Count("pk", filter=fact_set_q("3.3", "numerator")),
        paid=Count("pk", filter=fact_set_q("3.6", "denominator")),
        paid_online=Count("pk", filter=fact_set_q("3.6", "numerator")),
        digitised=Count("pk", filter=fact_set_q("4.2", "numerator")),
        reused=Count("pk", filter=fact_set_q("4.3", "numerator")),
    )
    completed = _per_bucket(
        completed_facts(params),
        _bucket(by, "end_key"),
        document_results=Count("pk", filter=fact_set_q("4.1", "denominator")),
        electronic_results=Count("pk", filter=fact_set_q("4.1", "numerator")),
    )
    for source in (received, completed):
        for bucket, counts in source.items():
            out[bucket].update(counts)
    return out


def _one_stop_counts(params: ReportParams) -> dict[Bucket, Counts]:
    out: dict[Bucket, Counts] = defaultdict(lambda: defaultdict(int))
    for (unit, _version), c in one_stop_cells(params).items():
        resolved = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
        within = c["in_progress_total"] - c["in_progress_overdue"]
        target = out[unit]
        target["on_time"] += c["resolved_early"] + c["resolved_on_time"] + within
        target["processed"] += resolved + c["in_progress_total"]
        target["resolved"] += resolved
        target["late"] += c["resolved_late"]
    return out


def _one_stop_counts_by_month(
    params: ReportParams, months: list[tuple[dt.date, dt.date]]
) -> dict[Bucket, Counts]:
    """2.1 and 5.4 month by month: resolved by month of the end (one query) and open at each
    month's end (one query with two counts per month)."""
    facts = facts_for_period(params)
    out: dict[Bucket, Counts] = defaultdict(lambda: defaultdict(int))
    resolved = (
        facts.filter(end_key__lte=params.date_to)
        .order_by()
        .values(bucket=TruncMonth("end_key"))
        .annotate(
            good=Count("pk", filter=Q(outcome__in=[Outcome.EARLY, Outcome.ON_TIME])),
            late=Count("pk", filter=Q(outcome=Outcome.LATE)),
        )
    )
    for r in resolved:
        target = out[_key(r["bucket"])]
        target["on_time"] += r["good"]
        target["resolved"] += r["good"] + r["late"]
        target["processed"] += r["good"] + r["late"]
        target["late"] += r["late"]
    annotations = {}
    for i, (_start, end) in enumerate(months):
        open_at_end = Q(received_day__lte=end, end_key__gt=end)
        annotations[f"open_{i}"] = Count("pk", filter=open_at_end)
        annotations[f"overdue_{i}"] = Count("pk", filter=open_at_end & Q(overdue_from__lte=end))
    if annotations:
        opened = facts.aggregate(**annotations)
        for i, (start, _end) in enumerate(months):
            target = out[start.strftime("%Y-%m")]
            target["on_time"] += opened[f"open_{i}"] - opened[f"overdue_{i}"]
            target["processed"] += opened[f"open_{i}"]
    return out


def _dissatisfied(params: ReportParams, by: str = "unit") -> dict[Bucket, int]:
    """Resolved dossiers not late with a dissatisfied rating or complaint, per bucket (a late
    one is subtracted once, as late)."""
    rows = list(
        resolved_facts(params)
        .filter(outcome__in=[Outcome.EARLY, Outcome.ON_TIME])
        .values_list("dossier_id", "receiving_unit_id", "end_key")
    )
    unhappy = dissatisfied_dossier_ids([pk for pk, _unit, _end in rows])
    out: dict[Bucket, int] = defaultdict(int)
    for pk, unit, end in rows:
        if pk in unhappy:
            out[unit if by == "unit" else end.strftime("%Y-%m")] += 1
    return out


@dataclass
class ProcedureTime:
    procedure_id: int
    code: str
    name: str
    dossiers: int
    average_days: Decimal
    statutory_days: Decimal

    @property
    def within(self) -> bool:
        return self.average_days <= self.statutory_days


def procedure_times(params: ReportParams, unit_id: int | None = None) -> list[ProcedureTime]:
    """2.2: per procedure, average working days taken and allowed (completed in the period)."""
    qs = facts_for_period(params).filter(
        completed=True, end_key__lte=params.date_to, allowed_minutes__isnull=False
    )
    if unit_id is not None:
        qs = qs.filter(receiving_unit_id=unit_id)
    rows = (
        qs.order_by()
        .values("version__procedure_id", "version__procedure__code")
        .annotate(n=Count("pk"), work=Sum("work_minutes"), allowed=Sum("allowed_minutes"))
    )
    names = dict(
        Procedure.objects.filter(pk__in=[r["version__procedure_id"] for r in rows]).values_list(
            "pk", "current_version__name"
        )
    )
    day = Decimal(8 * 60)
    out = []
    for r in rows:
        n = r["n"]
        out.append(
            ProcedureTime(
                procedure_id=r["version__procedure_id"],
                code=r["version__procedure__code"],
                name=names.get(r["version__procedure_id"]) or r["version__procedure__code"],
                dossiers=n,
                average_days=(Decimal(r["work"] or 0) / n / day).quantize(TWO_PLACES),
                statutory_days=(Decimal(r["allowed"] or 0) / n / day).quantize(TWO_PLACES),
            )
        )
    out.sort(key=lambda p: p.code)
    return out


def _procedure_time_counts(
    params: ReportParams, by: str = "unit"
) -> tuple[Counts, dict[Bucket, Counts]]:
    """2.2: (for the scope, per bucket) how many procedures were timed and how many of them
    took on average no longer than allowed."""
    qs = facts_for_period(params).filter(
        completed=True, end_key__lte=params.date_to, allowed_minutes__isnull=False
    )
    bucket = F("receiving_unit_id") if by == "unit" else TruncMonth("end_key")
    rows = (
        qs.order_by()
        .values(bucket=bucket, procedure=F("version__procedure_id"))
        .annotate(n=Count("pk"), work=Sum("work_minutes"), allowed=Sum("allowed_minutes"))
    )
    per_bucket: dict[Bucket, Counts] = defaultdict(
        lambda: {"procedures_within": 0, "procedures_timed": 0}
    )
    overall: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        target = per_bucket[_key(r["bucket"])]
        target["procedures_timed"] += 1
        target["procedures_within"] += int((r["work"] or 0) <= (r["allowed"] or 0))
        total = overall[r["procedure"]]
        total[0] += r["work"] or 0
        total[1] += r["allowed"] or 0
    total_counts = {
        "procedures_timed": len(overall),
        "procedures_within": sum(1 for work, allowed in overall.values() if work <= allowed),
    }
    return total_counts, per_bucket


def catalogue_versions(params: ReportParams) -> QuerySet[ProcedureVersion]:
    """3.1: the current, in-force versions received by the units in scope."""
    qs = ProcedureVersion.objects.filter(
        procedure__current_version=F("pk"), status=ProcedureStatus.ACTIVE
    )
    if params.unit_ids is not None:
        qs = qs.filter(receiving_organisations__in=params.unit_ids)
    return qs.distinct()


def _catalogue_counts(params: ReportParams) -> tuple[Counts, dict[int, Counts]]:
    online = [OnlineLevel.PARTIAL, OnlineLevel.FULL]
    through = ProcedureVersion.receiving_organisations.through
    links = through.objects.filter(procedureversion__in=catalogue_versions(params))
    if params.unit_ids is not None:
        links = links.filter(organisation_id__in=params.unit_ids)
    per_unit: dict[int, Counts] = defaultdict(lambda: {"procedures": 0, "procedures_online": 0})
    for unit, level in links.values_list("organisation_id", "procedureversion__online_level"):
        per_unit[unit]["procedures"] += 1
        per_unit[unit]["procedures_online"] += int(level in online)
    versions = catalogue_versions(params)
    total = {
        "procedures": versions.count(),
        "procedures_online": versions.filter(online_level__in=online).count(),
    }
    return total, per_unit


# --- the report -------------------------------------------------------------------------------


def _indicator(
    rule: Rule, counts: Counts, drill: Callable[[str, str], str] | None = None
) -> dict[str, Any]:
    num_key, den_key = PARTS[rule.code]
    numerator = int(counts.get(num_key, 0))
    denominator = int(counts.get(den_key, 0))
    rate = rate_of(numerator, denominator)
    out: dict[str, Any] = {
        "code": rule.code,
        "group": rule.group,
        "name": str(rule.name),
        "numerator": numerator,
        "denominator": denominator,
        "rate": float(rate) if rate is not None else None,
        "threshold": float(rule.threshold),
        "points": float(rule.points),
        "score": float(s) if (s := score(rate, rule)) is not None else None,
        "formula_version": rule.formula_version,
        "confirmed": rule.confirmed,
    }
    if drill is not None:
        out["drill"] = drill(rule.code, "numerator")
        out["drill_denominator"] = drill(rule.code, "denominator")
    return out


def _with_satisfaction(counts: Counts, dissatisfied: int) -> Counts:
    resolved = counts.get("resolved", 0)
    unhappy = counts.get("late", 0) + dissatisfied
    counts["dissatisfied"] = dissatisfied
    counts["satisfied"] = max(0, resolved - unhappy)
    return counts


def index766_counts(params: ReportParams) -> tuple[Counts, dict[int, Counts]]:
    """Raw numerators and denominators: (for the scope as a whole, per receiving unit)."""
    per_unit: dict[int, Counts] = defaultdict(dict)
    for source in (_one_stop_counts(params), _dossier_counts(params)):
        for unit, counts in source.items():
            per_unit[unit].update(counts)
    total_times, unit_times = _procedure_time_counts(params)
    total_catalogue, unit_catalogue = _catalogue_counts(params)
    for source2 in (unit_times, unit_catalogue):
        for unit, counts in source2.items():
            per_unit[unit].update(counts)
    unhappy = _dissatisfied(params)
    total: Counts = defaultdict(int)
    for unit, counts in per_unit.items():
        _with_satisfaction(counts, unhappy.get(unit, 0))
        for key, value in counts.items():
            total[key] += value
    total.update(total_times)
    total.update(total_catalogue)
    return dict(total), dict(per_unit)


def _months(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    start = date_from
    while start <= date_to and len(out) < MAX_TREND_MONTHS:
        next_month = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        out.append((start, min(date_to, next_month - dt.timedelta(days=1))))
        start = next_month
    return out


def index766_trend(params: ReportParams) -> list[dict[str, Any]]:
    """Month by month (at most MAX_TREND_MONTHS), the rates of the indicators, from a few
    grouped queries (not one report per month)."""
    rules = rules_on(params.date_to)
    months = _months(params.date_from, params.date_to)
    per_month: dict[Bucket, Counts] = defaultdict(dict)
    _total_times, times = _procedure_time_counts(params, by="month")
    sources = (
        _one_stop_counts_by_month(params, months),
        _dossier_counts(params, by="month"),
        times,
    )
    for source in sources:
        for month, counts in source.items():
            per_month[month].update(counts)
    catalogue, _per_unit = _catalogue_counts(params)
    unhappy = _dissatisfied(params, by="month")
    out = []
    for start, end in months:
        key = start.strftime("%Y-%m")
        counts = _with_satisfaction({**catalogue, **per_month.get(key, {})}, unhappy.get(key, 0))
        rates = {}
        for code, (num, den) in PARTS.items():
            if code in rules:
                rate = rate_of(int(counts.get(num, 0)), int(counts.get(den, 0)))
                rates[code] = float(rate) if rate is not None else None
        out.append({"month": key, "from": start.isoformat(), "to": end.isoformat(), "rates": rates})
    return out


def index766_report(
    params: ReportParams, *, base_url: str = "/reports/index766/", trend: bool = True
) -> dict[str, Any]:
    """The index for the unit (or province) and per receiving organisation."""
    from motcua.reporting.savings import savings_report

    rules = rules_on(params.date_to)
    total, per_unit = index766_counts(params)

    def drill(code: str, part: str) -> str:
        query = {**params.query(), "code": code, "part": part}
        query.pop("group_by", None)
        return f"{base_url}drill/?{urlencode(query)}"

    indicators = [_indicator(rule, total, drill) for rule in rules.values()]
    units = {
        pk: (code, name, path)
        for pk, code, name, path in Organisation.objects.filter(pk__in=per_unit).values_list(
            "pk", "agency_code", "name", "path"
        )
    }
    organisations = []
    for unit_id in sorted(per_unit, key=lambda pk: units.get(pk, ("", "", ""))[2]):
        code, name, _path = units.get(unit_id, (str(unit_id), str(unit_id), ""))
        items = [_indicator(rule, per_unit[unit_id]) for rule in rules.values()]
        organisations.append(
            {
                "key": code,
                "name": name,
                "indicators": items,
                "score": _sum_scores(items),
                "points_available": _sum_points(items),
            }
        )
    return {
        "period": {"from": params.date_from.isoformat(), "to": params.date_to.isoformat()},
        "unit": params.unit.agency_code if params.unit is not None else None,
        "rules_effective_on": params.date_to.isoformat(),
        "indicators": indicators,
        "score": _sum_scores(indicators),
        "points_available": _sum_points(indicators),
        "organisations": organisations,
        "trend": index766_trend(params) if trend else [],
        "satisfaction_source": satisfaction_source() or None,
        "savings": savings_report(params).as_dict(),
    }


def _sum_scores(items: list[dict[str, Any]]) -> float:
    total = sum((Decimal(str(i["score"])) for i in items if i["score"] is not None), Decimal(0))
    return float(total.quantize(TWO_PLACES))


def _sum_points(items: list[dict[str, Any]]) -> float:
    """Points of the indicators that could be scored (N/A ones are left out)."""
    total = sum((Decimal(str(i["points"])) for i in items if i["score"] is not None), Decimal(0))
    return float(total.quantize(TWO_PLACES))


# --- drill-down -------------------------------------------------------------------------------


def index766_drill(params: ReportParams, code: str, part: str) -> QuerySet[Dossier] | None:
    """The dossiers behind an indicator's numerator or denominator (None: the indicator counts
    procedures, see `procedure_times` and `catalogue_versions`)."""
    if code not in PARTS or part not in ("numerator", "denominator"):
        raise ValueError(code)
    if code in ("2.2", "3.1"):
        return None
    t = params.date_to
    if code == "2.1":
        facts = facts_for_period(params)
        if part == "numerator":
            open_within = Q(end_key__gt=t) & (Q(overdue_from__isnull=True) | Q(overdue_from__gt=t))
            facts = facts.filter(
                Q(end_key__lte=t, outcome__in=[Outcome.EARLY, Outcome.ON_TIME]) | open_within
            )
    elif code == "5.4":
        facts = resolved_facts(params)
        if part == "numerator":
            facts = facts.filter(outcome__in=[Outcome.EARLY, Outcome.ON_TIME])
            unhappy = dissatisfied_dossier_ids(list(facts.values_list("dossier_id", flat=True)))
            # Excluding the few dissatisfied keeps the statement small: a province-year has
            # hundreds of thousands of good dossiers, more than PostgreSQL's 65,535 parameters.
            facts = facts.exclude(dossier_id__in=sorted(unhappy))
    elif code == "4.1":
        facts = completed_facts(params).filter(fact_set_q(code, part))
    else:
        facts = received_facts(params).filter(fact_set_q(code, part))
    return (
        Dossier.objects.filter(pk__in=facts.values("dossier_id"))
        .select_related("procedure_version__procedure", "applicant", "receiving_unit")
        .order_by("received_at", "pk")
    )


__all__ = [
    "CODES",
    "DEFAULT_RULES",
    "index766_counts",
    "index766_drill",
    "index766_report",
    "procedure_times",
    "rules_on",
    "score",
]
