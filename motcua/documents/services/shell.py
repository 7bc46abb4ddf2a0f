"""What every change to an official document goes through: the lock of the document's own row,
the event on its timeline and the audit record, and the side effects queued with their payload
inside the transaction (delivery to a recipient, a status package back to a sender) and started
after commit."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutboundStatus,
    OutgoingDocument,
    Recipient,
)


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_file(data: bytes, name: str) -> ContentFile[bytes]:
    return ContentFile(data, name=name)


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_name(actor: Any) -> str:
    user = user_or_none(actor)
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or user.get_username())


def lock_outgoing(document: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "drafting_unit")
        .get(pk=document.pk)
    )


def lock_incoming(document: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "lead_unit")
        .get(pk=document.pk)
    )


def event(
    *,
    document: OutgoingDocument | IncomingDocument,
    action: str,
    actor: Any,
    before: str = "",
    note: str = "",
    at: dt.datetime | None = None,
    **data: Any,
) -> DocumentEvent:
    """The timeline entry and the audit record of one change (inside the transaction); the
    document's search text follows what the change did to it."""
    at = at or now()
    search_text_refresh(document)
    is_outgoing = isinstance(document, OutgoingDocument)
    row = DocumentEvent.objects.create(
        outgoing=document if isinstance(document, OutgoingDocument) else None,
        incoming=document if isinstance(document, IncomingDocument) else None,
        action=action,
        actor=user_or_none(actor),
        actor_name=actor_name(actor),
        at=at,
        from_state=before,
        to_state=document.state,
        note=note,
        data=data,
    )
    changes: dict[str, Any] = {"state": [before, document.state]} if before else {}
    changes.update({k: v for k, v in data.items() if isinstance(v, str | int | list | None)})
    audit_record(
        action=f"document.{'outgoing' if is_outgoing else 'incoming'}.{action}",
        obj=document,
        changes=changes,
        note=note,
        actor=user_or_none(actor),
        occurred_at=at,
    )
    return row


def search_text_refresh(document: OutgoingDocument | IncomingDocument) -> None:
    """Keep `search_text` (number, notation, summary, author, signer, the text of the files)
    in step with the document: every change records an event, so every change calls this."""
    from motcua.documents.search import search_text_for

    text = search_text_for(document)
    if text != document.search_text:
        document.search_text = text
        type(document).objects.filter(pk=document.pk).update(search_text=text)


# --- side effects (outbox rows written now, sent after commit) ------------------------------------


def delivery_queue(recipient: Recipient) -> None:
    """Send the issued document to one recipient after commit (the recipient row is the outbox:
    its channel and address were fixed when it was written)."""
    from motcua.documents import tasks

    recipient_id = recipient.pk
    transaction.on_commit(lambda: tasks.deliver_recipient.enqueue(recipient_id))


def status_queue(
    *, document: IncomingDocument, code: str, description: str = "", actor: Any = None
) -> OutboundStatus | None:
    """A status package for the sender of an electronically received document (edXML 01–06,
    02, 15, 16): written with its payload now, sent after commit. Paper documents and
    documents from senders we cannot reach get none."""
    if not document.document_id or document.source == "paper":
        return None
    unit = document.lead_unit or document.organisation
    row = OutboundStatus.objects.create(
        incoming=document,
        status_code=code,
        description=description[:2000],
        staff=actor_name(actor),
        department=unit.name if unit is not None else "",
        at=now(),
    )
    from motcua.documents import tasks

    transaction.on_commit(lambda: tasks.send_status.enqueue(row.pk))
    return row
