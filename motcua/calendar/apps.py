from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "motcua.calendar"
    label = "workcalendar"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.calendar.models import CalendarOverride, WorkingHours
        from motcua.calendar.selectors import calendar_cache_clear
        from motcua.core.audit import audit_register

        audit_register(CalendarOverride)
        audit_register(WorkingHours)

        # In-process invalidation at once; other processes notice through the version check in
        # selectors.calendar_for.
        def _clear(**kwargs: object) -> None:
            calendar_cache_clear()

        for model in (CalendarOverride, WorkingHours):
            uid = f"workcalendar-cache-{model._meta.model_name}"
            post_save.connect(_clear, sender=model, weak=False, dispatch_uid=uid + "-save")
            post_delete.connect(_clear, sender=model, weak=False, dispatch_uid=uid + "-delete")
