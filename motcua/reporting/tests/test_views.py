"""Report pages: access, tables without JavaScript, drill-down lists, exports."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from motcua.reporting.tests.scenario import build_march

pytestmark = pytest.mark.django_db

MARCH = {"from": "2027-03-01", "to": "2027-03-31"}
PAGES = ["/reports/", "/reports/one-stop/", "/reports/index766/", "/reports/savings/"]


@pytest.fixture
def march(rworld):
    return build_march(rworld)


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_an_official(client, rworld, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    client.force_login(rworld.citizen)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_pages_show_the_numbers_as_tables(client, rworld, march, url):
    client.force_login(rworld.viewer)
    response = client.get(url, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html
    assert 'name="viewport"' in html


def test_dashboard_loads_the_vendored_charts_and_its_json(client, rworld, march):
    client.force_login(rworld.admin)
    html = client.get("/reports/", MARCH).content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="chart-labels"' in html
    json_url = re.search(r'data-json="([^"]+)"', html).group(1).replace("&amp;", "&")
    data = client.get(json_url).json()
    assert data["summary"]["received"] == 11
    assert [m["month"] for m in data["monthly"]] == ["2027-03"]
    assert data["late_causes"] == [{"reason": "Cần xác minh thêm", "count": 1}]


def test_every_number_links_to_its_dossiers(client, rworld, march):
    client.force_login(rworld.admin)
    html = client.get("/reports/one-stop/", {**MARCH, "group_by": "organisation"}).content.decode()
    link = re.search(
        r'data-column="in_progress_overdue"><a href="([^"]+key=000.00.15.H12[^"]*)">3</a>', html
    )
    assert link is not None
    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    codes = set(re.findall(r'data-code="([^"]+)"', listing))
    assert codes == {march[x].code for x in "HKO"}
    assert "Nguyễn V. T." in listing  # applicants are masked


def test_bad_parameters_show_the_form_again(client, rworld):
    client.force_login(rworld.admin)
    response = client.get("/reports/one-stop/", {"from": "2027-13-01", "to": "2027-03-31"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_xlsx_is_laid_out_like_the_official_form(client, rworld, march):
    client.force_login(rworld.admin)
    response = client.get("/reports/one-stop/export.xlsx", {**MARCH, "group_by": "procedure"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    texts = {sheet[r.split(":")[0]].value: r for r in merged}
    assert texts["Số hồ sơ nhận giải quyết"] == "C6:F6"
    assert texts["Kết quả giải quyết"] == "G6:M6"
    assert texts["Số hồ sơ đã giải quyết"] == "G7:J7"
    assert texts["Số hồ sơ đang giải quyết"] == "K7:M7"
    assert [sheet.cell(row=9, column=c).value for c in range(1, 14)] == [
        f"({c})" for c in range(1, 14)
    ]
    fonts = {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert fonts == {"Times New Roman"}
    rows = {
        sheet.cell(row=r, column=2).value: [sheet.cell(row=r, column=c).value for c in range(3, 14)]
        for r in range(10, 13)
    }
    assert rows["Tổng cộng"][0] == 13  # received_total of both procedures


def test_pdf_uses_the_bundled_fonts(client, rworld, march):
    from pypdf import PdfReader

    client.force_login(rworld.admin)
    response = client.get("/reports/one-stop/export.pdf", MARCH)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Biểu số 06a" in text and "Số hồ sơ nhận giải quyết" in text
    fonts = {
        str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()
    }
    assert all("LiberationSerif" in f for f in fonts)
