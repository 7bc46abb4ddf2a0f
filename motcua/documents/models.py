"""Official documents (Decree 30/2020): registers and their yearly counters, outgoing documents
with their versions, reviews and recipients, incoming documents with their assignment and
progress, document files (hồ sơ công việc), the agency directory, official mailboxes and the
append-only exchange log. Field names follow Decree 30 Annex VI where one exists (DOMAIN §8).

Writes go through `motcua.documents.services`; nothing else saves these rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.documents.enums import (
    EDXML_STATUS_CODES,
    BusinessDocType,
    Channel,
    Confidentiality,
    DeliveryStatus,
    DocumentType,
    ExchangeDirection,
    FileState,
    IncomingState,
    OutgoingState,
    RegisterKind,
    SignatureVerdict,
    Source,
    Urgency,
)

USER = settings.AUTH_USER_MODEL


def number_notation(number: int | None, notation: str) -> str:
    """ "05/QĐ-UBND": numbers under 10 get a leading zero (Decree 30 Annex I)."""
    if number is None:
        return notation
    return f"{number:02d}/{notation}" if notation else f"{number:02d}"


# --- registers and numbering ------------------------------------------------------------------


class Register(models.Model):
    """Sổ văn bản: one series of numbers per organisation, direction and year.

    An organisation has one ordinary outgoing register, one incoming register and one of each for
    secret documents (their own series); it may keep more (e.g. a register of decisions).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="document_registers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RegisterKind.choices)
    name = models.CharField(_("name"), max_length=255)
    secret = models.BooleanField(_("for secret documents"), default=False)
    # The agency's part of the notation: "UBND" in "05/QĐ-UBND" (Decree 30 Annex I).
    notation = models.CharField(_("agency abbreviation"), max_length=32)
    # Document types this register numbers (empty: every type not claimed by another register).
    document_types = models.JSONField(_("document types"), default=list, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        ordering = ["organisation_id", "kind", "secret", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RegisterKind.values), name="register_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"], name="register_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegisterCounter(models.Model):
    """The last number given in a register's year. Numbering locks this one row; the number
    is taken in the same transaction as the document that gets it, so a rollback gives it back
    (no gaps) and two transactions never see the same value (no duplicates)."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "year"], name="register_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.year}: {self.last_number}"


# --- agency directory --------------------------------------------------------------------------


class Agency(models.Model):
    """An agency documents travel to or from: ours (linked to an Organisation) or another's,
    from the exchange axis's directory or typed in. `organ_id` is kept as received (not every
    system uses the 13-character form)."""

    organ_id = models.CharField(_("agency code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    organisation = models.OneToOneField(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency",
    )
    parent_organ_id = models.CharField(max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    telephone = models.CharField(_("telephone"), max_length=32, blank=True)
    # How documents reach it: the axis, a peer MotCua deployment, e-mail or paper.
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.PAPER
    )
    peer = models.ForeignKey(
        "documents.ExchangePeer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agencies",
    )
    source = models.CharField(max_length=16, blank=True)  # "axis", "manual", "peer"
    synced_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agency directory")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organ_id})"


class ExchangePeer(models.Model):
    """Another MotCua deployment documents are exchanged with over HTTP (signed requests)."""

    name = models.CharField(_("name"), max_length=255)
    base_url = models.URLField(_("address"))
    system_id = models.CharField(_("our system id at the peer"), max_length=64)
    # A reference to the shared secret (env:NAME or file:/path), never the secret itself.
    secret_ref = models.CharField(_("secret reference"), max_length=255)
    peer_system_id = models.CharField(_("the peer's system id here"), max_length=64, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("exchange peer")

    def __str__(self) -> str:
        return self.name


class OfficialMailbox(models.Model):
    """An agency's official mailbox on the province's mail server, read over IMAP."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="official_mailbox"
    )
    address = models.EmailField(_("address"))
    imap_host = models.CharField(max_length=255)
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=16, default="ssl")  # ssl | starttls | none
    username = models.CharField(max_length=255)
    secret_ref = models.CharField(_("password reference"), max_length=255)
    folder = models.CharField(max_length=255, default="INBOX")
    last_uid = models.PositiveBigIntegerField(default=0)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("official mailbox")

    def __str__(self) -> str:
        return self.address


# --- document files (hồ sơ công việc) -------------------------------------------------------------


class RetentionPeriod(models.Model):
    """How long a document type is kept (years; null = permanently), per organisation or for
    all (organisation null). The most specific row applies."""

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE
    )
    document_type = models.CharField(max_length=32, choices=DocumentType.choices)
    years = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "document_type"], name="retention_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type}: {self.years or '∞'}"


class DocumentFile(models.Model):
    """Hồ sơ công việc (Decree 30 Annex VI: FileCode = OrganId.FileCatalog.FileNotation)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="document_files"
    )
    file_catalog = models.PositiveIntegerField(_("year of the file catalogue"))
    file_notation = models.CharField(_("file notation"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    keeper = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retention_years = models.PositiveIntegerField(_("retention (years)"), null=True, blank=True)
    retention_permanent = models.BooleanField(_("kept permanently"), default=False)
    language = models.CharField(max_length=32, default="Tiếng Việt")
    description = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=FileState.choices, default=FileState.OPEN)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document file")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_catalog", "file_notation"],
                name="document_file_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_code(self) -> str:
        code = getattr(self.organisation, "agency_code", "")
        return f"{code}.{self.file_catalog}.{self.file_notation}"


# --- outgoing documents ----------------------------------------------------------------------


class OutgoingDocument(models.Model):
    """Văn bản đi: from the first draft to the issued, signed document and its delivery."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
        verbose_name=_("issuing agency"),
    )
    drafting_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafting unit"),
    )
    drafter = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=16, choices=OutgoingState.choices, default=OutgoingState.DRAFT
    )
    document_type = models.CharField(_("type"), max_length=32, choices=DocumentType.choices)
    subject = models.CharField(_("summary"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    # Công văn: the drafting unit's abbreviation after the agency's ("UBND-VX").
    unit_abbreviation = models.CharField(_("drafting unit abbreviation"), max_length=16, blank=True)
    signer = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    signer_position = models.CharField(_("signer's position"), max_length=128, blank=True)
    signer_competence = models.CharField(max_length=16, blank=True)  # TM., KT., TL., TUQ. …
    reviewers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+"
    )
    place = models.CharField(_("place of issue"), max_length=64, default="Cà Mau")
    due_date = models.DateField(_("reply due"), null=True, blank=True)
    page_amount = models.PositiveIntegerField(null=True, blank=True)
    issued_amount = models.PositiveIntegerField(_("copies"), null=True, blank=True)
    keeper_unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit keeping the file copy"),
    )
    note = models.TextField(_("note"), blank=True)
    # Number and notation: given by the system when the clerk numbers the signed document.
    register = models.ForeignKey(
        Register, null=True, blank=True, on_delete=models.PROTECT, related_name="outgoing"
    )
    year = models.PositiveIntegerField(null=True, blank=True)
    code_number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    code_notation = models.CharField(_("notation"), max_length=64, blank=True)
    issued_date = models.DateField(_("date"), null=True, blank=True)
    numbered_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # edXML DocumentId "{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}", set when numbered.
    document_id = models.CharField(max_length=255, blank=True, db_index=True)
    business_doc_type = models.PositiveSmallIntegerField(
        choices=BusinessDocType.choices, default=BusinessDocType.NEW
    )
    business_reason = models.TextField(blank=True)
    # The document this one revokes, updates or replaces.
    business_target = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="business_followers"
    )
    response_for = models.ForeignKey(
        "documents.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    # The PDF being signed (signatures.SignedDocument): the person's then the organisation's.
    signed_document = models.OneToOneField(
        "signatures.SignedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outgoing_document",
    )
    document_file = models.ForeignKey(
        DocumentFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="outgoing"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # DocOrdinal (Decree 30 Annex VI): the document's place in its file, 1, 2, … (no gaps).
    file_ordinal = models.PositiveIntegerField(_("order in the file"), null=True, blank=True)
    # Folded number and notation, summary, author, signer and the text of text PDFs, for search:
    # computed by motcua.documents.search.search_text_for, kept by the services (0005_search_text).
    search_text = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL: to_tsvector('simple', search_text), kept by a trigger (0005_search_text),
    # GIN-indexed. Never written by Python; NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["organisation", "-issued_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OutgoingState.values), name="outgoing_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(document_type__in=DocumentType.values), name="outgoing_type_valid"
            ),
            # No duplicates, whatever happens above: one number per register and year.
            models.UniqueConstraint(
                fields=["register", "year", "code_number"],
                condition=Q(code_number__isnull=False),
                name="outgoing_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(code_number__isnull=True)
                | (Q(register__isnull=False) & Q(year__isnull=False)),
                name="outgoing_number_in_register",
            ),
        ]

    def __str__(self) -> str:
        return self.number_notation or self.subject[:80]

    @property
    def number_notation(self) -> str:
        return number_notation(self.code_number, self.code_notation) if self.code_number else ""

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL


def version_upload_to(instance: OutgoingVersion, filename: str) -> str:
    return f"documents/outgoing/{instance.document_id}/v{instance.number}/{filename}"


class OutgoingVersion(models.Model):
    """A version of a draft: the main file (usually .docx or .pdf) as uploaded."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=300)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="outgoing_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.file_name}"


def attachment_upload_to(instance: OutgoingAttachment, filename: str) -> str:
    return f"documents/outgoing/{instance.document_id}/attachments/{filename}"


class OutgoingAttachment(models.Model):
    """A separate attachment sent with the document (signed by the organisation, no image)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    signed_document = models.OneToOneField(
        "signatures.SignedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file_name


class Recipient(models.Model):
    """One addressee of an outgoing document and how far the document got there."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    organ_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(_("recipient"), max_length=255)
    email = models.EmailField(blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    status_at = models.DateTimeField(null=True, blank=True)
    status_description = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The incoming document this became when the recipient is one of ours (internal channel).
    incoming = models.ForeignKey(
        "documents.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["document_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="recipient_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="recipient_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecipientStatus(models.Model):
    """Every delivery status a recipient went through (edXML 01–06, 13, 15, 16 and ours)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    description = models.TextField(blank=True)
    at = models.DateTimeField()
    staff = models.CharField(max_length=255, blank=True)
    message = models.ForeignKey(
        "documents.ExchangeMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["recipient_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.status}"


# --- incoming documents ----------------------------------------------------------------------


class IncomingDocument(models.Model):
    """Văn bản đến: received (edXML, e-mail) or registered from paper; assigned; processed."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="incoming_documents",
        verbose_name=_("receiving agency"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=IncomingState.choices, default=IncomingState.RECEIVED
    )
    source = models.CharField(_("received as"), max_length=16, choices=Source.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PAPER)
    # Arrival number (số đến): per receiving agency's register and year.
    register = models.ForeignKey(
        Register, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    year = models.PositiveIntegerField(null=True, blank=True)
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    arrival_date = models.DateTimeField(_("arrival date"))
    registered_at = models.DateTimeField(null=True, blank=True)
    # As the document itself says (kept as received).
    sender_organ_id = models.CharField(_("sender's agency code"), max_length=64, blank=True)
    sender_name = models.CharField(_("author"), max_length=255)
    sender_email = models.CharField(max_length=255, blank=True)
    code_number = models.CharField(_("number"), max_length=32, blank=True)
    code_notation = models.CharField(_("notation"), max_length=64, blank=True)
    issued_date = models.DateField(_("date"), null=True, blank=True)
    document_type = models.CharField(
        _("type"), max_length=32, choices=DocumentType.choices, default=DocumentType.CONG_VAN
    )
    type_name = models.CharField(max_length=100, blank=True)
    subject = models.CharField(_("summary"), max_length=1000)
    content = models.TextField(blank=True)
    signer_name = models.CharField(_("signer"), max_length=255, blank=True)
    signer_position = models.CharField(max_length=255, blank=True)
    signer_competence = models.CharField(max_length=64, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        max_length=16, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    reply_due = models.DateField(_("reply due (the sender's)"), null=True, blank=True)
    page_amount = models.PositiveIntegerField(null=True, blank=True)
    to_places = models.JSONField(default=list, blank=True)
    # edXML: the cross-system de-duplication key, kept as received (may be a UUID).
    document_id = models.CharField(max_length=255, blank=True)
    business_doc_type = models.PositiveSmallIntegerField(
        choices=BusinessDocType.choices, default=BusinessDocType.NEW
    )
    business_target = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The outgoing documents of ours this one answers (edXML ResponseFor), as received.
    response_for = models.JSONField(default=list, blank=True)
    in_reply_to = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    # Signatures checked on receipt, before registration (DOMAIN §10).
    signature_verdict = models.CharField(
        max_length=16, choices=SignatureVerdict.choices, default=SignatureVerdict.NOT_CHECKED
    )
    signature_report = models.JSONField(default=dict, blank=True)
    # Assignment by the leader.
    lead_unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    lead_official = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead official"),
    )
    co_units = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+", verbose_name=_("co-units")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    assigned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    passed_on_at = models.DateTimeField(_("date passed on"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, from the latest note
    returned_reason = models.TextField(blank=True)
    note = models.TextField(_("note"), blank=True)
    # Where it came from: the raw package or message (exchange log).
    message = models.ForeignKey(
        "documents.ExchangeMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_file = models.ForeignKey(
        DocumentFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="incoming"
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # DocOrdinal (Decree 30 Annex VI): the document's place in its file, 1, 2, … (no gaps).
    file_ordinal = models.PositiveIntegerField(_("order in the file"), null=True, blank=True)
    # Folded number and notation, summary, author, signer and the text of text PDFs, for search:
    # computed by motcua.documents.search.search_text_for, kept by the services (0005_search_text).
    search_text = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL: to_tsvector('simple', search_text), kept by a trigger (0005_search_text),
    # GIN-indexed. Never written by Python; NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-arrival_date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["organisation", "-arrival_date", "-id"]),
            models.Index(fields=["organisation", "year", "arrival_number"]),
            models.Index(fields=["lead_unit", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=IncomingState.values), name="incoming_state_valid"
            ),
            # The same package is the same document: registered once per receiving agency.
            models.UniqueConstraint(
                fields=["organisation", "document_id"],
                condition=~Q(document_id=""),
                name="incoming_document_id_unique",
            ),
            models.UniqueConstraint(
                fields=["register", "year", "arrival_number"],
                condition=Q(arrival_number__isnull=False),
                name="incoming_arrival_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number_notation or self.subject[:80]

    @property
    def number_notation(self) -> str:
        number = self.code_number
        if number.isdigit() and len(number) < 2:
            number = number.zfill(2)
        if number and self.code_notation:
            return f"{number}/{self.code_notation}"
        return number or self.code_notation

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    def is_overdue(self, today: dt.date) -> bool:
        open_states = (IncomingState.ASSIGNED, IncomingState.IN_PROGRESS, IncomingState.REGISTERED)
        return bool(self.deadline and self.state in open_states and self.deadline < today)


def incoming_file_upload_to(instance: IncomingFile, filename: str) -> str:
    return f"documents/incoming/{instance.document_id}/{uuid.uuid4().hex[:8]}-{filename}"


class IncomingFile(models.Model):
    """The received files: the main document (a signed PDF, a scan) and its attachments."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=incoming_file_upload_to, max_length=300)
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    is_main = models.BooleanField(default=False)
    # Text of a text PDF, for full-text search (empty for scans).
    text = models.TextField(blank=True)
    signature_verdict = models.CharField(
        max_length=16, choices=SignatureVerdict.choices, default=SignatureVerdict.NOT_CHECKED
    )
    signature_report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["document_id", "-is_main", "id"]

    def __str__(self) -> str:
        return self.file_name


class ProgressNote(models.Model):
    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["document_id", "at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


# --- events and the exchange log ---------------------------------------------------------------


class DocumentEvent(models.Model):
    """The timeline of one outgoing or one incoming document: who did what, when, and why."""

    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=32, db_index=True)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(db_index=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outgoing__isnull=False) & Q(incoming__isnull=True))
                | (Q(outgoing__isnull=True) & Q(incoming__isnull=False)),
                name="document_event_one_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


def message_upload_to(instance: ExchangeMessage, filename: str) -> str:
    day = instance.at or dt.datetime.now(dt.UTC)
    return f"documents/exchange/{day:%Y/%m/%d}/{uuid.uuid4().hex}-{filename}"


class ExchangeMessage(models.Model):
    """The append-only exchange log: every package or message sent or received, kept raw.

    Rows are never updated: a later outcome (delivered, failed, acknowledged) is a new row that
    points at the first through `related`."""

    direction = models.CharField(max_length=8, choices=ExchangeDirection.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    kind = models.CharField(max_length=16)  # edoc | status | email | ack
    at = models.DateTimeField()
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_organ_id = models.CharField(max_length=64, blank=True)
    to_organ_ids = models.JSONField(default=list, blank=True)
    document_id = models.CharField(max_length=255, blank=True, db_index=True)
    status_code = models.CharField(max_length=2, blank=True)
    outcome = models.CharField(max_length=32, blank=True)  # received, duplicate, sent, failed, …
    detail = models.TextField(blank=True)
    raw = models.FileField(upload_to=message_upload_to, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # External ids: the axis's message id, the e-mail's Message-ID, the peer's request id.
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    related = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("exchange log entry")
        verbose_name_plural = _("exchange log")

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.document_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("the exchange log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("the exchange log is append-only")


class OutboundStatus(models.Model):
    """A status package to send back to the sender of an incoming document (edXML 01–06, 02,
    15, 16): the outbox row is written in the transaction of the change it reports, with its
    payload; a task sends it after commit and records the outcome in the exchange log."""

    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="outbound_statuses"
    )
    status_code = models.CharField(max_length=2)
    description = models.TextField(blank=True)
    staff = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["incoming_id", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status_code__in=sorted(EDXML_STATUS_CODES)),
                name="outbound_status_code_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incoming_id} {self.status_code}"


class ExchangeNonce(models.Model):
    """A nonce of a signed exchange request, kept until its timestamp is too old to be accepted:
    a second request with the same nonce is a replay (the unique key refuses it, whichever web
    process receives it)."""

    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest[:12]
