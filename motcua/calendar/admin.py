"""Administration of the overrides table and the working hours.

Provincial administrators (and superusers) edit everything; a unit administrator edits the
overrides and working hours of the units in their scope. Saves go through the model, so the
audit signals record each change and the calendars are rebuilt at the next use.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.http import HttpRequest
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from motcua.accounts.policies import can_administer, is_provincial_admin
from motcua.calendar.models import CalendarOverride, WorkingHours

_Row = TypeVar("_Row", CalendarOverride, WorkingHours)


class _AdministratorsOnly(admin.ModelAdmin[_Row]):
    """Staff with the Django model permission, provincial administrators, or the unit
    administrator of the row's organisation."""

    def _may_edit(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        if is_provincial_admin(user):
            return True
        organisation = getattr(obj, "organisation", None) if obj is not None else None
        return organisation is not None and can_administer(user, organisation)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or is_provincial_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._may_edit(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or is_provincial_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or self._may_edit(request, obj)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(_AdministratorsOnly[CalendarOverride]):
    list_display = (
        "date",
        "weekday",
        "is_working",
        "reason",
        "legal_reference",
        "organisation",
    )
    list_filter = ("is_working", ("organisation", admin.EmptyFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("reason", "legal_reference", "organisation__name")
    raw_id_fields = ("organisation",)
    ordering = ("-date",)
    fields = ("date", "is_working", "reason", "legal_reference", "organisation")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarOverride) -> str:
        return str(WEEKDAYS[obj.date.weekday()])


@admin.register(WorkingHours)
class WorkingHoursAdmin(_AdministratorsOnly[WorkingHours]):
    list_display = (
        "organisation",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
    )
    search_fields = ("organisation__name", "organisation__agency_code")
    raw_id_fields = ("organisation",)
