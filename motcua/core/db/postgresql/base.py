"""Django's PostgreSQL backend, with the health check of persistent connections amortised.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request, one
more round trip to the database per request; on the one-stop API's dossier lookup that round
trip cost a fifth of the throughput (bench/README.md). Here a connection that ran a query less
than DATABASE_HEALTH_CHECK_IDLE_SECONDS ago (default 1) is not checked again: a connection that
was just used is alive, and one idle for longer is checked as Django does. What is given up: a
database restart in the last second before a request can still fail that one request (Django
then discards the broken connection), as it would without health checks.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = float("-inf")

    def close_if_health_check_failed(self) -> None:
        now = time.monotonic()
        idle = now - self._used_at
        self._used_at = now
        if self.connection is not None and idle < float(
            getattr(settings, "DATABASE_HEALTH_CHECK_IDLE_SECONDS", 1.0)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def connect(self) -> None:
        super().connect()
        self._used_at = time.monotonic()
