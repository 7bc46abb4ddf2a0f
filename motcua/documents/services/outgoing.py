"""Outgoing documents: draft (versions, attachments) → review (comments, return) → the signer's
signature → number and date → the organisation's signature → issue to recipients → delivery
tracking; revocation, update and replacement are later documents of business type 1, 2, 3.

Every function: lock the document's own row, check the policy and the transition, save, record
the event (and audit), queue side effects inside the transaction.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.policies import is_provincial_admin
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.text import nfc
from motcua.documents import numbering, policies, transitions
from motcua.documents.enums import (
    ELECTRONIC_CHANNELS,
    LEGAL_NORMATIVE_TYPES,
    BusinessDocType,
    Channel,
    Confidentiality,
    DeliveryStatus,
    DocumentType,
    OutgoingAction,
    OutgoingState,
    RegisterKind,
    Urgency,
)
from motcua.documents.models import (
    Agency,
    IncomingDocument,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingVersion,
    Recipient,
    RecipientStatus,
)
from motcua.documents.services import shell
from motcua.organisations.models import Organisation

A = OutgoingAction
S = OutgoingState
MAX_FILE_BYTES = 50 * 1024 * 1024
DRAFT_EXTENSIONS = (".pdf", ".docx", ".doc", ".odt")
SUBJECT_MAX = 500
# The edXML status a recipient reached, in order: a late "arrived" never undoes "finished".
STATUS_ORDER = {
    DeliveryStatus.PENDING: 0,
    DeliveryStatus.FAILED: 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.ARRIVED: 3,
    DeliveryStatus.ACCEPTED: 4,
    DeliveryStatus.ASSIGNED: 5,
    DeliveryStatus.PROCESSING: 6,
    DeliveryStatus.FINISHED: 7,
    DeliveryStatus.RETURNED: 8,
    DeliveryStatus.RECALLED: 8,
    DeliveryStatus.RECALL_ACCEPTED: 9,
    DeliveryStatus.RECALL_REFUSED: 9,
}


@dataclass
class RecipientInput:
    """An addressee: one of our organisations, an agency of the directory, or a name with an
    e-mail address or for paper. `channel` empty: chosen from the agency."""

    name: str = ""
    organisation: Organisation | None = None
    agency: Agency | None = None
    email: str = ""
    channel: str = ""


@dataclass
class FileInput:
    name: str
    data: bytes
    content_type: str = "application/octet-stream"


# --- helpers -----------------------------------------------------------------------------------


def _file_checked(file: FileInput, *, extensions: tuple[str, ...] | None = None) -> FileInput:
    name = nfc(os.path.basename(file.name or "").strip())[:200]
    if not name:
        raise ValidationFailed(_("The file has no name."), fields={"file": _("required")})
    if extensions and not name.lower().endswith(extensions):
        raise ValidationFailed(
            _("This file type is not accepted here: use PDF, DOCX, DOC or ODT."),
            fields={"file": name},
        )
    if not file.data:
        raise ValidationFailed(_("The file is empty."), fields={"file": name})
    if len(file.data) > MAX_FILE_BYTES:
        raise ValidationFailed(_("The file is larger than 50 MB."), fields={"file": name})
    return FileInput(name=name, data=file.data, content_type=file.content_type)


def _clean_text(value: str, field: str, *, required: bool = False, limit: int = 0) -> str:
    value = nfc(" ".join((value or "").split()))
    if required and not value:
        raise ValidationFailed(_("This field is required."), fields={field: _("required")})
    if limit and len(value) > limit:
        raise ValidationFailed(
            _("At most %(limit)s characters.") % {"limit": limit}, fields={field: str(limit)}
        )
    return value


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(_("Choose a value from the list."), fields={field: value})
    return value


def _issuable_type(value: str) -> str:
    """A Decree 30 type (laws, decrees and circulars are received, never issued here)."""
    _choice(value, DocumentType, "document_type")
    if value in LEGAL_NORMATIVE_TYPES:
        raise ValidationFailed(
            _("This type of document is not issued through the official documents register."),
            fields={"document_type": value},
        )
    return value


def _channel_for(item: RecipientInput) -> tuple[str, str, str]:
    """(channel, organ id, name) of an addressee."""
    organisation = item.organisation
    if organisation is None and item.agency is not None:
        organisation = item.agency.organisation
    if organisation is not None:
        return Channel.INTERNAL, organisation.agency_code, item.name or organisation.name
    if item.agency is not None:
        channel = item.channel or item.agency.channel
        return channel, item.agency.organ_id, item.name or item.agency.name
    if item.channel:
        return item.channel, "", item.name
    return (Channel.EMAIL if item.email else Channel.PAPER), "", item.name


def _recipients_replace(document: OutgoingDocument, items: list[RecipientInput]) -> None:
    document.recipients.all().delete()
    seen: set[tuple[str, str, str]] = set()
    for item in items:
        channel, organ_id, name = _channel_for(item)
        name = _clean_text(name, "recipients", required=True, limit=255)
        email = (item.email or (item.agency.email if item.agency else "")).strip()
        _choice(channel, Channel, "recipients")
        if channel == Channel.EMAIL and not email:
            raise ValidationFailed(
                _("“%(name)s” has no e-mail address.") % {"name": name},
                fields={"recipients": name},
            )
        if document.is_secret and channel in ELECTRONIC_CHANNELS:
            channel = Channel.PAPER  # secret documents never travel electronically
        key = (organ_id, name, email)
        if key in seen:
            continue
        seen.add(key)
        Recipient.objects.create(
            document=document,
            agency=item.agency,
            organ_id=organ_id,
            name=name,
            email=email,
            channel=channel,
        )


def _recipient_keys(document: OutgoingDocument) -> list[tuple[str, str, str, str]]:
    return sorted(document.recipients.values_list("organ_id", "name", "email", "channel"))


def _version_add(document: OutgoingDocument, file: FileInput, actor: Any, note: str) -> int:
    file = _file_checked(file, extensions=DRAFT_EXTENSIONS)
    number = (document.versions.order_by("-number").values_list("number", flat=True).first()) or 0
    version = OutgoingVersion(
        document=document,
        number=number + 1,
        file_name=file.name,
        sha256=shell.sha256(file.data),
        size=len(file.data),
        note=_clean_text(note, "note", limit=2000),
        created_by=shell.user_or_none(actor),
    )
    version.file.save(file.name, shell.content_file(file.data, file.name), save=False)
    version.save()
    return version.number


def _attachments_add(document: OutgoingDocument, files: list[FileInput]) -> list[str]:
    names = []
    for raw in files:
        file = _file_checked(raw)
        attachment = OutgoingAttachment(
            document=document,
            file_name=file.name,
            content_type=file.content_type,
            sha256=shell.sha256(file.data),
            size=len(file.data),
        )
        attachment.file.save(file.name, shell.content_file(file.data, file.name), save=False)
        attachment.save()
        names.append(file.name)
    return names


# --- draft ---------------------------------------------------------------------------------------


@transaction.atomic
def outgoing_create(
    *,
    actor: Any,
    organisation: Organisation,
    document_type: str,
    subject: str,
    content: str = "",
    drafting_unit: Organisation | None = None,
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NORMAL,
    signer: Any = None,
    signer_position: str = "",
    signer_competence: str = "",
    reviewers: list[Any] | None = None,
    recipients: list[RecipientInput] | None = None,
    unit_abbreviation: str = "",
    due_date: dt.date | None = None,
    keeper_unit: Organisation | None = None,
    issued_amount: int | None = None,
    file: FileInput | None = None,
    attachments: list[FileInput] | None = None,
    business_doc_type: int = BusinessDocType.NEW,
    business_target: OutgoingDocument | None = None,
    business_reason: str = "",
    response_for: IncomingDocument | None = None,
    place: str = "",
) -> OutgoingDocument:
    """A new draft of `organisation`, by an official of it (or of one of its units)."""
    policies.ensure_can_draft(actor, organisation)
    drafting_unit = drafting_unit or getattr(actor, "organisation", None) or organisation
    if not policies.member_of(actor, drafting_unit) and not is_provincial_admin(actor):
        raise ValidationFailed(
            _("The drafting unit must be your own unit."), fields={"drafting_unit": "invalid"}
        )
    if not policies.within(drafting_unit, organisation):
        raise ValidationFailed(
            _("The drafting unit must belong to the issuing agency."),
            fields={"drafting_unit": "invalid"},
        )
    if business_doc_type not in BusinessDocType.values:
        raise ValidationFailed(_("Choose a value from the list."), fields={"business_doc_type": ""})
    if business_doc_type != BusinessDocType.NEW:
        if business_target is None or business_target.state != S.ISSUED:
            raise ValidationFailed(
                _("Choose the issued document this one revokes, updates or replaces."),
                fields={"business_target": _("required")},
            )
        if business_target.organisation_id != organisation.pk:
            raise ValidationFailed(
                _("Only the agency that issued a document may revoke, update or replace it."),
                fields={"business_target": "invalid"},
            )
    if signer is not None and not policies.member_of(signer, organisation):
        raise ValidationFailed(
            _("The signer must be an official of the issuing agency."),
            fields={"signer": "invalid"},
        )
    for reviewer in reviewers or []:
        if not policies.member_of(reviewer, organisation):
            raise ValidationFailed(
                _("Reviewers must be officials of the issuing agency."),
                fields={"reviewers": str(reviewer)},
            )
    if response_for is not None and response_for.organisation_id != organisation.pk:
        raise ValidationFailed(
            _("A reply answers a document received by the same agency."),
            fields={"response_for": "invalid"},
        )
    document = OutgoingDocument.objects.create(
        organisation=organisation,
        drafting_unit=drafting_unit,
        drafter=actor,
        document_type=_issuable_type(document_type),
        subject=_clean_text(subject, "subject", required=True, limit=SUBJECT_MAX),
        content=nfc((content or "").strip()),
        urgency=_choice(urgency, Urgency, "urgency"),
        confidentiality=_choice(confidentiality, Confidentiality, "confidentiality"),
        unit_abbreviation=_clean_text(unit_abbreviation, "unit_abbreviation", limit=16),
        signer=signer,
        signer_position=_clean_text(signer_position or getattr(signer, "position", ""), "x"),
        signer_competence=_clean_text(signer_competence, "signer_competence", limit=16),
        due_date=due_date,
        keeper_unit=keeper_unit or drafting_unit,
        issued_amount=issued_amount,
        business_doc_type=business_doc_type,
        business_target=business_target,
        business_reason=_clean_text(business_reason, "business_reason", limit=2000),
        response_for=response_for,
        place=place or "Cà Mau",
    )
    if reviewers:
        document.reviewers.set(reviewers)
    if recipients is None and business_target is not None:
        recipients = [
            RecipientInput(name=r.name, agency=r.agency, email=r.email, channel=r.channel)
            for r in business_target.recipients.all()
        ]
    _recipients_replace(document, recipients or [])
    version = _version_add(document, file, actor, "") if file is not None else None
    names = _attachments_add(document, attachments or [])
    shell.event(document=document, action=A.CREATE, actor=actor, version=version, files=names)
    return document


@transaction.atomic
def outgoing_update(*, actor: Any, document: OutgoingDocument, **changes: Any) -> OutgoingDocument:
    """Change a draft's fields (subject, content, type, urgency, confidentiality, signer,
    reviewers, recipients, due date, unit abbreviation) while it is a draft or returned."""
    document = shell.lock_outgoing(document)
    policies.ensure_can_edit_draft(actor, document)
    transitions.outgoing_check(document.state, A.EDIT)
    simple = {
        "subject": lambda v: _clean_text(v, "subject", required=True, limit=SUBJECT_MAX),
        "content": lambda v: nfc((v or "").strip()),
        "document_type": _issuable_type,
        "urgency": lambda v: _choice(v, Urgency, "urgency"),
        "confidentiality": lambda v: _choice(v, Confidentiality, "confidentiality"),
        "unit_abbreviation": lambda v: _clean_text(v, "unit_abbreviation", limit=16),
        "signer_position": lambda v: _clean_text(v, "signer_position", limit=128),
        "signer_competence": lambda v: _clean_text(v, "signer_competence", limit=16),
        "due_date": lambda v: v,
        "issued_amount": lambda v: v,
        "place": lambda v: _clean_text(v, "place", limit=64) or "Cà Mau",
    }
    changed: list[str] = []  # only what the edit really changed goes on the timeline
    for field, value in changes.items():
        if field in simple:
            cleaned = simple[field](value)
            if getattr(document, field) != cleaned:
                setattr(document, field, cleaned)
                changed.append(field)
        elif field == "signer":
            if value is not None and not policies.member_of(value, document.organisation):
                raise ValidationFailed(
                    _("The signer must be an official of the issuing agency."),
                    fields={"signer": "invalid"},
                )
            if document.signer_id != getattr(value, "pk", None):
                document.signer = value
                changed.append("signer")
        elif field not in ("reviewers", "recipients"):
            raise ValidationFailed(_("This field cannot be changed."), fields={field: "readonly"})
    document.save()
    if "reviewers" in changes:
        for reviewer in changes["reviewers"] or []:
            if not policies.member_of(reviewer, document.organisation):
                raise ValidationFailed(
                    _("Reviewers must be officials of the issuing agency."),
                    fields={"reviewers": str(reviewer)},
                )
        before_reviewers = set(document.reviewers.values_list("pk", flat=True))
        document.reviewers.set(changes["reviewers"] or [])
        if before_reviewers != {r.pk for r in changes["reviewers"] or []}:
            changed.append("reviewers")
    if "recipients" in changes:
        before_recipients = _recipient_keys(document)
        _recipients_replace(document, changes["recipients"] or [])
        if before_recipients != _recipient_keys(document):
            changed.append("recipients")
    elif "confidentiality" in changes:
        _recipients_replace(
            document,
            [
                RecipientInput(name=r.name, agency=r.agency, email=r.email, channel=r.channel)
                for r in document.recipients.all()
            ],
        )
    shell.event(document=document, action=A.EDIT, actor=actor, fields=changed)
    return document


@transaction.atomic
def outgoing_add_version(
    *, actor: Any, document: OutgoingDocument, file: FileInput, note: str = ""
) -> OutgoingDocument:
    document = shell.lock_outgoing(document)
    policies.ensure_can_edit_draft(actor, document)
    transitions.outgoing_check(document.state, A.ADD_VERSION)
    number = _version_add(document, file, actor, note)
    shell.event(document=document, action=A.ADD_VERSION, actor=actor, version=number, note=note)
    return document


@transaction.atomic
def outgoing_add_attachments(
    *, actor: Any, document: OutgoingDocument, files: list[FileInput]
) -> OutgoingDocument:
    document = shell.lock_outgoing(document)
    policies.ensure_can_edit_draft(actor, document)
    transitions.outgoing_check(document.state, A.ADD_VERSION)
    names = _attachments_add(document, files)
    shell.event(document=document, action=A.ADD_VERSION, actor=actor, files=names)
    return document


# --- review --------------------------------------------------------------------------------------


@transaction.atomic
def outgoing_submit(*, actor: Any, document: OutgoingDocument) -> OutgoingDocument:
    """Send the draft to its reviewers (or, without reviewers, straight to the signer)."""
    document = shell.lock_outgoing(document)
    policies.ensure_can_edit_draft(actor, document)
    has_reviewers = document.reviewers.exists()
    target = transitions.outgoing_check(document.state, A.SUBMIT, has_reviewers=has_reviewers)
    if document.signer_id is None:
        raise ValidationFailed(_("Choose who signs the document."), fields={"signer": "required"})
    if not document.versions.exists() and not document.content.strip():
        raise ValidationFailed(
            _("Attach the draft file or write the content first."), fields={"file": "required"}
        )
    if not document.recipients.exists():
        raise ValidationFailed(_("Name at least one recipient."), fields={"recipients": "required"})
    before, document.state = document.state, target
    document.save(update_fields=["state", "updated_at"])
    shell.event(document=document, action=A.SUBMIT, actor=actor, before=before)
    return document


@transaction.atomic
def outgoing_comment(*, actor: Any, document: OutgoingDocument, text: str) -> OutgoingDocument:
    document = shell.lock_outgoing(document)
    policies.ensure_can_comment(actor, document)
    transitions.outgoing_check(document.state, A.COMMENT)
    text = _clean_text(text, "text", required=True, limit=4000)
    shell.event(document=document, action=A.COMMENT, actor=actor, note=text)
    return document


@transaction.atomic
def outgoing_return(*, actor: Any, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """A reviewer or the signer sends the draft back for changes, saying why."""
    document = shell.lock_outgoing(document)
    policies.ensure_can_return_to_drafter(actor, document)
    target = transitions.outgoing_check(document.state, A.RETURN)
    reason = _clean_text(reason, "reason", required=True, limit=4000)
    before, document.state = document.state, target
    document.save(update_fields=["state", "updated_at"])
    shell.event(document=document, action=A.RETURN, actor=actor, before=before, note=reason)
    return document


@transaction.atomic
def outgoing_approve(*, actor: Any, document: OutgoingDocument, note: str = "") -> OutgoingDocument:
    """A reviewer passes the draft to the signer."""
    document = shell.lock_outgoing(document)
    policies.ensure_can_review(actor, document)
    target = transitions.outgoing_check(document.state, A.APPROVE)
    before, document.state = document.state, target
    document.save(update_fields=["state", "updated_at"])
    shell.event(
        document=document, action=A.APPROVE, actor=actor, before=before, note=_clean_text(note, "n")
    )
    return document


# --- sign, number, seal, issue ------------------------------------------------------------------


@transaction.atomic
def outgoing_sign(
    *, actor: Any, document: OutgoingDocument, backend: Any = None
) -> OutgoingDocument:
    """The signer's PAdES signature on the document (the latest version, or the document
    rendered from its content)."""
    from motcua.documents.services import signing

    document = shell.lock_outgoing(document)
    policies.ensure_can_sign(actor, document)
    target = transitions.outgoing_check(document.state, A.SIGN)
    signed = signing.sign_personal(document=document, actor=actor, backend=backend)
    before, document.state = document.state, target
    document.signed_document = signed
    document.save(update_fields=["state", "signed_document", "updated_at"])
    shell.event(document=document, action=A.SIGN, actor=actor, before=before)
    return document


@transaction.atomic
def outgoing_number(*, actor: Any, document: OutgoingDocument) -> OutgoingDocument:
    """The clerk takes the next number of the agency's register for the year (secret documents:
    the secret register) and dates the document today."""
    document = shell.lock_outgoing(document)
    policies.ensure_can_clerk(actor, document.organisation)
    target = transitions.outgoing_check(document.state, A.NUMBER)
    today = shell.local_today()
    register = numbering.register_for(
        document.organisation,
        RegisterKind.OUTGOING,
        secret=document.is_secret,
        document_type=document.document_type,
    )
    document.register = register
    document.year = today.year
    document.code_number = numbering.take(register, today.year)
    document.code_notation = numbering.outgoing_notation(
        register, document.document_type, document.unit_abbreviation
    )
    document.issued_date = today
    document.numbered_at = shell.now()
    document.document_id = (
        f"{document.organisation.agency_code},{today:%Y/%m/%d},{document.number_notation}"
    )
    before, document.state = document.state, target
    document.save()
    shell.event(
        document=document,
        action=A.NUMBER,
        actor=actor,
        before=before,
        number=document.number_notation,
        register=register.name,
    )
    return document


@transaction.atomic
def outgoing_seal(*, actor: Any, document: OutgoingDocument) -> OutgoingDocument:
    """The organisation's signature by the clerk: the number and the date written in, the seal
    over the signer's image; the attachments signed for the organisation too."""
    from motcua.documents.services import signing

    document = shell.lock_outgoing(document)
    policies.ensure_can_clerk(actor, document.organisation)
    target = transitions.outgoing_check(document.state, A.SEAL)
    signing.seal(document=document, actor=actor)
    before, document.state = document.state, target
    document.save(update_fields=["state", "updated_at"])
    shell.event(document=document, action=A.SEAL, actor=actor, before=before)
    return document


@transaction.atomic
def outgoing_issue(*, actor: Any, document: OutgoingDocument) -> OutgoingDocument:
    """Send to every recipient: our own agencies receive it at once; connected agencies by
    the exchange (after commit); the others by e-mail or recorded as sent on paper.
    A revocation or replacement, once issued, marks the document it targets."""
    document = shell.lock_outgoing(document)
    policies.ensure_can_clerk(actor, document.organisation)
    target = transitions.outgoing_check(document.state, A.ISSUE)
    recipients = list(document.recipients.select_related("agency").order_by("id"))
    if not recipients:
        raise ValidationFailed(_("Name at least one recipient."), fields={"recipients": "required"})
    electronic = [r for r in recipients if r.channel in ELECTRONIC_CHANNELS]
    if document.is_secret and electronic:
        raise Conflict(
            _("A secret document is never sent electronically: send it on paper."),
            code="secret_not_electronic",
        )
    at = shell.now()
    before, document.state = document.state, target
    document.issued_at = at
    document.save(update_fields=["state", "issued_at", "updated_at"])
    for recipient in recipients:
        if recipient.channel == Channel.PAPER:
            _status_set(recipient, DeliveryStatus.SENT, at, _("Sent on paper"))
        elif recipient.channel == Channel.INTERNAL:
            _deliver_internal(document, recipient, actor)
        else:
            shell.delivery_queue(recipient)
    shell.event(
        document=document,
        action=A.ISSUE,
        actor=actor,
        before=before,
        recipients=[r.name for r in recipients],
    )
    if document.business_target_id is not None:
        _business_apply(document, actor)
    if document.response_for_id is not None:
        from motcua.documents.services import incoming

        incoming.incoming_reply_issued(outgoing=document, actor=actor)
    return document


def _deliver_internal(document: OutgoingDocument, recipient: Recipient, actor: Any) -> None:
    from motcua.documents.services import incoming

    organisation = Organisation.objects.get(agency_code=recipient.organ_id)
    received = incoming.incoming_receive_internal(
        organisation=organisation, outgoing=document, actor=actor
    )
    recipient.incoming = received
    recipient.sent_at = shell.now()
    recipient.save(update_fields=["incoming", "sent_at"])
    _status_set(recipient, DeliveryStatus.SENT, recipient.sent_at, "")
    _status_set(recipient, DeliveryStatus.ARRIVED, recipient.sent_at, "")
    if received.arrival_number is not None:
        _status_set(recipient, DeliveryStatus.ACCEPTED, recipient.sent_at, "")


def _business_apply(document: OutgoingDocument, actor: Any) -> None:
    target = shell.lock_outgoing(document.business_target)  # type: ignore[arg-type]
    action = {
        BusinessDocType.REVOKE: A.REVOKE,
        BusinessDocType.UPDATE: A.UPDATE,
        BusinessDocType.REPLACE: A.REPLACE,
    }[BusinessDocType(document.business_doc_type)]
    new_state = transitions.outgoing_check(target.state, action)
    before, target.state = target.state, new_state
    target.save(update_fields=["state", "updated_at"])
    shell.event(
        document=target,
        action=action,
        actor=actor,
        before=before,
        by=document.number_notation,
        note=document.business_reason,
    )


# --- delivery tracking --------------------------------------------------------------------------


def _status_set(
    recipient: Recipient,
    status: str,
    at: dt.datetime | None,
    description: str,
    *,
    staff: str = "",
    message: Any = None,
) -> bool:
    """Record a status on a recipient's history; the recipient's current status moves forward
    only (statuses may arrive out of order). Returns whether the current status changed."""
    at = at or shell.now()
    RecipientStatus.objects.create(
        recipient=recipient,
        status=status,
        description=description[:2000],
        at=at,
        staff=staff[:255],
        message=message,
    )
    if STATUS_ORDER.get(DeliveryStatus(status), 0) < STATUS_ORDER.get(
        DeliveryStatus(recipient.status), 0
    ):
        return False
    recipient.status = status
    recipient.status_at = at
    recipient.status_description = description[:2000]
    fields = ["status", "status_at", "status_description"]
    if status == DeliveryStatus.SENT and recipient.sent_at is None:
        recipient.sent_at = at
        fields.append("sent_at")
    recipient.save(update_fields=fields)
    return True


@transaction.atomic
def recipient_record_status(
    *,
    recipient: Recipient,
    status: str,
    description: str = "",
    at: dt.datetime | None = None,
    staff: str = "",
    message: Any = None,
    error: str = "",
) -> Recipient:
    """What the transport or the recipient reported: sent / failed (with the error) / an edXML
    status. Called by the senders and by the status endpoints (trusted callers)."""
    recipient = Recipient.objects.select_for_update(of=("self",)).get(pk=recipient.pk)
    _choice(status, DeliveryStatus, "status")
    if status == DeliveryStatus.FAILED:
        recipient.attempts += 1
        recipient.last_error = error[:2000]
        recipient.save(update_fields=["attempts", "last_error"])
    elif status == DeliveryStatus.SENT:
        recipient.attempts += 1
        recipient.last_error = ""
        recipient.save(update_fields=["attempts", "last_error"])
    changed = _status_set(recipient, status, at, description or error, staff=staff, message=message)
    document = shell.lock_outgoing(recipient.document)
    shell.event(
        document=document,
        action="delivery",
        actor=None,
        recipient=recipient.name,
        status=status,
        current=changed,
        note=description or error,
    )
    return recipient
