from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, RoleAssignment, User
from motcua.accounts.services import api_token_revoke


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "kind", "organisation", "email", "phone", "is_active")
    list_filter = ("kind", "is_active", "role_assignments__role", "organisation__kind")
    search_fields = ("username", "full_name", "email", "phone", "id_number")
    autocomplete_fields = ("organisation",)
    inlines = [RoleInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("MotCua"),
            {"fields": ("kind", "full_name", "phone", "id_number", "organisation", "position")},
        ),
    )


@admin.action(description=_("Revoke the selected tokens"))
def revoke_tokens(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    for token in queryset:
        api_token_revoke(token_id=token.pk, actor=request.user)
    messages.success(request, _("Tokens revoked."))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "user__username", "name")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at", "revoked_at", "user")
    actions = [revoke_tokens]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with `manage.py api_token`, which shows the key once
