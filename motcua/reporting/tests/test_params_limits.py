"""Report periods have a bounded length; a malformed unit code is a 422 (PostgreSQL answered
500 for a NUL byte)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/one-stop"


def test_a_period_longer_than_ten_years_answers_422(client, rworld):
    client.force_login(rworld.admin)
    response = client.get(URL, {"from": "1991-01-01", "to": "2026-12-31"})
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["to"]
    # the ten years the reports are measured on (docs/reporting.md) stay possible
    assert client.get(URL, {"from": "2016-01-01", "to": "2025-12-31"}).status_code == 200


def test_a_unit_code_with_a_nul_byte_answers_422(client, rworld):
    client.force_login(rworld.admin)
    params = {"from": "2027-03-01", "to": "2027-03-31", "unit": "000.00.15.H12\x00"}
    response = client.get(URL, params)
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["unit"]
