"""The "Signed documents" panel of the officials' dossier page (DOMAIN §3, §8, §10).

The leader prepares the dossier's result (rendered from the result template, or an uploaded
PDF) or its receipt (form 01) and signs it personally; the organisation's clerk applies the
organisation's signature; the result is then released to the applicant. Each document shows its
state, a download link (for those who may see the dossier) and its public verification link
and QR code.

Interface only (STYLE): every change goes through `motcua.signatures.services`, which checks
permission and state again; `motcua.backoffice.permissions` only hides the buttons. A
DomainError is shown at the top of the page, the form keeps what was typed, nothing is saved.

After approval the panel opens with the result path (motcua.signatures.path): prepare → the
leader signs → the organisation signs → issue (complete the dossier with the signed result's
number) → release, the current step highlighted with its button (or who it waits for) and a
sentence saying what comes next. Every signing, issuing and releasing button opens a
confirmation page first (GET); only its form (POST with confirm=yes) acts: no script needed.

The dossier page loads the panel with htmx (`GET …/signatures/` with HX-Request answers the
panel alone); without JavaScript its link opens the same panel as a page of its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.views._common import SummaryItem, _is_htmx, _summary, official_required
from motcua.backoffice.views._signing_panel import (
    ACTION_SLUGS,
    DETAIL_PREFIX,
    ISSUE,
    RESULT_FORM_FIELDS,
    SLUG_STEPS,
    A,
    K,
    ResultDocumentForm,
    signing_panel,
)
from motcua.core.errors import DomainError
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier
from motcua.signatures import selectors, services
from motcua.signatures.models import SignedDocument
from motcua.signatures.path import COMPLETED, NEXT

DONE_MESSAGES: dict[str, Any] = {
    A.SIGN_PERSONAL: gettext_lazy("You signed %(document)s."),
    A.SIGN_ORGANISATION: gettext_lazy("The organisation's signature was applied to %(document)s."),
    A.RELEASE: gettext_lazy("%(document)s was released: the applicant can download it now."),
}


CONFIRM_SLUGS = (*ACTION_SLUGS, ISSUE)


CONFIRM_TITLES: dict[str, Any] = {
    "sign-personal": gettext_lazy("Sign this document with your personal key?"),
    "sign-organisation": gettext_lazy("Apply the organisation's signature to this document?"),
    ISSUE: gettext_lazy("Issue the result and complete the dossier?"),
    "release": gettext_lazy("Release the result to the applicant?"),
}
CONFIRM_TEXTS: dict[str, Any] = {
    "sign-personal": gettext_lazy(
        "Your digital signature and its image are added between your title and your name. A "
        "signed document cannot be changed: check its content first (download the PDF)."
    ),
    "sign-organisation": gettext_lazy(
        "The organisation's digital signature is added: its seal over the left third of the "
        "leader's signature, and the organisation's name and the signing time at the top right "
        "of page 1."
    ),
    ISSUE: gettext_lazy(
        "The dossier is completed (“result ready”) with the number of the signed result: "
        "%(number)s."
    ),
    "release": gettext_lazy(
        "The applicant is told and can download the signed result from now on."
    ),
}
CONFIRM_BUTTONS: dict[str, Any] = {
    "sign-personal": gettext_lazy("Yes, sign it"),
    "sign-organisation": gettext_lazy("Yes, apply the organisation's signature"),
    ISSUE: gettext_lazy("Yes, issue the result"),
    "release": gettext_lazy("Yes, release it"),
}
RELEASE_COMPLETES = gettext_lazy(
    "The dossier is still in processing: releasing completes it now with result number %(number)s."
)
ISSUED_MESSAGE = gettext_lazy(
    "The result was issued: dossier %(code)s is completed with result number %(number)s."
)


CREATE_KINDS = (K.RESULT, K.RECEIPT)


def _render(
    request: HttpRequest,
    dossier: Dossier,
    *,
    result_form: ResultDocumentForm | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    summary: list[SummaryItem] = []
    if result_form is not None and result_form.is_bound:
        summary = _summary(result_form, labels={0: _("Result")})
    if error is not None and not any(item.text == str(error.message) for item in summary):
        summary.insert(0, SummaryItem(str(error.message)))
    panel = signing_panel(request.user, dossier, result_form=result_form, summary=summary)
    template = (
        "backoffice/_signing_panel.html" if _is_htmx(request) else "backoffice/_signing_page.html"
    )
    return render(request, template, {"dossier": dossier, "signing": panel}, status=status)


def _document_for(dossier: Dossier, verification_code: str) -> SignedDocument:
    document = selectors.signed_document_get_by_code(verification_code)
    if document.dossier_id != dossier.pk:
        raise Http404("not a document of this dossier")
    return document


def _back(dossier: Dossier) -> HttpResponse:
    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "#signatures")


@official_required
@require_GET
def signatures_panel(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    return _render(request, dossier)


@official_required
@require_POST
def signed_document_new(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Prepare the result (form: template or PDF) or the receipt (form 01) of the dossier."""
    if kind not in CREATE_KINDS:
        raise Http404("unknown document kind")
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    form: ResultDocumentForm | None = None
    arguments: dict[str, Any] = {}
    if kind == K.RESULT:
        form = ResultDocumentForm(request.POST, request.FILES, dossier=dossier)
        if not form.is_valid():
            return _render(request, dossier, result_form=form, status=422)
        arguments = form.service_arguments()
    try:
        with transaction.atomic():
            document = services.signed_document_create(
                actor=request.user, kind=kind, dossier=dossier, **arguments
            )
    except DomainError as exc:
        if form is not None:
            for key, message in exc.fields.items():
                name = key.replace("details.", DETAIL_PREFIX, 1)
                if name in form.fields and (key in RESULT_FORM_FIELDS or name != key):
                    form.add_error(name, message)
        fresh = dossier_selectors.dossier_get_by_code(dossier.code)
        return _render(request, fresh, result_form=form, error=exc, status=exc.http_status)
    messages.success(
        request,
        _("%(kind)s prepared: it can now be signed (verification code %(code)s).")
        % {"kind": document.get_kind_display(), "code": document.verification_code},
    )
    if getattr(document, "removed_content", None):
        messages.warning(
            request,
            _(
                "Scripts, embedded files or other active content were removed from the uploaded "
                "PDF file. Open it and check that it still reads as intended before signing."
            ),
        )
    return _back(dossier)


def _confirm(
    request: HttpRequest, dossier: Dossier, document: SignedDocument, action: str
) -> HttpResponse:
    """The confirmation page of a signing, issuing or releasing step (nothing changes yet)."""
    number = document.number_notation or dossier.result_number or "—"
    notes = [str(CONFIRM_TEXTS[action]) % {"number": number}]
    if action == "release" and dossier.status not in COMPLETED:
        notes.append(str(RELEASE_COMPLETES) % {"number": number})
    context = {
        "dossier": dossier,
        "document": document,
        "action": action,
        "title": CONFIRM_TITLES[action],
        "notes": notes,
        "next": NEXT[SLUG_STEPS[action]],
        "button": CONFIRM_BUTTONS[action],
    }
    return render(request, "backoffice/signing_confirm.html", context)


@official_required
@require_http_methods(["GET", "POST"])
def signed_document_action(
    request: HttpRequest, code: str, document_code: str, action: str
) -> HttpResponse:
    """The leader's signature, the organisation's signature, the issue (the dossier completed
    with the signed result's number) or the release: GET (or a POST without confirm=yes)
    shows the confirmation page; the confirmed POST acts."""
    if action not in CONFIRM_SLUGS:
        raise Http404("unknown action")
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    document = _document_for(dossier, document_code)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return _confirm(request, dossier, document, action)
    if action == ISSUE:
        return _issue(request, dossier, document)
    verb = ACTION_SLUGS[action]
    try:
        with transaction.atomic():
            if verb == A.SIGN_PERSONAL:
                document = services.document_sign_personal(document=document, actor=request.user)
            elif verb == A.SIGN_ORGANISATION:
                document = services.document_sign_organisation(
                    document=document, actor=request.user
                )
            elif document.kind == K.RESULT:
                document = services.result_release(document=document, actor=request.user)
            else:
                document = services.signed_document_release(document=document, actor=request.user)
    except DomainError as exc:
        fresh = dossier_selectors.dossier_get_by_code(dossier.code)
        return _render(request, fresh, error=exc, status=exc.http_status)
    name = f"{document.get_kind_display()} {document}"
    messages.success(request, str(DONE_MESSAGES[verb]) % {"document": name})
    return _back(dossier)


def _issue(request: HttpRequest, dossier: Dossier, document: SignedDocument) -> HttpResponse:
    try:
        with transaction.atomic():
            completed = services.result_issue(document=document, actor=request.user)
    except DomainError as exc:
        fresh = dossier_selectors.dossier_get_by_code(dossier.code)
        return _render(request, fresh, error=exc, status=exc.http_status)
    messages.success(
        request,
        str(ISSUED_MESSAGE) % {"code": completed.code, "number": completed.result_number},
    )
    return _back(dossier)


@official_required
@require_GET
def signed_document_file(request: HttpRequest, code: str, document_code: str) -> FileResponse:
    """The document's current file, for the officials who may see the dossier."""
    from motcua.dossiers.printing.layout import ascii_name

    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    document = _document_for(dossier, document_code)
    filename = f"{ascii_name(dossier.code)}_{document.kind}_{document.state}.pdf"
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=filename,
    )
    response["X-Content-SHA256"] = document.sha256
    response["Cache-Control"] = "private, no-store"
    return response
