from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.feedback.models import Feedback, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("dossier", "level", "total", "band", "created_at")
    list_filter = ("level", "band")
    search_fields = ("dossier__code",)
    readonly_fields = [f.name for f in Rating._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # ratings come from applicants, through the service


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("dossier", "status", "created_at", "answered_at")
    list_filter = ("status",)
    search_fields = ("dossier__code", "text")
    readonly_fields = [f.name for f in Feedback._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # feedback is written and answered through the services
