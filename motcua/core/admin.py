from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.audit_models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
    list_display = (
        "seq",
        "occurred_at",
        "actor_repr",
        "interface",
        "action",
        "object_type",
        "object_id",
    )
    list_filter = ("interface", "action", "object_type", "occurred_at")
    search_fields = ("actor_repr", "object_id", "object_repr", "note")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
