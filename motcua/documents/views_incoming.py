"""The officials' pages for incoming documents (văn bản đến): the queues, one document with its
files, signatures, timeline, assignment, notes, replies and the statuses sent back, and the
forms that act on it. Thin: each action is one service call, then a redirect (post/redirect/
get) with a message; a refused value is shown beside its field. The documents home sums up the
reader's queues, incoming and outgoing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from motcua.documents import policies, selectors, transitions
from motcua.documents.enums import (
    Channel,
    DeliveryStatus,
    IncomingAction,
    IncomingState,
    RegisterKind,
    SignatureVerdict,
    Source,
)
from motcua.documents.forms_incoming import (
    AssignForm,
    FinishForm,
    IncomingFilterForm,
    IncomingMetadataForm,
    NoteForm,
    PaperRegisterForm,
    ReturnForm,
)
from motcua.documents.models import IncomingDocument, IncomingFile
from motcua.documents.services import incoming as services
from motcua.documents.services.incoming import IncomingFields
from motcua.documents.services.outgoing import FileInput
from motcua.documents.web import choice_label, error_summary, official_required
from motcua.dossiers.uploads import check_upload

A = IncomingAction
S = IncomingState


def _url(name: str, *args: Any, query: dict[str, Any] | None = None) -> str:
    """The URL, or "" while the page it names does not exist (the outgoing pages)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def _fields(data: dict[str, Any]) -> IncomingFields:
    return IncomingFields(
        sender_name=data["sender_name"],
        sender_organ_id=data.get("sender_organ_id") or "",
        code_number=data.get("code_number") or "",
        code_notation=data.get("code_notation") or "",
        issued_date=data.get("issued_date"),
        document_type=data["document_type"],
        subject=data["subject"],
        signer_name=data.get("signer_name") or "",
        signer_position=data.get("signer_position") or "",
        urgency=data["urgency"],
        confidentiality=data["confidentiality"],
        reply_due=data.get("reply_due"),
        page_amount=data.get("page_amount"),
        note=data.get("note") or "",
    )


def _show_errors(
    form: forms.Form, error: DomainError, *, aliases: dict[str, str] | None = None
) -> None:
    """The service's message beside each field it names (at the top of the form when it names
    none of the form's)."""
    names = [(aliases or {}).get(key, key) for key in error.fields]
    shown = [name for name in names if name in form.fields]
    for name in shown:
        form.add_error(name, str(error.message))
    if not shown:
        form.add_error(None, str(error.message))


# --- the list ------------------------------------------------------------------------------------


@official_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    keys = selectors.incoming_queues_for(user)
    queue = request.GET.get("queue", "")
    if queue not in keys:
        queue = selectors.incoming_default_queue(user)
    form = IncomingFilterForm(request.GET or None)
    filters = form.filters()
    page = selectors.incoming_list(user, queue=queue, filters=filters, page=request.GET.get("page"))
    counts = selectors.incoming_queue_counts(user, filters=filters)
    query = request.GET.copy()
    for name in ("queue", "page"):
        query.pop(name, None)
    kept = {k: str(v) for k, v in query.items() if v}
    labels = dict(selectors.QUEUES)
    tabs = [
        {
            "key": key,
            "label": labels[key],
            "count": counts[key],
            "query": urlencode({"queue": key, **kept}),
        }
        for key in keys
    ]
    today = timezone.localdate()
    context = {
        "queue": queue,
        "queue_label": labels[queue],
        "tabs": tabs,
        "form": form,
        "filters_open": form.active() or bool(form.errors),
        "page": page,
        "rows": [(d, d.is_overdue(today)) for d in page],
        "page_query": urlencode({"queue": queue, **kept}),
        "can_register_paper": selectors.incoming_register_organisations(user).exists(),
        "searching": bool(filters.text) or form.active(),
        "downloads": _register_downloads(user, filters) if queue == "all" else [],
    }
    return render(request, "documents/incoming/list.html", context)


def _register_downloads(
    user: Any, filters: selectors.IncomingFilters
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The statutory registers of what the list shows (.xlsx, PDF): the incoming register and
    the processing tracker of the reader's agency, with the same filters."""
    from motcua.documents.selectors_registers import register_agency_of

    agency = register_agency_of(user, RegisterKind.INCOMING)
    if not policies.can_view_registers(user, agency):
        return []
    values = {
        "q": filters.text,
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "type": filters.document_type,
        "urgency": filters.urgency,
        "state": filters.state,
    }
    query = urlencode({k: v for k, v in values.items() if v})
    titles = {"incoming": _("Incoming register"), "tracker": _("Processing tracker")}
    links = []
    for name, title in titles.items():
        formats = []
        for fmt, fmt_label in (("xlsx", "Excel"), ("pdf", "PDF")):
            url = reverse("documents:register_download", kwargs={"name": name, "fmt": fmt})
            formats.append((fmt_label, f"{url}?{query}" if query else url))
        links.append((title, formats))
    return links


# --- one document --------------------------------------------------------------------------------


@dataclass
class Detail:
    label: str
    value: Any
    kind: str = "text"  # "text", "date", "list" or "link"
    href: str = ""


@dataclass
class TimelineEntry:
    at: dt.datetime
    label: str
    actor: str
    change: str
    note: str
    details: list[Detail]
    action: str


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _event_details(data: dict[str, Any]) -> list[Detail]:
    details: list[Detail] = []
    if data.get("arrival_number"):
        details.append(Detail(_("Arrival number"), data["arrival_number"]))
    if data.get("source"):
        details.append(Detail(_("Received as"), choice_label(Source, data["source"])))
    if data.get("channel"):
        details.append(Detail(_("Received through"), choice_label(Channel, data["channel"])))
    if data.get("signature"):
        details.append(Detail(_("Signature"), choice_label(SignatureVerdict, data["signature"])))
    if data.get("lead_unit"):
        details.append(Detail(_("Lead unit"), data["lead_unit"]))
    if data.get("lead_official"):
        details.append(Detail(_("Lead official"), data["lead_official"]))
    if data.get("co_units"):
        details.append(Detail(_("Co-units"), list(data["co_units"]), "list"))
    if data.get("deadline"):
        details.append(Detail(_("Deadline"), _date(data["deadline"]), "date"))
    if data.get("reply"):
        href = (
            _url("documents:outgoing_detail", data["outgoing_id"])
            if data.get("outgoing_id")
            else ""
        )
        details.append(Detail(_("Reply"), data["reply"], "link" if href else "text", href))
    for key in ("by", "updated_by"):
        if data.get(key):
            href = reverse("documents:incoming_detail", args=[data[key]])
            details.append(Detail(_("By the sender's document"), _("open"), "link", href))
    if data.get("overdue") is not None and data.get("day"):
        details.append(
            Detail(_("Reminder"), _("overdue") if data["overdue"] else _("deadline near"))
        )
    return details


# What each event reads as on the timeline (the action's own label otherwise).
EVENT_LABELS: dict[str, Any] = {
    A.RECEIVE: gettext_lazy("Document received"),
    A.NOTE: gettext_lazy("Progress noted"),
    A.REGISTER: gettext_lazy("Entered in the incoming register"),
    A.ASSIGN: gettext_lazy("Assignment"),
    A.FINISH: gettext_lazy("Processing finished"),
    A.REPLY: gettext_lazy("Reply issued"),
    A.REMIND: gettext_lazy("Deadline reminder sent"),
    "file_add": gettext_lazy("Put in a document file"),  # services.files
    "file_remove": gettext_lazy("Taken out of a document file"),
}


def _timeline(document: IncomingDocument) -> list[TimelineEntry]:
    entries = []
    for event in selectors.incoming_events(document):
        change = ""
        if event.to_state and event.to_state != event.from_state:
            before = choice_label(S, event.from_state) if event.from_state else ""
            after = choice_label(S, event.to_state)
            change = f"{before} → {after}" if before else after
        entries.append(
            TimelineEntry(
                at=event.at,
                label=str(EVENT_LABELS.get(event.action) or choice_label(A, event.action)),
                actor=event.actor_name or (_("the system") if event.actor_id is None else ""),
                change=change,
                note=event.note,
                details=_event_details(event.data or {}),
                action=event.action,
            )
        )
    return entries


SIGNATURE_ROLES: dict[str, Any] = {
    "person": gettext_lazy("Signer's signature"),
    "organisation": gettext_lazy("Organisation's signature"),
}
VERDICT_CSS: dict[str, str] = {
    SignatureVerdict.VALID: "early",
    SignatureVerdict.INVALID: "late",
    SignatureVerdict.INDETERMINATE: "risk",
}
DEFAULT_REASONS: dict[str, Any] = {
    SignatureVerdict.NONE: gettext_lazy("The file carries no digital signature."),
    SignatureVerdict.NOT_CHECKED: gettext_lazy("The signatures of this file were not checked."),
}


@dataclass
class SignatureLine:
    role: str
    signer: str
    signed_at: dt.datetime | None
    verdict: str
    label: str
    css: str
    reason: str


@dataclass
class SignatureView:
    verdict: str
    label: str
    css: str
    reason: str
    signatures: list[SignatureLine] = field(default_factory=list)


def _translated(text: Any) -> str:
    """A reason as stored by the verification (translated when it was stored in English)."""
    return _(str(text)) if text else ""


def signature_view(verdict: str, report: dict[str, Any] | None) -> SignatureView:
    report = report or {}
    reason = _translated(report.get("reason")) or str(DEFAULT_REASONS.get(verdict, ""))
    lines = []
    for item in report.get("signatures") or []:
        line_verdict = str(item.get("verdict") or "")
        problems = [_translated(p) for p in item.get("problems") or []]
        lines.append(
            SignatureLine(
                role=str(SIGNATURE_ROLES.get(str(item.get("role")), _("Signature"))),
                signer=" — ".join(
                    p for p in (item.get("signer_name"), item.get("organisation")) if p
                ),
                signed_at=_time(item.get("signed_at")),
                verdict=line_verdict,
                label=choice_label(SignatureVerdict, line_verdict),
                css=VERDICT_CSS.get(line_verdict, ""),
                reason=" ".join(problems) or _translated(item.get("reason")),
            )
        )
    return SignatureView(
        verdict=verdict,
        label=choice_label(SignatureVerdict, verdict),
        css=VERDICT_CSS.get(verdict, ""),
        reason=reason,
        signatures=lines,
    )


@dataclass
class FileRow:
    file: IncomingFile
    url: str
    signature: SignatureView


@dataclass
class StatusRow:
    code: str
    label: str
    description: str
    at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str


# --- the actions on the page ---------------------------------------------------------------------


@dataclass
class Panel:
    action: str
    label: str
    form: forms.Form
    open: bool = False
    danger: bool = False


ACTION_POLICY = {
    "assign": (A.ASSIGN, policies.can_assign),
    "note": (A.NOTE, policies.can_process),
    "finish": (A.FINISH, policies.can_finish),
    "return": (A.RETURN, policies.can_return_incoming),
}


def _panel_label(action: str, document: IncomingDocument) -> str:
    if action == "assign":
        return _("Change the assignment") if document.lead_unit_id else _("Assign")
    if action == "finish":
        if document.state == S.REGISTERED:
            return _("File for information (nothing to process)")
        return _("Finish processing")
    if action == "note":
        return _("Add a progress note")
    return _("Return to the sender")


def _action_form(action: str, document: IncomingDocument, data: Any = None) -> forms.Form:
    if action == "assign":
        return AssignForm(
            data,
            prefix=action,
            units=selectors.incoming_assignable_units(document),
            officials=selectors.incoming_assignable_officials(document),
            agency=document.organisation,
            initial=AssignForm.initial_from(document),
        )
    form_class = {"note": NoteForm, "finish": FinishForm, "return": ReturnForm}[action]
    return form_class(data, prefix=action)


def _allowed_actions(user: Any, document: IncomingDocument) -> list[str]:
    allowed = transitions.incoming_allowed(document.state)
    return [
        action
        for action, (transition, can) in ACTION_POLICY.items()
        if transition in allowed and can(user, document)
    ]


def _render_detail(
    request: HttpRequest,
    document: IncomingDocument,
    *,
    failed: forms.Form | None = None,
    failed_action: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    panels = []
    for action in _allowed_actions(user, document):
        form = failed if action == failed_action and failed is not None else None
        panels.append(
            Panel(
                action=action,
                label=_panel_label(action, document),
                form=form or _action_form(action, document),
                open=form is not None,
                danger=action == "return",
            )
        )
    files = [
        FileRow(
            file=f,
            url=reverse("documents:incoming_file", args=[document.pk, f.pk]),
            signature=signature_view(f.signature_verdict, f.signature_report),
        )
        for f in selectors.incoming_files(document)
    ]
    statuses = [
        StatusRow(
            code=s.status_code,
            label=choice_label(DeliveryStatus, s.status_code),
            description=s.description,
            at=s.at,
            sent_at=s.sent_at,
            attempts=s.attempts,
            last_error=s.last_error,
        )
        for s in selectors.incoming_statuses_sent(document)
    ]
    replies = [
        (reply, _url("documents:outgoing_detail", reply.pk))
        for reply in selectors.incoming_replies(document, user)
    ]
    can_reply = (
        A.REPLY in transitions.incoming_allowed(document.state)
        and policies.can_finish(user, document)
        and policies.can_draft(user, document.organisation)
    )
    in_reply_to = document.in_reply_to
    context = {
        "document": document,
        "overdue": document.is_overdue(today),
        "signature": signature_view(document.signature_verdict, document.signature_report),
        "files": files,
        "timeline": _timeline(document),
        "notes": selectors.incoming_notes(document),
        "co_units": selectors.incoming_co_units(document),
        "replies": replies,
        "statuses": statuses,
        "electronic": document.source != Source.PAPER and bool(document.document_id),
        "panels": panels,
        "summary": error_summary(failed) if failed is not None else [],
        "register_url": reverse("documents:incoming_register", args=[document.pk])
        if document.state == S.RECEIVED and policies.can_register(user, document.organisation)
        else "",
        "reply_url": _url("documents:outgoing_new", query={"response_for": document.pk})
        if can_reply
        else "",
        "in_reply_to": in_reply_to,
        "in_reply_to_url": _url("documents:outgoing_detail", in_reply_to.pk)
        if in_reply_to is not None and policies.can_view_outgoing(user, in_reply_to)
        else "",
    }
    return render(request, "documents/incoming/detail.html", context, status=status)


@official_required
@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.incoming_get_for_viewer(request.user, pk)
    return _render_detail(request, document)


def _run(action: str, document: IncomingDocument, actor: Any, data: dict[str, Any]) -> str:
    """One service call; the message to show after it."""
    if action == "assign":
        document = services.incoming_assign(
            actor=actor,
            document=document,
            lead_unit=data["lead_unit"],
            co_units=list(data.get("co_units") or []),
            lead_official=data.get("lead_official"),
            deadline=data.get("deadline"),
            instructions=data.get("instructions") or "",
        )
        return _("Assigned to %(unit)s.") % {"unit": data["lead_unit"].name}
    if action == "note":
        services.incoming_note(
            actor=actor, document=document, text=data["text"], percent=data.get("percent")
        )
        return _("Progress note saved.")
    if action == "finish":
        services.incoming_finish(actor=actor, document=document, note=data.get("note") or "")
        return _("The document is finished.")
    services.incoming_return(actor=actor, document=document, reason=data["reason"])
    return _("The document was returned to the sender.")


@official_required
@require_POST
def incoming_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTION_POLICY:
        raise NotFound(_("There is no such action."))
    user = request.user
    document = selectors.incoming_get_for_viewer(user, pk)
    _transition, can = ACTION_POLICY[action]
    if not can(user, document):
        raise PermissionDenied(_("You may not do this on this document."))
    form = _action_form(action, document, request.POST)
    if not form.is_valid():
        return _render_detail(request, document, failed=form, failed_action=action, status=422)
    try:
        message = _run(action, document, user, form.cleaned_data)
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect("documents:incoming_detail", pk=document.pk)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        _show_errors(form, exc)
        fresh = selectors.incoming_get_for_viewer(user, pk)
        return _render_detail(
            request, fresh, failed=form, failed_action=action, status=exc.http_status
        )
    messages.success(request, message)
    return redirect("documents:incoming_detail", pk=document.pk)


# --- registration --------------------------------------------------------------------------------


@official_required
@require_http_methods(["GET", "POST"])
def incoming_register(request: HttpRequest, pk: int) -> HttpResponse:
    """A received document (e-mail, not yet registered): the clerk checks and corrects what was
    read from it, sees its signatures, and registers it."""
    user = request.user
    document = selectors.incoming_get_for_viewer(user, pk)
    if not policies.can_register(user, document.organisation):
        raise PermissionDenied(
            _("Only a clerk of the receiving agency may register its documents.")
        )
    if document.state != S.RECEIVED:
        messages.info(request, _("This document is already registered or closed."))
        return redirect("documents:incoming_detail", pk=document.pk)
    form = IncomingMetadataForm(
        request.POST if request.method == "POST" else None,
        initial=IncomingMetadataForm.initial_from(document),
    )
    status = 200
    if form.is_valid():
        try:
            document = services.incoming_register(
                actor=user, document=document, fields=_fields(form.cleaned_data)
            )
        except (PermissionDenied, NotFound):
            raise
        except DomainError as exc:
            _show_errors(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request,
                _("Registered with arrival number %(number)s.")
                % {"number": document.arrival_number},
            )
            return redirect("documents:incoming_detail", pk=document.pk)
    elif form.is_bound:
        status = 422
    files = [
        FileRow(
            file=f,
            url=reverse("documents:incoming_file", args=[document.pk, f.pk]),
            signature=signature_view(f.signature_verdict, f.signature_report),
        )
        for f in selectors.incoming_files(document)
    ]
    context = {
        "document": document,
        "form": form,
        "files": files,
        "summary": error_summary(form),
        "signature": signature_view(document.signature_verdict, document.signature_report),
    }
    return render(request, "documents/incoming/register.html", context, status=status)


def _uploads(form: PaperRegisterForm) -> list[FileInput]:
    """The uploaded files, each checked by its content (type, size); a refused one is an
    error on the files field (ValidationFailed from the check)."""
    files = []
    for upload in form.cleaned_data.get("scans") or []:
        checked = check_upload(upload, field="scans")
        upload.seek(0)
        files.append(FileInput(upload.name or "scan", upload.read(), checked.content_type))
    return files


@official_required
@require_http_methods(["GET", "POST"])
def incoming_register_paper(request: HttpRequest) -> HttpResponse:
    """A paper document: the clerk uploads the scan and types its metadata in."""
    user = request.user
    organisations = selectors.incoming_register_organisations(user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Only a clerk of the receiving agency may register its documents.")
        )
    bound = request.method == "POST"
    form = PaperRegisterForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        organisations=organisations,
        initial={"organisation": getattr(user, "organisation_id", None)},
    )
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.incoming_register_paper(
                actor=user,
                organisation=form.receiving_agency(),
                fields=_fields(data),
                files=_uploads(form),
                arrival_date=data.get("arrival_date"),
            )
        except (PermissionDenied, NotFound):
            raise
        except DomainError as exc:
            _show_errors(form, exc, aliases={"files": "scans"})
            status = exc.http_status
        else:
            messages.success(
                request,
                _("Registered with arrival number %(number)s.")
                % {"number": document.arrival_number},
            )
            return redirect("documents:incoming_detail", pk=document.pk)
    elif bound:
        status = 422
    context = {"form": form, "summary": error_summary(form)}
    return render(request, "documents/incoming/register_paper.html", context, status=status)


# --- files ---------------------------------------------------------------------------------------


@official_required
@require_GET
def incoming_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A received file, for those who may see its document (never the raw media URL)."""
    row = IncomingFile.objects.select_related("document").filter(pk=file_pk, document_id=pk).first()
    if row is None or not policies.can_view_incoming(request.user, row.document):
        raise NotFound(_("There is no such file."))
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("There is no such file.")) from exc
    inline = row.content_type in ("application/pdf", "image/jpeg", "image/png")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=row.file_name,
        content_type=row.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the documents home --------------------------------------------------------------------------

INCOMING_TILES = ("to_register", "to_assign", "to_process", "overdue")


@dataclass
class Tile:
    key: str
    label: str
    count: int
    url: str


def _outgoing_tiles(user: Any) -> list[Tile]:
    """The outgoing queues that ask for the user's action (those of their tabs: a report viewer
    has none), with their counts."""
    from motcua.documents import selectors_outgoing

    labels = dict(selectors_outgoing.OUTGOING_QUEUES)
    base = reverse("documents:outgoing_list")
    counts = selectors_outgoing.outgoing_queue_counts(user)
    return [
        Tile(key, str(labels[key]), int(counts.get(key, 0)), f"{base}?{urlencode({'queue': key})}")
        for key in selectors_outgoing.queues_for(user, counts)
        if key in selectors_outgoing.WORK_QUEUES
    ]


@official_required
@require_GET
def documents_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = selectors.incoming_queue_counts(user)
    list_url = reverse("documents:incoming_list")
    labels = dict(selectors.QUEUES)
    incoming = [
        Tile(key, str(labels[key]), counts[key], f"{list_url}?queue={key}")
        for key in selectors.incoming_queues_for(user)
        if key in INCOMING_TILES
    ]
    context = {
        "incoming": incoming,
        "outgoing": _outgoing_tiles(user),
        "register_total": counts["all"],
        "can_register_paper": selectors.incoming_register_organisations(user).exists(),
        "outgoing_list_url": _url("documents:outgoing_list"),
        "outgoing_new_url": _url("documents:outgoing_new") if _can_draft(user) else "",
    }
    return render(request, "documents/home.html", context)


def _can_draft(user: Any) -> bool:
    from motcua.documents import selectors_outgoing

    return bool(selectors_outgoing.issuing_agencies_for(user))
