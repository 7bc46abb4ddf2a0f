from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.ratelimit import rate_limit_purge


class Command(BaseCommand):
    help = (
        "Delete the rate-limit counters of windows that have ended. Web processes also do it on "
        "the fly every few minutes; run this from cron if the site is quiet for long."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = rate_limit_purge()
        self.stdout.write(f"deleted {deleted} ended rate-limit window(s)")
