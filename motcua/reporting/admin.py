from django.contrib import admin

from motcua.reporting.models import ComplianceCost, IndicatorRule


@admin.register(ComplianceCost)
class ComplianceCostAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "counter_visits",
        "counter_travel",
        "counter_hours",
        "counter_copies",
        "online_cost",
        "online_hours",
        "hourly_value",
        "updated_at",
    )
    autocomplete_fields = ("procedure",)
    search_fields = ("procedure__code", "procedure__current_version__name")


@admin.register(IndicatorRule)
class IndicatorRuleAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "points",
        "threshold",
        "formula_version",
        "effective_from",
        "confirmed",
    )
    list_filter = ("code", "confirmed")
