"""Fixtures of the exchange tests: the documents test world, bearer tokens, a machine client,
and deployment B (a second MotCua process, see deployment_b.py)."""

from __future__ import annotations

import pytest

from motcua.accounts.enums import AccountKind
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import UserFactory
from motcua.documents.tests.exchange.deployment_b import A_SECRET_ENV, SECRET, DeploymentB
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


@pytest.fixture
def deployment_b(tmp_path, dev_pki, monkeypatch):  # type: ignore[no-untyped-def]
    """Deployment B migrated and serving, trusting the development PKI's CA (`dev_pki`: the
    requesting module imports it from motcua.signatures.tests.conftest, with the settings that
    make A trust it too); A's side of the shared secret in A_SECRET_ENV."""
    b = DeploymentB(
        tmp_path / "b",
        trust_roots=str(dev_pki.pki.ca_cert_path),
        trust_crls=str(dev_pki.pki.crl_path),
    )
    monkeypatch.setenv(A_SECRET_ENV, SECRET)
    b.directory.mkdir()
    try:
        b.start()
        yield b
    finally:
        b.stop()
