"""Signed documents (one row per document, one revision per signature) and the signing
credentials of officials and organisations (where the key is; never the secret itself)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.signatures.enums import BackendKind, DocumentKind, DocumentState

VERIFICATION_CODE_LENGTH = 20


def verification_code_new() -> str:
    """20 characters from an unambiguous alphabet (about 100 bits): printed as a QR code and
    typed by hand from paper copies."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(VERIFICATION_CODE_LENGTH))


def document_upload_to(instance: SignedDocument, filename: str) -> str:
    return f"signatures/{instance.verification_code}/{filename}"


def revision_upload_to(instance: DocumentRevision, filename: str) -> str:
    return f"signatures/{instance.document.verification_code}/{filename}"


def credential_image_upload_to(instance: SigningCredential, filename: str) -> str:
    return f"signatures/images/{filename}"


class SignedDocument(models.Model):
    """A PDF issued with digital signatures: a dossier's result, a receipt or another form, or a
    separate attachment of one of those. `file` and `sha256` are those of the latest revision."""

    verification_code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=verification_code_new
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=DocumentState.choices,
        default=DocumentState.DRAFT,
        db_index=True,
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("dossier"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("issuing organisation"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("main document"),
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    # Decree 30/2020 Annex VI: CodeNumber "12", CodeNotation "QĐ-UBND".
    code_number = models.CharField(_("number"), max_length=16, blank=True)
    code_notation = models.CharField(_("notation"), max_length=64, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("designated signer"),
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    # Where the person's signature image was drawn (page, x0, y0, x1, y1 in PDF points): the
    # organisation's seal goes over its left third.
    person_box = models.JSONField(null=True, blank=True)

    person_signed_at = models.DateTimeField(_("signed by the signer"), null=True, blank=True)
    person_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    org_signed_at = models.DateTimeField(_("signed by the organisation"), null=True, blank=True)
    org_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked or replaced"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "kind", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="signed_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DocumentState.values), name="signed_document_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=DocumentKind.ATTACHMENT) | Q(parent__isnull=False),
                name="signed_document_attachment_has_parent",
            ),
            models.CheckConstraint(
                condition=~Q(state=DocumentState.REPLACED) | Q(replaced_by__isnull=False),
                name="signed_document_replaced_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.number_notation or self.title or self.verification_code

    @property
    def number_notation(self) -> str:
        """ "12/QĐ-UBND" (Decree 30/2020: numbers under 10 get a leading zero)."""
        if not self.code_number:
            return self.code_notation
        number = self.code_number.zfill(2) if self.code_number.isdigit() else self.code_number
        return f"{number}/{self.code_notation}" if self.code_notation else number


class DocumentRevision(models.Model):
    """One version of the file: as created (with its verification QR code), then after each
    signature. Kept so that any copy in circulation can be matched by its SHA-256."""

    document = models.ForeignKey(SignedDocument, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=DocumentState.choices)
    file = models.FileField(upload_to=revision_upload_to, max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} r{self.number} {self.state}"


class SigningCredential(models.Model):
    """Where the signing key of an official or of an organisation lives.

    `location` is the PKCS#12 path, the PKCS#11 token label or the remote provider's name;
    `secret_ref` says where the password or PIN is (``file:/path`` or ``env:NAME``), never the
    secret itself. `image` is the signature (officials) or seal (organisations) PNG.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_credentials",
        verbose_name=_("official"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_credentials",
        verbose_name=_("organisation"),
    )
    backend = models.CharField(_("back-end"), max_length=16, choices=BackendKind.choices)
    location = models.CharField(_("location"), max_length=500)
    key_label = models.CharField(_("key label"), max_length=128, blank=True)
    secret_ref = models.CharField(_("secret reference"), max_length=500, blank=True)
    options = models.JSONField(default=dict, blank=True)
    certificate_pem = models.TextField(_("certificate"), blank=True)
    fingerprint_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    image = models.FileField(_("image"), upload_to=credential_image_upload_to, blank=True)
    image_width_mm = models.FloatField(_("image width (mm)"), default=36.0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(organisation__isnull=True))
                | (Q(user__isnull=True) & Q(organisation__isnull=False)),
                name="signing_credential_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(backend__in=BackendKind.values), name="signing_credential_backend_valid"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(active=True, user__isnull=False),
                name="signing_credential_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(active=True, organisation__isnull=False),
                name="signing_credential_one_active_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or self.organisation
        return f"{owner} ({self.get_backend_display()})"
