"""The share of documents exchanged electronically: every figure on the page equals the
number of documents its drill-down lists, within the official's scope; the .xlsx opens; a
report viewer reads it and can do nothing else."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import UserFactory
from motcua.documents.enums import (
    Channel,
    Confidentiality,
    DeliveryStatus,
    SignatureVerdict,
    Source,
)
from motcua.documents.tests.search import helpers as h
from motcua.documents.tests.search_ui.conftest import Agencies, text

pytestmark = pytest.mark.django_db

METRIC = reverse("documents:metric")
PERIOD = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
DAY = dt.date(2025, 6, 2)


def electronic_in(org: Any, **fields: Any) -> Any:
    values = {
        "source": Source.EDXML,
        "channel": Channel.AXIS,
        "signature_verdict": SignatureVerdict.VALID,
        "arrival_date": h.at(DAY),
    }
    return h.incoming(org, **{**values, **fields})


@pytest.fixture
def documents(agencies: Agencies) -> Agencies:
    """A: 3 outgoing and 4 incoming documents of every sort, a secret one each way, one of
    last year; B: one of each."""
    a, b = agencies.a, agencies.b
    h.issued(a, agencies.specialist, DAY, channels=(Channel.AXIS, Channel.EMAIL))
    h.issued(a, agencies.specialist, DAY, channels=(Channel.AXIS, Channel.PAPER))
    h.issued(a, agencies.specialist, DAY, status=DeliveryStatus.FAILED)
    h.issued(
        a,
        agencies.specialist,
        DAY,
        channels=(Channel.PAPER,),
        confidentiality=Confidentiality.SECRET,
    )
    h.issued(a, agencies.specialist, dt.date(2024, 12, 31))
    electronic_in(a)
    electronic_in(a, source=Source.EMAIL, channel=Channel.EMAIL)
    h.incoming(a, arrival_date=h.at(DAY))  # paper
    electronic_in(a, signature_verdict=SignatureVerdict.INVALID)
    h.incoming(a, arrival_date=h.at(DAY), confidentiality=Confidentiality.TOP_SECRET)
    h.issued(b, agencies.b_clerk, DAY)
    electronic_in(b)
    return agencies


def figures(response: Any) -> list[tuple[str, str, int]]:
    """(figure, drill-down URL, value) of every linked figure of the table."""
    found = re.findall(
        r'<a href="([^"]+)" class="fig" data-figure="([a-z_]+)">(\d+)</a>',
        response.content.decode(),
    )
    return [(name, html.unescape(href), int(value)) for href, name, value in found]


def drill_count(client: Any, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200
    match = re.search(r'id="drill-total" data-count="(\d+)"', response.content.decode())
    assert match
    listed = re.findall(
        r'<tr data-id="\d+" data-kind="(?:incoming|outgoing)">', response.content.decode()
    )
    assert len(listed) == int(match.group(1))  # fewer than a page: all listed
    return int(match.group(1))


def test_each_figure_equals_its_drill_down(client: Any, documents: Agencies) -> None:
    # given: A's clerk (sees all of A, secret ones too)
    client.force_login(documents.clerk)

    # when
    response = client.get(METRIC, PERIOD)

    # then: A's line only — sent 1/3, received 2/4, 3/7, 42.9 %, 2 secret
    assert response.status_code == 200
    shown = {name: value for name, _href, value in figures(response)}
    assert shown == {
        "sent": 1,
        "sent_all": 3,
        "received": 2,
        "received_all": 4,
        "numerator": 3,
        "denominator": 7,
        "excluded": 2,
    }
    assert "42,9 %" in text(response)
    assert documents.a.name in text(response) and documents.b.name not in text(response)
    for name, href, value in figures(response):
        assert drill_count(client, href) == value, name


def test_the_provincial_administrator_sees_every_agency_and_the_total(
    client: Any, documents: Agencies
) -> None:
    client.force_login(documents.admin)
    response = client.get(METRIC, PERIOD)
    page = text(response)
    assert documents.a.name in page and documents.b.name in page
    assert "Tất cả cơ quan" in page  # the total line
    pairs = figures(response)
    assert len(pairs) == 3 * 7  # two agencies and the total
    total = {name: value for name, href, value in pairs if "agency=" not in href}
    assert total["numerator"] == 3 + 2 and total["denominator"] == 7 + 2
    for name, href, value in pairs:
        assert drill_count(client, href) == value, name


def test_the_drill_down_lists_only_documents_in_scope(client: Any, documents: Agencies) -> None:
    # given: B's clerk asks for A's figures by A's id
    client.force_login(documents.b_clerk)
    href = f"{reverse('documents:metric_documents')}?part=denominator&agency={documents.a.pk}"
    # then: nothing of A
    assert drill_count(client, f"{href}&date_from=2025-01-01&date_to=2025-12-31") == 0
    assert client.get(f"{reverse('documents:metric_documents')}?part=nonsense").status_code == 404


def test_the_definition_is_shown_and_where_it_is_configured(
    client: Any, documents: Agencies, settings: Any
) -> None:
    client.force_login(documents.clerk)
    page = text(client.get(METRIC, PERIOD))
    assert "Cách tính tỷ lệ" in page
    assert "Đây là định nghĩa mặc định." in page
    assert "MOTCUA_ELECTRONIC_SHARE" in page
    # changed: counted as electronic with any of its recipients reached electronically
    settings.MOTCUA_ELECTRONIC_SHARE = {"outgoing_recipients": "any"}
    response = client.get(METRIC, PERIOD)
    assert "Định nghĩa này đã được điều chỉnh" in text(response)
    assert {name: v for name, _h, v in figures(response)}["sent"] == 2


def test_the_period_defaults_to_this_year_and_a_wrong_one_is_explained(
    client: Any, documents: Agencies
) -> None:
    client.force_login(documents.clerk)
    this_year = dt.date.today().year
    page = text(client.get(METRIC))
    assert f"Từ ngày 01/01/{this_year} đến ngày 31/12/{this_year}" in page
    assert "Không có văn bản nào được gửi đi hoặc nhận được trong kỳ này." in page
    wrong = text(client.get(METRIC, {"date_from": "2025-12-31", "date_to": "2025-01-01"}))
    assert "Ngày cuối của kỳ đứng trước ngày đầu." in wrong


def test_the_export_opens_with_openpyxl(client: Any, documents: Agencies) -> None:
    from openpyxl import load_workbook

    client.force_login(documents.clerk)
    response = client.get(reverse("documents:metric_export"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    line = next(row for row in rows if row[0] == documents.a.name)
    assert line[1:7] == [1, 3, 2, 4, 3, 7]
    assert abs(line[7] - 3 / 7) < 1e-9
    assert line[8] == 2
    assert not any(row[0] == documents.b.name for row in rows)


def test_a_report_viewer_reads_the_metric_and_cannot_act(client: Any, documents: Agencies) -> None:
    client.force_login(documents.viewer)
    response = client.get(METRIC, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="post"' not in page.split('id="metric-form"')[1].split("</main>")[0]
    for name, href, value in figures(response):
        assert drill_count(client, href) == value, name
    assert client.get(reverse("documents:metric_export"), PERIOD).status_code == 200
    # reading only: nothing here takes a POST
    for url in (METRIC, reverse("documents:metric_export"), reverse("documents:metric_documents")):
        assert client.post(url, PERIOD).status_code == 405


def test_only_officials_read_it(client: Any, documents: Agencies) -> None:
    assert client.get(METRIC).status_code == 302
    client.force_login(UserFactory())
    assert client.get(METRIC).status_code == 403
    assert client.get(reverse("documents:metric_export")).status_code == 403
