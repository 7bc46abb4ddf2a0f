"""API v1 for signatures: public verification, and a dossier's signed result (thin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from motcua.api.auth import AUTH
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.signatures import policies, selectors
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
    from motcua.dossiers.selectors import dossier_get_by_code

    dossier = dossier_get_by_code(code)
    if not policies.can_view_result(request.user, dossier):
        raise PermissionDenied(_("You may not see this dossier's result."))
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
