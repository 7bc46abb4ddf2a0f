"""Compliance-cost savings of online submission (an estimate, with its assumptions shown).

Per procedure, a counter dossier costs the applicant
    visits × (travel + hours × value of an hour) + copies
and an online one
    online cost + online hours × value of an hour.
The saving of a period = Σ over procedures of (dossiers received online in the period) ×
(counter cost − online cost). The costs come from `ComplianceCost` (a row per procedure, else
the default row without a procedure, else DEFAULT_COST), editable in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.enums import Channel
from motcua.reporting.models import ComplianceCost
from motcua.reporting.one_stop import facts_for_period
from motcua.reporting.params import ReportParams

DEFAULT_COST = ComplianceCost()  # the model's field defaults, never saved
# Shown as the source of the default costs (in the reader's language: str() when used).
SOURCE_NOTE = _("MotCua's default figures (an estimate, to be confirmed by the province)")


@dataclass(frozen=True)
class CostAssumption:
    counter_travel: int
    counter_hours: Decimal
    counter_copies: int
    counter_visits: Decimal
    online_cost: int
    online_hours: Decimal
    hourly_value: int
    source: str

    @classmethod
    def of(cls, row: ComplianceCost) -> CostAssumption:
        return cls(
            counter_travel=row.counter_travel,
            counter_hours=Decimal(row.counter_hours),
            counter_copies=row.counter_copies,
            counter_visits=Decimal(row.counter_visits),
            online_cost=row.online_cost,
            online_hours=Decimal(row.online_hours),
            hourly_value=row.hourly_value,
            source=row.source or str(SOURCE_NOTE),
        )

    @property
    def counter_cost(self) -> int:
        per_visit = self.counter_travel + self.counter_hours * self.hourly_value
        total = self.counter_visits * per_visit + self.counter_copies
        return int(total.quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def online_total(self) -> int:
        total = self.online_cost + self.online_hours * self.hourly_value
        return int(Decimal(total).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def saving_per_dossier(self) -> int:
        return max(0, self.counter_cost - self.online_total)

    def as_dict(self) -> dict[str, Any]:
        return {
            "counter_travel": self.counter_travel,
            "counter_hours": float(self.counter_hours),
            "counter_copies": self.counter_copies,
            "counter_visits": float(self.counter_visits),
            "online_cost": self.online_cost,
            "online_hours": float(self.online_hours),
            "hourly_value": self.hourly_value,
            "counter_cost": self.counter_cost,
            "online_total": self.online_total,
            "saving_per_dossier": self.saving_per_dossier,
            "source": self.source,
        }


@dataclass
class SavingLine:
    procedure_code: str
    procedure_name: str
    online_dossiers: int
    assumption: CostAssumption
    own_assumption: bool

    @property
    def saving(self) -> int:
        return self.online_dossiers * self.assumption.saving_per_dossier


@dataclass
class SavingsReport:
    params: ReportParams
    default: CostAssumption
    lines: list[SavingLine] = field(default_factory=list)

    @property
    def online_dossiers(self) -> int:
        return sum(line.online_dossiers for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.saving for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        p = self.params
        return {
            "period": {"from": p.date_from.isoformat(), "to": p.date_to.isoformat()},
            "unit": p.unit.agency_code if p.unit is not None else None,
            "online_dossiers": self.online_dossiers,
            "estimated_saving": self.total,
            "currency": "VND",
            "formula": "online dossiers × (counter cost − online cost)",
            "default_assumption": self.default.as_dict(),
            "procedures": [
                {
                    "procedure_code": line.procedure_code,
                    "procedure_name": line.procedure_name,
                    "online_dossiers": line.online_dossiers,
                    "saving": line.saving,
                    "assumption": line.assumption.as_dict() if line.own_assumption else None,
                    "saving_per_dossier": line.assumption.saving_per_dossier,
                }
                for line in self.lines
            ],
        }


def cost_assumptions() -> tuple[CostAssumption, dict[int, CostAssumption]]:
    """(the default, per procedure id)."""
    default_row = (
        ComplianceCost.objects.filter(procedure__isnull=True).order_by("-updated_at", "-pk").first()
    )
    default = CostAssumption.of(default_row or DEFAULT_COST)
    own = {
        row.procedure_id: CostAssumption.of(row)
        for row in ComplianceCost.objects.filter(procedure__isnull=False)
        if row.procedure_id is not None
    }
    return default, own


def savings_report(params: ReportParams) -> SavingsReport:
    default, own = cost_assumptions()
    rows = (
        facts_for_period(params)
        .filter(received_day__gte=params.date_from, channel=Channel.ONLINE)
        .order_by()
        .values(
            procedure_id=F("version__procedure_id"),
            code=F("version__procedure__code"),
            name=F("version__procedure__current_version__name"),
        )
        .annotate(n=Count("pk"))
    )
    report = SavingsReport(params=params, default=default)
    for r in sorted(rows, key=lambda r: r["code"]):
        assumption = own.get(r["procedure_id"])
        report.lines.append(
            SavingLine(
                procedure_code=r["code"],
                procedure_name=r["name"] or r["code"],
                online_dossiers=r["n"],
                assumption=assumption or default,
                own_assumption=assumption is not None,
            )
        )
    return report
