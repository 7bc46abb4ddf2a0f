"""The documents API's tests: the signing tests' world (an agency whose signer and clerk hold
signing credentials from the development PKI, its officials by role, another agency) and a
client per official, authenticated by a bearer token of their own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.services import api_token_create

# The signing tests' PKI, credentials and world, shared on purpose.
from motcua.documents.tests.signing.conftest import (  # noqa: F401 - fixtures
    _signature_settings,
    dev_pki,
    doc_identities,
    plain_pdf,
    w,
)

BASE = "/api/v1/documents"


class Api:
    """A client calling the API as one official (bearer token)."""

    def __init__(self, user: Any) -> None:
        _token, key = api_token_create(username=user.username, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        self.user = user

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            BASE + path, json.dumps(body or {}), content_type="application/json"
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(BASE + path, json.dumps(body), content_type="application/json")

    def multipart(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(BASE + path, data)


@pytest.fixture
def as_(w: Any) -> Any:  # noqa: F811 - the imported fixture
    """as_(w.drafter): a client of that official."""
    clients: dict[int, Api] = {}

    def make(user: Any) -> Api:
        if user.pk not in clients:
            clients[user.pk] = Api(user)
        return clients[user.pk]

    return make
