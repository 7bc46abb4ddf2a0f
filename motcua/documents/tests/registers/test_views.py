"""The download views: thin, permission-checked, scoped."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.documents.tests.registers.factories import YEAR, make_file, make_incoming, make_outgoing

pytestmark = [pytest.mark.urls("motcua.documents.tests.registers.urls")]


def _url(name: str, fmt: str) -> str:
    return reverse("register_download", kwargs={"name": name, "fmt": fmt})


def test_a_clerk_downloads_the_outgoing_register(client, world):
    make_outgoing(world, number=5)
    client.force_login(world.clerk)
    response = client.get(_url("outgoing", "xlsx"), {"agency": world.dept.agency_code})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="so-van-ban-di_000.00.08.H12_{YEAR}.xlsx"'
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "05/QĐ-STP" in values


def test_the_agency_defaults_to_the_one_keeping_the_official_s_registers(client, world):
    # the clerk works in the department's office; the registers are the department's
    make_outgoing(world, number=5)
    client.force_login(world.clerk)
    response = client.get(_url("outgoing", "xlsx"))
    assert response.status_code == 200
    assert "000.00.08.H12" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "05/QĐ-STP" in values

    client.force_login(world.leader)
    response = client.get(_url("tracker", "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_agency_s_register_is_refused(client, world):
    client.force_login(world.outsider)
    response = client.get(_url("incoming", "xlsx"), {"agency": world.dept.agency_code})
    assert response.status_code == 403


def test_bad_filters_answer_422(client, world):
    client.force_login(world.clerk)
    response = client.get(
        _url("incoming", "xlsx"), {"agency": world.dept.agency_code, "year": "twenty"}
    )
    assert response.status_code == 422


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(_url("outgoing", "pdf"))
    assert response.status_code == 302


def test_a_file_s_list_of_documents(client, world):
    document_file = make_file(world)
    make_incoming(world, arrival_number=1, document_file=document_file, file_ordinal=1)
    url = reverse("document_file_download", kwargs={"pk": document_file.pk, "fmt": "xlsx"})

    client.force_login(world.specialist)  # the keeper
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "05/KH-UBND" in values

    client.force_login(world.colleague)  # not the keeper, not a clerk or leader
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 403
