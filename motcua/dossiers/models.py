from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.dossiers.enums import (
    NATIONAL_STATUS_CODE,
    ApplicantKind,
    Channel,
    ComponentKind,
    DeliveryMethod,
    DossierStatus,
    StepResult,
)


class Applicant(models.Model):
    """Người nộp: the applicant's details as filed with one dossier (a snapshot, one row per
    dossier; see dossiers/applicants.py). A returning applicant is found again by ID number."""

    kind = models.CharField(
        _("applicant kind"),
        max_length=16,
        choices=ApplicantKind.choices,
        default=ApplicantKind.INDIVIDUAL,
    )
    full_name = models.CharField(_("full name"), max_length=255)
    full_name_folded = models.CharField(max_length=255, db_index=True, editable=False, default="")
    id_number = models.CharField(_("ID number"), max_length=32, db_index=True)
    phone = models.CharField(_("telephone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant_profiles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name_folded = fold(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "full_name_folded"}
        super().save(*args, **kwargs)

    @property
    def masked_name(self) -> str:
        """For public pages: "Nguyễn V. A." style, no personal data beyond it."""
        parts = self.full_name.split()
        if len(parts) <= 1:
            return (self.full_name[:1] + "***") if self.full_name else ""
        return " ".join([parts[0], *[p[0] + "." for p in parts[1:]]])


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=64, unique=True)
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure"),
    )
    case = models.ForeignKey(
        "procedures.ProcedureCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving unit"),
    )
    processing_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="processed_dossiers",
        verbose_name=_("processing unit"),
    )
    current_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="current_dossiers",
        verbose_name=_("current unit"),
    )
    current_step = models.ForeignKey(
        "dossiers.StepRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    sub_channel = models.CharField(_("sub-channel"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=DossierStatus.choices, db_index=True
    )
    status_before_pause = models.CharField(max_length=32, blank=True)

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="dossiers")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_dossiers",
        help_text=_("The citizen account that submitted it."),
    )
    representative_name = models.CharField(_("representative"), max_length=255, blank=True)
    representative_id_number = models.CharField(
        _("representative's ID number"), max_length=32, blank=True
    )
    representative_authorisation = models.CharField(_("authorisation"), max_length=255, blank=True)

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True, db_index=True)
    clock_started_at = models.DateTimeField(_("clock start"), null=True, blank=True)
    due_at = models.DateTimeField(_("statutory due time"), null=True, blank=True, db_index=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end of processing"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("paused working minutes"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)

    fee_amount = models.PositiveBigIntegerField(_("fee (VND)"), default=0)
    fee_paid_at = models.DateTimeField(_("fee paid"), null=True, blank=True)
    fee_paid_online = models.BooleanField(default=False)
    result_number = models.CharField(_("result number"), max_length=64, blank=True)
    delivery_method = models.CharField(
        _("delivery"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    end_reason = models.TextField(_("reason"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["receiving_unit", "received_at"]),
            models.Index(fields=["current_unit", "status"]),
            models.Index(fields=["status", "due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=[1, 2, 3]), name="dossier_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DossierStatus.values), name="dossier_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_code(self) -> int:
        return NATIONAL_STATUS_CODE[self.status]


class DossierSequence(models.Model):
    """The daily counter behind dossier codes: one row per receiving unit and day, row-locked."""

    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossier_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.day}: {self.last}"


def component_upload_to(instance: DossierComponent, filename: str) -> str:
    # By primary key, not code: the code is allocated at the very end of intake.
    created = instance.dossier.created_at
    return f"dossiers/{created:%Y/%m}/{instance.dossier_id}/{filename}"


class DossierComponent(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(
        max_length=16, choices=ComponentKind.choices, default=ComponentKind.SUBMISSION
    )
    required_paper = models.ForeignKey(
        "procedures.RequiredPaper",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("paper"), max_length=500)
    file = models.FileField(_("file"), upload_to=component_upload_to, blank=True, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    paper_original_seen = models.BooleanField(
        _("paper original seen at the counter"), default=False
    )
    is_original = models.BooleanField(_("original"), default=False)
    digitised = models.BooleanField(_("digitised"), default=False)
    reused = models.BooleanField(_("reused from digitised data"), default=False)
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier component")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DossierEvent(models.Model):
    """The dossier's timeline: who did what, when (the event time may be explicit), why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    explicit_time = models.BooleanField(default=False)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    from_unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("dossier event")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class StepRecord(models.Model):
    """One step of the internal process as it happened: one row of the control slip (form 06)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=32)
    budget_minutes = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(max_length=16, choices=StepResult.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "order", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} step {self.order} {self.name}"


class IdempotencyRecord(models.Model):
    """The first response to a request carrying an Idempotency-Key, replayed on retries of the
    same request (same fingerprint); the key reused for another request is refused."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64, help_text="operation and user, e.g. create_dossier:42")
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="sha256 of the request (JSON body and files): a retry must match it; "
        "empty for records kept before fingerprints were (they replay whatever the request)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "scope"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key


# Online submission drafts (their own module; imported here so that Django finds them).
from motcua.dossiers.draft_models import Draft, DraftFile, DraftStatus  # noqa: E402, F401
