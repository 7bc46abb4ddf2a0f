"""The back office's pages for outgoing documents (văn bản đi): the queues, the draft form (new,
changed, a reply, a revocation, update or replacement), the document's page with its versions,
timeline and recipients, and the steps of its path (send for review, comment, return, approve,
sign, number, sign for the organisation, issue).

Interface only (STYLE): every change goes through `motcua.documents.services.outgoing`, which
checks permission and state again; `policies.can_*` only decide which buttons show. A service
error is shown in Vietnamese at the top of the page and beside its field; the form keeps what
was typed and nothing is saved (each request's changes run in one transaction). Every change
ends with a redirect and a message (PRG). Signing, numbering, the organisation's signature and
the issue open a confirmation page first (GET); only its form (POST with confirm=yes) acts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.backoffice.views._common import SummaryItem, official_required
from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.documents import policies, transitions
from motcua.documents import selectors_outgoing as selectors
from motcua.documents.enums import (
    ABBREVIATIONS,
    TYPE_NAMES,
    BusinessDocType,
    Channel,
    Confidentiality,
    DeliveryStatus,
    DocumentType,
    OutgoingAction,
    OutgoingState,
    Urgency,
)
from motcua.documents.forms_outgoing import (
    ApproveForm,
    CommentForm,
    OutgoingDraftForm,
    OutgoingFilterForm,
    ReturnForm,
    TypedRecipient,
    draft_initial,
    typed_recipients_text,
)
from motcua.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingVersion,
    Recipient,
)
from motcua.documents.outgoing_labels import BUSINESS_LABELS, channel_label
from motcua.documents.services import outgoing as services
from motcua.documents.services import signing
from motcua.organisations.models import Organisation

A = OutgoingAction
S = OutgoingState

# --- labels --------------------------------------------------------------------------------------

# The timeline says what happened (never the stored code).
EVENT_LABELS: dict[str, Any] = {
    A.CREATE: gettext_lazy("Draft created"),
    A.EDIT: gettext_lazy("Draft changed"),
    A.ADD_VERSION: gettext_lazy("New version or attachments added"),
    A.SUBMIT: gettext_lazy("Sent for review"),
    A.COMMENT: gettext_lazy("Comment"),
    A.RETURN: gettext_lazy("Returned for changes"),
    A.APPROVE: gettext_lazy("Approved for signature"),
    A.SIGN: gettext_lazy("Signed by the signer"),
    A.NUMBER: gettext_lazy("Number and date given"),
    A.SEAL: gettext_lazy("Signed by the organisation"),
    A.ISSUE: gettext_lazy("Issued to the recipients"),
    A.REVOKE: gettext_lazy("Revoked by a later document"),
    A.REPLACE: gettext_lazy("Replaced by a later document"),
    A.UPDATE: gettext_lazy("Updated by a later document"),
    "delivery": gettext_lazy("Delivery status"),
    "file_add": gettext_lazy("Put in a document file"),  # services.files
    "file_remove": gettext_lazy("Taken out of a document file"),
}
SUBMITTED_TO_SIGNER = gettext_lazy("Sent to the signer (no reviewers)")
OTHER_EVENT = gettext_lazy("Other change")

# The draft's fields as the timeline names them when they change.
FIELD_LABELS: dict[str, Any] = {
    "subject": gettext_lazy("summary"),
    "content": gettext_lazy("content"),
    "document_type": gettext_lazy("type"),
    "urgency": gettext_lazy("urgency"),
    "confidentiality": gettext_lazy("confidentiality"),
    "unit_abbreviation": gettext_lazy("drafting unit's abbreviation"),
    "signer": gettext_lazy("signer"),
    "signer_position": gettext_lazy("signer's position"),
    "signer_competence": gettext_lazy("signing as"),
    "reviewers": gettext_lazy("reviewers"),
    "recipients": gettext_lazy("recipients"),
    "due_date": gettext_lazy("reply due date"),
    "issued_amount": gettext_lazy("copies"),
    "place": gettext_lazy("place of issue"),
}

BUSINESS_SLUGS: dict[str, int] = {
    "revoke": BusinessDocType.REVOKE,
    "update": BusinessDocType.UPDATE,
    "replace": BusinessDocType.REPLACE,
}
BUSINESS_TITLES: dict[int, Any] = {
    BusinessDocType.REVOKE: gettext_lazy("New document revoking %(document)s"),
    BusinessDocType.UPDATE: gettext_lazy("New document updating %(document)s"),
    BusinessDocType.REPLACE: gettext_lazy("New document replacing %(document)s"),
}
BUSINESS_SUBJECTS: dict[int, Any] = {
    BusinessDocType.REVOKE: gettext_lazy("Revocation of document %(document)s dated %(date)s"),
    BusinessDocType.UPDATE: gettext_lazy("Update of document %(document)s dated %(date)s"),
    BusinessDocType.REPLACE: gettext_lazy("Replacement of document %(document)s dated %(date)s"),
}
BUSINESS_REASONS: dict[int, Any] = {
    BusinessDocType.REVOKE: gettext_lazy("Why it is revoked"),
    BusinessDocType.UPDATE: gettext_lazy("What is updated, and why"),
    BusinessDocType.REPLACE: gettext_lazy("Why it is replaced"),
}
BUSINESS_BUTTONS: dict[str, Any] = {
    "revoke": gettext_lazy("Revoke (draft a revocation)"),
    "update": gettext_lazy("Update (draft an update)"),
    "replace": gettext_lazy("Replace (draft a replacement)"),
}
REPLY_SUBJECT = gettext_lazy("Reply to document %(document)s of %(sender)s")

# The path of an outgoing document, as its page shows it.
PATH: tuple[tuple[str, Any], ...] = (
    ("draft", gettext_lazy("Drafting")),
    ("review", gettext_lazy("Review")),
    ("sign", gettext_lazy("Signing")),
    ("number", gettext_lazy("Numbering")),
    ("seal", gettext_lazy("Organisation signs")),
    ("issue", gettext_lazy("Issue")),
)
PATH_POSITION: dict[str, int] = {
    S.DRAFT: 0,
    S.RETURNED: 0,
    S.IN_REVIEW: 1,
    S.TO_SIGN: 2,
    S.SIGNED: 3,
    S.NUMBERED: 4,
    S.SEALED: 5,
}

# Forms posted from the document's page, and the confirmed steps.
FORM_ACTIONS = ("submit", "comment", "return", "approve")
CONFIRM_ACTIONS = ("sign", "number", "seal", "issue")
DONE_MESSAGES: dict[str, Any] = {
    "submit": gettext_lazy("The draft was sent for review."),
    "comment": gettext_lazy("Your comment was added."),
    "return": gettext_lazy("The draft was returned to its drafter."),
    "approve": gettext_lazy("The draft was approved: it now waits for the signer."),
    "sign": gettext_lazy("You signed the document."),
    "number": gettext_lazy("The document was numbered: %(number)s."),
    "seal": gettext_lazy("The organisation's signature was applied to %(number)s."),
    "issue": gettext_lazy("%(number)s was issued to its recipients."),
}
SUBMITTED_TO_SIGNER_MESSAGE = gettext_lazy(
    "The draft has no reviewers: it was sent straight to the signer."
)
CONFIRM_TITLES: dict[str, Any] = {
    "sign": gettext_lazy("Sign this document with your digital signature?"),
    "number": gettext_lazy("Give this document its number and date?"),
    "seal": gettext_lazy("Apply the organisation's signature to this document?"),
    "issue": gettext_lazy("Issue this document to its recipients?"),
}
CONFIRM_TEXTS: dict[str, Any] = {
    "sign": gettext_lazy(
        "Your digital signature and its image are added between your title and your name. A "
        "signed document cannot be changed: check it first (download the latest version)."
    ),
    "number": gettext_lazy(
        "The document takes the next number of %(agency)s's register for this year and today's "
        "date. A number once given is never given again nor taken back."
    ),
    "seal": gettext_lazy(
        "The number and date are written into the document and the organisation's digital "
        "signature is added: its seal over the left third of the signer's signature. Each "
        "attachment is signed for the organisation too."
    ),
    "issue": gettext_lazy(
        "The document goes to each recipient: our own agencies at once, connected agencies "
        "electronically, the others by e-mail or recorded as sent on paper."
    ),
}
ISSUE_SECRET_TEXT = gettext_lazy(
    "The document is secret: every recipient is recorded as sent on paper; send the paper "
    "copies through the secret mail."
)
CONFIRM_BUTTONS: dict[str, Any] = {
    "sign": gettext_lazy("Yes, sign it"),
    "number": gettext_lazy("Yes, give the number"),
    "seal": gettext_lazy("Yes, apply the organisation's signature"),
    "issue": gettext_lazy("Yes, issue it"),
}
STEP_BUTTONS: dict[str, Any] = {
    "sign": gettext_lazy("Sign (Ký số)"),
    "number": gettext_lazy("Give the number"),
    "seal": gettext_lazy("Apply the organisation's signature"),
    "issue": gettext_lazy("Issue"),
}
SECRET_PAPER = gettext_lazy(
    "This document is secret: it never travels electronically. Every recipient gets it on "
    "paper, whatever channel they usually use."
)

# Which form field shows a service error about which of its arguments.
ERROR_FIELDS: dict[str, str] = {
    "subject": "subject",
    "content": "content",
    "document_type": "document_type",
    "urgency": "urgency",
    "confidentiality": "confidentiality",
    "unit_abbreviation": "unit_abbreviation",
    "signer": "signer",
    "signer_competence": "signer_competence",
    "reviewers": "reviewers",
    "recipients": "recipients",
    "file": "file",
    "note": "version_note",
    "business_reason": "business_reason",
    "text": "text",
    "reason": "reason",
}


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def type_label(document_type: str) -> str:
    return TYPE_NAMES.get(document_type, "")


def state_label(state: str) -> str:
    return _label(OutgoingState, state) if state else ""


# --- the queues ----------------------------------------------------------------------------------


@dataclass
class Row:
    document: OutgoingDocument
    delivery: selectors.DeliverySummary


@official_required
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = selectors.outgoing_queue_counts(user)
    tabs_keys = selectors.queues_for(user, counts)
    queue = request.GET.get("queue", "")
    if queue not in tabs_keys:
        queue = selectors.default_queue(user, counts)
    form = OutgoingFilterForm(request.GET)
    filters = form.filters()
    page = selectors.outgoing_list(user, queue=queue, filters=filters, page=request.GET.get("page"))
    rows = [Row(d, selectors.delivery_summary(list(d.recipients.all()))) for d in page]
    kept: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k in form.fields and v}
    labels = dict(selectors.OUTGOING_QUEUES)
    tabs = [
        {
            "key": key,
            "label": labels[key],
            "count": counts.get(key),
            "query": urlencode({"queue": key, **kept}),
        }
        for key in tabs_keys
    ]
    context = {
        "queue": queue,
        "queue_label": labels[queue],
        "tabs": tabs,
        "form": form,
        "filtered": filters.any,
        "page": page,
        "rows": rows,
        "page_query": urlencode({"queue": queue, **kept}),
        "can_draft": bool(selectors.issuing_agencies_for(user)),
        "register_view": queue == "issued",
    }
    return render(request, "documents/outgoing/list.html", context)


# --- the draft form ------------------------------------------------------------------------------


@dataclass
class DraftContext:
    """What the draft form's page shows besides the form."""

    title: str
    document: OutgoingDocument | None = None
    reply_to: IncomingDocument | None = None
    business_target: OutgoingDocument | None = None
    business_doc_type: int = BusinessDocType.NEW
    agencies: list[Organisation] = field(default_factory=list)
    summary: list[SummaryItem] = field(default_factory=list)


def _agency_from(agencies: list[Organisation], value: Any) -> Organisation | None:
    return next((a for a in agencies if str(a.pk) == str(value)), None)


def _business_mode(request: HttpRequest, user: Any) -> tuple[int, OutgoingDocument | None]:
    slug = request.GET.get("business", "")
    if not slug:
        return BusinessDocType.NEW, None
    if slug not in BUSINESS_SLUGS:
        raise Http404("unknown business type")
    try:
        target = selectors.outgoing_get_for_viewer(user, int(request.GET.get("target", "")))
    except ValueError:
        raise Http404("no target") from None
    if target.state != S.ISSUED or not policies.can_revoke(user, target):
        raise PermissionDenied("cannot revoke, update or replace this document")
    return BUSINESS_SLUGS[slug], target


def _initial_from_post(data: QueryDict, form: OutgoingDraftForm) -> dict[str, Any]:
    """A refreshed form's values (search, another agency): what was typed, not yet checked."""
    initial: dict[str, Any] = {}
    for name, bound in form.fields.items():
        if name in ("file", "attachments"):
            continue
        if getattr(bound.widget, "allow_multiple_selected", False):
            initial[name] = data.getlist(name)
        elif name in data:
            initial[name] = data.get(name)
    return initial


def _draft_initial_new(
    user: Any,
    *,
    reply_to: IncomingDocument | None,
    target: OutgoingDocument | None,
    business: int,
) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "urgency": Urgency.NORMAL,
        "confidentiality": Confidentiality.NORMAL,
    }
    unit = getattr(user, "organisation", None)
    if unit is not None and unit.parent_id is not None and unit.short_name:
        initial["unit_abbreviation"] = "".join(unit.short_name.split())[:16]
    if reply_to is not None:
        sender = selectors.recipient_for_incoming_sender(reply_to)
        initial["document_type"] = DocumentType.CONG_VAN
        initial["subject"] = str(REPLY_SUBJECT) % {
            "document": reply_to.number_notation or "—",
            "sender": reply_to.sender_name,
        }
        if sender:
            initial["recipients"] = [sender]
        else:
            typed = TypedRecipient(name=reply_to.sender_name, email=reply_to.sender_email)
            initial["other_recipients"] = typed_recipients_text([typed])
        initial["confidentiality"] = reply_to.confidentiality
    if target is not None:
        values = draft_initial(target)
        initial.update(
            {
                "document_type": target.document_type,
                "subject": str(BUSINESS_SUBJECTS[business])
                % {
                    "document": target.number_notation,
                    "date": target.issued_date.strftime("%d/%m/%Y") if target.issued_date else "",
                },
                "recipients": values["recipients"],
                "other_recipients": values["other_recipients"],
                "signer": values["signer"],
                "confidentiality": target.confidentiality,
                "unit_abbreviation": target.unit_abbreviation,
            }
        )
    return initial


def _apply_errors(form: Any, exc: DomainError) -> None:
    for key, _value in exc.fields.items():
        name = ERROR_FIELDS.get(key.split(".")[0])
        if name and name in form.fields and not form.has_error(name):
            form.add_error(name, str(exc.message))


def _summary_for(form: Any, exc: DomainError | None = None) -> list[SummaryItem]:
    """The error summary: the service's message first, then each field's errors."""
    items: list[SummaryItem] = []
    if exc is not None:
        items.append(SummaryItem(str(exc.message)))
    if form is not None and form.is_bound:
        for error in form.non_field_errors():
            if str(error) not in {i.text for i in items}:
                items.append(SummaryItem(str(error)))
        for bound in form:
            for error in bound.errors:
                if exc is not None and str(error) == str(exc.message):
                    continue
                items.append(SummaryItem(f"{bound.label}: {error}", f"#{bound.auto_id}"))
    return items


def _render_draft(
    request: HttpRequest, form: OutgoingDraftForm, ctx: DraftContext, *, status: int = 200
) -> HttpResponse:
    chosen = set(
        form.data.getlist("recipients")  # type: ignore[attr-defined]
        if form.is_bound
        else form.initial.get("recipients", [])
    )
    context = {
        "form": form,
        "ctx": ctx,
        "summary": ctx.summary,
        "recipient_choices": form.recipient_choices,
        "chosen": chosen,
        "secret": (form.data if form.is_bound else form.initial).get("confidentiality")
        not in (None, "", Confidentiality.NORMAL),
        "agency": form.agency,
        "business_reason_label": BUSINESS_REASONS.get(ctx.business_doc_type, ""),
    }
    return render(request, "documents/outgoing/form.html", context, status=status)


@official_required
@require_http_methods(["GET", "POST"])
def outgoing_new(request: HttpRequest) -> HttpResponse:
    """A new draft; `?response_for=<incoming id>` a reply to that document; `?business=revoke|
    update|replace&target=<id>` a revocation, update or replacement of an issued document."""
    user = request.user
    agencies = selectors.issuing_agencies_for(user)
    if not agencies:
        raise PermissionDenied("not a drafter")
    business, target = _business_mode(request, user)
    reply_to: IncomingDocument | None = None
    if "response_for" in request.GET:
        reply_to = selectors.incoming_get_for_reply(user, request.GET["response_for"])
    fixed = target.organisation if target else reply_to.organisation if reply_to else None
    if fixed is not None:
        if not policies.can_draft(user, fixed):
            raise PermissionDenied("cannot draft for this agency")
        agencies = [fixed]
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    agency = _agency_from(agencies, chosen) or selectors.default_issuing_agency(agencies, user)
    assert agency is not None  # noqa: S101 - agencies is not empty
    ctx = DraftContext(
        title=str(BUSINESS_TITLES[business] % {"document": target.number_notation})
        if target is not None
        else _("Reply to %(document)s") % {"document": reply_to.number_notation or reply_to}
        if reply_to is not None
        else _("New outgoing document"),
        reply_to=reply_to,
        business_target=target,
        business_doc_type=business,
        agencies=agencies,
    )
    kwargs: dict[str, Any] = {
        "agencies": agencies,
        "agency": agency,
        "business": target is not None,
        "user": user,
    }
    if request.method != "POST":
        initial = _draft_initial_new(user, reply_to=reply_to, target=target, business=business)
        initial["organisation"] = str(agency.pk)
        return _render_draft(request, OutgoingDraftForm(initial=initial, **kwargs), ctx)
    if "refresh" in request.POST:  # another agency, or a search in the directory (no script)
        probe = OutgoingDraftForm(**kwargs)
        initial = _initial_from_post(request.POST, probe)
        initial["organisation"] = str(agency.pk)
        return _render_draft(request, OutgoingDraftForm(initial=initial, **kwargs), ctx)
    form = OutgoingDraftForm(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        ctx.summary = _summary_for(form)
        return _render_draft(request, form, ctx, status=422)
    try:
        with transaction.atomic():
            document = services.outgoing_create(
                actor=user,
                organisation=agency,
                file=form.main_file(),
                attachments=form.attachment_files(),
                business_doc_type=business,
                business_target=target,
                business_reason=form.cleaned_data.get("business_reason", ""),
                response_for=reply_to,
                **form.fields_for_service(),
            )
    except DomainError as exc:
        _apply_errors(form, exc)
        ctx.summary = _summary_for(form, exc)
        return _render_draft(request, form, ctx, status=exc.http_status)
    messages.success(request, _("The draft was saved."))
    return redirect("documents:outgoing_detail", pk=document.pk)


@official_required
@require_http_methods(["GET", "POST"])
def outgoing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft (or a returned one): its fields, a new version of its file, more
    attachments — all or nothing."""
    user = request.user
    document = selectors.outgoing_get_for_viewer(user, pk)
    if not policies.can_edit_draft(user, document):
        raise PermissionDenied("not the drafter")
    if A.EDIT not in transitions.outgoing_allowed(document.state):
        messages.error(request, _("This document can no longer be changed."))
        return redirect("documents:outgoing_detail", pk=document.pk)
    agency = document.organisation
    kwargs: dict[str, Any] = {
        "agencies": [agency],
        "agency": agency,
        "document": document,
        "user": user,
    }
    ctx = DraftContext(
        title=_("Change the draft"),
        document=document,
        reply_to=document.response_for,
        business_target=document.business_target,
        business_doc_type=document.business_doc_type,
        agencies=[agency],
    )
    if request.method != "POST":
        return _render_draft(
            request, OutgoingDraftForm(initial=draft_initial(document), **kwargs), ctx
        )
    if "refresh" in request.POST:
        probe = OutgoingDraftForm(**kwargs)
        initial = _initial_from_post(request.POST, probe)
        return _render_draft(request, OutgoingDraftForm(initial=initial, **kwargs), ctx)
    form = OutgoingDraftForm(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        ctx.summary = _summary_for(form)
        return _render_draft(request, form, ctx, status=422)
    try:
        with transaction.atomic():
            changes = form.fields_for_service()
            services.outgoing_update(actor=user, document=document, **changes)
            file = form.main_file()
            if file is not None:
                services.outgoing_add_version(
                    actor=user,
                    document=document,
                    file=file,
                    note=form.cleaned_data.get("version_note", ""),
                )
            attachments = form.attachment_files()
            if attachments:
                services.outgoing_add_attachments(actor=user, document=document, files=attachments)
    except DomainError as exc:
        _apply_errors(form, exc)
        ctx.summary = _summary_for(form, exc)
        return _render_draft(request, form, ctx, status=exc.http_status)
    messages.success(request, _("The draft was saved."))
    return redirect("documents:outgoing_detail", pk=document.pk)


@official_required
@require_GET
def outgoing_recipients(request: HttpRequest) -> HttpResponse:
    """The directory entries matching a search, those already chosen first (htmx)."""
    agencies = selectors.issuing_agencies_for(request.user)
    if not agencies:
        raise PermissionDenied("not a drafter")
    agency = _agency_from(agencies, request.GET.get("organisation"))
    keep = request.GET.getlist("recipients")
    choices = selectors.recipient_choices(
        request.GET.get("recipient_search", "").strip()[:100], keep=keep, exclude=agency
    )
    return render(
        request,
        "documents/outgoing/_recipient_choices.html",
        {"recipient_choices": choices, "chosen": set(keep)},
    )


# --- the document's page ---------------------------------------------------------------------


@dataclass
class Detail:
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class TimelineEntry:
    event: DocumentEvent
    label: str
    states: str = ""
    details: list[Detail] = field(default_factory=list)


@dataclass
class StatusLine:
    status: str
    label: str  # the Vietnamese label only: the edXML code is never shown
    at: Any
    description: str
    staff: str


@dataclass
class RecipientRow:
    recipient: Recipient
    channel_label: str
    status: StatusLine
    history: list[StatusLine]
    channel_forced: bool


@dataclass
class PathStep:
    key: str
    label: str
    done: bool
    current: bool


@dataclass
class Actions:
    edit: bool = False
    submit: bool = False
    comment: bool = False
    return_: bool = False
    approve: bool = False
    steps: list[tuple[str, str]] = field(default_factory=list)  # (action, button label)
    business: list[tuple[str, str]] = field(default_factory=list)  # (slug, button label)

    @property
    def any(self) -> bool:
        return bool(
            self.edit
            or self.submit
            or self.comment
            or self.return_
            or self.approve
            or self.steps
            or self.business
        )


def _status_line(status: str, at: Any, description: str, staff: str = "") -> StatusLine:
    return StatusLine(
        status=status,
        label=_label(DeliveryStatus, status),
        at=at,
        description=description,
        staff=staff,
    )


def _recipient_rows(document: OutgoingDocument, recipients: list[Recipient]) -> list[RecipientRow]:
    rows = []
    for r in recipients:
        history = [
            _status_line(s.status, s.at, s.description, s.staff)
            for s in sorted(r.statuses.all(), key=lambda s: (s.at, s.pk))
        ]
        rows.append(
            RecipientRow(
                recipient=r,
                channel_label=channel_label(r.channel),
                status=_status_line(r.status, r.status_at, r.status_description or r.last_error),
                history=history,
                channel_forced=document.is_secret and r.channel == Channel.PAPER,
            )
        )
    return rows


def _detail(label: str, value: Any) -> Detail:
    if isinstance(value, list | tuple):
        return Detail(label=label, items=[str(v) for v in value])
    return Detail(label=label, text=str(value))


def _timeline(events: list[DocumentEvent]) -> list[TimelineEntry]:
    entries = []
    for e in events:
        data = e.data or {}
        label = EVENT_LABELS.get(e.action, OTHER_EVENT)
        if e.action == A.SUBMIT and e.to_state == S.TO_SIGN:
            label = SUBMITTED_TO_SIGNER
        entry = TimelineEntry(event=e, label=str(label))
        if e.from_state and e.to_state and e.from_state != e.to_state:
            entry.states = f"{state_label(e.from_state)} → {state_label(e.to_state)}"
        details: list[tuple[str, Any]] = []
        if data.get("version"):
            details.append((_("Version"), data["version"]))
        if data.get("files"):
            details.append((_("Attachments"), list(data["files"])))
        if data.get("fields"):
            names = [str(FIELD_LABELS.get(f, f)) for f in data["fields"]]
            details.append((_("Changed"), ", ".join(names)))
        if data.get("number"):
            details.append((_("Number and notation"), data["number"]))
        if data.get("register"):
            details.append((_("Document register"), data["register"]))
        if data.get("recipients"):
            details.append((_("Recipients"), list(data["recipients"])))
        if data.get("by"):
            details.append((_("By document"), data["by"]))
        if e.action == "delivery":
            entry.label = _("%(recipient)s: %(status)s") % {
                "recipient": data.get("recipient", ""),
                "status": _label(DeliveryStatus, data.get("status", "")),
            }
        entry.details = [_detail(label, value) for label, value in details]
        entries.append(entry)
    return entries


def _last_return(document: OutgoingDocument, events: list[DocumentEvent]) -> DocumentEvent | None:
    """Why a returned draft came back (the latest return), for the top of its page."""
    if document.state != S.RETURNED:
        return None
    return next((e for e in reversed(events) if e.action == A.RETURN), None)


def _path(document: OutgoingDocument) -> list[PathStep]:
    position = PATH_POSITION.get(document.state, len(PATH))
    return [
        PathStep(key=key, label=str(label), done=i < position, current=i == position)
        for i, (key, label) in enumerate(PATH)
    ]


def _waiting(document: OutgoingDocument, reviewers: list[Any]) -> str:
    """Whom the document waits for now, in words."""
    state = document.state
    if state in (S.DRAFT, S.RETURNED):
        return _("Waiting for %(name)s (or the drafting unit) to finish the draft and send it.") % {
            "name": document.drafter.full_name or document.drafter.username
        }
    if state == S.IN_REVIEW:
        names = ", ".join(u.full_name or u.username for u in reviewers)
        return _("Waiting for the review of %(names)s.") % {"names": names}
    if state == S.TO_SIGN:
        signer = document.signer
        name = (signer.full_name or signer.username) if signer else "—"
        return _("Waiting for the signature of %(name)s.") % {"name": name}
    if state in (S.SIGNED, S.NUMBERED, S.SEALED):
        step = {
            S.SIGNED: _("to give it its number"),
            S.NUMBERED: _("to apply the organisation's signature"),
            S.SEALED: _("to issue it"),
        }[OutgoingState(state)]
        return _("Waiting for a clerk of %(agency)s %(step)s.") % {
            "agency": document.organisation.name,
            "step": step,
        }
    return ""


def _actions(user: Any, document: OutgoingDocument) -> Actions:
    allowed = transitions.outgoing_allowed(document.state)
    actions = Actions()
    editable = A.EDIT in allowed and policies.can_edit_draft(user, document)
    actions.edit = editable
    actions.submit = A.SUBMIT in allowed and editable
    actions.comment = A.COMMENT in allowed and policies.can_comment(user, document)
    actions.return_ = A.RETURN in allowed and policies.can_return_to_drafter(user, document)
    actions.approve = A.APPROVE in allowed and policies.can_review(user, document)
    if A.SIGN in allowed and policies.can_sign(user, document):
        actions.steps.append(("sign", str(STEP_BUTTONS["sign"])))
    clerk = policies.can_clerk(user, document.organisation)
    for step, action in (("number", A.NUMBER), ("seal", A.SEAL), ("issue", A.ISSUE)):
        if action in allowed and clerk:
            actions.steps.append((step, str(STEP_BUTTONS[step])))
    if document.state == S.ISSUED and policies.can_revoke(user, document):
        actions.business = [(slug, str(label)) for slug, label in BUSINESS_BUTTONS.items()]
    return actions


def _incoming_url(document: IncomingDocument | None) -> str:
    """The incoming document's page, when the incoming pages are there."""
    if document is None:
        return ""
    try:
        return reverse("documents:incoming_detail", args=[document.pk])
    except NoReverseMatch:
        return ""


def _signed_links(document: OutgoingDocument) -> dict[str, str]:
    signed = document.signed_document
    if signed is None:
        return {}
    from motcua.signatures.services import public_verification_url

    return {
        "verification_path": reverse("signatures:document", args=[signed.verification_code]),
        "verification_url": public_verification_url(signed.verification_code),
    }


def _render_detail(
    request: HttpRequest,
    document: OutgoingDocument,
    *,
    failed: str = "",
    failed_form: Any = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    page = selectors.outgoing_page(document)
    forms_: dict[str, Any] = {
        "comment": CommentForm(prefix="comment"),
        "return": ReturnForm(prefix="return"),
        "approve": ApproveForm(prefix="approve"),
    }
    if failed in forms_ and failed_form is not None:
        forms_[failed] = failed_form
    summary = _summary_for(failed_form, error) if (error or failed_form is not None) else []
    context = {
        "document": document,
        "page": page,
        "type_name": type_label(document.document_type),
        "abbreviation": ABBREVIATIONS.get(document.document_type, ""),
        "letter": document.document_type in (DocumentType.CONG_VAN, DocumentType.THU_CONG),
        "path": _path(document),
        "waiting": _waiting(document, page.reviewers),
        "actions": _actions(user, document),
        "forms": forms_,
        "failed": failed,
        "summary": summary,
        "timeline": _timeline(page.events),
        "recipient_rows": _recipient_rows(document, page.recipients),
        "delivery": selectors.delivery_summary(page.recipients),
        "secret_paper": SECRET_PAPER if document.is_secret else "",
        "sent": document.state in selectors.ISSUED_STATES,
        "returned": _last_return(document, page.events),
        "signed": _signed_links(document),
        "preview": document.state in PREVIEW_STATES,
        "reply_to_url": _incoming_url(document.response_for),
        "business_label": str(BUSINESS_LABELS[document.business_doc_type])
        if document.business_doc_type != BusinessDocType.NEW
        else "",
    }
    return render(request, "documents/outgoing/detail.html", context, status=status)


@official_required
@require_GET
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.outgoing_get_for_viewer(request.user, pk)
    return _render_detail(request, document)


def _back(document: OutgoingDocument) -> HttpResponse:
    return redirect("documents:outgoing_detail", pk=document.pk)


@official_required
@require_http_methods(["GET", "POST"])
def outgoing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The document page's forms (POST): send for review, comment, return, approve; and the
    confirmed steps (GET: the confirmation page; POST with confirm=yes: act): sign, number,
    sign for the organisation, issue."""
    if action not in FORM_ACTIONS and action not in CONFIRM_ACTIONS:
        raise Http404("unknown action")
    user = request.user
    document = selectors.outgoing_get_for_viewer(user, pk)
    if action in CONFIRM_ACTIONS:
        if request.method != "POST" or request.POST.get("confirm") != "yes":
            return _confirm(request, document, action)
        return _step(request, document, action)
    if request.method != "POST":
        return _back(document)
    form: Any = None
    if action in ("comment", "return", "approve"):
        form_class = {"comment": CommentForm, "return": ReturnForm, "approve": ApproveForm}[action]
        form = form_class(request.POST, prefix=action)
        if not form.is_valid():
            return _render_detail(request, document, failed=action, failed_form=form, status=422)
    try:
        with transaction.atomic():
            if action == "submit":
                document = services.outgoing_submit(actor=user, document=document)
            elif action == "comment":
                document = services.outgoing_comment(
                    actor=user, document=document, text=form.cleaned_data["text"]
                )
            elif action == "return":
                document = services.outgoing_return(
                    actor=user, document=document, reason=form.cleaned_data["reason"]
                )
            else:
                document = services.outgoing_approve(
                    actor=user, document=document, note=form.cleaned_data["note"]
                )
    except DomainError as exc:
        if form is not None:
            _apply_errors(form, exc)
        fresh = selectors.outgoing_get_for_viewer(user, pk)
        return _render_detail(
            request, fresh, failed=action, failed_form=form, error=exc, status=exc.http_status
        )
    if action == "submit" and document.state == S.TO_SIGN:
        messages.success(request, str(SUBMITTED_TO_SIGNER_MESSAGE))
    else:
        messages.success(request, str(DONE_MESSAGES[action]))
    return _back(document)


def _signing_problem(user: Any) -> str:
    """Why the signer cannot sign from here (no signing certificate), or ""."""
    from motcua.signatures.services import credential_for_user

    try:
        credential_for_user(user)
    except DomainError as exc:
        return str(exc.message)
    return ""


def _confirm(request: HttpRequest, document: OutgoingDocument, action: str) -> HttpResponse:
    """The confirmation page of a step: what it does, and its button if the user may."""
    user = request.user
    allowed = dict(_actions(user, document).steps)
    problem = ""
    if action not in allowed:
        problem = _("This step is not yours to take now, or the document is not at this step.")
    elif action == "sign":
        problem = _signing_problem(user)
    page = selectors.outgoing_page(document)
    context = {
        "document": document,
        "type_name": type_label(document.document_type),
        "action": action,
        "title": CONFIRM_TITLES[action],
        "text": str(ISSUE_SECRET_TEXT)
        if action == "issue" and document.is_secret
        else str(CONFIRM_TEXTS[action]) % {"agency": document.organisation.name},
        "button": CONFIRM_BUTTONS[action],
        "problem": problem,
        "latest_version": page.versions[0] if page.versions else None,
        "preview": action == "sign",
        "recipient_rows": _recipient_rows(document, page.recipients) if action == "issue" else [],
        "secret_paper": SECRET_PAPER if document.is_secret else "",
    }
    return render(
        request, "documents/outgoing/confirm.html", context, status=403 if problem else 200
    )


def _step(request: HttpRequest, document: OutgoingDocument, action: str) -> HttpResponse:
    user = request.user
    steps: dict[str, Callable[..., OutgoingDocument]] = {
        "sign": services.outgoing_sign,
        "number": services.outgoing_number,
        "seal": services.outgoing_seal,
        "issue": services.outgoing_issue,
    }
    step = steps[action]
    try:
        with transaction.atomic():
            document = step(actor=user, document=document)
    except DomainError as exc:
        fresh = selectors.outgoing_get_for_viewer(user, document.pk)
        return _render_detail(request, fresh, error=exc, status=exc.http_status)
    messages.success(
        request, str(DONE_MESSAGES[action]) % {"number": document.number_notation or ""}
    )
    return _back(document)


# --- files -----------------------------------------------------------------------------------


def _download(file: Any, name: str, sha256: str, content_type: str = "") -> FileResponse:
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type or None,
    )
    response["X-Content-SHA256"] = sha256
    response["Cache-Control"] = "private, no-store"
    return response


@official_required
@require_GET
def outgoing_version_file(request: HttpRequest, pk: int, number: int) -> FileResponse:
    document = selectors.outgoing_get_for_viewer(request.user, pk)
    version = get_object_or_404(OutgoingVersion, document=document, number=number)
    return _download(version.file, version.file_name, version.sha256)


@official_required
@require_GET
def outgoing_attachment_file(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    document = selectors.outgoing_get_for_viewer(request.user, pk)
    row = get_object_or_404(OutgoingAttachment, document=document, pk=attachment)
    signed = row.signed_document
    if signed is not None and signed.file:
        return _download(signed.file, row.file_name, signed.sha256, "application/pdf")
    return _download(row.file, row.file_name, row.sha256, row.content_type)


PREVIEW_STATES = (S.DRAFT, S.RETURNED, S.IN_REVIEW, S.TO_SIGN)


@official_required
@require_GET
def outgoing_preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF the signer will sign (the latest version if it is a PDF, otherwise the document
    printed from its fields, number and date left blank), to read before signing."""
    document = selectors.outgoing_get_for_viewer(request.user, pk)
    if document.state not in PREVIEW_STATES:
        raise Http404("signed already: the signed PDF is the document")
    try:
        data = signing.pdf_for_signing(document)
    except DomainError as exc:
        return _render_detail(request, document, error=exc, status=exc.http_status)
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="du-thao-{document.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@official_required
@require_GET
def outgoing_signed_file(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.outgoing_get_for_viewer(request.user, pk)
    signed = document.signed_document
    if signed is None or not signed.file:
        raise Http404("not signed yet")
    from motcua.dossiers.printing.layout import ascii_name

    name = ascii_name(fold(document.number_notation).upper() or f"van-ban-{document.pk}")
    return _download(signed.file, f"{name}.pdf", signed.sha256, "application/pdf")


def queue_url(queue: str) -> str:
    """The list of one queue (for the documents' home tiles)."""
    return reverse("documents:outgoing_list") + "?" + urlencode({"queue": queue})
