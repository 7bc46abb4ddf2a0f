"""Which code sends what: one sender per channel, looked up by name so that the transports
(motcua.documents.exchange for peer deployments and the axis, motcua.documents.mail for
e-mail) stay out of the services' imports.

A sender takes the Recipient (or OutboundStatus) id, does the network work outside any
transaction, records the outcome through the services (delivery status, exchange log) and
returns a short word for the task's result. It is idempotent: a row already sent is left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

from motcua.documents.enums import Channel

RECIPIENT_SENDERS: dict[str, str] = {
    Channel.PEER: "motcua.documents.services.exchange.deliver_recipient",
    Channel.AXIS: "motcua.documents.services.exchange.deliver_recipient",
    Channel.EMAIL: "motcua.documents.services.mail.deliver_recipient",
}
STATUS_SENDER = "motcua.documents.services.exchange.send_status"


def _load(path: str) -> Callable[[int], str]:
    sender: Callable[[int], str] = import_string(path)
    return sender


def deliver_recipient(recipient_id: int) -> str:
    from motcua.documents.models import Recipient

    channel = Recipient.objects.filter(pk=recipient_id).values_list("channel", flat=True).first()
    if channel is None:
        return "missing"
    path = RECIPIENT_SENDERS.get(channel)
    if path is None:
        return "no_sender"  # paper and internal recipients are delivered by the issue itself
    return _load(path)(recipient_id)


def send_status(outbound_status_id: int) -> str:
    return _load(STATUS_SENDER)(outbound_status_id)
