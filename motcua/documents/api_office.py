"""API v1 for official documents, for officials and the systems working for them (thin: the
services of motcua.documents change, `policies` decide, the selectors read). Mounted at
/api/v1/documents beside the edXML endpoints (motcua/documents/api.py).

    GET   /outgoing                          a queue of outgoing documents (văn bản đi), paged
    POST  /outgoing                          a new draft (JSON, files in base64; or multipart)
    GET   /outgoing/{id}                     one document: versions, attachments, recipients
                                             with their delivery history, timeline
    PATCH /outgoing/{id}                     change a draft
    POST  /outgoing/{id}/versions            a new version of the draft's file
    POST  /outgoing/{id}/attachments         more attachments
    POST  /outgoing/{id}/actions/{action}    submit, comment, return, approve, sign, number,
                                             seal, issue
    GET   /outgoing/{id}/pdf                 the signed PDF
    GET   /outgoing/{id}/versions/{number}   a version's file
    GET   /outgoing/{id}/attachments/{aid}   an attachment (signed by the organisation once sealed)
    GET   /incoming                          a queue of incoming documents (văn bản đến), paged
    POST  /incoming/paper                    register a paper document (scan + metadata)
    GET   /incoming/{id}                     one document: files with their signature verdicts,
                                             assignment, notes, statuses sent back, timeline
    POST  /incoming/{id}/actions/{action}    register, assign, note, finish, return
    GET   /incoming/{id}/files/{file_id}     a received file
    GET   /registers/{name}.{fmt}            the outgoing / incoming register, the processing
                                             tracker, as .xlsx or PDF

Officials only (a bearer token or the session of an official account). A document outside
the caller's scope is 404, as an unknown one; an action the policy refuses is 403, one the
document's state does not allow 409, a bad value 422 (one message per field, in the caller's
language), all in the API's error shape. Each change runs in one transaction: a refused request
saves nothing. People are named by their user name, agencies and units by their agency code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.params.functions import Query  # typed (ninja's `Query` shortcut is a generic)
from ninja.responses import Status
from pydantic import BaseModel, ValidationError

from motcua.accounts.models import User
from motcua.accounts.policies import is_provincial_admin
from motcua.api.auth import AUTH
from motcua.api.openapi import inline_schema
from motcua.api.validation import validation_message
from motcua.core.errors import BadRequest, NotFound, PermissionDenied, ValidationFailed
from motcua.core.text import fold
from motcua.documents import policies, registers, selectors, selectors_outgoing, transitions
from motcua.documents.api_office_schemas import (
    ERRORS,
    AssignIn,
    AttachmentsIn,
    CommentIn,
    FileIn,
    IncomingListOut,
    IncomingOut,
    NoBodyIn,
    NoteIn,
    NoteOptionalIn,
    OutgoingCreateIn,
    OutgoingListOut,
    OutgoingOut,
    OutgoingUpdateIn,
    PaperIn,
    ReasonIn,
    RecipientIn,
    RegisterIn,
    VersionIn,
)
from motcua.documents.enums import (
    DocumentType,
    IncomingAction,
    IncomingState,
    OutgoingAction,
    OutgoingState,
    Urgency,
)
from motcua.documents.models import (
    Agency,
    DocumentEvent,
    IncomingDocument,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingVersion,
    Recipient,
)
from motcua.documents.selectors_registers import register_agency_of, register_filters_parse
from motcua.documents.services import incoming, outgoing
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.dossiers.uploads import check_upload
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import organisation_get_by_code

TAG_OUTGOING = "outgoing documents"
TAG_INCOMING = "incoming documents"
TAG_REGISTERS = "document registers"

router = Router(tags=[TAG_OUTGOING], auth=AUTH)

# The list pages' queues (selectors_outgoing.QUEUE_KEYS, selectors.QUEUE_KEYS; a test keeps
# them equal).
OutgoingQueue = Literal[
    "drafts", "to_review", "to_sign", "to_number", "to_seal", "to_send", "issued", "all"
]
IncomingQueue = Literal["to_register", "to_assign", "to_process", "overdue", "all"]


# --- the caller, the body -------------------------------------------------------------------


def _official(request: HttpRequest) -> Any:
    """The caller, an official (or a superuser); anyone else is refused (403)."""
    user = request.user
    if not (getattr(user, "is_official", False) or getattr(user, "is_superuser", False)):
        raise PermissionDenied(_("Only officials may work with official documents."))
    return user


Files = dict[str, list[UploadedFile]]
M = TypeVar("M", bound=BaseModel)


def _payload(request: HttpRequest) -> tuple[Any, Files]:
    """(JSON body, uploaded files by part name): application/json, or multipart with the JSON
    in the part `data` (optional) and the files in their own parts."""
    try:
        if (request.content_type or "").startswith("multipart/"):
            raw = request.POST.get("data", "")
            files = {name: request.FILES.getlist(name) for name in request.FILES}
            return (json.loads(raw) if raw.strip() else {}), files
        if not request.body:
            return {}, {}
        return json.loads(request.body), {}
    except RecursionError as exc:  # "[[[[…" nested deeper than Python's stack
        raise BadRequest(
            _("The request body is not valid JSON: it is nested too deeply."),
            code="malformed_json",
        ) from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(
            _("The request body is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": exc.lineno, "column": exc.colno},
            code="malformed_json",
        ) from exc
    except UnicodeDecodeError as exc:
        raise BadRequest(
            _("The request body is not valid JSON: it is not UTF-8 text."), code="malformed_json"
        ) from exc


def _validate(model: type[M], data: Any) -> M:
    if not isinstance(data, dict):
        raise BadRequest(_("The request body must be a JSON object."), code="malformed_json")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = {
            ".".join(str(p) for p in err["loc"]) or "request": validation_message(err)
            for err in exc.errors()
        }
        raise ValidationFailed(_("Some fields are missing or invalid."), fields=errors) from exc


def _upload_of(file: FileIn) -> UploadedFile:
    return SimpleUploadedFile(
        file.name, bytes(file.content_base64), file.content_type or "application/octet-stream"
    )


def _file_input(upload: UploadedFile) -> FileInput:
    upload.seek(0)
    return FileInput(
        name=upload.name or "",
        data=upload.read(),
        content_type=upload.content_type or "application/octet-stream",
    )


def _scans(uploads: list[UploadedFile]) -> list[FileInput]:
    """Received files, each checked by its content (type, size) as the pages check them."""
    out = []
    for upload in uploads:
        checked = check_upload(upload, field="files")
        upload.seek(0)
        out.append(FileInput(upload.name or "scan", upload.read(), checked.content_type))
    return out


def _all_parts(files: Files) -> list[UploadedFile]:
    return [upload for uploads in files.values() for upload in uploads]


def _organisation(code: str, field: str) -> Organisation:
    """Our organisation with this agency code; a code of none is a bad value (422)."""
    try:
        return organisation_get_by_code(code)
    except NotFound as exc:
        raise ValidationFailed(exc.message, fields={field: code}) from exc


def _person(username: str, field: str) -> User:
    """The account with this user name (whether it may sign, review or lead is the service's
    rule); an unknown name is a bad value (422)."""
    user = User.objects.filter(username=username).select_related("organisation").first()
    if user is None:
        raise ValidationFailed(
            _("No user named “%(username)s”.") % {"username": username},
            fields={field: username},
        )
    return user


def _recipients(items: list[RecipientIn], field: str = "recipients") -> list[RecipientInput]:
    out = []
    for index, item in enumerate(items):
        channel = str(item.channel) if item.channel else ""
        if not item.organ_id:
            out.append(RecipientInput(name=item.name, email=item.email, channel=channel))
            continue
        agency = Agency.objects.filter(organ_id=item.organ_id).first()
        if agency is not None:
            out.append(
                RecipientInput(agency=agency, name=item.name, email=item.email, channel=channel)
            )
            continue
        organisation = _organisation(item.organ_id, f"{field}.{index}.organ_id")
        out.append(RecipientInput(organisation=organisation, name=item.name))
    return out


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


# --- outgoing: reading ----------------------------------------------------------------------


def _agency(organisation: Organisation | None) -> dict[str, str] | None:
    if organisation is None:
        return None
    return {"code": organisation.agency_code, "name": organisation.name}


def _person_out(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "full_name": user.full_name or user.username}


def _outgoing_item(
    document: OutgoingDocument, recipients: list[Recipient] | None = None
) -> dict[str, Any]:
    if recipients is None:
        recipients = list(document.recipients.all())  # prefetched by the list
    summary = selectors_outgoing.delivery_summary(recipients)
    return {
        "id": document.pk,
        "state": document.state,
        "document_type": document.document_type,
        "subject": document.subject,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "organisation": _agency(document.organisation),
        "drafting_unit": _agency(document.drafting_unit),
        "drafter": _person_out(document.drafter),
        "signer": _person_out(document.signer),
        "code_number": document.code_number,
        "code_notation": document.code_notation,
        "number_notation": document.number_notation,
        "issued_date": document.issued_date,
        "created_at": _local(document.created_at),
        "updated_at": _local(document.updated_at),
        "delivery": {
            "total": summary.total,
            "reached": summary.reached,
            "failed": summary.failed,
        },
    }


def _event(event: DocumentEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "at": _local(event.at),
        "actor": event.actor_name,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "note": event.note,
        "data": event.data or {},
    }


def outgoing_actions_for(user: Any, document: OutgoingDocument) -> list[str]:
    """What `user` may do now: the state allows it (transitions) and the policy lets them.
    "edit" covers PATCH, new versions and attachments."""
    allowed = transitions.outgoing_allowed(document.state)

    def clerk() -> bool:
        return policies.can_clerk(user, document.organisation)

    checks: dict[str, Callable[[], bool]] = {
        OutgoingAction.EDIT: lambda: policies.can_edit_draft(user, document),
        OutgoingAction.SUBMIT: lambda: policies.can_edit_draft(user, document),
        OutgoingAction.COMMENT: lambda: policies.can_comment(user, document),
        OutgoingAction.RETURN: lambda: policies.can_return_to_drafter(user, document),
        OutgoingAction.APPROVE: lambda: policies.can_review(user, document),
        OutgoingAction.SIGN: lambda: policies.can_sign(user, document),
        OutgoingAction.NUMBER: clerk,
        OutgoingAction.SEAL: clerk,
        OutgoingAction.ISSUE: clerk,
    }
    return [str(action) for action, check in checks.items() if action in allowed and check()]


def _outgoing_out(document: OutgoingDocument, user: Any) -> dict[str, Any]:
    page = selectors_outgoing.outgoing_page(document)
    signed = document.signed_document
    return {
        **_outgoing_item(document, page.recipients),
        "content": document.content,
        "signer_position": document.signer_position,
        "signer_competence": document.signer_competence,
        "unit_abbreviation": document.unit_abbreviation,
        "reviewers": [_person_out(r) for r in page.reviewers],
        "place": document.place,
        "due_date": document.due_date,
        "issued_amount": document.issued_amount,
        "register_name": document.register.name if document.register is not None else "",
        "year": document.year,
        "numbered_at": _local(document.numbered_at),
        "issued_at": _local(document.issued_at),
        "document_id": document.document_id,
        "business_doc_type": document.business_doc_type,
        "business_target": document.business_target_id,
        "business_reason": document.business_reason,
        "response_for": document.response_for_id,
        "signed_pdf": bool(signed is not None and signed.file),
        "versions": [
            {
                "number": v.number,
                "file_name": v.file_name,
                "size": v.size,
                "sha256": v.sha256,
                "note": v.note,
                "created_at": _local(v.created_at),
                "created_by": (v.created_by.full_name or v.created_by.username)
                if v.created_by is not None
                else "",
            }
            for v in page.versions
        ],
        "attachments": [
            {
                "id": a.pk,
                "file_name": a.file_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "signed": a.signed_document is not None,
            }
            for a in page.attachments
        ],
        "recipients": [
            {
                "id": r.pk,
                "name": r.name,
                "organ_id": r.organ_id,
                "email": r.email,
                "channel": r.channel,
                "status": r.status,
                "status_at": _local(r.status_at),
                "status_description": r.status_description,
                "sent_at": _local(r.sent_at),
                "attempts": r.attempts,
                "last_error": r.last_error,
                "history": [
                    {
                        "status": s.status,
                        "at": _local(s.at),
                        "description": s.description,
                        "staff": s.staff,
                    }
                    for s in r.statuses.all()
                ],
            }
            for r in page.recipients
        ],
        "timeline": [_event(e) for e in page.events],
        "allowed_actions": outgoing_actions_for(user, document),
    }


def _outgoing_answer(document: OutgoingDocument, user: Any) -> dict[str, Any]:
    """The document as the caller now sees it (re-read: the service's copy is a locked row
    without the joins the answer reads)."""
    return _outgoing_out(selectors_outgoing.outgoing_get_for_viewer(user, document.pk), user)


def _pages(page: Any) -> dict[str, Any]:
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": page.paginator.per_page,
    }


@router.get(
    "/outgoing",
    response={200: OutgoingListOut, **ERRORS},
    operation_id="list_outgoing_documents",
    summary="List outgoing documents (văn bản đi)",
)
def list_outgoing_documents(
    request: HttpRequest,
    queue: OutgoingQueue = "all",
    q: str = Query("", max_length=selectors_outgoing.TEXT_MAX),
    document_type: DocumentType | None = None,
    state: OutgoingState | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = Query(1, ge=1),
) -> Any:
    """One page (25 documents) of a queue, as the back office lists it: `drafts` (the caller's
    and their unit's drafts), `to_review`, `to_sign`, `to_number`, `to_seal` (the
    organisation's signature), `to_send`, `issued`, `all`. Filters: `q` (words of the summary,
    the notation, the drafter's or signer's name; "05/QĐ-UBND" finds that document), the type,
    the state, the document's date (its issue date, else its creation) from/to. Only the
    documents the caller may see."""
    user = _official(request)
    filters = selectors_outgoing.OutgoingFilters(
        text=q.strip(),
        date_from=date_from,
        date_to=date_to,
        document_type=str(document_type) if document_type else "",
        state=str(state) if state else "",
    )
    result = selectors_outgoing.outgoing_list(user, queue=queue, filters=filters, page=page)
    return {"items": [_outgoing_item(d) for d in result.object_list], **_pages(result)}


@router.get(
    "/outgoing/{int:document_id}",
    response={200: OutgoingOut, **ERRORS},
    operation_id="get_outgoing_document",
    summary="Get an outgoing document",
)
def get_outgoing_document(request: HttpRequest, document_id: int) -> Any:
    """The document with its versions, attachments, recipients (each with its current
    delivery status — ours `pending`, `sent`, `failed`; edXML `01`–`06`, `13`, `15`, `16` —
    and its history), its timeline and `allowed_actions`: what the caller may do now."""
    user = _official(request)
    return _outgoing_out(selectors_outgoing.outgoing_get_for_viewer(user, document_id), user)


# --- outgoing: drafting ---------------------------------------------------------------------


def _multipart(schema: dict[str, Any], parts: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI: a body sent as JSON, or as multipart with that JSON in `data` and files."""
    return {
        "requestBody": {
            "content": {
                "application/json": {"schema": schema},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "data": {"type": "string", "description": "The JSON body"},
                            **parts,
                        },
                    }
                },
            },
            "required": True,
        }
    }


_BINARY = {"type": "string", "format": "binary"}
_BINARIES = {"type": "array", "items": _BINARY}


def _business_target(user: Any, pk: int) -> OutgoingDocument:
    try:
        return selectors_outgoing.outgoing_get_for_viewer(user, pk)
    except Http404 as exc:
        raise ValidationFailed(_("Not found."), fields={"business_target": str(pk)}) from exc


def _reply_to(user: Any, pk: int) -> IncomingDocument:
    try:
        return selectors_outgoing.incoming_get_for_reply(user, pk)
    except Http404 as exc:
        raise ValidationFailed(_("Not found."), fields={"response_for": str(pk)}) from exc


def _issuing_agency(
    user: Any,
    code: str | None,
    target: OutgoingDocument | None,
    reply_to: IncomingDocument | None,
) -> Organisation:
    if code:
        return _organisation(code, "organisation")
    if target is not None:
        return target.organisation
    if reply_to is not None:
        return reply_to.organisation
    agencies = selectors_outgoing.issuing_agencies_for(user)
    agency = selectors_outgoing.default_issuing_agency(agencies, user)
    if agency is None:
        policies.ensure_can_draft(user, None)  # raises: the rule's own refusal
        raise AssertionError("unreachable")
    return agency


@router.post(
    "/outgoing",
    response={201: OutgoingOut, **ERRORS},
    operation_id="create_outgoing_document",
    summary="Create an outgoing draft",
    openapi_extra=_multipart(
        inline_schema(OutgoingCreateIn), {"file": _BINARY, "attachments": _BINARIES}
    ),
)
def create_outgoing_document(request: HttpRequest) -> Any:
    """A new draft by an official of the issuing agency. JSON (files in base64: `file`,
    `attachments`), or multipart: the JSON in the part `data`, the draft in the part `file`,
    attachments in parts `attachments`. A revocation, update or replacement names the issued
    document (`business_doc_type`, `business_target`; its recipients by default); a reply names
    the incoming document it answers (`response_for`). 201 with the document."""
    user = _official(request)
    data, files = _payload(request)
    body = _validate(OutgoingCreateIn, data)
    target = _business_target(user, body.business_target) if body.business_target else None
    reply_to = _reply_to(user, body.response_for) if body.response_for else None
    organisation = _issuing_agency(user, body.organisation, target, reply_to)
    main = files.get("file", [])[:1] or ([_upload_of(body.file)] if body.file else [])
    attachments = [*map(_upload_of, body.attachments), *files.get("attachments", [])]
    with transaction.atomic():
        document = outgoing.outgoing_create(
            actor=user,
            organisation=organisation,
            drafting_unit=_organisation(body.drafting_unit, "drafting_unit")
            if body.drafting_unit
            else None,
            document_type=str(body.document_type),
            subject=body.subject,
            content=body.content,
            urgency=str(body.urgency),
            confidentiality=str(body.confidentiality),
            unit_abbreviation=body.unit_abbreviation,
            signer=_person(body.signer, "signer") if body.signer else None,
            signer_position=body.signer_position,
            signer_competence=body.signer_competence,
            reviewers=[_person(name, f"reviewers.{i}") for i, name in enumerate(body.reviewers)],
            recipients=_recipients(body.recipients) if body.recipients or target is None else None,
            due_date=body.due_date,
            issued_amount=body.issued_amount,
            place=body.place,
            business_doc_type=body.business_doc_type,
            business_target=target,
            business_reason=body.business_reason,
            response_for=reply_to,
            file=_file_input(main[0]) if main else None,
            attachments=[_file_input(a) for a in attachments],
        )
    return Status(201, _outgoing_answer(document, user))


# Sent as null, these mean "no change" is not what the caller meant: they cannot be empty.
_NOT_NULL = ("document_type", "subject", "urgency", "confidentiality")


def _changes(body: OutgoingUpdateIn) -> dict[str, Any]:
    """The sent fields as outgoing_update's keyword arguments."""
    sent = body.model_dump(exclude_unset=True)
    missing = {k: _("required") for k in _NOT_NULL if k in sent and sent[k] is None}
    if missing:
        raise ValidationFailed(_("Some fields are missing or invalid."), fields=missing)
    changes: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "signer":
            changes[name] = _person(value, "signer") if value else None
        elif name == "reviewers":
            changes[name] = [_person(u, f"reviewers.{i}") for i, u in enumerate(value or [])]
        elif name == "recipients":
            changes[name] = _recipients(body.recipients or [])
        elif name in ("due_date", "issued_amount"):
            changes[name] = value
        else:
            changes[name] = "" if value is None else str(value)
    return changes


@router.patch(
    "/outgoing/{int:document_id}",
    response={200: OutgoingOut, **ERRORS},
    operation_id="update_outgoing_document",
    summary="Change an outgoing draft",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": inline_schema(OutgoingUpdateIn)}},
            "required": True,
        }
    },
)
def update_outgoing_document(request: HttpRequest, document_id: int) -> Any:
    """Change a draft (or a returned one): only the fields sent. The drafter or the drafting
    unit; 409 once it has gone for review."""
    user = _official(request)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    data, _files = _payload(request)
    body = _validate(OutgoingUpdateIn, data)
    with transaction.atomic():
        document = outgoing.outgoing_update(actor=user, document=document, **_changes(body))
    return _outgoing_answer(document, user)


@router.post(
    "/outgoing/{int:document_id}/versions",
    response={201: OutgoingOut, **ERRORS},
    operation_id="add_outgoing_version",
    summary="Add a version of a draft's file",
    openapi_extra=_multipart(inline_schema(VersionIn), {"file": _BINARY}),
)
def add_outgoing_version(request: HttpRequest, document_id: int) -> Any:
    """A new version of the draft's file (PDF, DOCX, DOC, ODT; 50 MB at most): multipart, the
    file in the part `file` (a note in `data`: {"note": …}); or JSON with `file` in base64.
    The latest PDF version is what the signer signs."""
    user = _official(request)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    data, files = _payload(request)
    body = _validate(VersionIn, data)
    uploads = files.get("file", [])[:1] or ([_upload_of(body.file)] if body.file else [])
    if not uploads:
        raise ValidationFailed(
            _("Some fields are missing or invalid."), fields={"file": _("required")}
        )
    with transaction.atomic():
        document = outgoing.outgoing_add_version(
            actor=user, document=document, file=_file_input(uploads[0]), note=body.note
        )
    return Status(201, _outgoing_answer(document, user))


@router.post(
    "/outgoing/{int:document_id}/attachments",
    response={201: OutgoingOut, **ERRORS},
    operation_id="add_outgoing_attachments",
    summary="Add attachments to a draft",
    openapi_extra=_multipart(inline_schema(AttachmentsIn), {"files": _BINARIES}),
)
def add_outgoing_attachments(request: HttpRequest, document_id: int) -> Any:
    """Separate attachments (phụ lục), signed by the organisation with the document: multipart
    file parts (any name), or JSON `files` in base64."""
    user = _official(request)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    data, files = _payload(request)
    body = _validate(AttachmentsIn, data)
    uploads = [*map(_upload_of, body.files), *_all_parts(files)]
    if not uploads:
        raise ValidationFailed(
            _("Some fields are missing or invalid."), fields={"files": _("required")}
        )
    with transaction.atomic():
        document = outgoing.outgoing_add_attachments(
            actor=user, document=document, files=[_file_input(u) for u in uploads]
        )
    return Status(201, _outgoing_answer(document, user))


# --- outgoing: the path ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One action of the API: its body and the service it runs, (actor, document, body)."""

    schema: type[BaseModel]
    run: Callable[[Any, Any, Any], Any]
    description: str


OUTGOING_ACTIONS: dict[str, Action] = {
    "submit": Action(
        NoBodyIn,
        lambda actor, doc, body: outgoing.outgoing_submit(actor=actor, document=doc),
        "Send the draft for review (without reviewers: to the signer). The drafter or the "
        "drafting unit; it needs a signer, a file or content, and a recipient.",
    ),
    "comment": Action(
        CommentIn,
        lambda actor, doc, body: outgoing.outgoing_comment(
            actor=actor, document=doc, text=body.text
        ),
        "A comment on the timeline: the drafter, the reviewers, the signer.",
    ),
    "return": Action(
        ReasonIn,
        lambda actor, doc, body: outgoing.outgoing_return(
            actor=actor, document=doc, reason=body.reason
        ),
        "Return the draft for changes, saying why: a reviewer or the signer.",
    ),
    "approve": Action(
        NoteOptionalIn,
        lambda actor, doc, body: outgoing.outgoing_approve(
            actor=actor, document=doc, note=body.note
        ),
        "A reviewer passes the draft to the signer.",
    ),
    "sign": Action(
        NoBodyIn,
        lambda actor, doc, body: outgoing.outgoing_sign(actor=actor, document=doc),
        "The designated signer's PAdES signature with their own credential, on the latest PDF "
        "version or the document rendered from its content.",
    ),
    "number": Action(
        NoBodyIn,
        lambda actor, doc, body: outgoing.outgoing_number(actor=actor, document=doc),
        "A clerk of the agency gives the next number of its register for the year, the "
        "notation and today's date.",
    ),
    "seal": Action(
        NoBodyIn,
        lambda actor, doc, body: outgoing.outgoing_seal(actor=actor, document=doc),
        "The organisation's signature by a clerk: the number and date written in, the seal "
        "over the signer's image; PDF attachments signed too.",
    ),
    "issue": Action(
        NoBodyIn,
        lambda actor, doc, body: outgoing.outgoing_issue(actor=actor, document=doc),
        "A clerk sends it to every recipient: our own agencies at once, connected agencies "
        "and e-mail after commit, paper recorded as sent.",
    ),
}


def _action_bodies(actions: dict[str, Action]) -> dict[str, Any]:
    """OpenAPI: the body of each action, one schema per action."""
    bodies = []
    for name, action in actions.items():
        schema = inline_schema(action.schema)
        schema["title"] = name
        schema["description"] = f"Body of POST …/actions/{name}. {action.description}"
        bodies.append(schema)
    return {
        "requestBody": {
            "description": "The body of the action named in the path (a field the action "
            "does not take is refused with 422): "
            + "; ".join(f"`{name}`: {a.description}" for name, a in actions.items()),
            "content": {"application/json": {"schema": {"oneOf": bodies}}},
            "required": False,
        }
    }


def _unknown_action(action: str) -> ValidationFailed:
    return ValidationFailed(
        _("Unknown action “%(action)s”.") % {"action": action},
        code="unknown_action",
        fields={"action": action},
        http_status=404,
    )


@router.post(
    "/outgoing/{int:document_id}/actions/{action}",
    response={200: OutgoingOut, **ERRORS},
    operation_id="act_on_outgoing_document",
    summary="Take a step on an outgoing document",
    openapi_extra=_action_bodies(OUTGOING_ACTIONS),
)
def act_on_outgoing_document(request: HttpRequest, document_id: int, action: str) -> Any:
    """`action`: submit, comment, return, approve, sign, number, seal, issue. 403 when the
    caller may not take it, 409 when the document is not at that step."""
    user = _official(request)
    if action not in OUTGOING_ACTIONS:
        raise _unknown_action(action)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    data, _files = _payload(request)
    step = OUTGOING_ACTIONS[action]
    body = _validate(step.schema, data)
    with transaction.atomic():
        document = step.run(user, document, body)
    return _outgoing_answer(document, user)


# --- outgoing: files ------------------------------------------------------------------------


def _download(
    file: Any, name: str, sha256: str, content_type: str, *, inline: bool = False
) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("There is no such file.")) from exc
    response = FileResponse(
        handle, as_attachment=not inline, filename=name, content_type=content_type or None
    )
    if sha256:
        response["X-Content-SHA256"] = sha256
    response["Cache-Control"] = "private, no-store"
    return response


def _file_doc(*content_types: str) -> dict[str, Any]:
    """OpenAPI: a 200 answer that is a file."""
    return {"responses": {200: {"content": {t: {"schema": _BINARY} for t in content_types}}}}


@router.get(
    "/outgoing/{int:document_id}/pdf",
    response={200: None, **ERRORS},
    operation_id="get_outgoing_pdf",
    summary="Download the signed PDF of an outgoing document",
    openapi_extra=_file_doc("application/pdf"),
)
def get_outgoing_pdf(request: HttpRequest, document_id: int) -> FileResponse:
    """The signed PDF (the signer's signature, and once sealed the organisation's with the
    number and date), for those who may see the document; 404 before the signer signs."""
    user = _official(request)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    signed = document.signed_document
    if signed is None or not signed.file:
        raise NotFound(_("The signer has not signed this document yet."), code="not_signed")
    from motcua.dossiers.printing.layout import ascii_name

    name = ascii_name(fold(document.number_notation).upper() or f"van-ban-{document.pk}")
    return _download(signed.file, f"{name}.pdf", signed.sha256, "application/pdf")


@router.get(
    "/outgoing/{int:document_id}/versions/{int:number}",
    response={200: None, **ERRORS},
    operation_id="get_outgoing_version_file",
    summary="Download a version of a draft's file",
    openapi_extra=_file_doc("application/octet-stream"),
)
def get_outgoing_version_file(request: HttpRequest, document_id: int, number: int) -> FileResponse:
    """The file of version `number`, as uploaded."""
    user = _official(request)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    version = OutgoingVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise NotFound(_("There is no such file."))
    return _download(version.file, version.file_name, version.sha256, "")


@router.get(
    "/outgoing/{int:document_id}/attachments/{int:attachment_id}",
    response={200: None, **ERRORS},
    operation_id="get_outgoing_attachment_file",
    summary="Download an attachment of an outgoing document",
    openapi_extra=_file_doc("application/octet-stream"),
)
def get_outgoing_attachment_file(
    request: HttpRequest, document_id: int, attachment_id: int
) -> FileResponse:
    """The attachment: signed by the organisation once the document is sealed (PDF), else as
    uploaded."""
    user = _official(request)
    document = selectors_outgoing.outgoing_get_for_viewer(user, document_id)
    row = OutgoingAttachment.objects.filter(document=document, pk=attachment_id).first()
    if row is None:
        raise NotFound(_("There is no such file."))
    signed = row.signed_document
    if signed is not None and signed.file:
        return _download(signed.file, row.file_name, signed.sha256, "application/pdf")
    return _download(row.file, row.file_name, row.sha256, row.content_type)


# --- incoming: reading ----------------------------------------------------------------------


def _incoming_item(document: IncomingDocument, today: dt.date) -> dict[str, Any]:
    return {
        "id": document.pk,
        "state": document.state,
        "source": document.source,
        "channel": document.channel,
        "organisation": _agency(document.organisation),
        "arrival_number": document.arrival_number,
        "arrival_date": _local(document.arrival_date),
        "sender_name": document.sender_name,
        "sender_organ_id": document.sender_organ_id,
        "code_number": document.code_number,
        "code_notation": document.code_notation,
        "number_notation": document.number_notation,
        "issued_date": document.issued_date,
        "document_type": document.document_type,
        "subject": document.subject,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "deadline": document.deadline,
        "overdue": document.is_overdue(today),
        "lead_unit": _agency(document.lead_unit),
        "lead_official": _person_out(document.lead_official),
        "signature_verdict": document.signature_verdict,
    }


def incoming_actions_for(user: Any, document: IncomingDocument) -> list[str]:
    """What `user` may do now: the state allows it (transitions) and the policy lets them."""
    allowed = transitions.incoming_allowed(document.state)
    checks: dict[str, Callable[[], bool]] = {
        IncomingAction.REGISTER: lambda: policies.can_register(user, document.organisation),
        IncomingAction.ASSIGN: lambda: policies.can_assign(user, document),
        IncomingAction.NOTE: lambda: policies.can_process(user, document),
        IncomingAction.FINISH: lambda: policies.can_finish(user, document),
        IncomingAction.RETURN: lambda: policies.can_return_incoming(user, document),
    }
    return [str(action) for action, check in checks.items() if action in allowed and check()]


def _incoming_out(document: IncomingDocument, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    in_reply_to = document.in_reply_to
    if in_reply_to is not None and not policies.can_view_outgoing(user, in_reply_to):
        in_reply_to = None
    return {
        **_incoming_item(document, today),
        "type_name": document.type_name,
        "content": document.content,
        "signer_name": document.signer_name,
        "signer_position": document.signer_position,
        "signer_competence": document.signer_competence,
        "reply_due": document.reply_due,
        "page_amount": document.page_amount,
        "to_places": list(document.to_places or []),
        "document_id": document.document_id,
        "business_doc_type": document.business_doc_type,
        "response_for": list(document.response_for or []),
        "in_reply_to": in_reply_to.pk if in_reply_to is not None else None,
        "signature_report": document.signature_report or {},
        "register_name": document.register.name if document.register is not None else "",
        "year": document.year,
        "registered_at": _local(document.registered_at),
        "progress": document.progress,
        "returned_reason": document.returned_reason,
        "note": document.note,
        "finished_at": _local(document.finished_at),
        "files": [
            {
                "id": f.pk,
                "file_name": f.file_name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "is_main": f.is_main,
                "signature_verdict": f.signature_verdict,
                "signature_report": f.signature_report or {},
            }
            for f in selectors.incoming_files(document)
        ],
        "assignment": {
            "lead_unit": _agency(document.lead_unit),
            "lead_official": _person_out(document.lead_official),
            "co_units": [_agency(u) for u in selectors.incoming_co_units(document)],
            "deadline": document.deadline,
            "instructions": document.instructions,
            "assigned_by": (document.assigned_by.full_name or document.assigned_by.username)
            if document.assigned_by is not None
            else "",
            "assigned_at": _local(document.assigned_at),
        },
        "notes": [
            {
                "author": n.author_name,
                "unit": n.unit.name if n.unit is not None else "",
                "text": n.text,
                "percent": n.percent,
                "at": _local(n.at),
            }
            for n in selectors.incoming_notes(document)
        ],
        "statuses_sent": [
            {
                "status_code": s.status_code,
                "description": s.description,
                "staff": s.staff,
                "department": s.department,
                "at": _local(s.at),
                "sent_at": _local(s.sent_at),
                "attempts": s.attempts,
                "last_error": s.last_error,
            }
            for s in selectors.incoming_statuses_sent(document)
        ],
        "replies": [
            {
                "id": r.pk,
                "number_notation": r.number_notation,
                "subject": r.subject,
                "state": r.state,
            }
            for r in selectors.incoming_replies(document, user)
        ],
        "timeline": [_event(e) for e in selectors.incoming_events(document)],
        "allowed_actions": incoming_actions_for(user, document),
    }


def _incoming_answer(document: IncomingDocument, user: Any) -> dict[str, Any]:
    return _incoming_out(selectors.incoming_get_for_viewer(user, document.pk), user)


@router.get(
    "/incoming",
    response={200: IncomingListOut, **ERRORS},
    operation_id="list_incoming_documents",
    summary="List incoming documents (văn bản đến)",
    tags=[TAG_INCOMING],
)
def list_incoming_documents(
    request: HttpRequest,
    queue: IncomingQueue = "all",
    q: str = Query("", max_length=selectors.TEXT_MAX),
    document_type: DocumentType | None = None,
    urgency: Urgency | None = None,
    state: IncomingState | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = Query(1, ge=1),
) -> Any:
    """One page (25 documents, newest arrival first) of a queue, as the back office lists it:
    `to_register` (clerks), `to_assign` (leaders), `to_process` (assigned to the caller or
    their unit), `overdue`, `all`. Filters: `q` (number, notation, summary, author; a bare
    number also matches the arrival number), type, urgency, state, arrival date from/to.
    Only the documents the caller may see."""
    user = _official(request)
    filters = selectors.IncomingFilters(
        text=q.strip(),
        date_from=date_from,
        date_to=date_to,
        document_type=str(document_type) if document_type else "",
        urgency=str(urgency) if urgency else "",
        state=str(state) if state else "",
    )
    result = selectors.incoming_list(user, queue=queue, filters=filters, page=page)
    today = timezone.localdate()
    return {"items": [_incoming_item(d, today) for d in result.object_list], **_pages(result)}


@router.get(
    "/incoming/{int:document_id}",
    response={200: IncomingOut, **ERRORS},
    operation_id="get_incoming_document",
    summary="Get an incoming document",
    tags=[TAG_INCOMING],
)
def get_incoming_document(request: HttpRequest, document_id: int) -> Any:
    """The document with its files (each with its signature verdict — none, valid, invalid,
    indeterminate — and report), its assignment, progress notes, the status packages sent
    back to its sender, the replies, its timeline and `allowed_actions`."""
    user = _official(request)
    return _incoming_out(selectors.incoming_get_for_viewer(user, document_id), user)


# --- incoming: registration and the path ----------------------------------------------------


def _receiving_agency(user: Any, code: str | None) -> Organisation:
    if code:
        return _organisation(code, "organisation")
    agencies = list(selectors.incoming_register_organisations(user)[:2])
    if len(agencies) == 1:
        return agencies[0]
    if not agencies:
        policies.ensure_can_register(user, None)  # raises: the rule's own refusal
    raise ValidationFailed(
        _("Some fields are missing or invalid."), fields={"organisation": _("required")}
    )


@router.post(
    "/incoming/paper",
    response={201: IncomingOut, **ERRORS},
    operation_id="register_paper_incoming_document",
    summary="Register a paper incoming document",
    tags=[TAG_INCOMING],
    openapi_extra=_multipart(inline_schema(PaperIn), {"files": _BINARIES}),
)
def register_paper_incoming_document(request: HttpRequest) -> Any:
    """A clerk of the receiving agency registers a document that came on paper: its scans
    (PDF, JPEG, PNG; the first PDF is the main document) and the metadata typed in. Multipart:
    the JSON in the part `data`, the scans in file parts (any name); or JSON with `files` in
    base64. It gets the next arrival number of the agency's register. 201 with the document."""
    user = _official(request)
    data, files = _payload(request)
    body = _validate(PaperIn, data)
    organisation = _receiving_agency(user, body.organisation)
    policies.ensure_can_register(user, organisation)
    scans = _scans([*map(_upload_of, body.files), *_all_parts(files)])
    arrival = body.arrival_date
    if arrival is not None and timezone.is_naive(arrival):
        arrival = timezone.make_aware(arrival)
    with transaction.atomic():
        document = incoming.incoming_register_paper(
            actor=user,
            organisation=organisation,
            fields=body.as_fields(),
            files=scans,
            arrival_date=arrival,
        )
    return Status(201, _incoming_answer(document, user))


def _assign(actor: Any, document: IncomingDocument, body: AssignIn) -> IncomingDocument:
    return incoming.incoming_assign(
        actor=actor,
        document=document,
        lead_unit=_organisation(body.lead_unit, "lead_unit"),
        co_units=[_organisation(code, f"co_units.{i}") for i, code in enumerate(body.co_units)],
        lead_official=_person(body.lead_official, "lead_official") if body.lead_official else None,
        deadline=body.deadline,
        instructions=body.instructions,
    )


INCOMING_ACTIONS: dict[str, Action] = {
    "register": Action(
        RegisterIn,
        lambda actor, doc, body: incoming.incoming_register(
            actor=actor,
            document=doc,
            fields=body.metadata.as_fields() if body.metadata is not None else None,
        ),
        "A clerk of the receiving agency registers a received document (from the official "
        "mailbox): the next arrival number; `metadata` corrects what was read from it.",
    ),
    "assign": Action(
        AssignIn,
        _assign,
        "A leader of the receiving agency assigns it: lead unit (and official), co-units, "
        "deadline, instructions; again to change them.",
    ),
    "note": Action(
        NoteIn,
        lambda actor, doc, body: incoming.incoming_note(
            actor=actor, document=doc, text=body.text, percent=body.percent
        ),
        "A progress note by the lead official, the lead or a co-unit, or a leader; the first "
        "one starts processing.",
    ),
    "finish": Action(
        NoteOptionalIn,
        lambda actor, doc, body: incoming.incoming_finish(
            actor=actor, document=doc, note=body.note
        ),
        "The lead unit or a leader finishes it (edXML status 06 to an electronic sender).",
    ),
    "return": Action(
        ReasonIn,
        lambda actor, doc, body: incoming.incoming_return(
            actor=actor, document=doc, reason=body.reason
        ),
        "The clerk or a leader returns a misaddressed or invalid document, saying why (status 02).",
    ),
}


@router.post(
    "/incoming/{int:document_id}/actions/{action}",
    response={200: IncomingOut, **ERRORS},
    operation_id="act_on_incoming_document",
    summary="Take a step on an incoming document",
    tags=[TAG_INCOMING],
    openapi_extra=_action_bodies(INCOMING_ACTIONS),
)
def act_on_incoming_document(request: HttpRequest, document_id: int, action: str) -> Any:
    """`action`: register, assign, note, finish, return. 403 when the caller may not take it,
    409 when the document's state does not allow it."""
    user = _official(request)
    if action not in INCOMING_ACTIONS:
        raise _unknown_action(action)
    document = selectors.incoming_get_for_viewer(user, document_id)
    data, _files = _payload(request)
    step = INCOMING_ACTIONS[action]
    body = _validate(step.schema, data)
    with transaction.atomic():
        document = step.run(user, document, body)
    return _incoming_answer(document, user)


@router.get(
    "/incoming/{int:document_id}/files/{int:file_id}",
    response={200: None, **ERRORS},
    operation_id="get_incoming_file",
    summary="Download a file of an incoming document",
    tags=[TAG_INCOMING],
    openapi_extra=_file_doc("application/octet-stream"),
)
def get_incoming_file(request: HttpRequest, document_id: int, file_id: int) -> FileResponse:
    """A received file (the signed PDF, a scan, an attachment), for those who may see its
    document."""
    user = _official(request)
    document = selectors.incoming_get_for_viewer(user, document_id)
    row = selectors.incoming_file_get(document, file_id)
    if row is None:
        raise NotFound(_("There is no such file."))
    inline = row.content_type in ("application/pdf", "image/jpeg", "image/png")
    return _download(row.file, row.file_name, row.sha256, row.content_type, inline=inline)


# --- registers ------------------------------------------------------------------------------


_REGISTER_FILTERS = (
    (
        "agency",
        "Agency code (or id) of the agency keeping the register; default: the one "
        "keeping the caller's registers",
    ),
    ("register", "Id of one register of the agency"),
    ("year", "Default: this year (when no date is given)"),
    ("date_from", "Document date (outgoing) or arrival date (incoming), YYYY-MM-DD"),
    ("date_to", "YYYY-MM-DD"),
    ("type", "Document type"),
    ("urgency", "Urgency"),
    ("state", "State"),
    ("q", "Number, notation or words of the summary"),
)


@router.get(
    "/registers/{name}.{fmt}",
    response={200: None, **ERRORS},
    operation_id="download_document_register",
    summary="Download a document register",
    tags=[TAG_REGISTERS],
    openapi_extra={
        **_file_doc(registers.XLSX, registers.PDF),
        "parameters": [
            {
                "in": "query",
                "name": key,
                "required": False,
                "schema": {"type": "string"},
                "description": text,
            }
            for key, text in _REGISTER_FILTERS
        ],
    },
)
def download_document_register(
    request: HttpRequest,
    name: Literal["outgoing", "incoming", "tracker"],
    fmt: Literal["xlsx", "pdf"],
) -> FileResponse:
    """The outgoing register (sổ đăng ký văn bản đi), the incoming register (sổ đăng ký văn bản
    đến) or the processing tracker (sổ theo dõi giải quyết văn bản đến) laid out as Decree 30
    has them, as .xlsx or PDF; the lines the caller may see, filtered as the register pages
    filter them."""
    user = _official(request)
    kind = registers.REGISTERS[name].kind
    filters = register_filters_parse(request.GET, kind=kind, default_year=timezone.localdate().year)
    if filters.organisation is None and not is_provincial_admin(user):
        filters = replace(filters, organisation=register_agency_of(user, kind))
    policies.ensure_can_view_registers(user, filters.organisation)
    export = registers.register_export(name, fmt, user=user, filters=filters)
    response = FileResponse(
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
