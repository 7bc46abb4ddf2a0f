from django.contrib import admin

from motcua.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "recipient", "state", "attempts", "sent_at")
    list_filter = ("state", "kind", "channel")
    search_fields = ("recipient", "dossier__code", "subject")
    readonly_fields = [f.name for f in Notification._meta.fields]
