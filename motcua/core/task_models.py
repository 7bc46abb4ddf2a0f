from __future__ import annotations

from django.db import models


class TaskHeartbeat(models.Model):
    """The lease of a background task being run by a `db_worker`: renewed every lease/5 by a
    thread of the worker while the task runs, deleted when it finishes (core/task_recovery.py).
    A task RUNNING whose heartbeat is older than the lease lost its worker."""

    task_id = models.CharField(primary_key=True, max_length=64)
    worker_id = models.CharField(max_length=64)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = "task heartbeat"

    def __str__(self) -> str:
        return f"{self.task_id} by {self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
