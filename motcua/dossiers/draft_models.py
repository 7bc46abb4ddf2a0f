"""Online submission drafts: what the portal's wizard collected so far, before a dossier exists.

A dossier exists only once `dossiers.services.dossier_create` has made it; `dossiers.drafts`
hands a draft to it once (`draft_submit`). Staged files live under MEDIA in `portal/drafts/`.
The tables were the portal's until issue 11 moved the draft code here: they keep their names
(`portal_draft`, `portal_draftfile`), as do the staged files' folders.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
        db_table = "portal_draft"
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
        db_table = "portal_draftfile"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "paper"], name="portal_draft_file_one_per_paper"
            )
        ]

    def __str__(self) -> str:
        return self.original_filename
