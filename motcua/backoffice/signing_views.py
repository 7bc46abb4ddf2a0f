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

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.permissions import (
    LIVE_DOCUMENT_STATES,
    actions_for,
    can_create_signed_document,
    result_stage,
    signed_document_actions_for,
)
from motcua.backoffice.views import SummaryItem, _is_htmx, _summary, official_required
from motcua.core.errors import DomainError
from motcua.core.qr import qr_svg
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.enums import Action as DossierAction
from motcua.dossiers.models import Dossier
from motcua.signatures import selectors, services
from motcua.signatures import transitions as signature_transitions
from motcua.signatures.enums import DocumentAction, DocumentKind
from motcua.signatures.models import SignedDocument
from motcua.signatures.path import COMPLETED, NEXT, PathStep, ResultPath, result_path
from motcua.signatures.result_forms import (
    DATE,
    LINES,
    NUMBER,
    ResultForm,
    initial_details,
    result_form_for,
)
from motcua.signatures.services import CLOSED_DOSSIER

A = DocumentAction
K = DocumentKind

# URL slug → service action, and the button's label.
ACTION_SLUGS: dict[str, str] = {
    "sign-personal": A.SIGN_PERSONAL,
    "sign-organisation": A.SIGN_ORGANISATION,
    "release": A.RELEASE,
}
ACTION_LABELS: dict[str, Any] = {
    A.SIGN_PERSONAL: gettext_lazy("Sign (leader)"),
    A.SIGN_ORGANISATION: gettext_lazy("Apply the organisation's signature"),
    A.RELEASE: gettext_lazy("Release to the applicant"),
}
DONE_MESSAGES: dict[str, Any] = {
    A.SIGN_PERSONAL: gettext_lazy("You signed %(document)s."),
    A.SIGN_ORGANISATION: gettext_lazy("The organisation's signature was applied to %(document)s."),
    A.RELEASE: gettext_lazy("%(document)s was released: the applicant can download it now."),
}
ISSUE = "issue"  # the result path's "issue" step: services.result_issue (complete the dossier)
CONFIRM_SLUGS = (*ACTION_SLUGS, ISSUE)
SLUG_STEPS: dict[str, str] = {
    "sign-personal": PathStep.SIGN_PERSONAL,
    "sign-organisation": PathStep.SIGN_ORGANISATION,
    ISSUE: PathStep.ISSUE,
    "release": PathStep.RELEASE,
}
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
WAITING: dict[str, Any] = {
    PathStep.PREPARE: gettext_lazy(
        "Waiting for an official of %(organisation)s to prepare the result."
    ),
    PathStep.SIGN_PERSONAL: gettext_lazy("Waiting for the signature of %(signer)s."),
    PathStep.SIGN_ORGANISATION: gettext_lazy(
        "Waiting for the clerk of %(organisation)s to apply the organisation's signature."
    ),
    PathStep.ISSUE: gettext_lazy(
        "Waiting for the official who issues the result at this step of the process."
    ),
    PathStep.RELEASE: gettext_lazy(
        "Waiting for a clerk or the desk's counter officer to release the result."
    ),
}
CREATE_KINDS = (K.RESULT, K.RECEIPT)
SOURCE_TEMPLATE = "template"
SOURCE_UPLOAD = "upload"
RESULT_FORM_FIELDS = ("file", "title", "number_notation", "paragraphs")
DETAIL_PREFIX = "detail_"  # a detail of the procedure's own result paper (result_forms)


class ResultDocumentForm(forms.Form):
    """The result to sign: rendered from the template (title, number, paragraphs) or a PDF."""

    source = forms.ChoiceField(
        label=gettext_lazy("Document"),
        choices=(
            (SOURCE_TEMPLATE, gettext_lazy("Generate it from the result template")),
            (SOURCE_UPLOAD, gettext_lazy("Upload a PDF file")),
        ),
        initial=SOURCE_TEMPLATE,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Empty: the procedure's result name."),
    )
    number_notation = forms.CharField(
        label=gettext_lazy("Number and notation"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("For example 12/QĐ-UBND."),
    )
    paragraphs = forms.CharField(
        label=gettext_lazy("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One paragraph per line. Empty: the template's standard text."),
    )
    file = forms.FileField(
        label=gettext_lazy("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, dossier: Dossier | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "result")
        super().__init__(*args, **kwargs)
        self.paper: ResultForm | None = None
        if dossier is None:
            return
        if dossier.procedure_version.has_document_result and not dossier.result_number:
            self.fields["number_notation"].required = True  # printed on it, given once
        self.paper = result_form_for(dossier.procedure_version.procedure.code)
        if self.paper is None:
            return
        # The procedure's own paper (result_forms): its details instead of a free text.
        del self.fields["title"], self.fields["paragraphs"]
        if self.paper.notation_hint:
            self.fields["number_notation"].help_text = _("For example %(example)s.") % {
                "example": self.paper.notation_hint
            }
        initial = initial_details(self.paper, dossier.applicant)
        for detail in self.paper.details:
            widget: forms.Widget = forms.TextInput()
            if detail.kind == LINES:
                widget = forms.Textarea(attrs={"rows": 3})
            elif detail.kind == DATE:
                widget = forms.TextInput(
                    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
                )
            elif detail.kind == NUMBER:
                widget = forms.TextInput(attrs={"inputmode": "numeric"})
            self.fields[DETAIL_PREFIX + detail.name] = forms.CharField(
                label=str(detail.label),
                required=detail.required,  # not for an uploaded PDF: see full_clean()
                initial=initial[detail.name],
                widget=widget,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == SOURCE_UPLOAD and not data.get("file"):
            self.add_error("file", _("Choose the PDF file to upload."))
        return data

    def full_clean(self) -> None:
        # An uploaded PDF needs none of the paper's details.
        if self.is_bound and self.paper is not None:
            upload = self.data.get(self.add_prefix("source")) == SOURCE_UPLOAD
            for detail in self.paper.details:
                self.fields[DETAIL_PREFIX + detail.name].required = detail.required and not upload
        super().full_clean()

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["source"] == SOURCE_UPLOAD:
            return {
                "pdf": data["file"],
                "title": data.get("title", ""),
                "number_notation": data["number_notation"],
            }
        if self.paper is not None:
            return {
                "number_notation": data["number_notation"],
                "details": {
                    d.name: data.get(DETAIL_PREFIX + d.name, "") for d in self.paper.details
                },
            }
        lines = [line.strip() for line in data["paragraphs"].splitlines()]
        return {
            "title": data["title"],
            "number_notation": data["number_notation"],
            "paragraphs": [line for line in lines if line] or None,
        }


@dataclass
class DocumentRow:
    document: SignedDocument
    actions: list[tuple[str, str]]  # (URL slug, label)
    verification_path: str
    verification_url: str
    qr: SafeString


@dataclass
class PathPanel:
    """The result path as the user sees it: its steps, the current one's button (a link to
    its confirmation page, or to the preparation form) or whom it waits for."""

    path: ResultPath
    document: SignedDocument | None
    button_url: str = ""
    button_label: str = ""
    waiting: str = ""


@dataclass
class SigningPanel:
    dossier: Dossier
    rows: list[DocumentRow]
    can_create_result: bool
    can_create_receipt: bool
    result_form: ResultDocumentForm
    result_form_open: bool = False
    summary: list[SummaryItem] = field(default_factory=list)
    path: PathPanel | None = None


def _slug(action: str) -> str:
    return next(slug for slug, value in ACTION_SLUGS.items() if value == action)


def _confirm_url(dossier: Dossier, document: SignedDocument, slug: str) -> str:
    return reverse(
        "backoffice:signed_document_action",
        args=[dossier.code, document.verification_code, slug],
    )


def _live_result(documents: list[SignedDocument]) -> SignedDocument | None:
    live = [d for d in documents if d.kind == K.RESULT and d.state in LIVE_DOCUMENT_STATES]
    return live[-1] if live else None


def _may_issue(user: Any, dossier: Dossier, document: SignedDocument) -> bool:
    """Mirrors services.result_issue: both signatures, and `user` may complete the dossier."""
    return document.state in signature_transitions.ISSUED and DossierAction.COMPLETE in (
        actions_for(user, dossier)
    )


def _path_panel(
    user: Any, dossier: Dossier, documents: list[SignedDocument], can_create_result: bool
) -> PathPanel | None:
    """The result path, once the dossier is approved (or has a result in progress)."""
    document = _live_result(documents)
    if dossier.status in CLOSED_DOSSIER or (document is None and not result_stage(dossier)):
        return None
    path = result_path(
        document_state=document.state if document is not None else None,
        dossier_status=dossier.status,
    )
    panel = PathPanel(path=path, document=document)
    step = path.current
    if not step:
        return panel
    if step == PathStep.PREPARE:
        if can_create_result:
            panel.button_url, panel.button_label = (
                "#signing-new-result",
                str(PathStep.PREPARE.label),
            )
        else:
            panel.waiting = str(WAITING[step]) % {"organisation": dossier.processing_unit.name}
        return panel
    assert document is not None  # noqa: S101 - only "prepare" comes without a document
    slug = next(s for s, value in SLUG_STEPS.items() if value == step)
    if step == PathStep.ISSUE:
        allowed = _may_issue(user, dossier, document)
    else:
        allowed = ACTION_SLUGS[slug] in signed_document_actions_for(user, document)
    if allowed:
        panel.button_url = _confirm_url(dossier, document, slug)
        panel.button_label = str(PathStep(step).label)
    else:
        signer = document.signer
        panel.waiting = str(WAITING[step]) % {
            "organisation": document.organisation.name,
            "signer": (signer.full_name or signer.username)
            if signer is not None
            else _("a leader of %(organisation)s") % {"organisation": document.organisation.name},
        }
    return panel


def _row(user: Any, document: SignedDocument) -> DocumentRow:
    url = services.public_verification_url(document.verification_code)
    svg = qr_svg(url, size_mm=22, title=_("Verification QR code"), css_class="qr")
    return DocumentRow(
        document=document,
        actions=[
            (_slug(action), str(ACTION_LABELS[action]))
            for action in signed_document_actions_for(user, document)
        ],
        verification_path=reverse("signatures:document", args=[document.verification_code]),
        verification_url=url,
        qr=mark_safe(svg),  # noqa: S308 - generated by segno from our own URL
    )


def signing_panel(
    user: Any,
    dossier: Dossier,
    *,
    result_form: ResultDocumentForm | None = None,
    summary: list[SummaryItem] | None = None,
) -> SigningPanel:
    """What the panel shows `user` for `dossier` (also for the dossier page's own context)."""
    documents = list(
        selectors.signed_document_list_for_dossier(dossier)
        .exclude(kind=K.ATTACHMENT)
        .select_related("dossier__receiving_unit", "signer")
        .order_by("created_at", "id")
    )
    can_create_result = can_create_signed_document(user, dossier, K.RESULT, documents)
    path = _path_panel(user, dossier, documents, can_create_result)
    return SigningPanel(
        dossier=dossier,
        rows=[_row(user, d) for d in documents],
        can_create_result=can_create_result,
        can_create_receipt=can_create_signed_document(user, dossier, K.RECEIPT, documents),
        result_form=result_form or ResultDocumentForm(dossier=dossier),
        result_form_open=result_form is not None
        or (path is not None and path.path.current == PathStep.PREPARE and can_create_result),
        summary=summary or [],
        path=path,
    )


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
