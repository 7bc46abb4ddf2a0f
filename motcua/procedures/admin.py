"""Administration of the catalogue: versions are read-only snapshots (content changes come from
the national package or the services); the internal process of a version is editable here and
saved through `procedure_set_process`, which checks the budgets and records the change."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.policies import is_provincial_admin
from motcua.core.errors import DomainError
from motcua.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    TimeLimit,
)
from motcua.procedures.policies import can_edit_procedure
from motcua.procedures.selectors import procedure_list
from motcua.procedures.services import procedure_set_process, process_check_budget


def _is_catalogue_admin(user: Any) -> bool:
    return is_provincial_admin(user) or bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "kind", None) == AccountKind.OFFICIAL
        and user.has_role(Role.UNIT_ADMIN)
    )


class _AdminsMayView:
    """Provincial and unit administrators see the catalogue without Django model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or _is_catalogue_admin(request.user)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_catalogue_admin(request.user)  # type: ignore[misc]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ("name", "code")
    search_fields = ("name", "name_folded", "code")


class ProcedureVersionInline(admin.TabularInline[ProcedureVersion, Procedure]):
    model = ProcedureVersion
    fk_name = "procedure"
    fields = ("number", "name", "level", "status", "effective_from", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-number",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_catalogue_admin(request.user)


@admin.register(Procedure)
class ProcedureAdmin(_AdminsMayView, admin.ModelAdmin[Procedure]):
    list_display = ("code", "current_name", "current_level", "current_status", "current_number")
    search_fields = ("code",)
    readonly_fields = ("code", "current_version", "created_at")
    inlines = [ProcedureVersionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return super().get_queryset(request).select_related("current_version")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        if not search_term.strip():
            return queryset, False
        ids = [p.pk for p in procedure_list(q=search_term, include_inactive=True)]
        return queryset.filter(pk__in=ids), False

    @admin.display(description=_("name"))
    def current_name(self, obj: Procedure) -> str:
        return obj.current_version.name if obj.current_version else ""

    @admin.display(description=_("level"))
    def current_level(self, obj: Procedure) -> str:
        return str(obj.current_version.get_level_display()) if obj.current_version else ""

    @admin.display(description=_("status"))
    def current_status(self, obj: Procedure) -> str:
        return str(obj.current_version.get_status_display()) if obj.current_version else ""

    @admin.display(description=_("version"))
    def current_number(self, obj: Procedure) -> int | None:
        return obj.current_version.number if obj.current_version else None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline[Any, ProcedureVersion]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_catalogue_admin(request.user)


class CaseInline(_ReadOnlyInline):
    model = ProcedureCase
    fields = readonly_fields = ("order", "code", "name", "is_default")


class TimeLimitInline(_ReadOnlyInline):
    model = TimeLimit
    fields = readonly_fields = ("case", "channel", "amount", "unit", "description")


class FeeInline(_ReadOnlyInline):
    model = Fee
    fields = readonly_fields = ("case", "channel", "amount", "collected", "description")


def _group_steps(formset: BaseInlineFormSet[Any, Any, Any]) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        groups[data.get("case")].append(data)
    for steps in groups.values():
        steps.sort(key=lambda d: d.get("order") or 0)
    return groups


class ProcessStepFormSet(BaseInlineFormSet[ProcessStep, ProcedureVersion, Any]):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        for case, steps in _group_steps(self).items():
            total = sum((d["budget_hours"] for d in steps), start=0)
            try:
                process_check_budget(version=self.instance, total_hours=total, case=case)
            except DomainError as exc:
                raise forms.ValidationError(str(exc.message)) from exc


class ProcessStepInline(admin.TabularInline[ProcessStep, ProcedureVersion]):
    model = ProcessStep
    formset = ProcessStepFormSet
    fields = ("case", "order", "name", "organisation", "role", "budget_hours", "crosses_agency")
    raw_id_fields = ("organisation",)
    extra = 1

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "case" in formset.form.base_fields:
            formset.form.base_fields["case"].queryset = obj.cases.all()  # type: ignore[attr-defined]
        return formset

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None:
            return is_provincial_admin(request.user)
        return can_edit_procedure(request.user, obj.implementing_organisations.all())

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_catalogue_admin(request.user)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(_AdminsMayView, admin.ModelAdmin[ProcedureVersion]):
    list_display = ("procedure", "number", "name", "level", "online_level", "status", "created_at")
    list_filter = ("level", "status", "online_level", "fields")
    list_select_related = ("procedure",)
    search_fields = ("procedure__code", "name_folded")
    inlines = [CaseInline, TimeLimitInline, FeeInline, ProcessStepInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ProcedureVersion._meta.get_fields() if f.concrete]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # "Change" only ever saves the internal process; the version itself stays read-only.
        if obj is None:
            return _is_catalogue_admin(request.user) or super().has_change_permission(request)
        return can_edit_procedure(request.user, obj.implementing_organisations.all())

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool
    ) -> None:
        """A version is immutable: nothing of it is saved here (all its fields are read-only)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Nothing is saved by the formsets themselves (the admin's change message reads these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not ProcessStep:
            return
        version: ProcedureVersion = form.instance
        groups = _group_steps(formset)
        touched = {s.case for s in version.process_steps.select_related("case")}
        for case in touched | set(groups):
            procedure_set_process(
                actor=request.user,
                version=version,
                case=case,
                steps=[
                    {
                        "name": d["name"],
                        "role": d["role"],
                        "budget_hours": d["budget_hours"],
                        "organisation": d.get("organisation"),
                        "crosses_agency": d.get("crosses_agency", False),
                    }
                    for d in groups.get(case, [])
                ],
            )
