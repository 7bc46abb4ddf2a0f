"""Form 06a: counting rules on hand-built dossiers (DOMAIN §4–§5), groupings, drill-down."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.reporting.one_stop import (
    COLUMN_NAMES,
    naive_columns,
    one_stop_drill,
    one_stop_naive,
    one_stop_report,
)
from motcua.reporting.params import parse_params
from motcua.reporting.tests.scenario import DESK_EXPECTED, MARCH, WARD_EXPECTED, build_march

pytestmark = pytest.mark.django_db

ZERO = dict.fromkeys(COLUMN_NAMES, 0)


def params(w, group_by="organisation", unit="", period=MARCH, user=None):
    data = {"from": period[0].isoformat(), "to": period[1].isoformat(), "group_by": group_by}
    if unit:
        data["unit"] = unit
    return parse_params(user or w.admin, data)


@pytest.fixture
def march(rworld):
    return build_march(rworld)


EXPECTED_COLUMNS = {
    "A": {"carried_over", "resolved_early"},
    "B": {"received_online", "resolved_on_time"},
    "C": {"received_counter_post", "resolved_late"},
    "D": {"received_counter_post", "resolved_late"},
    "E": {"received_counter_post", "resolved_early"},
    "F": set(),
    "G": set(),
    "H": {"received_counter_post", "in_progress_total", "in_progress_overdue"},
    "I": {"received_counter_post", "in_progress_total"},
    "J": {"received_counter_post", "in_progress_total"},
    "K": {"received_counter_post", "in_progress_total", "in_progress_overdue"},
    "L": {"received_counter_post", "resolved_early"},
    "M": set(),
    "N": set(),
    "O": {"carried_over", "in_progress_total", "in_progress_overdue"},
    "P": {"received_counter_post", "resolved_early"},
    "Q": {"received_counter_post", "resolved_early"},
}


@pytest.mark.parametrize("letter", sorted(EXPECTED_COLUMNS))
def test_each_dossier_counts_in_the_columns_the_rules_give(rworld, march, letter):
    assert naive_columns(march[letter], *MARCH) == EXPECTED_COLUMNS[letter]


def test_extension_does_not_move_the_statutory_due_date(rworld, march):
    c = march["C"]
    assert c.extension_count == 1
    assert c.appointment_at > c.due_at  # the apology moved the appointment only
    assert c.due_at.date() == dt.date(2027, 3, 9)


def test_march_by_organisation(rworld, march):
    # when
    report = one_stop_report(params(rworld))
    # then
    rows = {row.key: row.counts for row in report.rows}
    assert rows == {"000.00.15.H12": DESK_EXPECTED, "000.01.20.H12": WARD_EXPECTED}
    assert report.total == {k: DESK_EXPECTED[k] + WARD_EXPECTED[k] for k in COLUMN_NAMES}
    assert [row.key for row in report.rows] == ["000.00.15.H12", "000.01.20.H12"]  # tree order


def test_fast_path_equals_per_dossier_computation(rworld, march):
    for group_by in ("organisation", "field", "procedure"):
        p = params(rworld, group_by)
        assert one_stop_report(p).as_dict() == one_stop_naive(p).as_dict()


def test_grouping_by_field_and_by_procedure(rworld, march):
    by_field = {row.key: row for row in one_stop_report(params(rworld, "field")).rows}
    assert set(by_field) == {"LLTP", "Hộ tịch"}
    assert by_field["LLTP"].name == "Lý lịch tư pháp"
    assert by_field["LLTP"].counts == DESK_EXPECTED
    by_procedure = {
        row.key: row.counts for row in one_stop_report(params(rworld, "procedure")).rows
    }
    assert by_procedure == {"9.000001": DESK_EXPECTED, "9.000002": WARD_EXPECTED}


@pytest.mark.parametrize(
    ("unit", "expected_keys"),
    [
        ("000.00.00.H12", {"000.00.15.H12", "000.01.20.H12"}),  # the province: everything
        ("000.00.20.H12", {"000.01.20.H12"}),  # the ward includes its desk (subtree)
        ("000.01.20.H12", {"000.01.20.H12"}),
        ("000.00.08.H12", {"000.00.15.H12"}),  # the department: dossiers it processes
        ("000.00.09.H12", set()),
    ],
)
def test_unit_filter_includes_the_subtree(rworld, march, unit, expected_keys):
    report = one_stop_report(params(rworld, unit=unit))
    assert {row.key for row in report.rows} == expected_keys


def test_every_figure_drills_down_to_as_many_dossiers(rworld, march):
    for group_by in ("organisation", "field", "procedure"):
        p = params(rworld, group_by)
        report = one_stop_report(p)
        for row in [*report.rows, None]:
            counts = row.counts if row else report.total
            for column in COLUMN_NAMES:
                listed = one_stop_drill(p, column, row.key if row else "")
                assert listed.count() == counts[column], (group_by, row and row.key, column)


def test_drill_lists_the_right_dossiers(rworld, march):
    p = params(rworld)
    overdue = one_stop_drill(p, "in_progress_overdue", "000.00.15.H12")
    assert {d.code for d in overdue} == {march[x].code for x in "HKO"}
    late = one_stop_drill(p, "resolved_late", "")
    assert {d.code for d in late} == {march["C"].code, march["D"].code}


@pytest.mark.parametrize(
    "period",
    [
        (dt.date(2027, 3, 9), dt.date(2027, 3, 20)),
        (dt.date(2027, 2, 1), dt.date(2027, 2, 28)),
        (dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
        (dt.date(2027, 3, 17), dt.date(2027, 3, 17)),
        (dt.date(2027, 3, 18), dt.date(2027, 3, 19)),
    ],
)
def test_other_periods_balance_and_match_the_reference(rworld, march, period):
    p = params(rworld, period=period)
    report = one_stop_report(p)
    assert report.as_dict() == one_stop_naive(p).as_dict()
    for counts in [report.total, *(row.counts for row in report.rows)]:
        assert counts["received_total"] == counts["resolved_total"] + counts["in_progress_total"]


def test_paused_dossier_classification_depends_on_the_end_date(rworld, march):
    # K: due 17 Mar, paused since 19 Mar. On 18 Mar it was running and overdue; J (paused 17 Mar,
    # due 23 Mar) is within time whatever the end date.
    assert "in_progress_overdue" in naive_columns(
        march["K"], dt.date(2027, 3, 1), dt.date(2027, 3, 18)
    )
    assert "in_progress_overdue" not in naive_columns(
        march["J"], dt.date(2027, 3, 1), dt.date(2027, 3, 25)
    )
