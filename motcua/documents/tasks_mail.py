"""Background job of the official e-mail: reading one agency's official mailbox. (Sending by
e-mail is the e-mail channel of `tasks.deliver_recipient`, see services.mail.)"""

from __future__ import annotations

from django_tasks import task

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface


@task()
def poll_mailbox(mailbox_id: int) -> str:
    """Read what arrived in one official mailbox since the last poll (idempotent: a message
    already kept is never registered twice)."""
    from motcua.documents.services.mail import mailbox_poll

    with audit_context(interface=Interface.TASK):
        return mailbox_poll(mailbox_id=mailbox_id).summary()
