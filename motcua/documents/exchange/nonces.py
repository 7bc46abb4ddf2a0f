"""Replay protection shared by every web process: the nonces of accepted requests in the
database (one unique row each, removed once expired by `nonces_purge`)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone


class DatabaseNonceStore:
    def remember(self, system_id: str, nonce: str, *, ttl_seconds: int) -> bool:
        from motcua.documents.models import ExchangeNonce

        digest = hashlib.sha256(f"{system_id}\n{nonce}".encode()).hexdigest()
        now = timezone.now()
        try:
            with transaction.atomic():
                ExchangeNonce.objects.create(
                    digest=digest, expires_at=now + dt.timedelta(seconds=ttl_seconds)
                )
        except IntegrityError:
            # Seen before: a replay, unless the row outlived its time and was not purged yet.
            expired = ExchangeNonce.objects.filter(digest=digest, expires_at__lte=now).delete()
            return bool(expired[0]) and self.remember(system_id, nonce, ttl_seconds=ttl_seconds)
        return True


def nonces_purge() -> int:
    from motcua.documents.models import ExchangeNonce

    deleted, _ = ExchangeNonce.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
