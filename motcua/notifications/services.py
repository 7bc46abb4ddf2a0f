"""The outbox: messages recorded with their final text inside the transaction that causes them,
sent by a background task after commit, at most once.

- `notification_queue(...)` is called inside the transaction of the event a message describes,
  with the subject and body already rendered (the caller builds them: this app knows nothing of
  dossiers). It writes the row (state "queued") and enqueues `send_notification(id)` on commit.
  One row per (event, channel, recipient): calling it twice for one event returns the first row.
- `notification_send(...)` (the task) records "sending" in its own committed transaction BEFORE
  the provider is called, then "sent" or "retrying"/"failed". A row found "queued" or
  "retrying" is sent; any other state is left alone, so a duplicate task is harmless.
- `notification_reconcile(...)` finds rows left "sending" longer than the task lease (the worker
  died while the provider had the message). SMTP cannot be asked whether it accepted the
  message, so such a row becomes "unknown": never resent automatically (no blind duplicate),
  shown in the admin, where an operator may send it again.
- `notification_retry_due(...)` (cron, `manage.py retry_notifications`) re-enqueues retries whose
  time has come and rows still "queued" a lease after they were queued (their task was lost).

A failed send never blocks or undoes the transition that caused it: the row records the error
and is retried with back-off until MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.core.task_recovery import task_lease
from motcua.notifications.models import (
    DeliveryState,
    Notification,
    NotificationChannel,
    NotificationKind,
)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
KINDS = tuple(NotificationKind.values)
# The issue names these four; the others are sent as well when the applicant left an address.
REQUIRED_KINDS = ("received", "supplement_requested", "extended", "result_ready")


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(60, 2**attempts))


def notification_queue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    channel: str = NotificationChannel.EMAIL,
    dossier_id: int | None = None,
    event_id: int | None = None,
) -> Notification:
    """Record one message now (inside the caller's transaction) and send it after commit."""
    if event_id is not None:
        existing = Notification.objects.filter(
            event_id=event_id, channel=channel, recipient=recipient
        ).first()
        if existing is not None:
            return existing
    note = Notification.objects.create(
        dossier_id=dossier_id,
        event_id=event_id,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=" ".join(subject.split())[:255],
        body=body,
        # Still "queued" by then means its task was lost: retry_notifications enqueues it again.
        next_attempt_at=timezone.now() + task_lease(),
    )
    _enqueue(note.pk)
    return note


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from motcua.notifications.tasks import send_notification

    task = send_notification
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # picked up by `manage.py retry_notifications`
        task = task.using(run_after=run_after)
    transaction.on_commit(lambda: task.enqueue(notification_id))


def message_id(note: Notification) -> str:
    """The same Message-ID whenever this row is sent, so that a copy sent again by an operator
    (after "unknown") is recognised as the same message by the receiving mail system."""
    host = urlsplit(str(getattr(settings, "MOTCUA_PUBLIC_BASE_URL", "") or "")).hostname
    return f"<notification-{note.pk}@{host or 'motcua.local'}>"


def _deliver(note: Notification) -> None:
    """Hand the message to the provider (only e-mail has one today)."""
    if note.channel != NotificationChannel.EMAIL:
        raise NotImplementedError(f"no provider for channel {note.channel}")
    EmailMessage(
        note.subject, note.body, None, [note.recipient], headers={"Message-ID": message_id(note)}
    ).send(fail_silently=False)


def notification_send(*, notification_id: int) -> Notification | None:
    """Send one queued message at most once; returns the row (None if it no longer exists)."""
    # 1. Claim: "sending" is committed before the provider sees the message.
    with transaction.atomic():
        note = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if note is None or note.state not in (DeliveryState.QUEUED, DeliveryState.RETRYING):
            return note  # sent, failed, being sent, or interrupted: never a second copy
        note.state = DeliveryState.SENDING
        note.sending_at = timezone.now()
        note.attempts += 1
        note.save(update_fields=["state", "sending_at", "attempts"])
    # 2. The provider (outside any transaction: a slow server holds no lock).
    try:
        _deliver(note)
    except Exception as exc:  # any transport error: record it and retry later
        log.warning("notification %s failed: %s", note.pk, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        error = ""
    # 3. Record the outcome.
    with transaction.atomic():
        note = Notification.objects.select_for_update().get(pk=notification_id)
        note.last_error = error
        if not error:
            note.state = DeliveryState.SENT
            note.sent_at = timezone.now()
            note.next_attempt_at = None
        elif note.attempts >= MAX_ATTEMPTS:
            note.state = DeliveryState.FAILED
            note.next_attempt_at = None
        else:
            note.state = DeliveryState.RETRYING
            note.next_attempt_at = timezone.now() + backoff(note.attempts)
            _enqueue(note.pk, note.next_attempt_at)
        note.save(update_fields=["state", "sent_at", "next_attempt_at", "last_error"])
    return note


def notification_reconcile(*, now: dt.datetime | None = None) -> int:
    """Rows left "sending" longer than the lease become "unknown" (see the module docstring);
    returns how many."""
    now = now or timezone.now()
    return Notification.objects.filter(
        state=DeliveryState.SENDING, sending_at__lt=now - task_lease()
    ).update(
        state=DeliveryState.UNKNOWN,
        next_attempt_at=None,
        last_error="The sender stopped while the provider had the message; it may have been "
        "delivered, so it is not sent again automatically.",
    )


def notification_resend(*, notification_id: int) -> Notification:
    """An operator's decision: send an "unknown" or "failed" row again (same Message-ID)."""
    with transaction.atomic():
        note = Notification.objects.select_for_update().get(pk=notification_id)
        if note.state in (DeliveryState.UNKNOWN, DeliveryState.FAILED):
            note.state = DeliveryState.QUEUED
            note.next_attempt_at = timezone.now() + task_lease()
            note.save(update_fields=["state", "next_attempt_at"])
            _enqueue(note.pk)
    return note


def notification_retry_due(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue every retry whose time has come and every row still queued a lease after it
    was queued (its task was lost); returns how many. Each is looked at again a lease later,
    so a long queue is not flooded with copies (a copy would be harmless: see notification_send).
    """
    now = now or timezone.now()
    due = Notification.objects.filter(
        Q(state=DeliveryState.RETRYING) | Q(state=DeliveryState.QUEUED),
        next_attempt_at__lte=now,
    )
    ids = list(due.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(next_attempt_at=now + task_lease())
    for pk in ids:
        _enqueue(pk)
    return len(ids)
