"""The applicant's messages about one dossier event: the one entry point the dossier services
(and signatures, for a released result) call, inside the transaction that records the event.

`dossier_notify(dossier=, event=, kind=)` builds each message now, from the event it is given
(Zulip's send_event_on_commit): recipient, subject and body rendered in settings.LANGUAGE_CODE,
times in Vietnam time, absolute links from settings.MOTCUA_PUBLIC_BASE_URL. The rows are written
to the notifications outbox now and sent after commit, so what the applicant reads is what
happened in this transaction, whatever happens to the dossier afterwards.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.printing.forms import public_base_url
from motcua.notifications.models import NotificationChannel
from motcua.notifications.services import KINDS, notification_queue

# Where on the applicant's own dossier page a message points (the result itself, the form that
# answers a supplement request, the fees); other messages point to the page itself.
ANCHORS = {
    "result_ready": "#result",
    "result_released": "#result",
    "supplement_requested": "#supplement",
    "payment_requested": "#fees",
}


def dossier_notify(*, dossier: Dossier, event: DossierEvent | None, kind: str) -> None:
    """Queue the applicant's messages about `event` (of kind `kind`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipient = _recipient(dossier)
    if not recipient:
        return  # the applicant left no e-mail address
    subject, body = render_message(dossier=dossier, event=event, kind=kind)
    notification_queue(
        kind=kind,
        channel=NotificationChannel.EMAIL,
        recipient=recipient,
        subject=subject,
        body=body,
        dossier_id=dossier.pk,
        event_id=event.pk if event is not None else None,
    )


def _recipient(dossier: Dossier) -> str:
    applicant = dossier.applicant
    if applicant.email:
        return str(applicant.email)
    owner = dossier.owner
    return str(owner.email) if owner is not None and owner.email else ""


def render_message(*, dossier: Dossier, event: DossierEvent | None, kind: str) -> tuple[str, str]:
    """(subject, body) of the message about `event`, in the site's language and time zone."""
    context = message_context(dossier=dossier, event=event, kind=kind)
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(ZoneInfo(settings.TIME_ZONE)),
    ):
        subject = render_to_string("notifications/subject.txt", context).strip()
        body = render_to_string("notifications/body.txt", context).strip() + "\n"
    return subject, body


def message_context(*, dossier: Dossier, event: DossierEvent | None, kind: str) -> dict[str, Any]:
    """What the templates show: the facts of this event, fixed now."""
    data: dict[str, Any] = dict(event.data) if event is not None else {}
    base = public_base_url()
    tracking_url = base + reverse("portal:tracking", args=[dossier.code])
    # The result is shown (and downloaded) on the applicant's own dossier page; an applicant
    # without an account (a counter dossier) follows the dossier on the public tracking page.
    if dossier.owner_id is not None:
        link = base + reverse("portal:my_dossier", args=[dossier.code]) + ANCHORS.get(kind, "")
    else:
        link = tracking_url
    document = str(data.get("signed_document") or "")
    return {
        "dossier": dossier,
        "kind": kind,
        "event": event,
        "applicant_name": dossier.applicant.full_name,
        "missing": [str(item) for item in data.get("missing") or []],
        "reason": (event.note if event is not None else "") or data.get("reason") or "",
        "amount": data.get("amount", dossier.fee_amount),
        "appointment_at": dossier.appointment_at or dossier.due_at,
        "tracking_url": tracking_url,
        "link": link,
        "verification_url": (
            base + reverse("signatures:document", args=[document]) if document else ""
        ),
    }
