"""Background tasks whose worker died: a lease on every claimed task.

django-tasks-db's `db_worker` claims a task by setting it RUNNING (with its worker id and
`started_at`) in one transaction and runs it afterwards; a worker killed then (SIGKILL, OOM, a
lost machine) leaves the task RUNNING for ever. Our rule: a task RUNNING for longer than the
lease (settings.MOTCUA_TASK_LEASE_SECONDS, default 300, longer than any of our tasks runs) was
abandoned; it is put back to READY and the next worker runs it again. A task abandoned
MAX_CLAIMS times (it probably kills its worker) is marked FAILED instead.

Running a task twice must therefore be harmless: every task's side effect is idempotent (a
notification is sent at most once, see motcua.notifications.services).

`tasks_recover_abandoned()` runs from `manage.py recover_tasks` and from
`manage.py retry_notifications` (cron, every minute). We do not patch django-tasks-db: we only
update its rows, as its own admin does.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)
DEFAULT_TASK_LEASE_SECONDS = 300
MAX_CLAIMS = 5


def task_lease() -> dt.timedelta:
    seconds = getattr(settings, "MOTCUA_TASK_LEASE_SECONDS", DEFAULT_TASK_LEASE_SECONDS)
    return dt.timedelta(seconds=int(seconds))


def tasks_recover_abandoned(
    *, now: dt.datetime | None = None, lease: dt.timedelta | None = None
) -> tuple[int, int]:
    """Put tasks RUNNING longer than the lease back to READY (or FAILED after MAX_CLAIMS
    claims); returns (requeued, failed)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - (lease if lease is not None else task_lease())
    requeued = failed = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for result in stale:
            if len(result.worker_ids) >= MAX_CLAIMS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "motcua.core.task_recovery.WorkerLost"
                workers = ", ".join(result.worker_ids)
                result.traceback = f"Abandoned by {len(result.worker_ids)} workers ({workers})."
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                requeued += 1
            log.warning(
                "task %s (%s) claimed by %s at %s was abandoned: %s",
                result.pk,
                result.task_path,
                result.worker_ids[-1:] or "?",
                result.started_at,
                result.status,
            )
    return requeued, failed
