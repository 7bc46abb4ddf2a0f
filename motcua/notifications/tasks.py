from __future__ import annotations

from django_tasks import task

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


@task()
def send_notification(notification_id: int) -> str:
    from motcua.notifications.services import notification_send

    with audit_context(interface=Interface.TASK):
        note = notification_send(notification_id=notification_id)
    return note.state if note else "missing"


@task()
def notify_applicant(dossier_id: int, kind: str) -> int:
    """Render, record and send the messages of one dossier event; returns how many were sent."""
    from motcua.notifications.services import notification_create_for_dossier, notification_send

    sent = 0
    with audit_context(interface=Interface.TASK):
        for note in notification_create_for_dossier(dossier_id=dossier_id, kind=kind):
            result = notification_send(notification_id=note.pk)
            sent += int(result is not None and result.state == "sent")
    return sent
