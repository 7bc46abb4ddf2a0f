"""Counters behind the rate limits (motcua/core/ratelimit.py): one row per scope, key and window."""

from __future__ import annotations

from django.db import models


class RateLimitCounter(models.Model):
    """Requests counted in one fixed window. Written only by `ratelimit.rate_limit_hit` (one
    upsert statement) and deleted once `expires_at` has passed (`ratelimit.rate_limit_purge`)."""

    # "<scope>:<keyed hash of the IP address, login name or recipient>": no personal data.
    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"
