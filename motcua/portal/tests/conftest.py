from __future__ import annotations

import pytest

from motcua.accounts.senders import LocmemSmsSender
from motcua.dossiers.tests.conftest import make_procedure, vn, world  # noqa: F401


@pytest.fixture(autouse=True)
def _portal_settings(settings):  # type: ignore[no-untyped-def]
    settings.MOTCUA_SMS_SENDER = "motcua.accounts.senders.LocmemSmsSender"
    LocmemSmsSender.outbox.clear()


@pytest.fixture
def citizen_client(client, world):  # type: ignore[no-untyped-def]  # noqa: F811 - the fixture above
    client.force_login(world.citizen)
    return client


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    """Assertions read the English msgids; Vietnamese is the default (see test_i18n)."""
    client.cookies["django_language"] = "en"
