"""Fixtures of the exchange tests: the documents test world, bearer tokens, a machine client."""

from __future__ import annotations

import pytest

from motcua.accounts.enums import AccountKind
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import UserFactory
from motcua.documents.tests.factories import world as make_world


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, key = api_token_create(username=user.username)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def w(db):  # type: ignore[no-untyped-def]
    return make_world()


@pytest.fixture
def machine(w):  # type: ignore[no-untyped-def]
    """The machine client of the agency (an account of kind "system")."""
    return UserFactory(kind=AccountKind.SYSTEM, organisation=w.agency, username="edoc-gateway")
