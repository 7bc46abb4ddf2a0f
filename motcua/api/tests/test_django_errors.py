"""Under /api/ every error has the API's shape, those Django answers itself included."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.test_api import bearer, counter_body

pytestmark = pytest.mark.django_db


def error_of(resp) -> dict:  # type: ignore[no-untyped-def]
    assert resp["Content-Type"].startswith("application/json"), resp.content[:200]
    error = resp.json()["error"]
    assert set(error) >= {"code", "message", "fields"}
    return error


def test_a_multipart_body_without_boundary(client: Client, world):
    resp = client.post(
        "/api/v1/dossiers",
        data=b"--x\r\nbroken",
        content_type="multipart/form-data",
        headers=bearer(world.counter),
    )
    assert resp.status_code == 400
    assert error_of(resp)["code"] == "malformed_multipart"


def test_a_body_over_the_upload_limit(client: Client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps(counter_body(sub_channel="x" * (2 * 1024 * 1024)))
    resp = client.post(
        "/api/v1/dossiers",
        data=body,
        content_type="application/json",
        headers=bearer(world.counter),
    )
    assert resp.status_code == 413
    error = error_of(resp)
    assert error["code"] == "request_too_large" and "1 MB" in error["message"]


def test_too_many_fields(client: Client, world):
    fields = {f"f{i}": "1" for i in range(1100)}
    resp = client.post("/api/v1/dossiers", data=fields, headers=bearer(world.counter))
    assert resp.status_code == 400
    assert error_of(resp)["code"] == "too_many_fields"


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_json_nested_too_deep(client: Client, world, depth):
    body = '{"procedure_code": ' + "[" * depth + "]" * depth + "}"
    resp = client.post(
        "/api/v1/dossiers",
        data=body,
        content_type="application/json",
        headers=bearer(world.counter),
    )
    assert resp.status_code == 400
    assert error_of(resp)["code"] == "malformed_json"
    assert not Dossier.objects.exists()


def test_an_unexpected_failure_under_api_is_json_and_says_nothing_inside(settings):
    settings.ROOT_URLCONF = "motcua.api.tests.urls_boom"
    client = Client(raise_request_exception=False)
    resp = client.get("/api/v1/test-boom")
    assert resp.status_code == 500
    error = error_of(resp)
    assert error["code"] == "server_error" and "unexpected" not in error["message"]
    # elsewhere, the HTML page
    page = Client(raise_request_exception=False).get("/test-boom")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")

    assert Client().get("/no-such-page/")["Content-Type"].startswith("text/html")
