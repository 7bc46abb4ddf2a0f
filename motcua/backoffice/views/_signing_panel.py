"""The "Signed documents" panel as its views and the dossier page show it: the result path,
the documents with their buttons, verification links and QR codes, the result's form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.backoffice.permissions import (
    LIVE_DOCUMENT_STATES,
    actions_for,
    can_create_signed_document,
    result_stage,
    signed_document_actions_for,
)
from motcua.backoffice.views._common import SummaryItem
from motcua.core.qr import qr_svg
from motcua.dossiers.enums import Action as DossierAction
from motcua.dossiers.models import Dossier
from motcua.signatures import selectors, services
from motcua.signatures import transitions as signature_transitions
from motcua.signatures.enums import DocumentAction, DocumentKind
from motcua.signatures.models import SignedDocument
from motcua.signatures.path import PathStep, ResultPath, result_path
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


ISSUE = "issue"  # the result path's "issue" step: services.result_issue (complete the dossier)


SLUG_STEPS: dict[str, str] = {
    "sign-personal": PathStep.SIGN_PERSONAL,
    "sign-organisation": PathStep.SIGN_ORGANISATION,
    ISSUE: PathStep.ISSUE,
    "release": PathStep.RELEASE,
}


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
