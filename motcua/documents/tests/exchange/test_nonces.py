"""Replays are refused whichever web process receives them: the nonces live in the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from motcua.documents.exchange.nonces import DatabaseNonceStore, nonces_purge
from motcua.documents.models import ExchangeNonce

pytestmark = pytest.mark.django_db


def test_a_nonce_is_accepted_once_by_any_process():
    first, second = DatabaseNonceStore(), DatabaseNonceStore()  # two web processes
    assert first.remember("motcua-baclieu", "n-1", ttl_seconds=600)
    assert not second.remember("motcua-baclieu", "n-1", ttl_seconds=600)
    assert second.remember("motcua-camau", "n-1", ttl_seconds=600)  # another system's nonce


def test_expired_nonces_are_purged_and_may_come_again():
    store = DatabaseNonceStore()
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert store.remember("s", "n", ttl_seconds=600)
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        assert store.remember("s", "n", ttl_seconds=600)  # the old row had expired
        assert nonces_purge() == 0
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        assert nonces_purge() == 1
    assert not ExchangeNonce.objects.exists()
