from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.task_recovery import tasks_recover_abandoned
from motcua.notifications.services import notification_reconcile, notification_retry_due


class Command(BaseCommand):
    help = (
        "Recover tasks whose worker died, mark messages interrupted mid-send as 'unknown', and "
        "re-enqueue retries whose time has come and messages whose task was lost (run from cron "
        "every minute)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        requeued, failed = tasks_recover_abandoned()
        unknown = notification_reconcile()
        due = notification_retry_due()
        self.stdout.write(
            f"tasks requeued: {requeued}, tasks failed: {failed}, "
            f"interrupted (unknown): {unknown}, re-enqueued: {due}"
        )
