from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from motcua.core.audit_models import AuditRecord


def audit_record_list(
    *,
    actor: str = "",
    interface: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditRecord]:
    qs = AuditRecord.objects.all().order_by("-id")
    filters: dict[str, Any] = {}
    if actor:
        filters["actor_repr__icontains"] = actor
    if interface:
        filters["interface"] = interface
    if action:
        filters["action"] = action
    if object_type:
        filters["object_type"] = object_type
    if object_id:
        filters["object_id"] = object_id
    if date_from:
        filters["occurred_at__date__gte"] = date_from
    if date_to:
        filters["occurred_at__date__lte"] = date_to
    return qs.filter(**filters)


def audit_object_types() -> list[str]:
    return list(
        AuditRecord.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
