"""The fast path (DossierFact) equals the per-dossier computation on a generated data set."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from motcua.dossiers.models import Dossier
from motcua.reporting.facts import FACT_FIELDS, facts_rebuild
from motcua.reporting.models import DossierFact
from motcua.reporting.one_stop import COLUMN_NAMES, one_stop_drill, one_stop_naive, one_stop_report
from motcua.reporting.params import parse_params
from motcua.reporting.tests.generated import generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(rworld):
    generate(rworld.admin)
    return rworld


def _periods() -> list[tuple[dt.date, dt.date]]:
    rng = random.Random(4)
    out = [
        (dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
    ]
    for _i in range(6):
        start = dt.date(2027, 2, 10) + dt.timedelta(days=rng.randint(0, 60))
        out.append((start, start + dt.timedelta(days=rng.randint(0, 40))))
    return out


def test_generated_set_has_every_kind_of_dossier(generated):
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {"delivered", "withdrawn", "stopped", "refused"} <= statuses
    assert Dossier.objects.filter(supplement_count__gt=1).exists()
    assert Dossier.objects.filter(extension_count__gt=0).exists()
    assert Dossier.objects.filter(paused_since__isnull=False).exists()


@pytest.mark.parametrize("group_by", ["organisation", "field", "procedure"])
def test_fast_path_equals_per_dossier_computation(generated, group_by):
    for date_from, date_to in _periods():
        for unit in ("", "000.00.20.H12", "000.00.08.H12"):
            data = {"from": date_from.isoformat(), "to": date_to.isoformat(), "group_by": group_by}
            if unit:
                data["unit"] = unit
            params = parse_params(generated.admin, data)
            fast = one_stop_report(params)
            assert fast.as_dict() == one_stop_naive(params).as_dict(), (date_from, date_to, unit)
            total = fast.total
            assert total["received_total"] == total["resolved_total"] + total["in_progress_total"]


def test_drill_down_of_generated_figures(generated):
    params = parse_params(generated.admin, {"from": "2027-03-01", "to": "2027-03-31"})
    report = one_stop_report(params)
    assert report.total["received_total"] > 100
    for row in report.rows[:3]:
        for column in COLUMN_NAMES:
            assert one_stop_drill(params, column, row.key).count() == row.counts[column]


def test_rebuild_gives_the_same_facts(generated):
    before = list(DossierFact.objects.order_by("pk").values("pk", *FACT_FIELDS))
    DossierFact.objects.all().delete()
    assert facts_rebuild(batch_size=70) == len(before)
    assert list(DossierFact.objects.order_by("pk").values("pk", *FACT_FIELDS)) == before


def test_rebuild_command(generated):
    import io

    from django.core.management import call_command

    DossierFact.objects.all().delete()
    out = io.StringIO()
    call_command("reporting_rebuild", stdout=out, stderr=io.StringIO())
    assert "dossiers counted in the statistics" in out.getvalue()
    assert (
        DossierFact.objects.count()
        == Dossier.objects.exclude(status__in=["submitted", "refused"]).count()
    )


@pytest.mark.parametrize("size", ["0", "70000"])
def test_reporting_rebuild_refuses_a_batch_size_the_database_cannot_take(size: str) -> None:
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="50,000"):
        call_command("reporting_rebuild", "--batch-size", size, stdout=io.StringIO())
