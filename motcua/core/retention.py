"""Retention: how long what users leave unfinished is kept, and deleting it in batches.

One window, `MOTCUA_DRAFT_RETENTION_DAYS` (30 days by default), for open submission drafts
(`motcua.dossiers.retention`), expired verification codes and registrations never verified
(`motcua.accounts.retention`); `manage.py purge_drafts` runs them all daily. Both sides count
from the start of the day in Vietnam time, so a date shown to a citizen ("kept until") holds
whatever hour the purge runs:
  removed  <=>  touched < start of today - retention  <=>  kept_until < today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

PURGE_BATCH_SIZE = 500


def retention_period() -> dt.timedelta:
    """How long an open draft (and the rest) is kept after its last update."""
    return dt.timedelta(days=int(getattr(settings, "MOTCUA_DRAFT_RETENTION_DAYS", 30)))


def purge_cutoff(*, now: dt.datetime, older_than: dt.timedelta) -> dt.datetime:
    """Rows last touched before this moment are old enough to purge."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - older_than


def retention_cutoff(older_than: dt.timedelta | None, now: dt.datetime | None) -> dt.datetime:
    """`purge_cutoff` with the defaults filled in (now, the configured retention)."""
    return purge_cutoff(
        now=timezone.now() if now is None else now,
        older_than=retention_period() if older_than is None else older_than,
    )


def delete_in_batches(
    next_ids: Callable[[], list[Any]], delete: Callable[[list[Any]], None], batch_size: int
) -> int:
    """`delete(next_ids())` in one transaction per batch until a batch comes back short (the
    ids are read, locked where the query says so, and deleted in the same transaction);
    returns how many were deleted."""
    total = 0
    while True:
        with transaction.atomic():
            ids = next_ids()
            if ids:
                delete(ids)
        total += len(ids)
        if len(ids) < batch_size:
            return total
