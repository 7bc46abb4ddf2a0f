"""English that a browser review still found on Vietnamese pages and in API answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_the_tracking_form_is_refused_in_vietnamese(client):
    html = client.get("/tracking/", {"code": "\x00abc"}).content.decode()
    assert "Null characters" not in html
    assert "Không được có ký tự rỗng (NUL)." in html


def test_broken_json_says_where_in_the_users_language(client, world):
    from motcua.accounts.services import api_token_create

    _token, key = api_token_create(username=world.counter.username)
    response = client.post(
        "/api/v1/dossiers",
        data="{bad",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "malformed_json"
    assert "Expecting" not in error["message"] and "(dòng 1, cột 2)" in error["message"]
