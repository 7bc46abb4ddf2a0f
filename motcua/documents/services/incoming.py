"""Incoming documents: received electronically (edXML from another deployment, the axis or the
API; or from one of our own agencies), from the official mailbox, or registered from paper →
an arrival number per receiving agency's register and year → the leader's assignment (lead
unit, co-units, deadline, instructions) → processing with progress notes → finished, with a
reply linked; or returned to the sender (status 02). Every change that a sender can follow
queues a status package (01, 02, 03, 04, 05, 06, 15) with its payload.

A package whose DocumentId is already registered for the agency is the same document: it is
returned as it is, never registered twice (a unique constraint stands behind the check).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.documents import numbering, policies, transitions
from motcua.documents.enums import (
    BusinessDocType,
    Channel,
    Confidentiality,
    DocumentType,
    IncomingAction,
    IncomingState,
    RegisterKind,
    SignatureVerdict,
    Source,
    Urgency,
    type_from_edxml,
    urgency_from_priority,
)
from motcua.documents.models import (
    ExchangeMessage,
    IncomingDocument,
    IncomingFile,
    OutgoingDocument,
    ProgressNote,
)
from motcua.documents.services import shell
from motcua.documents.services.outgoing import FileInput
from motcua.organisations.models import Organisation

if TYPE_CHECKING:
    from motcua.documents.edxml.model import EdocPackage

log = logging.getLogger(__name__)
A = IncomingAction
S = IncomingState
SUBJECT_MAX = 1000


@dataclass
class IncomingFields:
    """What the document says of itself (typed in from paper, or corrected by the clerk)."""

    sender_name: str = ""
    sender_organ_id: str = ""
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    document_type: str = DocumentType.CONG_VAN
    subject: str = ""
    signer_name: str = ""
    signer_position: str = ""
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    reply_due: dt.date | None = None
    page_amount: int | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _text(value: str, name: str, *, required: bool = False, limit: int = 255) -> str:
    value = nfc(" ".join((value or "").split()))
    if required and not value:
        raise ValidationFailed(_("This field is required."), fields={name: _("required")})
    if len(value) > limit:
        raise ValidationFailed(
            _("At most %(limit)s characters.") % {"limit": limit}, fields={name: str(limit)}
        )
    return value


def _fields_apply(document: IncomingDocument, values: IncomingFields) -> None:
    if values.document_type not in DocumentType.values:
        raise ValidationFailed(_("Choose a value from the list."), fields={"document_type": ""})
    if values.urgency not in Urgency.values:
        raise ValidationFailed(_("Choose a value from the list."), fields={"urgency": ""})
    if values.confidentiality not in Confidentiality.values:
        raise ValidationFailed(_("Choose a value from the list."), fields={"confidentiality": ""})
    document.sender_name = _text(values.sender_name, "sender_name", required=True)
    document.sender_organ_id = _text(values.sender_organ_id, "sender_organ_id", limit=64)
    document.code_number = _text(values.code_number, "code_number", limit=32)
    document.code_notation = _text(values.code_notation, "code_notation", limit=64)
    document.issued_date = values.issued_date
    document.document_type = values.document_type
    document.subject = _text(values.subject, "subject", required=True, limit=SUBJECT_MAX)
    document.signer_name = _text(values.signer_name, "signer_name")
    document.signer_position = _text(values.signer_position, "signer_position")
    document.urgency = values.urgency
    document.confidentiality = values.confidentiality
    document.reply_due = values.reply_due
    document.page_amount = values.page_amount
    document.note = _text(values.note, "note", limit=4000)


def _files_store(document: IncomingDocument, files: list[FileInput]) -> None:
    """Keep the files; verify each PDF's signatures and extract its text (for search)."""
    main_done = False
    for file in files:
        name = nfc((file.name or "file").strip())[:200] or "file"
        is_pdf = name.lower().endswith(".pdf") or file.content_type == "application/pdf"
        row = IncomingFile(
            document=document,
            file_name=name,
            content_type=file.content_type or "application/octet-stream",
            sha256=shell.sha256(file.data),
            size=len(file.data),
            is_main=is_pdf and not main_done,
        )
        if is_pdf:
            row.signature_verdict, row.signature_report = _verify(file.data)
            row.text = _pdf_text(file.data)
        else:
            row.signature_verdict = SignatureVerdict.NONE
        row.file.save(name, shell.content_file(file.data, name), save=False)
        row.save()
        if row.is_main:
            main_done = True
            document.signature_verdict = row.signature_verdict
            document.signature_report = row.signature_report
    if not main_done and files:
        document.signature_verdict = SignatureVerdict.NONE


def _verify(data: bytes) -> tuple[str, dict[str, Any]]:
    from motcua.documents.services.signing import verify_incoming

    return verify_incoming(data)


def _pdf_text(data: bytes) -> str:
    from motcua.documents.pdftext import extract

    try:
        return extract(data)
    except Exception:  # an unreadable PDF is kept; it is just not searchable
        log.info("no text extracted from an incoming PDF", exc_info=True)
        return ""


def _number(document: IncomingDocument) -> None:
    today = shell.local_today()
    register = numbering.register_for(
        document.organisation, RegisterKind.INCOMING, secret=document.is_secret
    )
    document.register = register
    document.year = today.year
    document.arrival_number = numbering.take(register, today.year)
    document.registered_at = shell.now()


def _create(document: IncomingDocument) -> IncomingDocument | None:
    """Insert; None when the agency already holds a document with this DocumentId."""
    if document.document_id:
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:
            return None
        return document
    document.save()
    return document


def _arrive_and_register(document: IncomingDocument, files: list[FileInput]) -> None:
    """An electronic arrival: the files kept (signatures checked), then the system registers
    it — two steps on the timeline, whose actor is the system (never the sender's clerk)."""
    _files_store(document, files)
    document.save()
    shell.event(
        document=document,
        action=A.RECEIVE,
        actor=None,
        channel=document.channel,
        document_id=document.document_id,
        sender=document.sender_name,
        signature=document.signature_verdict,
    )
    _number(document)
    document.state = S.REGISTERED
    document.save()
    shell.event(
        document=document,
        action=A.REGISTER,
        actor=None,
        before=S.RECEIVED,
        arrival_number=document.arrival_number,
    )


# --- receive -------------------------------------------------------------------------------------


@transaction.atomic
def incoming_receive_package(
    *,
    organisation: Organisation,
    package: EdocPackage,
    channel: str,
    message: ExchangeMessage | None = None,
    actor: Any = None,
) -> tuple[IncomingDocument, bool]:
    """Register an edXML package received for `organisation` (trusted caller: the exchange,
    the mailbox reader or the API after authentication). Returns (document, created)."""
    document_id = (package.document_id or "").strip()[:255]
    if not document_id:
        document_id = package.make_document_id(
            package.from_.organ_id,
            package.promulgation_date,
            package.code_number,
            package.code_notation,
        )[:255]
    existing = IncomingDocument.objects.filter(
        organisation=organisation, document_id=document_id
    ).first()
    if existing is not None:
        return existing, False
    signer = package.signer
    document = IncomingDocument(
        organisation=organisation,
        source=Source.EDXML,
        channel=channel,
        arrival_date=shell.now(),
        sender_organ_id=(package.from_.organ_id or "")[:64],
        sender_name=nfc(package.from_.organ_name or package.from_.organ_id or "")[:255],
        sender_email=(package.from_.email or "")[:255],
        code_number=(package.code_number or "")[:32],
        code_notation=(package.code_notation or "")[:64],
        issued_date=package.promulgation_date,
        document_type=type_from_edxml(package.document_type, package.type_name),
        type_name=(package.type_name or "")[:100],
        subject=nfc(package.subject or package.content or "")[:SUBJECT_MAX] or "—",
        content=nfc(package.content or ""),
        signer_name=nfc(signer.full_name or "")[:255],
        signer_position=nfc(signer.position or "")[:255],
        signer_competence=nfc(signer.competence or "")[:64],
        urgency=urgency_from_priority(package.priority),
        reply_due=package.due_date,
        page_amount=package.page_amount,
        to_places=[nfc(p) for p in package.to_places],
        document_id=document_id,
        business_doc_type=package.business_doc_type or BusinessDocType.NEW,
        response_for=[
            {
                "organ_id": r.organ_id,
                "code": r.code,
                "promulgation_date": r.promulgation_date.isoformat()
                if r.promulgation_date
                else None,
                "document_id": r.document_id,
            }
            for r in package.response_for
        ],
        message=message,
        state=S.RECEIVED,
    )
    for answer in package.response_for:
        if answer.document_id:
            document.in_reply_to = OutgoingDocument.objects.filter(
                organisation=organisation, document_id=answer.document_id
            ).first()
            if document.in_reply_to is not None:
                break
    if document.business_doc_type != BusinessDocType.NEW and package.business is not None:
        target_id = (package.business.document_id or "").strip()
        document.business_target = IncomingDocument.objects.filter(
            organisation=organisation, document_id=target_id
        ).first()
    if _create(document) is None:
        return IncomingDocument.objects.get(
            organisation=organisation, document_id=document_id
        ), False
    files = [FileInput(a.name, a.read(), a.content_type) for a in package.attachments]
    _arrive_and_register(document, files)
    shell.status_queue(document=document, code="01")
    shell.status_queue(document=document, code="03")
    if document.business_target_id is not None:
        _business_received(document, actor)
    return document, True


def _business_received(document: IncomingDocument, actor: Any) -> None:
    """The sender revokes (1), updates (2) or replaces (3) a document we hold."""
    target = shell.lock_incoming(document.business_target)  # type: ignore[arg-type]
    if document.business_doc_type in (BusinessDocType.REVOKE, BusinessDocType.REPLACE):
        if A.REVOKE in transitions.incoming_allowed(target.state):
            before, target.state = target.state, S.REVOKED
            target.save(update_fields=["state", "updated_at"])
            shell.event(
                document=target, action=A.REVOKE, actor=actor, before=before, by=document.pk
            )
            shell.status_queue(document=document, code="15")
            return
        shell.status_queue(
            document=document, code="16", description=_("The document was already finished.")
        )
        return
    shell.event(document=target, action=A.NOTE, actor=actor, updated_by=document.pk)
    shell.status_queue(document=document, code="15")


@transaction.atomic
def incoming_receive_internal(
    *, organisation: Organisation, outgoing: OutgoingDocument, actor: Any
) -> IncomingDocument:
    """One of our own agencies issued `outgoing` to `organisation`: it arrives at once,
    registered, with the signed PDF and the attachments."""
    existing = IncomingDocument.objects.filter(
        organisation=organisation, document_id=outgoing.document_id
    ).first()
    if existing is not None:
        return existing
    from motcua.documents.enums import TYPE_NAMES

    document = IncomingDocument(
        organisation=organisation,
        source=Source.EDXML,
        channel=Channel.INTERNAL,
        arrival_date=shell.now(),
        sender_organ_id=outgoing.organisation.agency_code,
        sender_name=outgoing.organisation.name,
        code_number=f"{outgoing.code_number:02d}" if outgoing.code_number else "",
        code_notation=outgoing.code_notation,
        issued_date=outgoing.issued_date,
        document_type=outgoing.document_type,
        type_name=TYPE_NAMES.get(outgoing.document_type, ""),
        subject=outgoing.subject,
        content=outgoing.content,
        signer_name=getattr(outgoing.signer, "full_name", "") or "",
        signer_position=outgoing.signer_position,
        signer_competence=outgoing.signer_competence,
        urgency=outgoing.urgency,
        confidentiality=outgoing.confidentiality,
        reply_due=outgoing.due_date,
        document_id=outgoing.document_id,
        business_doc_type=outgoing.business_doc_type,
        in_reply_to=None,
        state=S.RECEIVED,
    )
    if outgoing.business_target_id is not None and outgoing.business_target is not None:
        document.business_target = IncomingDocument.objects.filter(
            organisation=organisation, document_id=outgoing.business_target.document_id
        ).first()
    if outgoing.response_for_id is not None and outgoing.response_for is not None:
        answered = outgoing.response_for
        document.response_for = [
            {
                "organ_id": answered.sender_organ_id,
                "code": answered.number_notation,
                "promulgation_date": answered.issued_date.isoformat()
                if answered.issued_date
                else None,
                "document_id": answered.document_id,
            }
        ]
        document.in_reply_to = OutgoingDocument.objects.filter(
            organisation=organisation, document_id=answered.document_id
        ).first()
    document.save()
    files: list[FileInput] = []
    if outgoing.signed_document is not None:
        with outgoing.signed_document.file.open("rb") as handle:
            data = handle.read()
        files.append(
            FileInput(f"{outgoing.number_notation or 'van-ban'}.pdf", data, "application/pdf")
        )
    for attachment in outgoing.attachments.all():
        source = attachment.signed_document.file if attachment.signed_document else attachment.file
        with source.open("rb") as handle:
            files.append(FileInput(attachment.file_name, handle.read(), attachment.content_type))
    _arrive_and_register(
        document, [FileInput(f.name.replace("/", "-"), f.data, f.content_type) for f in files]
    )
    if document.business_target_id is not None:
        _business_received(document, actor)
    return document


@transaction.atomic
def incoming_create_received(
    *,
    organisation: Organisation,
    source: str,
    channel: str,
    fields: IncomingFields,
    files: list[FileInput],
    message: ExchangeMessage | None = None,
    sender_email: str = "",
    actor: Any = None,
) -> IncomingDocument:
    """A document that arrived but is not registered yet (e.g. from the official mailbox): the
    clerk checks what was read from it and registers it (trusted caller: the mailbox reader)."""
    document = IncomingDocument(
        organisation=organisation,
        source=source,
        channel=channel,
        arrival_date=shell.now(),
        sender_email=sender_email[:255],
        message=message,
        state=S.RECEIVED,
    )
    _fields_apply(document, fields)
    document.save()
    _files_store(document, files)
    document.save()
    shell.event(document=document, action=A.RECEIVE, actor=actor, channel=channel)
    return document


@transaction.atomic
def incoming_register(
    *, actor: Any, document: IncomingDocument, fields: IncomingFields | None = None
) -> IncomingDocument:
    """The clerk registers a received document (correcting what was read from it)."""
    document = shell.lock_incoming(document)
    policies.ensure_can_register(actor, document.organisation)
    target = transitions.incoming_check(document.state, A.REGISTER)
    if fields is not None:
        _fields_apply(document, fields)
    _number(document)
    before, document.state = document.state, target
    document.save()
    shell.event(
        document=document,
        action=A.REGISTER,
        actor=actor,
        before=before,
        arrival_number=document.arrival_number,
    )
    shell.status_queue(document=document, code="03", actor=actor)
    return document


@transaction.atomic
def incoming_register_paper(
    *,
    actor: Any,
    organisation: Organisation,
    fields: IncomingFields,
    files: list[FileInput],
    arrival_date: dt.datetime | None = None,
) -> IncomingDocument:
    """A paper document: the clerk uploads the scan, types the metadata; it gets its number."""
    policies.ensure_can_register(actor, organisation)
    if not files:
        raise ValidationFailed(_("Attach the scanned document."), fields={"files": "required"})
    if arrival_date is not None and arrival_date > shell.now():
        raise ValidationFailed(
            _("The arrival date cannot be in the future."), fields={"arrival_date": "future"}
        )
    document = IncomingDocument(
        organisation=organisation,
        source=Source.PAPER,
        channel=Channel.PAPER,
        arrival_date=arrival_date or shell.now(),
        created_by=shell.user_or_none(actor),
        state=S.RECEIVED,
    )
    _fields_apply(document, fields)
    document.save()
    _files_store(document, files)
    _number(document)
    document.state = S.REGISTERED
    document.save()
    shell.event(
        document=document,
        action=A.REGISTER,
        actor=actor,
        arrival_number=document.arrival_number,
        source=Source.PAPER,
    )
    return document


# --- assign, process, finish, return --------------------------------------------------------------


@transaction.atomic
def incoming_assign(
    *,
    actor: Any,
    document: IncomingDocument,
    lead_unit: Organisation,
    co_units: list[Organisation] | None = None,
    lead_official: Any = None,
    deadline: dt.date | None = None,
    instructions: str = "",
) -> IncomingDocument:
    """The leader's assignment: a lead unit (and official), co-units, a deadline, instructions.
    Assigning again changes them (the history keeps every assignment)."""
    document = shell.lock_incoming(document)
    policies.ensure_can_assign(actor, document)
    target = transitions.incoming_check(document.state, A.ASSIGN)
    agency = document.organisation
    units = [lead_unit, *(co_units or [])]
    for unit in units:
        if not policies.within(unit, agency):
            raise ValidationFailed(
                _("“%(unit)s” is not a unit of the receiving agency.") % {"unit": unit.name},
                fields={"lead_unit": unit.name},
            )
    if lead_official is not None and not policies.member_of(lead_official, lead_unit):
        raise ValidationFailed(
            _("The lead official must work in the lead unit."), fields={"lead_official": "invalid"}
        )
    if deadline is not None and deadline < shell.local_today():
        raise ValidationFailed(
            _("The deadline cannot be in the past."), fields={"deadline": "past"}
        )
    co = [u for u in (co_units or []) if u.pk != lead_unit.pk]
    first = document.assigned_at is None
    before = document.state
    document.state = target
    document.lead_unit = lead_unit
    document.lead_official = lead_official
    document.deadline = deadline
    document.instructions = _text(instructions, "instructions", limit=4000)
    document.assigned_by = shell.user_or_none(actor)
    document.assigned_at = shell.now()
    if document.passed_on_at is None:
        document.passed_on_at = document.assigned_at
    document.save()
    document.co_units.set(co)
    shell.event(
        document=document,
        action=A.ASSIGN,
        actor=actor,
        before=before,
        lead_unit=lead_unit.name,
        co_units=[u.name for u in co],
        lead_official=getattr(lead_official, "full_name", "") if lead_official else "",
        deadline=deadline.isoformat() if deadline else None,
        note=document.instructions,
    )
    if first:
        shell.status_queue(document=document, code="04", actor=actor)
    _notify_assigned(document)
    return document


@transaction.atomic
def incoming_note(
    *, actor: Any, document: IncomingDocument, text: str, percent: int | None = None
) -> IncomingDocument:
    """A progress note by an official of an assigned unit; the first one starts processing."""
    document = shell.lock_incoming(document)
    policies.ensure_can_process(actor, document)
    target = transitions.incoming_check(document.state, A.NOTE)
    text = _text(text, "text", required=True, limit=4000)
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationFailed(_("Between 0 and 100."), fields={"percent": str(percent)})
    ProgressNote.objects.create(
        document=document,
        author=shell.user_or_none(actor),
        author_name=shell.actor_name(actor),
        unit=getattr(actor, "organisation", None),
        text=text,
        percent=percent,
        at=shell.now(),
    )
    before = document.state
    document.state = target
    if percent is not None:
        document.progress = percent
    document.save(update_fields=["state", "progress", "updated_at"])
    shell.event(document=document, action=A.NOTE, actor=actor, before=before, note=text)
    if before != target and target == S.IN_PROGRESS:
        shell.status_queue(document=document, code="05", actor=actor)
    return document


@transaction.atomic
def incoming_finish(*, actor: Any, document: IncomingDocument, note: str = "") -> IncomingDocument:
    document = shell.lock_incoming(document)
    policies.ensure_can_finish(actor, document)
    target = transitions.incoming_check(document.state, A.FINISH)
    before, document.state = document.state, target
    document.finished_at = shell.now()
    document.progress = 100
    document.save(update_fields=["state", "finished_at", "progress", "updated_at"])
    note = _text(note, "note", limit=4000)
    shell.event(document=document, action=A.FINISH, actor=actor, before=before, note=note)
    shell.status_queue(document=document, code="06", description=note, actor=actor)
    return document


@transaction.atomic
def incoming_return(*, actor: Any, document: IncomingDocument, reason: str) -> IncomingDocument:
    """Return a misaddressed or invalid document to its sender (status 02), saying why."""
    document = shell.lock_incoming(document)
    policies.ensure_can_return_incoming(actor, document)
    target = transitions.incoming_check(document.state, A.RETURN)
    reason = _text(reason, "reason", required=True, limit=2000)
    before, document.state = document.state, target
    document.returned_reason = reason
    document.save(update_fields=["state", "returned_reason", "updated_at"])
    shell.event(document=document, action=A.RETURN, actor=actor, before=before, note=reason)
    shell.status_queue(document=document, code="02", description=reason, actor=actor)
    return document


def incoming_reply_issued(*, outgoing: OutgoingDocument, actor: Any) -> None:
    """An issued reply is linked on the document it answers (called inside outgoing_issue)."""
    if outgoing.response_for_id is None:
        return
    document = shell.lock_incoming(outgoing.response_for)  # type: ignore[arg-type]
    transitions.incoming_check(document.state, A.REPLY)
    shell.event(
        document=document,
        action=A.REPLY,
        actor=actor,
        reply=outgoing.number_notation,
        outgoing_id=outgoing.pk,
    )


# --- reminders ---------------------------------------------------------------------------------


def _notify_assigned(document: IncomingDocument) -> None:
    """Tell the lead official (or the lead unit's officials) by e-mail, inside the
    transaction (the outbox row carries the text)."""
    from motcua.notifications.models import NotificationKind
    from motcua.notifications.services import notification_queue

    for email in _assignee_emails(document):
        notification_queue(
            kind=NotificationKind.DOCUMENT_ASSIGNED,
            recipient=email,
            subject=_("Document assigned to you: %(doc)s") % {"doc": document},
            body=_assignment_text(document),
        )


def _assignee_emails(document: IncomingDocument) -> list[str]:
    from motcua.accounts.models import User

    if document.lead_official is not None and document.lead_official.email:
        return [document.lead_official.email]
    if document.lead_unit_id is None:
        return []
    officials = User.objects.filter(organisation_id=document.lead_unit_id, is_active=True)
    return sorted({u.email for u in officials.exclude(email="")})[:20]


def _assignment_text(document: IncomingDocument) -> str:
    lines = [
        _("Arrival number: %(n)s") % {"n": document.arrival_number or ""},
        _("Document: %(doc)s — %(subject)s") % {"doc": document, "subject": document.subject},
        _("From: %(sender)s") % {"sender": document.sender_name},
    ]
    if document.deadline:
        lines.append(_("Deadline: %(d)s") % {"d": document.deadline.strftime("%d/%m/%Y")})
    if document.instructions:
        lines.append(_("Instructions: %(i)s") % {"i": document.instructions})
    return "\n".join(lines)


def incoming_remind_due(*, today: dt.date | None = None, days_before: int = 2) -> int:
    """Remind the assignees of open documents whose deadline is within `days_before` days or
    past: once a day per document (the reminder event of the day is the key). Returns how many
    documents were reminded."""
    from motcua.notifications.models import NotificationKind
    from motcua.notifications.services import notification_queue

    today = today or shell.local_today()
    open_states = (S.ASSIGNED, S.IN_PROGRESS)
    due = IncomingDocument.objects.filter(
        state__in=open_states,
        deadline__isnull=False,
        deadline__lte=today + dt.timedelta(days=days_before),
    ).values_list("pk", flat=True)
    count = 0
    for pk in due.iterator():
        with transaction.atomic():
            document = (
                IncomingDocument.objects.select_for_update(of=("self",))
                .filter(pk=pk, state__in=open_states)
                .first()
            )
            if document is None or document.deadline is None:
                continue
            key = today.isoformat()
            if document.events.filter(action=A.REMIND, data__day=key).exists():
                continue
            overdue = document.deadline < today
            subject = (
                _("Overdue: %(doc)s (deadline %(d)s)")
                if overdue
                else _("Due soon: %(doc)s (deadline %(d)s)")
            ) % {"doc": document, "d": document.deadline.strftime("%d/%m/%Y")}
            for email in _assignee_emails(document):
                notification_queue(
                    kind=NotificationKind.DOCUMENT_DUE,
                    recipient=email,
                    subject=subject,
                    body=_assignment_text(document),
                )
            shell.event(document=document, action=A.REMIND, actor=None, day=key, overdue=overdue)
            count += 1
    return count


__all__ = [
    "IncomingFields",
    "incoming_assign",
    "incoming_create_received",
    "incoming_finish",
    "incoming_note",
    "incoming_receive_internal",
    "incoming_receive_package",
    "incoming_register",
    "incoming_register_paper",
    "incoming_remind_due",
    "incoming_reply_issued",
    "incoming_return",
]
