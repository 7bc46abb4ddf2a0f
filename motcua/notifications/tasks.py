from __future__ import annotations

from django_tasks import task

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


@task()
def send_notification(notification_id: int) -> str:
    """Send one outbox row (at most once: see services.notification_send)."""
    from motcua.notifications.services import notification_send

    with audit_context(interface=Interface.TASK):
        note = notification_send(notification_id=notification_id)
    return note.state if note else "missing"
