"""Messages to applicants: rendered and recorded at once, sent by a background task.

A failed send never blocks or undoes the dossier transition that caused it: the row records the
error and is retried with back-off (by the task backend's deferral where it has one, and by
`manage.py retry_notifications` otherwise) until MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.notifications.models import DeliveryState, Notification, NotificationChannel

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
KINDS = (
    "submitted",
    "received",
    "refused",
    "supplement_requested",
    "payment_requested",
    "extended",
    "result_ready",
    "stopped",
    "result_released",
)
# The issue names these four; the others are sent as well when the applicant left an address.
REQUIRED_KINDS = ("received", "supplement_requested", "extended", "result_ready")


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(60, 2**attempts))


def notification_create_for_dossier(*, dossier_id: int, kind: str) -> list[Notification]:
    """Render and record the message(s) for one dossier event (sending is the caller's)."""
    from motcua.dossiers.models import Dossier

    dossier = (
        Dossier.objects.select_related("applicant", "procedure_version", "receiving_unit")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None or kind not in KINDS:
        return []
    email = dossier.applicant.email or (dossier.owner.email if dossier.owner else "")
    if not email:
        return []
    last_event = dossier.events.order_by("-at", "-id").first()
    with translation.override(settings.LANGUAGE_CODE):
        context = {"dossier": dossier, "kind": kind, "event": last_event}
        subject = render_to_string("notifications/subject.txt", context).strip()
        body = render_to_string("notifications/body.txt", context)
    note = Notification.objects.create(
        dossier=dossier,
        kind=kind,
        channel=NotificationChannel.EMAIL,
        recipient=email,
        subject=subject[:255],
        body=body,
    )
    return [note]


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from motcua.notifications.tasks import send_notification

    task = send_notification
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # picked up by `manage.py retry_notifications`
        task = task.using(run_after=run_after)
    transaction.on_commit(lambda: task.enqueue(notification_id))


def notification_send(*, notification_id: int) -> Notification | None:
    with transaction.atomic():
        note = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if note is None or note.state in (DeliveryState.SENT, DeliveryState.FAILED):
            return note
        note.attempts += 1
        try:
            send_mail(note.subject, note.body, None, [note.recipient], fail_silently=False)
        except Exception as exc:  # any transport error: record it and retry later
            log.warning("notification %s failed: %s", note.pk, exc)
            note.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if note.attempts >= MAX_ATTEMPTS:
                note.state = DeliveryState.FAILED
                note.next_attempt_at = None
            else:
                note.state = DeliveryState.RETRYING
                note.next_attempt_at = timezone.now() + backoff(note.attempts)
                _enqueue(note.pk, note.next_attempt_at)
        else:
            note.state = DeliveryState.SENT
            note.sent_at = timezone.now()
            note.next_attempt_at = None
            note.last_error = ""
        note.save()
        return note


def notification_retry_due(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue every retry whose time has come; returns how many."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            state=DeliveryState.RETRYING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def notification_queue_for_dossier(*, dossier_id: int, kind: str) -> list[Notification]:
    """Record the message(s) now and send them from background tasks after commit."""
    notes = notification_create_for_dossier(dossier_id=dossier_id, kind=kind)
    for note in notes:
        _enqueue(note.pk)
    return notes
