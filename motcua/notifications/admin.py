from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.notifications.models import DeliveryState, Notification
from motcua.notifications.services import notification_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "recipient", "state", "attempts", "sent_at")
    list_filter = ("state", "kind", "channel")
    search_fields = ("recipient", "dossier__code", "subject")
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Send again (messages interrupted while sending, or failed)"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        """An operator's decision after checking with the applicant: the automatic path never
        resends a message that may already have been delivered."""
        ids = list(
            queryset.filter(state__in=[DeliveryState.UNKNOWN, DeliveryState.FAILED]).values_list(
                "pk", flat=True
            )
        )
        for pk in ids:
            notification_resend(notification_id=pk)
        count: Any = len(ids)
        self.message_user(
            request,
            ngettext("%(n)d message queued again.", "%(n)d messages queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )
