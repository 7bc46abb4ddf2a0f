"""The portal's own state: citizen profiles, verification codes and submission drafts.

Interface state only (STYLE): a dossier exists only once `dossiers.services.dossier_create`
has made it; a draft is what the wizard collected so far, with staged files under MEDIA.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Profile(models.Model):
    """What a citizen or business account keeps beside the User row: the postal address that
    prefills submissions, which contact was verified, and the link to an external identity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_profile"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    # Null while the ID number is only what the person typed in (registration, profile).
    id_number_verified_at = models.DateTimeField(null=True, blank=True)
    oidc_issuer = models.CharField(max_length=255, blank=True)
    oidc_subject = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen profile")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="portal_profile_oidc_identity_unique",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class VerificationCode(models.Model):
    """A 6-digit code sent to an e-mail address or phone; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_codes"
    )
    channel = models.CharField(max_length=8, choices=ContactChannel.choices)
    recipient = models.CharField(max_length=255)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="portal_code_channel_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


def _token() -> str:
    return secrets.token_urlsafe(24)


class Draft(models.Model):
    """An online submission in progress. Its `submit_token` is consumed once: the submission
    that finds the draft open creates the dossier and links it; any retry finds the link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_drafts"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    case_code = models.CharField(max_length=64, blank=True)
    receiving_unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant = models.JSONField(default=dict, blank=True)
    submit_token = models.CharField(max_length=64, default=_token)
    status = models.CharField(
        max_length=16, choices=DraftStatus.choices, default=DraftStatus.OPEN, db_index=True
    )
    dossier = models.OneToOneField(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DraftStatus.values), name="portal_draft_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    status=DraftStatus.OPEN, dossier__isnull=True, submitted_at__isnull=True
                )
                | Q(status=DraftStatus.SUBMITTED, submitted_at__isnull=False),
                name="portal_draft_submitted_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} ({self.status})"


def draft_file_upload_to(instance: DraftFile, filename: str) -> str:
    return f"portal/drafts/{instance.draft_id}/{filename}"


class DraftFile(models.Model):
    """A file staged for one required paper of a draft (one file per paper)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    paper = models.ForeignKey(
        "procedures.RequiredPaper", on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=draft_file_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "paper"], name="portal_draft_file_one_per_paper"
            )
        ]

    def __str__(self) -> str:
        return self.original_filename
