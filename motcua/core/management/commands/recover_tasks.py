from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.task_recovery import tasks_recover_abandoned


class Command(BaseCommand):
    help = (
        "Put background tasks whose worker died (RUNNING longer than the lease, "
        "MOTCUA_TASK_LEASE_SECONDS) back in the queue. Run before starting workers and from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--lease-seconds",
            type=int,
            default=None,
            help="override MOTCUA_TASK_LEASE_SECONDS (0: every running task; only when no "
            "worker is running)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["lease_seconds"]
        lease = dt.timedelta(seconds=seconds) if seconds is not None else None
        requeued, failed = tasks_recover_abandoned(lease=lease)
        self.stdout.write(f"requeued: {requeued}, failed: {failed}")
