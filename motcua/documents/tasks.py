"""Background jobs of the documents app: deliveries to recipients and status packages back to
senders. Each looks up the channel's sender (peer deployment, exchange axis, e-mail) in
`motcua.documents.delivery` and records the outcome through the services."""

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
