"""Background tasks whose worker died: a lease on every claimed task.

django-tasks-db's `db_worker` claims a task by setting it RUNNING (with its worker id and
`started_at`) in one transaction and runs it afterwards; a worker killed then (SIGKILL, OOM, a
lost machine) leaves the task RUNNING for ever. Our rule, a lease:

- While a worker runs a task, a thread of that worker renews the task's lease (a TaskHeartbeat
  row) every lease/5; the row is deleted when the task finishes. The thread starts on django-
  tasks' `task_started` signal, which the worker sends in its own process.
- A task RUNNING whose claim (`started_at`) and heartbeat are both older than the lease
  (settings.MOTCUA_TASK_LEASE_SECONDS, default 300) lost its worker: it is put back to READY and
  the next worker runs it again. A task that keeps its heartbeat is never taken away, however
  long it runs. A task abandoned MAX_CLAIMS times (it probably kills its worker) is marked
  FAILED instead.

Running a task twice must therefore be harmless: every task's side effect is idempotent (a
notification is sent at most once, see motcua.notifications.services).

`tasks_recover_abandoned()` runs from `manage.py recover_tasks` and from
`manage.py retry_notifications` (cron, every minute). We do not patch django-tasks-db: we only
update its rows, as its own admin does.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks.signals import task_finished, task_started

from motcua.core.task_models import TaskHeartbeat

log = logging.getLogger(__name__)
DEFAULT_TASK_LEASE_SECONDS = 300
MAX_CLAIMS = 5


def task_lease() -> dt.timedelta:
    seconds = getattr(settings, "MOTCUA_TASK_LEASE_SECONDS", DEFAULT_TASK_LEASE_SECONDS)
    return dt.timedelta(seconds=int(seconds))


def task_key(task_id: Any) -> str:
    """A task id as the heartbeat stores it (dashed; SQLite keeps UUIDs without dashes)."""
    return str(uuid.UUID(str(task_id)))


def tasks_recover_abandoned(
    *, now: dt.datetime | None = None, lease: dt.timedelta | None = None
) -> tuple[int, int]:
    """Put tasks claimed longer ago than the lease, whose heartbeat is older than the lease
    too, back to READY (or FAILED after MAX_CLAIMS claims); returns (requeued, failed)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - (lease if lease is not None else task_lease())
    requeued = failed = 0
    with transaction.atomic():
        stale = list(
            DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING, started_at__lt=cutoff
            )
        )
        alive = set(
            TaskHeartbeat.objects.filter(
                task_id__in=[task_key(r.pk) for r in stale], beat_at__gte=cutoff
            ).values_list("task_id", flat=True)
        )
        stale = [r for r in stale if task_key(r.pk) not in alive]
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
            TaskHeartbeat.objects.filter(task_id=task_key(result.pk)).delete()
            log.warning(
                "task %s (%s) claimed by %s at %s was abandoned: %s",
                result.pk,
                result.task_path,
                result.worker_ids[-1:] or "?",
                result.started_at,
                result.status,
            )
    return requeued, failed


# --- the heartbeat, in the worker process ------------------------------------------------------

_beating: dict[str, threading.Event] = {}


def heartbeat_beat(*, task_id: str, worker_id: str, now: dt.datetime | None = None) -> None:
    """Renew the lease of `task_id`, run by `worker_id`."""
    TaskHeartbeat.objects.update_or_create(
        task_id=task_id, defaults={"worker_id": worker_id, "beat_at": now or timezone.now()}
    )


def _beat_until(stop: threading.Event, task_id: str, worker_id: str) -> None:
    interval = max(task_lease().total_seconds() / 5, 0.5)
    try:
        while True:
            try:
                close_old_connections()
                heartbeat_beat(task_id=task_id, worker_id=worker_id)
            except Exception:  # a missed beat is retried; the lease allows several
                log.exception("heartbeat of task %s failed", task_id)
            if stop.wait(interval):
                return
    finally:
        connection.close()  # this thread's own connection


def _is_database_backend(sender: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    cls = sender if isinstance(sender, type) else type(sender)
    return issubclass(cls, DatabaseBackend)


@receiver(task_started, dispatch_uid="motcua_task_heartbeat_start")
def _heartbeat_start(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _is_database_backend(sender) or not task_result.worker_ids:
        return  # only tasks claimed by a db_worker have a lease
    task_id = task_key(task_result.id)
    stop = threading.Event()
    _beating[str(task_result.id)] = stop
    threading.Thread(
        target=_beat_until,
        args=(stop, task_id, str(task_result.worker_ids[-1])),
        name=f"heartbeat-{task_id}",
        daemon=True,
    ).start()


@receiver(task_finished, dispatch_uid="motcua_task_heartbeat_stop")
def _heartbeat_stop(sender: Any, task_result: Any, **kwargs: Any) -> None:
    stop = _beating.pop(str(task_result.id), None)
    if stop is None:
        return  # not a db_worker's task
    stop.set()
    TaskHeartbeat.objects.filter(task_id=task_key(task_result.id)).delete()
