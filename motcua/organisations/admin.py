"""Staff administration of the agency tree.

Saves go through the model: Organisation.save() keeps the materialised paths, Organisation.clean()
rejects parent cycles, closed parents and reversed dates, and the audit signals record who
changed what (desk scopes included, see signals.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.text import nfc
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import organisation_list_active
from motcua.organisations.services import desk_scope_error


class ActiveTodayFilter(admin.SimpleListFilter):
    title = _("active today")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        active = organisation_list_active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


EDITABLE_IN_ADMIN = (
    "name",
    "short_name",
    "kind",
    "parent",
    "agency_code",
    "agency_code_is_demo",
    "valid_from",
    "valid_to",
    "runs_one_stop_desk",
    "desk_serves",
    "address",
    "email",
    "phone",
)


class OrganisationAdminForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = EDITABLE_IN_ADMIN

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"]).strip()

    def clean_short_name(self) -> str:
        return nfc(self.cleaned_data["short_name"]).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        error = desk_scope_error(
            runs_one_stop_desk=bool(cleaned.get("runs_one_stop_desk")),
            name=cleaned.get("name") or str(self.instance),
            serves_any=bool(cleaned.get("desk_serves")),
        )
        if error:
            self.add_error("desk_serves", error)
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationAdminForm
    list_display = (
        "name",
        "agency_code",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "runs_one_stop_desk",
    )
    list_filter = (
        "kind",
        ActiveTodayFilter,
        "runs_one_stop_desk",
        ("parent", admin.RelatedOnlyFieldListFilter),
        "agency_code_is_demo",
    )
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "agency_code")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("desk_serves",)
    readonly_fields = ("path", "created_at", "updated_at")
    ordering = ("path",)
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("name", "short_name", "kind", "parent")}),
        (_("agency code"), {"fields": ("agency_code", "agency_code_is_demo")}),
        (None, {"fields": ("valid_from", "valid_to")}),
        (_("runs a one-stop desk"), {"fields": ("runs_one_stop_desk", "desk_serves")}),
        (None, {"fields": ("address", "email", "phone")}),
        (None, {"classes": ("collapse",), "fields": ("path", "created_at", "updated_at")}),
    )
