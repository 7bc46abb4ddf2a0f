"""Public verification pages (no login): upload a file, or open a document's QR code link."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from motcua.signatures import selectors
from motcua.signatures.enums import DocumentState
from motcua.signatures.forms import VerifyUploadForm
from motcua.signatures.verification import verify_pdf


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        context["report"] = verify_pdf(data)
        context["match"] = selectors.document_revision_find_by_sha256(
            hashlib.sha256(data).hexdigest()
        )
        context["file_name"] = getattr(request.FILES.get("file"), "name", "")
    return render(request, "signatures/verify.html", context)


@require_http_methods(["GET", "POST"])
def document_verify(request: HttpRequest, code: str) -> HttpResponse:
    """The page a document's QR code opens: what the issuer says about it now (issued,
    released, revoked or replaced), the check of the issued file, and a form to compare a
    copy with it."""
    document = selectors.signed_document_get_by_code(code)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "document": document,
        "form": form,
        "withdrawn": document.state in (DocumentState.REVOKED, DocumentState.REPLACED),
        "issued": document.state
        in (
            DocumentState.ORG_SIGNED,
            DocumentState.RELEASED,
            DocumentState.REVOKED,
            DocumentState.REPLACED,
        ),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        digest = hashlib.sha256(data).hexdigest()
        context["report"] = verify_pdf(data)
        context["copy_matches"] = digest == document.sha256
        context["copy_is_earlier_revision"] = (
            digest != document.sha256 and document.revisions.filter(sha256=digest).exists()
        )
        context["file_name"] = getattr(request.FILES.get("file"), "name", "")
    elif context["issued"]:
        with document.file.open("rb") as fh:
            context["report"] = verify_pdf(fh.read())
    return render(request, "signatures/document.html", context)
