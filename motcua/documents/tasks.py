"""Background jobs of the documents app: deliveries to recipients and status packages back to
senders (each looks up the channel's sender — peer deployment, exchange axis, e-mail — in
`motcua.documents.delivery` and records the outcome through the services), and the daily
deadline reminders of incoming documents (also `manage.py documents_remind`, from cron)."""

from __future__ import annotations

from django_tasks import task

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


@task()
def deliver_recipient(recipient_id: int) -> str:
    """Send an issued document to one recipient (idempotent: a delivered row is left alone)."""
    from motcua.documents import delivery

    with audit_context(interface=Interface.TASK):
        return delivery.deliver_recipient(recipient_id)


@task()
def send_status(outbound_status_id: int) -> str:
    """Send one status package back to the sender of an incoming document."""
    from motcua.documents import delivery

    with audit_context(interface=Interface.TASK):
        return delivery.send_status(outbound_status_id)


@task()
def remind_due_documents(days_before: int = 2) -> int:
    """Remind the assignees of open incoming documents due soon or overdue (once a day per
    document: `services.incoming.incoming_remind_due`); returns how many were reminded."""
    from motcua.documents.services.incoming import incoming_remind_due

    with audit_context(interface=Interface.TASK):
        return incoming_remind_due(days_before=days_before)
