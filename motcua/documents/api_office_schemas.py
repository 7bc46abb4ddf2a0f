"""The bodies and answers of the documents API (motcua.documents.api_office): what officials'
systems send (pydantic models: a field that is not one of them is refused, each refusal has
its message in the caller's language) and what they get back (ninja schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Base64Bytes, BaseModel, ConfigDict, Field

from motcua.core import fields
from motcua.documents.enums import Channel, Confidentiality, DocumentType, Urgency
from motcua.documents.services import incoming, outgoing
from motcua.documents.services.incoming import IncomingFields

USERNAME_MAX = 150
NAME_MAX = 255
TEXT_MAX = 4000
CONTENT_MAX = 100_000


# --- request bodies -------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileIn(_In):
    """A file inside a JSON body (multipart requests send files as their own parts)."""

    name: Annotated[str, fields.text(200)] = Field(min_length=1, examples=["du-thao.docx"])
    content_type: Annotated[str, fields.text(100)] = ""
    content_base64: Base64Bytes = Field(description="The file's bytes, base64-encoded")


class RecipientIn(_In):
    """An addressee: by agency code (one of ours, or an agency of the directory: the way it is
    reached decides the channel), or by name with an e-mail address (else on paper)."""

    organ_id: Annotated[str, fields.text(64)] = Field(
        "", description="Agency code (mã định danh), e.g. 000.00.12.H12"
    )
    name: Annotated[str, fields.text(NAME_MAX)] = ""
    email: fields.Email = ""
    channel: Channel | None = Field(None, description="Empty: chosen from the agency")


class OutgoingCreateIn(_In):
    """A new draft of an outgoing document (Decree 30/2020)."""

    organisation: Annotated[str, fields.text(64)] | None = Field(
        None,
        description="Agency code of the issuing agency; by default the caller's nearest agency "
        "(the target's for a revocation, update or replacement; the receiver's for a reply)",
    )
    drafting_unit: Annotated[str, fields.text(64)] | None = Field(
        None, description="Agency code of the drafting unit; by default the caller's unit"
    )
    document_type: DocumentType
    subject: Annotated[str, fields.text(outgoing.SUBJECT_MAX)] = Field(
        min_length=1, description="The summary (trích yếu)"
    )
    content: Annotated[str, fields.text(CONTENT_MAX, multiline=True)] = ""
    urgency: Urgency = Urgency.NORMAL
    confidentiality: Confidentiality = Confidentiality.NORMAL
    unit_abbreviation: Annotated[str, fields.text(16)] = Field(
        "", description="Công văn: the drafting unit's part of the notation (UBND-VX)"
    )
    signer: Annotated[str, fields.text(USERNAME_MAX)] | None = Field(
        None, description="User name of the designated signer (a leader of the agency)"
    )
    signer_position: Annotated[str, fields.text(128)] = ""
    signer_competence: Annotated[str, fields.text(16)] = Field(
        "", description="TM., KT., TL., TUQ. or empty"
    )
    reviewers: list[Annotated[str, fields.text(USERNAME_MAX)]] = Field(
        default=[], max_length=50, description="User names of the reviewers"
    )
    recipients: list[RecipientIn] = Field(default=[], max_length=500)
    due_date: dt.date | None = Field(None, description="Reply due (hạn trả lời)")
    issued_amount: int | None = Field(None, ge=1, le=100_000, description="Copies")
    place: Annotated[str, fields.text(64)] = ""
    business_doc_type: Literal[0, 1, 2, 3] = Field(
        0, description="0 new, 1 revocation, 2 update, 3 replacement (edXML BussinessDocType)"
    )
    business_target: int | None = Field(
        None, description="Id of the issued document this one revokes, updates or replaces"
    )
    business_reason: Annotated[str, fields.text(2000, multiline=True)] = ""
    response_for: int | None = Field(None, description="Id of the incoming document it answers")
    file: FileIn | None = Field(None, description="The draft (PDF, DOCX, DOC, ODT; 50 MB at most)")
    attachments: list[FileIn] = Field(default=[], max_length=50)


class OutgoingUpdateIn(_In):
    """A draft's changes: only the fields sent change (recipients and reviewers are replaced
    as a whole)."""

    document_type: DocumentType | None = None
    subject: Annotated[str, fields.text(outgoing.SUBJECT_MAX)] | None = None
    content: Annotated[str, fields.text(CONTENT_MAX, multiline=True)] | None = None
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    unit_abbreviation: Annotated[str, fields.text(16)] | None = None
    signer: Annotated[str, fields.text(USERNAME_MAX)] | None = Field(
        None, description="User name; null: no signer yet"
    )
    signer_position: Annotated[str, fields.text(128)] | None = None
    signer_competence: Annotated[str, fields.text(16)] | None = None
    reviewers: list[Annotated[str, fields.text(USERNAME_MAX)]] | None = Field(None, max_length=50)
    recipients: list[RecipientIn] | None = Field(None, max_length=500)
    due_date: dt.date | None = None
    issued_amount: int | None = Field(None, ge=1, le=100_000)
    place: Annotated[str, fields.text(64)] | None = None


class VersionIn(_In):
    """A new version of the draft's file: `file` (JSON) or the multipart part `file`."""

    file: FileIn | None = None
    note: Annotated[str, fields.text(2000, multiline=True)] = ""


class AttachmentsIn(_In):
    """More attachments: `files` (JSON) or multipart parts (any name)."""

    files: list[FileIn] = Field(default=[], max_length=50)


class NoBodyIn(_In):
    """No fields."""


class CommentIn(_In):
    text: Annotated[str, fields.text(TEXT_MAX, multiline=True)] = Field(min_length=1)


class ReasonIn(_In):
    reason: Annotated[str, fields.text(TEXT_MAX, multiline=True)] = Field(min_length=1)


class NoteOptionalIn(_In):
    note: Annotated[str, fields.text(TEXT_MAX, multiline=True)] = ""


class IncomingMetadataIn(_In):
    """What an incoming document says of itself (typed in from paper, or corrected)."""

    sender_name: Annotated[str, fields.text(NAME_MAX)] = Field(
        min_length=1, description="The author: the agency that issued it (tác giả)"
    )
    sender_organ_id: Annotated[str, fields.text(64)] = ""
    code_number: Annotated[str, fields.text(32)] = ""
    code_notation: Annotated[str, fields.text(64)] = ""
    issued_date: dt.date | None = None
    document_type: DocumentType = DocumentType.CONG_VAN
    subject: Annotated[str, fields.text(incoming.SUBJECT_MAX, multiline=True)] = Field(
        min_length=1, description="The summary (trích yếu)"
    )
    signer_name: Annotated[str, fields.text(NAME_MAX)] = ""
    signer_position: Annotated[str, fields.text(NAME_MAX)] = ""
    urgency: Urgency = Urgency.NORMAL
    confidentiality: Confidentiality = Confidentiality.NORMAL
    reply_due: dt.date | None = None
    page_amount: int | None = Field(None, ge=1, le=100_000)
    note: Annotated[str, fields.text(TEXT_MAX, multiline=True)] = ""

    def as_fields(self) -> IncomingFields:
        return IncomingFields(
            sender_name=self.sender_name,
            sender_organ_id=self.sender_organ_id,
            code_number=self.code_number,
            code_notation=self.code_notation,
            issued_date=self.issued_date,
            document_type=str(self.document_type),
            subject=self.subject,
            signer_name=self.signer_name,
            signer_position=self.signer_position,
            urgency=str(self.urgency),
            confidentiality=str(self.confidentiality),
            reply_due=self.reply_due,
            page_amount=self.page_amount,
            note=self.note,
        )


class PaperIn(IncomingMetadataIn):
    """A paper document: its metadata, and its scans (`files`, or multipart parts)."""

    organisation: Annotated[str, fields.text(64)] | None = Field(
        None,
        description="Agency code of the receiving agency; needed only when the clerk "
        "registers for more than one",
    )
    arrival_date: fields.PastTime | None = Field(None, description="Default: now")
    files: list[FileIn] = Field(default=[], max_length=50)


class RegisterIn(_In):
    """Register a received document, correcting what was read from it (all of it) if sent."""

    metadata: IncomingMetadataIn | None = None


class AssignIn(_In):
    lead_unit: Annotated[str, fields.text(64)] = Field(
        min_length=1, description="Agency code of the lead unit"
    )
    co_units: list[Annotated[str, fields.text(64)]] = Field(default=[], max_length=50)
    lead_official: Annotated[str, fields.text(USERNAME_MAX)] | None = Field(
        None, description="User name of the lead official (an official of the lead unit)"
    )
    deadline: dt.date | None = None
    instructions: Annotated[str, fields.text(TEXT_MAX, multiline=True)] = ""


class NoteIn(_In):
    text: Annotated[str, fields.text(TEXT_MAX, multiline=True)] = Field(min_length=1)
    percent: int | None = Field(None, ge=0, le=100)


# --- responses ------------------------------------------------------------------------------


class ErrorOut(Schema):
    error: dict[str, Any]


class PersonOut(Schema):
    username: str
    full_name: str


class AgencyOut(Schema):
    code: str
    name: str


class DeliveryOut(Schema):
    total: int
    reached: int
    failed: int


class OutgoingItemOut(Schema):
    id: int
    state: str
    document_type: str
    subject: str
    urgency: str
    confidentiality: str
    organisation: AgencyOut
    drafting_unit: AgencyOut
    drafter: PersonOut
    signer: PersonOut | None
    code_number: int | None
    code_notation: str
    number_notation: str
    issued_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    delivery: DeliveryOut


class OutgoingListOut(Schema):
    items: list[OutgoingItemOut]
    count: int
    page: int
    pages: int
    page_size: int


class VersionOut(Schema):
    number: int
    file_name: str
    size: int
    sha256: str
    note: str
    created_at: dt.datetime
    created_by: str


class AttachmentOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    signed: bool


class StatusOut(Schema):
    status: str
    at: dt.datetime
    description: str
    staff: str


class RecipientOut(Schema):
    id: int
    name: str
    organ_id: str
    email: str
    channel: str
    status: str
    status_at: dt.datetime | None
    status_description: str
    sent_at: dt.datetime | None
    attempts: int
    last_error: str
    history: list[StatusOut]


class EventOut(Schema):
    action: str
    at: dt.datetime
    actor: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]


class OutgoingOut(OutgoingItemOut):
    content: str
    signer_position: str
    signer_competence: str
    unit_abbreviation: str
    reviewers: list[PersonOut]
    place: str
    due_date: dt.date | None
    issued_amount: int | None
    register_name: str
    year: int | None
    numbered_at: dt.datetime | None
    issued_at: dt.datetime | None
    document_id: str
    business_doc_type: int
    business_target: int | None
    business_reason: str
    response_for: int | None
    signed_pdf: bool
    versions: list[VersionOut]
    attachments: list[AttachmentOut]
    recipients: list[RecipientOut]
    timeline: list[EventOut]
    allowed_actions: list[str]


class IncomingItemOut(Schema):
    id: int
    state: str
    source: str
    channel: str
    organisation: AgencyOut
    arrival_number: int | None
    arrival_date: dt.datetime
    sender_name: str
    sender_organ_id: str
    code_number: str
    code_notation: str
    number_notation: str
    issued_date: dt.date | None
    document_type: str
    subject: str
    urgency: str
    confidentiality: str
    deadline: dt.date | None
    overdue: bool
    lead_unit: AgencyOut | None
    lead_official: PersonOut | None
    signature_verdict: str


class IncomingListOut(Schema):
    items: list[IncomingItemOut]
    count: int
    page: int
    pages: int
    page_size: int


class IncomingFileOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    is_main: bool
    signature_verdict: str
    signature_report: dict[str, Any]


class AssignmentOut(Schema):
    lead_unit: AgencyOut | None
    lead_official: PersonOut | None
    co_units: list[AgencyOut]
    deadline: dt.date | None
    instructions: str
    assigned_by: str
    assigned_at: dt.datetime | None


class NoteOut(Schema):
    author: str
    unit: str
    text: str
    percent: int | None
    at: dt.datetime


class StatusSentOut(Schema):
    status_code: str
    description: str
    staff: str
    department: str
    at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str


class ReplyOut(Schema):
    id: int
    number_notation: str
    subject: str
    state: str


class IncomingOut(IncomingItemOut):
    type_name: str
    content: str
    signer_name: str
    signer_position: str
    signer_competence: str
    reply_due: dt.date | None
    page_amount: int | None
    to_places: list[Any]
    document_id: str
    business_doc_type: int
    response_for: list[Any]
    in_reply_to: int | None
    signature_report: dict[str, Any]
    register_name: str
    year: int | None
    registered_at: dt.datetime | None
    progress: int
    returned_reason: str
    note: str
    finished_at: dt.datetime | None
    files: list[IncomingFileOut]
    assignment: AssignmentOut
    notes: list[NoteOut]
    statuses_sent: list[StatusSentOut]
    replies: list[ReplyOut]
    timeline: list[EventOut]
    allowed_actions: list[str]


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
