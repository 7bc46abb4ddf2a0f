"""POST /api/v1/dossiers/{code}/applicant: correcting a filed dossier's applicant details."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.test_api import bearer, counter_body, post_json

pytestmark = pytest.mark.django_db

CORRECTED = {
    "full_name": "Trần Văn Bình",
    "id_number": "096099001122",
    "phone": "0912000222",
    "reason": "Số điện thoại ghi sai",
}


@pytest.fixture
def code(client: Client, world) -> str:
    return post_json(client, "/api/v1/dossiers", counter_body(), bearer(world.counter)).json()[
        "code"
    ]


def test_the_receiving_desk_corrects_the_applicant(client: Client, world, code):
    resp = post_json(client, f"/api/v1/dossiers/{code}/applicant", CORRECTED, bearer(world.counter))
    assert resp.status_code == 200
    assert resp.json()["code"] == code
    assert Dossier.objects.get(code=code).applicant.phone == "0912000222"


def test_refusals_use_the_error_shape(client: Client, world, code):
    url = f"/api/v1/dossiers/{code}/applicant"
    resp = post_json(client, url, CORRECTED, bearer(world.specialist))
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    resp = post_json(client, url, {**CORRECTED, "reason": " "}, bearer(world.counter))
    assert resp.status_code == 422 and "reason" in resp.json()["error"]["fields"]
    assert Dossier.objects.get(code=code).applicant.phone == "0912000111"
