"""My dossiers: the list, a dossier's page with its timeline, and what the applicant can do:
answer a supplement request, withdraw, receive and download the result, rate, send feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers import transitions
from motcua.dossiers.enums import (
    Action,
    ComponentKind,
    DeliveryMethod,
    DossierStatus,
    EventKind,
    event_label,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import dossier_events
from motcua.feedback import policies as feedback_policies
from motcua.feedback import selectors as feedback_selectors
from motcua.feedback import services as feedback_services
from motcua.portal import selectors
from motcua.portal.forms import (
    FeedbackForm,
    RatingForm,
    SupplementForm,
    WithdrawForm,
    add_domain_errors,
)
from motcua.portal.views._common import citizen_required, no_store, paginate
from motcua.portal.views.wizard import dossier_for_owner, tracking_url

S = DossierStatus
# Notes the officials write for these actions are addressed to the applicant; others may be
# internal working notes and are not shown on the portal.
APPLICANT_NOTES = {
    Action.REFUSE,
    Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT,
    Action.REQUEST_PAYMENT,
    Action.EXTEND,
    Action.STOP,
    Action.WITHDRAW,
    EventKind.CORRECT_APPLICANT,  # the reason for correcting their details
}
RESULT_VISIBLE = (S.DELIVERED,)


@citizen_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.dossier_list_for_owner(request.user), per_page=20)
    context = {"page": page, "drafts": selectors.draft_list_open_with_removal(request.user)}
    return no_store(render(request, "portal/my_dossiers.html", context))


@dataclass
class Entry:
    event: DossierEvent
    label: str
    status_label: str
    note: str
    missing: list[str]
    appointment: Any


def _timeline(dossier: Dossier) -> list[Entry]:
    entries = []
    for event in dossier_events(dossier):
        data = event.data or {}
        entries.append(
            Entry(
                event=event,
                label=event_label(event.action),
                status_label=str(S(event.to_status).label) if event.to_status in S.values else "",
                note=event.note if event.action in APPLICANT_NOTES else "",
                missing=list(data.get("missing") or []),
                appointment=data.get("new_appointment_at")
                if event.action == Action.EXTEND
                else None,
            )
        )
    return entries


def _missing(dossier: Dossier) -> list[str]:
    event = dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-id").first()
    return list((event.data or {}).get("missing") or []) if event else []


def _dossier_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    components = list(selectors.dossier_components_for_owner(dossier))
    rating = feedback_selectors.rating_get_for_dossier(dossier)
    return {
        "dossier": dossier,
        "timeline": _timeline(dossier),
        "submitted_files": [c for c in components if c.kind != ComponentKind.RESULT],
        "result_files": [c for c in components if c.kind == ComponentKind.RESULT and c.file],
        "result_visible": dossier.status in RESULT_VISIBLE,
        "can_withdraw": transitions.allowed(dossier.status, Action.WITHDRAW),
        "can_supplement": dossier.status == S.SUPPLEMENT_REQUESTED,
        "can_receive": dossier.status == S.RESULT_READY,
        "can_rate": feedback_policies.can_rate(request.user, dossier) and rating is None,
        "rating": rating,
        "feedback": list(feedback_selectors.feedback_list_for_dossier(dossier)),
        "missing": _missing(dossier) if dossier.status == S.SUPPLEMENT_REQUESTED else [],
        "received": dossier.received_at is not None
        and dossier.status not in (S.SUBMITTED, S.REFUSED),
        "tracking_url": tracking_url(request, dossier.code),
        "supplement_form": extra.pop("supplement_form", None) or SupplementForm(),
        "fee_due": dossier.fee_amount and dossier.fee_paid_at is None,
        **extra,
    }


@citizen_required
@require_GET
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_for_owner(request, code)
    return no_store(render(request, "portal/my_dossier.html", _dossier_context(request, dossier)))


@citizen_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_for_owner(request, code)
    form = SupplementForm(request.POST, request.FILES)
    if form.is_valid():
        components = [
            dossier_services.ComponentInput(name=upload.name or _("Paper"), file=upload)
            for upload in form.cleaned_data["papers"]
        ]
        try:
            dossier_services.dossier_supplement(
                dossier=dossier,
                actor=request.user,
                components=components,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(
                "papers" if any(k.startswith("components") for k in exc.fields) else None,
                str(exc.message),
            )
        else:
            messages.success(
                request, _("Your papers have been sent. The processing time runs again.")
            )
            return redirect("portal:my_dossier", code=code)
    dossier.refresh_from_db()
    context = _dossier_context(request, dossier, supplement_form=form)
    return no_store(render(request, "portal/my_dossier.html", context, status=422))


@citizen_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_for_owner(request, code)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                dossier_services.dossier_withdraw(
                    dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Your dossier has been withdrawn."))
                return redirect("portal:my_dossier", code=code)
        status = 422
    can = transitions.allowed(dossier.status, Action.WITHDRAW)
    return no_store(
        render(
            request,
            "portal/withdraw.html",
            {"dossier": dossier, "form": form, "can": can},
            status=status,
        )
    )


@citizen_required
@require_POST
def receive_online(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant takes the result online: the dossier is delivered (method "online")."""
    dossier = dossier_for_owner(request, code)
    try:
        dossier_services.dossier_deliver(
            dossier=dossier, actor=request.user, method=DeliveryMethod.ONLINE
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The result has been delivered to you online. You can download it now.")
        )
    return redirect("portal:my_dossier", code=code)


@citizen_required
@require_GET
def dossier_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A file of the applicant's own dossier: what they submitted, and the result once
    delivered. Never the raw media URL."""
    dossier = dossier_for_owner(request, code)
    component = selectors.dossier_components_for_owner(dossier).filter(pk=pk).first()
    if component is None or not component.file:
        raise Http404("no such file")
    if component.kind == ComponentKind.RESULT and dossier.status not in RESULT_VISIBLE:
        raise Http404("the result has not been delivered yet")
    name = component.original_filename or component.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        component.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=component.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@citizen_required
@require_GET
def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 (receipt and appointment) once the desk has received the dossier."""
    from motcua.dossiers import printing  # lazily: WeasyPrint is heavy to import

    dossier = dossier_for_owner(request, code)
    if dossier.received_at is None or dossier.status in (S.SUBMITTED, S.REFUSED):
        raise ValidationFailed(
            _("The receipt exists once the desk has received your dossier.")
            + " "
            + _("Until then, print the submission receipt."),
            http_status=404,
        )
    content = printing.render_form(dossier, "01", request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, printing.form_filename(dossier, "01")) or "inline"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@citizen_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_for_owner(request, code)
    existing = feedback_selectors.rating_get_for_dossier(dossier)
    if existing is not None:
        messages.info(request, _("You have already rated this dossier. Thank you."))
        return redirect("portal:my_dossier", code=code)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feedback_services.rating_create(
                    actor=request.user,
                    dossier=dossier,
                    level=form.cleaned_data["level"],
                    criteria=form.criteria(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Thank you for rating the service."))
                return redirect("portal:my_dossier", code=code)
        status = 422
    can = feedback_policies.can_rate(request.user, dossier)
    return no_store(
        render(
            request,
            "portal/rate.html",
            {"dossier": dossier, "form": form, "can": can},
            status=status,
        )
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def send_feedback(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_for_owner(request, code)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feedback_services.feedback_create(
                    actor=request.user, dossier=dossier, text=form.cleaned_data["text"]
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your feedback has been sent. The officials' answer will appear here."),
                )
                return redirect("portal:my_dossier", code=code)
        status = 422
    return no_store(
        render(request, "portal/feedback.html", {"dossier": dossier, "form": form}, status=status)
    )
