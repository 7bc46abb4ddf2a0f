from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.signatures.models import DocumentRevision, SignedDocument, SigningCredential


class RevisionInline(admin.TabularInline):
    model = DocumentRevision
    extra = 0
    can_delete = False
    readonly_fields = ("number", "state", "file", "sha256", "size", "actor", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SignedDocument)
class SignedDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents change state through the services only."""

    list_display = ("verification_code", "kind", "state", "organisation", "dossier", "created_at")
    list_filter = ("kind", "state")
    search_fields = ("verification_code", "code_notation", "title", "dossier__code", "sha256")
    inlines = [RevisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    list_display = ("__str__", "backend", "location", "not_after", "active")
    list_filter = ("backend", "active")
    search_fields = ("subject", "location", "fingerprint_sha256")
    readonly_fields = ("fingerprint_sha256", "subject", "not_after", "created_at")
