"""A bad value in a dossier's intake answers 422 with the field's path and a Vietnamese message,
and nothing is written. Runs on SQLite and on PostgreSQL (DATABASE_URL), where a 21-character
phone or a NUL byte used to be a 500 DataError."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.tests.test_api import bearer, counter_body, post_json

pytestmark = pytest.mark.django_db


def applicant(**over: str) -> dict[str, str]:
    return {"full_name": "Trần Văn Bình", "id_number": "096099001122", **over}


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"applicant": applicant(phone="0" * 21)}, "applicant.phone"),
        ({"applicant": applicant(phone="12345")}, "applicant.phone"),
        ({"applicant": applicant(full_name="Trần\x00Bình")}, "applicant.full_name"),
        ({"applicant": applicant(address="Cà Mau\x1b[31m")}, "applicant.address"),
        ({"applicant": applicant(full_name="B" * 256)}, "applicant.full_name"),
        ({"applicant": applicant(email="an@@example")}, "applicant.email"),
        ({"applicant": applicant(id_number="097099001122")}, "applicant.id_number"),
        ({"applicant": applicant(id_number="096299001122")}, "applicant.id_number"),
        ({"applicant": applicant(id_number="381234567")}, "applicant.id_number"),
        ({"applicant": applicant(id_number="0961\x0099001122")}, "applicant.id_number"),
        ({"procedure_code": "9.000001\x00"}, "procedure_code"),
        ({"receiving_unit": "000.00.15.H12\x00"}, "receiving_unit"),
        ({"case_code": "TH1\x00"}, "case_code"),
        ({"components": [{"paper_code": "GT1", "name": "x" * 501}]}, "components.0.name"),
        ({"representative": {"full_name": "Lê\x00"}}, "representative.full_name"),
        (
            {"representative": {"full_name": "Lê Văn Tư", "id_number": "12"}},
            "representative.id_number",
        ),
        ({"at": "9999-12-31T09:00:00+07:00"}, "at"),
    ],
)
def test_a_bad_value_answers_422_with_its_field_and_nothing_is_saved(
    client: Client, world, over, field
):
    resp = post_json(client, "/api/v1/dossiers", counter_body(**over), bearer(world.counter))
    assert resp.status_code == 422, resp.content
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == [field]
    assert error["fields"][field] and error["fields"][field] == error["fields"][field].strip()
    assert not Dossier.objects.exists() and not Applicant.objects.exists()


def test_the_messages_are_vietnamese(client: Client, world):
    body = counter_body(applicant=applicant(phone="0" * 21, id_number="097099001122"))
    fields = post_json(client, "/api/v1/dossiers", body, bearer(world.counter)).json()["error"][
        "fields"
    ]
    assert fields["applicant.phone"].startswith("Nhập số điện thoại")
    assert "tỉnh" in fields["applicant.id_number"]


def test_values_are_stored_cleaned(client: Client, world):
    body = counter_body(
        applicant=applicant(full_name=" Nguye\u0302\u0303n Văn An ", phone="+84 912 345 678")
    )
    resp = post_json(client, "/api/v1/dossiers", body, bearer(world.counter))
    assert resp.status_code == 201, resp.content
    person = Applicant.objects.get()
    assert person.full_name == "Nguyễn Văn An" and person.phone == "0912345678"


def test_a_cmnd_is_accepted_in_history_filed_before_2025(client: Client, world):
    body = counter_body(applicant=applicant(id_number="381234567"), at="2024-06-03T09:00:00+07:00")
    resp = post_json(client, "/api/v1/dossiers", body, bearer(world.admin))
    assert resp.status_code == 201, resp.content


def test_the_service_refuses_what_the_database_would(world):
    """The last line: a caller that skips the API's schema still gets a 422, not a 500."""
    from motcua.core.errors import ValidationFailed
    from motcua.dossiers.services import ApplicantInput, dossier_create

    with pytest.raises(ValidationFailed) as caught:
        dossier_create(
            actor=world.counter,
            procedure_code="9.000001",
            channel=1,
            receiving_unit=world.desk,
            applicant=ApplicantInput(
                full_name="Trần\x00Bình", id_number="096099001122", phone="0" * 21
            ),
        )
    assert set(caught.value.fields) == {"applicant.full_name", "applicant.phone"}
    assert not Dossier.objects.exists()


def test_the_export_refuses_year_9999_and_a_nul_in_the_unit_code(client: Client, world):
    """GET /api/v1/dossiers/export: the day after 9999-12-31 overflowed (500); a NUL byte in
    the unit code was a PostgreSQL error (500)."""
    headers = bearer(world.admin)
    resp = client.get("/api/v1/dossiers/export?from=2026-01-01&to=9999-12-31", headers=headers)
    assert resp.status_code == 422 and list(resp.json()["error"]["fields"]) == ["to"]
    url = "/api/v1/dossiers/export?from=2026-01-01&to=2026-01-02&unit=000.00.15.H12%00"
    assert client.get(url, headers=headers).status_code == 404
