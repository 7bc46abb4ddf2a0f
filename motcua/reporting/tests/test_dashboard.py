"""The dashboard tells the truth: its overdue figure is form 06a's for the chosen period, it
opens on a period with data, every rate says how it is counted, and it exports like 06a."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from motcua.reporting import tables
from motcua.reporting.dashboard import dashboard_data
from motcua.reporting.one_stop import one_stop_report
from motcua.reporting.params import default_period, parse_params
from motcua.reporting.tests.scenario import build_march

pytestmark = pytest.mark.django_db

MARCH = {"from": "2027-03-01", "to": "2027-03-31"}


@pytest.fixture
def march(rworld):
    return build_march(rworld)


def test_overdue_is_form_06a_for_the_period(rworld, march):
    # given the March scenario (dossiers resolved late and still open past their due date)
    params = parse_params(rworld.admin, MARCH)
    total = one_stop_report(params).total
    # when
    data = dashboard_data(params)
    # then: resolved late in the period (column 10) + overdue at its end (column 13)
    expected = total["resolved_late"] + total["in_progress_overdue"]
    assert expected > 0
    assert data["summary"]["overdue"] == expected
    assert data["overdue"]["resolved_late"] == total["resolved_late"]
    assert data["overdue"]["in_progress_overdue"] == total["in_progress_overdue"]
    assert sum(r["count"] for r in data["overdue"]["by_organisation"]) == expected
    assert sum(r["count"] for r in data["overdue"]["by_procedure"]) == expected


def test_an_earlier_period_has_its_own_overdue_figure(rworld, march):
    # a period before any dossier: nothing was overdue then, whatever is overdue today
    params = parse_params(rworld.admin, {"from": "2027-01-01", "to": "2027-01-31"})
    assert dashboard_data(params)["summary"]["overdue"] == 0


def test_the_default_period_has_data(rworld, march):
    # this year so far when dossiers were received this year …
    assert default_period(dt.date(2027, 5, 2)) == (dt.date(2027, 1, 1), dt.date(2027, 5, 2))
    # … else the last year that has any
    assert default_period(dt.date(2028, 1, 10)) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


def test_an_empty_site_opens_on_this_year(db):
    assert default_period(dt.date(2027, 5, 2)) == (dt.date(2027, 1, 1), dt.date(2027, 5, 2))


def test_every_rate_says_how_it_is_counted(client, rworld, march):
    client.force_login(rworld.viewer)
    dashboard = client.get("/reports/", MARCH).content.decode()
    assert "chỉ số 3.3" in dashboard  # the online share is not indicator 3.3
    assert "Biểu số 06a" in dashboard  # the overdue figure is the form's
    assert "chỉ số 2.1" in dashboard
    index = client.get("/reports/index766/", MARCH).content.decode()
    assert 'id="to-confirm"' in index and "chưa được đối chiếu" in index
    assert "Chỉ số 3.3 đếm hồ sơ tiếp nhận trực tuyến" in index


@pytest.mark.parametrize("page", ["/reports/export", "/reports/index766/export"])
def test_dashboard_and_index_export_like_06a(client, rworld, march, page):
    client.force_login(rworld.viewer)
    xlsx = client.get(f"{page}.xlsx", MARCH)
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('_20270301-20270331.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    texts = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "Kỳ báo cáo: từ 01/03/2027 đến 31/03/2027" in texts
    pdf = client.get(f"{page}.pdf", MARCH)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_dashboard_export_has_the_page_figures(client, rworld, march):
    client.force_login(rworld.viewer)
    params = parse_params(rworld.viewer, MARCH)
    data = dashboard_data(params)
    sheet = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", MARCH).content)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Đã tiếp nhận"] == data["summary"]["received"]
    assert rows["Quá hạn trong kỳ"] == data["summary"]["overdue"]


def test_export_cells_are_never_formulas(rworld):
    params = parse_params(rworld.admin, MARCH)
    report = tables.Tables(
        "t", params, [tables.Section("s", ["a"], [['=HYPERLINK("http://x","y")'], [-3]])], "t"
    )
    sheet = load_workbook(io.BytesIO(tables.tables_xlsx(report))).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    formula = cells['=HYPERLINK("http://x","y")']  # the text as written, never a formula
    assert formula.data_type == "s" and formula.quotePrefix
    assert cells[-3].data_type == "n"  # numbers stay numbers


def test_reports_export_needs_a_report_reader(client, rworld):
    client.force_login(rworld.citizen)
    assert client.get("/reports/export.xlsx", MARCH).status_code == 403


def test_the_error_summary_names_fields_as_the_form_does(client, rworld):
    client.force_login(rworld.viewer)
    html = client.get("/reports/", {"from": "2000-01-01", "to": "9999-12-31"}).content.decode()
    assert 'href="#f-to">Đến ngày:' in html and 'href="#f-to">to:' not in html


def test_rates_are_numbers_in_the_spreadsheet_and_percentages_in_print(rworld):
    params = parse_params(rworld.admin, MARCH)
    report = tables.Tables(
        "t", params, [tables.Section("s", ["a"], [[tables.percent(0.235)]])], "t"
    )
    sheet = load_workbook(io.BytesIO(tables.tables_xlsx(report))).active
    cell = next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, float))
    assert cell.value == 0.235 and cell.number_format == "0.0%"
    assert str(tables.percent(0.235)) == "23,5%" and str(tables.percent(0.5)) == "50%"
    assert tables.percent(None) == "—"
