"""Decision 766 indicators: formulas, scores, N/A, rule versions, trend, drill-down."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers.models import Dossier
from motcua.reporting.index766 import (
    PARTS,
    Rule,
    index766_counts,
    index766_drill,
    index766_report,
    rules_on,
    score,
)
from motcua.reporting.models import IndicatorRule
from motcua.reporting.params import parse_params
from motcua.reporting.tests.scenario import DESK_EXPECTED, WARD_EXPECTED, build_march

pytestmark = pytest.mark.django_db

MARCH = {"from": "2027-03-01", "to": "2027-03-31"}


def dissatisfied_with_b(dossier_ids):
    """A stand-in rating source (settings.MOTCUA_DISSATISFIED_DOSSIERS) for the tests."""
    return set(
        Dossier.objects.filter(pk__in=dossier_ids, code="000.00.15.H12-270301-0001").values_list(
            "pk", flat=True
        )
    )


@pytest.fixture
def march(rworld):
    return build_march(rworld)


def by_code(report):
    return {i["code"]: i for i in report["indicators"]}


@pytest.mark.parametrize(
    ("rate", "threshold", "points", "expected"),
    [
        (Decimal("0.4"), Decimal("0.5"), Decimal(8), Decimal("6.40")),
        (Decimal("0.6"), Decimal("0.5"), Decimal(8), Decimal("8.00")),  # capped at the points
        (Decimal("0.3333"), Decimal(1), Decimal(10), Decimal("3.33")),
        (Decimal(0), Decimal("0.8"), Decimal(6), Decimal("0.00")),
        (None, Decimal("0.8"), Decimal(6), None),  # N/A
    ],
)
def test_score_formula(rate, threshold, points, expected):
    rule = Rule("x", 1, "x", points, threshold, "v", dt.date(2022, 1, 1), False)
    assert score(rate, rule) == expected


def test_on_time_rate_from_the_06a_columns(rworld, march):
    report = index766_report(parse_params(rworld.admin, MARCH), trend=False)
    i21 = by_code(report)["2.1"]
    d, w = DESK_EXPECTED, WARD_EXPECTED
    good = sum(
        x["resolved_early"] + x["resolved_on_time"] + x["in_progress_within_time"] for x in (d, w)
    )
    total = sum(x["resolved_total"] + x["in_progress_total"] for x in (d, w))
    assert (i21["numerator"], i21["denominator"]) == (good, total) == (8, 13)
    assert i21["rate"] == 0.6154
    assert i21["score"] == 6.15  # 10 points at 100 %


def test_online_share_fees_and_na(rworld, march):
    report = by_code(index766_report(parse_params(rworld.admin, MARCH), trend=False))
    # 11 dossiers received in March (10 at the desk, 1 at the ward), 1 online (B, completed
    # with a document result but without an electronic one: not counted)
    assert (report["3.3"]["numerator"], report["3.3"]["denominator"]) == (0, 11)
    assert report["3.3"]["score"] == 0.0
    # no fee was paid: N/A, no score
    assert report["3.6"]["denominator"] == 0
    assert report["3.6"]["rate"] is None and report["3.6"]["score"] is None
    # 3.1: both procedures are offered fully online
    assert (report["3.1"]["numerator"], report["3.1"]["denominator"]) == (2, 2)


def test_satisfaction_subtracts_late_and_dissatisfied(rworld, march, settings):
    params = parse_params(rworld.admin, MARCH)
    i54 = by_code(index766_report(params, trend=False))["5.4"]
    assert (i54["numerator"], i54["denominator"]) == (6, 8)  # 8 resolved, C and D late
    settings.MOTCUA_DISSATISFIED_DOSSIERS = (
        "motcua.reporting.tests.test_index766.dissatisfied_with_b"
    )
    report = index766_report(params, trend=False)
    assert report["satisfaction_source"].endswith("dissatisfied_with_b")
    assert by_code(report)["5.4"]["numerator"] == 5  # B (on time) was rated "dissatisfied"
    numerator = index766_drill(params, "5.4", "numerator")
    assert numerator.count() == 5
    # the statement names the dissatisfied dossiers, not every good one (a province-year has
    # more good dossiers than PostgreSQL takes parameters)
    _sql, sql_params = numerator.query.sql_with_params()
    assert len(sql_params) <= 6  # 3 dates, 2 outcomes, B; before: one per good dossier


def test_rules_are_data_with_effective_dates(rworld, march):
    assert rules_on(dt.date(2027, 3, 31))["3.3"].threshold == Decimal("0.5")
    IndicatorRule.objects.create(
        code="2.1",
        name="Đúng hạn",
        points=Decimal(20),
        threshold=Decimal("0.9"),
        formula_version="766/2027",
        effective_from=dt.date(2027, 3, 15),
        confirmed=True,
    )
    assert rules_on(dt.date(2027, 3, 14))["2.1"].points == Decimal(10)
    rule = rules_on(dt.date(2027, 3, 31))["2.1"]
    assert (rule.points, rule.threshold, rule.formula_version) == (
        Decimal(20),
        Decimal("0.9"),
        "766/2027",
    )
    i21 = by_code(index766_report(parse_params(rworld.admin, MARCH), trend=False))["2.1"]
    assert i21["score"] == round(min(1, 0.6154 / 0.9) * 20, 2)
    assert i21["confirmed"] is True


def test_per_organisation_and_drill_down_counts(rworld, march):
    params = parse_params(rworld.admin, MARCH)
    report = index766_report(params, trend=False)
    orgs = {o["key"]: {i["code"]: i for i in o["indicators"]} for o in report["organisations"]}
    assert orgs["000.01.20.H12"]["2.1"]["numerator"] == 1
    assert orgs["000.00.15.H12"]["2.1"]["denominator"] == 12
    for item in report["indicators"]:
        for part in ("numerator", "denominator"):
            qs = index766_drill(params, item["code"], part)
            if qs is not None:
                assert qs.count() == item[part], (item["code"], part)
        assert item["drill"].startswith("/reports/index766/drill/?")


def test_monthly_trend_equals_the_report_of_each_month(rworld, march):
    params = parse_params(rworld.admin, {"from": "2027-02-10", "to": "2027-04-30"})
    trend = index766_report(params)["trend"]
    assert [m["month"] for m in trend] == ["2027-02", "2027-03", "2027-04"]
    for month in trend:
        one = parse_params(rworld.admin, {"from": month["from"], "to": month["to"]})
        total, _units = index766_counts(one)
        for code, (num, den) in PARTS.items():
            expected = round(total[num] / total[den], 4) if total.get(den) else None
            assert month["rates"][code] == expected, (month["month"], code)


def test_papers_fees_and_electronic_results_through_the_services(rworld):
    from motcua.dossiers import services
    from motcua.dossiers.services import ApplicantInput, ComponentInput
    from motcua.dossiers.tests.conftest import vn
    from motcua.procedures.models import Fee

    # given an online dossier with digitised papers, one reused, a fee paid online, delivered
    # online; and a counter dossier with a paper not digitised
    Fee.objects.create(version=rworld.version, amount=50000, description="Lệ phí")
    a = rworld.admin
    d = services.dossier_create(
        actor=rworld.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=rworld.desk,
        applicant=ApplicantInput(full_name="Võ Thị Sáu", id_number="096300000001"),
        components=[
            ComponentInput(paper_code="GT1", digitised=True),
            ComponentInput(paper_code="GT2", digitised=True, reused=True),
        ],
        at=vn(2027, 3, 1, 8),
        trusted=True,
    )
    d = services.dossier_receive(dossier=d, actor=a, at=vn(2027, 3, 1, 9), trusted=True)
    d = services.dossier_request_payment(dossier=d, actor=a, at=vn(2027, 3, 2, 9), trusted=True)
    d = services.dossier_confirm_payment(
        dossier=d, actor=a, online=True, at=vn(2027, 3, 2, 10), trusted=True
    )
    d = services.dossier_forward(dossier=d, actor=a, at=vn(2027, 3, 2, 14), trusted=True)
    d = services.dossier_approve(dossier=d, actor=a, at=vn(2027, 3, 2, 16), trusted=True)
    d = services.dossier_complete(
        dossier=d, actor=a, result_number="1/GP", at=vn(2027, 3, 3, 9), trusted=True
    )
    services.dossier_deliver(
        dossier=d, actor=a, method="online", at=vn(2027, 3, 3, 10), trusted=True
    )
    services.dossier_create(
        actor=a,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=rworld.desk,
        applicant=ApplicantInput(full_name="Lê Văn Tám", id_number="096300000002"),
        components=[ComponentInput(paper_code="GT1")],
        at=vn(2027, 3, 1, 10),
        trusted=True,
    )
    # when
    params = parse_params(rworld.admin, MARCH)
    report = by_code(index766_report(params, trend=False))
    # then
    assert (report["3.3"]["numerator"], report["3.3"]["denominator"]) == (1, 2)
    assert (report["3.6"]["numerator"], report["3.6"]["denominator"]) == (1, 1)
    assert (report["4.1"]["numerator"], report["4.1"]["denominator"]) == (1, 1)
    assert (report["4.2"]["numerator"], report["4.2"]["denominator"]) == (1, 2)
    assert (report["4.3"]["numerator"], report["4.3"]["denominator"]) == (1, 2)
    assert [x.code for x in index766_drill(params, "4.3", "numerator")] == [d.code]
