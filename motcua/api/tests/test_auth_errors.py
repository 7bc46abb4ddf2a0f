"""Authentication errors on unsafe methods: a bad or missing bearer token is 401 (not the
session fallback's CSRF 403); a logged-in browser session without its CSRF token is 403 in the
error shape and the active language."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers"


def csrf_client() -> Client:
    """A client that, like a browser or any HTTP client, gets CSRF checked."""
    return Client(enforce_csrf_checks=True)


def post(client: Client, headers: dict[str, str] | None = None):
    return client.post(URL, data=json.dumps({}), content_type="application/json", headers=headers)


def assert_unauthorized(resp) -> None:
    assert resp.status_code == 401, resp.content
    assert resp.json()["error"] == {
        "code": "unauthorized",
        "message": "Yêu cầu xác thực.",
        "fields": {},
    }


def test_a_bad_bearer_token_on_a_post_is_401():
    assert_unauthorized(post(csrf_client(), {"Authorization": "Bearer not-a-token"}))


def test_a_post_without_credentials_is_401():
    assert_unauthorized(post(csrf_client()))


def test_a_bad_bearer_token_on_a_get_is_401():
    assert_unauthorized(csrf_client().get("/api/v1/me", headers={"Authorization": "Bearer x"}))


def test_a_valid_bearer_token_needs_no_csrf_token(world):
    _, key = api_token_create(username=world.counter.username)
    resp = post(csrf_client(), {"Authorization": f"Bearer {key}"})
    assert resp.status_code == 422  # past authentication: the empty body is invalid


def test_a_logged_in_session_without_its_csrf_token_is_403_in_the_error_shape(world):
    # given: a browser session, and a POST without the CSRF token
    client = csrf_client()
    client.force_login(world.counter)
    # when
    resp = post(client)
    # then
    assert resp.status_code == 403
    err = resp.json()["error"]
    assert err["code"] == "csrf_failed" and err["fields"] == {}
    assert "CSRF check Failed" not in err["message"]


def test_a_logged_in_session_with_its_csrf_token_is_authenticated(world):
    # given: the CSRF cookie and the matching header, as the back office's scripts send them
    client = csrf_client()
    client.force_login(world.counter)
    client.get(reverse("accounts:login"))  # a page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    # when
    resp = post(client, {"X-CSRFToken": token})
    # then
    assert resp.status_code == 422  # past authentication and CSRF: the empty body is invalid
