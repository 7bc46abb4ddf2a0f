"""API v1 for signatures (thin): public verification, a dossier's signed result, and for
officials' machine clients the one-stop signing flow:

    POST /documents                          prepare a dossier's result or receipt (JSON, or
                                             multipart: the PDF in `file`, the JSON in `data`)
    POST /documents/{code}/sign-personal     the leader's signature
    POST /documents/{code}/sign-organisation the organisation's signature (its clerk)
    POST /documents/{code}/release           release (a result: to its applicant)

Errors have the API's one shape {"error": {...}}: 403 not allowed, 404 unknown, 409 not in
this state, 422 invalid input.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from motcua.api.auth import AUTH
from motcua.api.validation import validation_message
from motcua.core.errors import NotFound, ValidationFailed
from motcua.signatures import policies, selectors, services
from motcua.signatures.enums import DocumentKind
from motcua.signatures.models import SignedDocument
from motcua.signatures.verification import verify_pdf

router = Router(tags=["signatures"])


class ErrorOut(Schema):
    error: dict[str, Any]


class TimestampOut(Schema):
    time: str
    authority: str
    intact: bool
    trusted: bool


class SignatureOut(Schema):
    signer_name: str
    organisation: str
    signed_at: str | None
    intact: bool
    trusted: bool
    revocation: str
    modified_after: bool
    role: str
    timestamp: TimestampOut | None
    field_name: str
    problems: list[str]


class VerificationOut(Schema):
    verdict: str
    reason: str
    signatures: list[SignatureOut]
    # Bytes after the end of the file's last revision: data glued on after signing.
    appended_bytes: int = 0


class DocumentStatusOut(Schema):
    verification_code: str
    kind: str
    state: str
    organisation: str
    number_notation: str
    title: str
    sha256: str
    issued_at: dt.datetime | None
    released_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revocation_reason: str
    replaced_by: str | None


def _read_upload(file: UploadedFile) -> bytes:
    limit = int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
    if file.size is not None and file.size > limit:
        raise ValidationFailed(
            _("The file is too large."), code="file_too_large", fields={"file": _("too large")}
        )
    data = b"".join(file.chunks())
    if not data:
        raise ValidationFailed(_("The file is empty."), fields={"file": _("empty file")})
    return data


@router.post(
    "/verify",
    response={200: VerificationOut, 422: ErrorOut},
    operation_id="verify_signatures",
    auth=None,
)
def verify_signatures(request: HttpRequest, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Verify the digital signatures of a PDF file (multipart field `file`; no login)."""
    return verify_pdf(_read_upload(file)).as_dict()


@router.get(
    "/documents/{code}",
    response={200: DocumentStatusOut, 404: ErrorOut},
    operation_id="get_signed_document_status",
    auth=None,
)
def get_signed_document_status(request: HttpRequest, code: str) -> Any:
    """What the issuer says about a document (the QR code's target, as JSON)."""
    document = selectors.signed_document_get_by_code(code)
    return {
        "verification_code": document.verification_code,
        "kind": document.kind,
        "state": document.state,
        "organisation": document.organisation.name,
        "number_notation": document.number_notation,
        "title": document.title,
        "sha256": document.sha256,
        "issued_at": _local(document.org_signed_at),
        "released_at": _local(document.released_at),
        "revoked_at": _local(document.revoked_at),
        "revocation_reason": document.revocation_reason,
        "replaced_by": document.replaced_by.verification_code if document.replaced_by else None,
    }


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


@router.get(
    "/dossier-result/{code}",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="get_signed_dossier_result",
    auth=AUTH,
)
def get_dossier_result(request: HttpRequest, code: str) -> FileResponse:
    """The signed result PDF of dossier `code`, for its applicant and the officials who may
    see the dossier; 404 until the result is released."""
    from motcua.dossiers.selectors import dossier_get_by_code, dossier_not_found

    dossier = dossier_get_by_code(code)
    if not policies.can_view_result(request.user, dossier):
        raise dossier_not_found(code)  # as for an unknown code: codes cannot be probed
    document = selectors.signed_document_get_released_result(dossier)
    if document is None:
        raise NotFound(
            _("The result of this dossier has not been released yet."), fields={"code": code}
        )
    from motcua.dossiers.printing.layout import ascii_name

    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{ascii_name(dossier.code)}_ket-qua.pdf",
    )
    response["X-Content-SHA256"] = document.sha256
    return response


# GET /api/v1/dossiers/{code}/result: the same PDF under the dossier's own path (the one the
# portal links to). It belongs to this app, which depends on dossiers, not the other way round:
# motcua/api/api.py mounts this router at /v1/dossiers beside the dossiers app's router, with
# the dossiers' tag, authentication, operation id, summary and URL name it always had.
dossier_result_router = Router(tags=["dossiers"], auth=AUTH)


@dossier_result_router.get(
    "/{code}/result",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="get_dossier_result",
    summary="Get Dossier Result",
    url_name="get_dossier_result",
)
def dossier_result(request: HttpRequest, code: str) -> Any:
    """The digitally signed result PDF, for its applicant and authorised officials."""
    return get_dossier_result(request, code)


# --- the signing flow, for officials' machine clients --------------------------------------------


class DocumentCreateIn(Schema):
    dossier: str
    kind: Literal["result", "receipt"]
    title: str = ""
    number_notation: str = ""
    paragraphs: list[str] | None = None
    # the details of the procedure's own result paper (birth extract, household-business
    # certificate, certified copy: motcua.signatures.result_forms), instead of paragraphs
    details: dict[str, str] | None = None


class SignedDocumentOut(Schema):
    verification_code: str
    kind: str
    state: str
    dossier: str | None
    organisation: str
    organisation_code: str
    number_notation: str
    title: str
    sha256: str
    verification_url: str
    signer: str | None
    person_signed_at: dt.datetime | None
    org_signed_at: dt.datetime | None
    released_at: dt.datetime | None
    # On creation from an uploaded PDF: the active content removed from it, and how often
    # (JavaScript, embedded files, …; docs/signatures.md "Uploaded PDFs").
    removed_content: dict[str, int] = {}


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _document_out(document: SignedDocument) -> dict[str, Any]:
    signer = document.signer
    return {
        "verification_code": document.verification_code,
        "kind": document.kind,
        "state": document.state,
        "dossier": document.dossier.code if document.dossier is not None else None,
        "organisation": document.organisation.name,
        "organisation_code": document.organisation.agency_code,
        "number_notation": document.number_notation,
        "title": document.title,
        "sha256": document.sha256,
        "verification_url": services.public_verification_url(document.verification_code),
        "signer": signer.username if signer is not None else None,
        "person_signed_at": _local(document.person_signed_at),
        "org_signed_at": _local(document.org_signed_at),
        "released_at": _local(document.released_at),
        "removed_content": getattr(document, "removed_content", None) or {},
    }


def _create_input(request: HttpRequest) -> tuple[DocumentCreateIn, DjangoUploadedFile | None]:
    """JSON body, or multipart with the JSON in `data` and the PDF in `file`."""
    upload = None
    if (request.content_type or "").startswith("multipart/"):
        raw: Any = request.POST.get("data", "")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("Attach the PDF file."), fields={"file": _("required")})
    else:
        raw = request.body
    try:
        payload = json.loads(raw or b"null")
    except ValueError as exc:
        raise ValidationFailed(
            _("The request body is not valid JSON."), fields={"data": _("invalid JSON")}
        ) from exc
    if not isinstance(payload, dict):
        raise ValidationFailed(
            _("Some fields are missing or invalid."), fields={"data": _("expected an object")}
        )
    try:
        return DocumentCreateIn.model_validate(payload), upload
    except PydanticValidationError as exc:
        fields = {
            ".".join(str(part) for part in err["loc"]) or "data": validation_message(err)
            for err in exc.errors()
        }
        raise ValidationFailed(_("Some fields are missing or invalid."), fields=fields) from exc


@router.post(
    "/documents",
    response={201: SignedDocumentOut, **ERRORS},
    operation_id="create_signed_document",
    auth=AUTH,
)
def create_signed_document(request: HttpRequest) -> Any:
    """Prepare the result (from the result template, or the uploaded PDF) or the receipt (form
    01) of a dossier for signing. JSON: {"dossier", "kind": "result"|"receipt", "title"?,
    "number_notation"? (required for a result document, unless the dossier was completed with
    one), "paragraphs"?, "details"? (the procedure's own result paper)}; or multipart with
    the PDF in `file` and that JSON in `data`. 404 for a dossier the caller may not see."""
    from motcua.dossiers.selectors import dossier_get_for_viewer

    body, upload = _create_input(request)
    dossier = dossier_get_for_viewer(body.dossier, request.user)
    document = services.signed_document_create(
        actor=request.user,
        kind=body.kind,
        dossier=dossier,
        pdf=upload,
        title=body.title,
        number_notation=body.number_notation,
        paragraphs=body.paragraphs,
        details=body.details,
    )
    return Status(201, _document_out(document))


@router.post(
    "/documents/{code}/sign-personal",
    response={200: SignedDocumentOut, **ERRORS},
    operation_id="sign_signed_document_personal",
    auth=AUTH,
)
def sign_signed_document_personal(request: HttpRequest, code: str) -> Any:
    """The leader's (the designated signer's) signature, with their own key."""
    document = selectors.signed_document_get_by_code(code)
    return _document_out(services.document_sign_personal(document=document, actor=request.user))


@router.post(
    "/documents/{code}/sign-organisation",
    response={200: SignedDocumentOut, **ERRORS},
    operation_id="sign_signed_document_organisation",
    auth=AUTH,
)
def sign_signed_document_organisation(request: HttpRequest, code: str) -> Any:
    """The organisation's signature, applied by its clerk with the organisation's key."""
    document = selectors.signed_document_get_by_code(code)
    return _document_out(services.document_sign_organisation(document=document, actor=request.user))


@router.post(
    "/documents/{code}/issue",
    response={200: SignedDocumentOut, **ERRORS},
    operation_id="issue_signed_result",
    auth=AUTH,
)
def issue_signed_result(request: HttpRequest, code: str) -> Any:
    """Issue a signed result: its dossier is completed with the result's number (never asked
    again). 409 before both signatures; 403 for one who may not complete the dossier now."""
    document = selectors.signed_document_get_by_code(code)
    services.result_issue(document=document, actor=request.user)
    document.refresh_from_db()
    return _document_out(document)


@router.post(
    "/documents/{code}/release",
    response={200: SignedDocumentOut, **ERRORS},
    operation_id="release_signed_document",
    auth=AUTH,
)
def release_signed_document(request: HttpRequest, code: str) -> Any:
    """Release an organisation-signed document: a result becomes downloadable by its
    applicant (GET /api/v1/dossiers/{code}/result), only with or after its dossier's
    completion: a dossier still in processing is completed now if the caller may, else 409."""
    document = selectors.signed_document_get_by_code(code)
    if document.kind == DocumentKind.RESULT:
        document = services.result_release(document=document, actor=request.user)
    else:
        document = services.signed_document_release(document=document, actor=request.user)
    return _document_out(document)
