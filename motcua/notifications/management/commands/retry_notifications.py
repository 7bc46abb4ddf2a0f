from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.notifications.services import notification_retry_due


class Command(BaseCommand):
    help = "Re-enqueue notifications whose retry time has come (run from cron every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"re-enqueued: {notification_retry_due()}")
