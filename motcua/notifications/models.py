from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Recorded (committed) just before the provider is called: a row found here after the
    # task lease has expired was interrupted mid-send (see services.notification_reconcile).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed")
    # The sender died while the provider had the message: it may or may not have gone out.
    # Never resent automatically (no blind duplicate); an operator may send it again.
    UNKNOWN = "unknown", _("Interrupted, not resent")


class NotificationKind(models.TextChoices):
    """What a message is about: the dossier event that caused it."""

    SUBMITTED = "submitted", _("Dossier submitted")
    RECEIVED = "received", _("Dossier received")
    REFUSED = "refused", _("Dossier refused")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Papers to supplement")
    PAYMENT_REQUESTED = "payment_requested", _("Fees to pay")
    EXTENDED = "extended", _("Apology and new appointment")
    RESULT_READY = "result_ready", _("Result ready")
    STOPPED = "stopped", _("Processing stopped")
    RESULT_RELEASED = "result_released", _("Signed result released")
    DOCUMENT_ASSIGNED = "document_assigned", _("Official document assigned")
    DOCUMENT_DUE = "document_due", _("Official document due")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class Notification(models.Model):
    """One message to one recipient, with its delivery state: the outbox row.

    Written inside the transaction of the event it describes, with its subject and body already
    rendered; sent after commit by `tasks.send_notification`. At most one row per event, channel
    and recipient."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("dossier"),
    )
    # The dossier event (a DossierEvent row) this message describes; null for messages not
    # caused by a dossier event.
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("message kind"), max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(
        _("delivery channel"), max_length=16, choices=NotificationChannel.choices
    )
    recipient = models.CharField(_("recipient"), max_length=255)
    subject = models.CharField(_("message subject"), max_length=255)
    body = models.TextField(_("message text"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, db_index=True
    )
    sending_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"],
                condition=models.Q(event__isnull=False),
                name="notification_once_per_event_channel_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.state})"
