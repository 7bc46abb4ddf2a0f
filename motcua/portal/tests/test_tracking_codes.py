"""The public tracking page and its API: a malformed code is a 404 (never a 500, on PostgreSQL
too, where a NUL byte in a query is an error), and codes match whatever the letters' case."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.portal.tests.test_public import dossier_received

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code",
    ["a%00b", "%00", "000.00.15.H12-261206-0001%00"],
)
def test_a_malformed_code_is_404(world, code):
    client = Client(raise_request_exception=False)
    assert client.get(f"/tracking/{code}").status_code == 404
    api = client.get(f"/api/v1/portal/tracking/{code}")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/dossiers/{code}").status_code in (401, 404)


def test_codes_are_matched_whatever_the_case(client: Client, world):
    d = dossier_received(world, full_name="Nguyễn Thị Hồng Đào")
    typed = d.code.lower()
    assert typed != d.code
    assert client.get(f"/tracking/{typed}").status_code == 200
    body = client.get(f"/api/v1/portal/tracking/{typed}").json()
    assert body["code"] == d.code
    form = client.get("/tracking/", {"code": f" {typed} "})
    assert client.get(form["Location"]).status_code == 200
