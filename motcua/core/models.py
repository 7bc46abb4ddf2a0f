from __future__ import annotations

from django.db import models

from motcua.core.audit_models import AuditRecord
from motcua.core.ratelimit_models import RateLimitCounter
from motcua.core.task_models import TaskHeartbeat

__all__ = ["AuditRecord", "RateLimitCounter", "TaskHeartbeat", "TimeStampedModel"]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
