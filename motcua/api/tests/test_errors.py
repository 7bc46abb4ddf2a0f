from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_api_path_has_the_error_shape(client: Client):
    resp = client.get("/api/v1/no-such-thing")
    assert resp.status_code == 404
    body = resp.json()
    assert set(body["error"]) >= {"code", "message", "fields"}
    assert body["error"]["code"] == "not_found"


def test_unauthenticated_call_has_the_error_shape(client: Client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthorized"


def test_openapi_document_is_served(client: Client):
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200
    assert resp.json()["info"]["title"] == "MotCua API"
    assert client.get("/api/docs").status_code == 200


def test_health_endpoint_is_trivial_json(client: Client):
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}
