"""The online submission wizard, one thing per page: case and place → applicant → papers →
check your answers → submit → confirmation. The draft is saved at every step and can be
resumed from "My dossiers"; submitting consumes the draft's one-time token."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from motcua.core.qr import qr_svg
from motcua.dossiers import drafts
from motcua.dossiers.draft_models import Draft
from motcua.dossiers.enums import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing.forms import public_tracking_url
from motcua.dossiers.uploads import ALLOWED_LABEL
from motcua.portal import selectors
from motcua.portal.forms import ApplicantForm, CaseForm, UploadForm, add_domain_errors
from motcua.portal.views._common import citizen_required, no_store
from motcua.procedures.selectors import procedure_get_by_code

STEPS = ("case", "applicant", "papers", "check")


def _step_url(draft: Draft, step: str) -> str:
    return reverse(f"portal:draft_{step}", kwargs={"draft_id": draft.pk})


def _next_step(draft: Draft) -> str:
    problems = drafts.draft_problems(draft)
    for step in STEPS[:-1]:
        if step in problems:
            return step
    return "check"


def _context(draft: Draft, step: str, **extra: Any) -> dict[str, Any]:
    version = drafts.draft_version(draft)
    problems = drafts.draft_problems(draft)
    return {
        "draft": draft,
        "version": version,
        "step": step,
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        "problems": problems,
        **extra,
    }


def _load(request: HttpRequest, draft_id: Any) -> Draft:
    draft = drafts.draft_get(draft_id=draft_id, user=request.user)
    if draft.status != "open":
        if draft.dossier_id is not None:
            raise _Submitted(draft)
        raise Conflict(_("This draft has already been submitted."))
    return draft


class _Submitted(Exception):
    def __init__(self, draft: Draft) -> None:
        self.draft = draft


def _submitted_redirect(exc: _Submitted) -> HttpResponse:
    dossier_id = exc.draft.dossier_id
    dossier = Dossier.objects.filter(pk=dossier_id).first() if dossier_id is not None else None
    if dossier is None:
        raise NotFound(_("The dossier of this draft no longer exists."))
    return redirect("portal:confirmation", code=dossier.code)


def _open_draft(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view(request, draft, ...)` gets the applicant's open draft named by `draft_id`; a draft
    already submitted sends the applicant to its dossier's confirmation instead."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, draft_id: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            draft = _load(request, draft_id)
        except _Submitted as exc:
            return _submitted_redirect(exc)
        return view(request, draft, *args, **kwargs)

    return wrapper


# --- start ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit_start(request: HttpRequest, code: str) -> HttpResponse:
    """GET: what you need before you start. POST (logged in): create or resume the draft."""
    procedure = procedure_get_by_code(code)
    if request.method == "POST":
        return _start(request, code)  # type: ignore[return-value]
    version = procedure.current_version
    context: dict[str, Any] = {
        "procedure": procedure,
        "version": version,
        "allowed_types": ALLOWED_LABEL,
    }
    try:
        drafts.online_version(code)
    except ValidationFailed as exc:
        context["not_online"] = exc.message
    return render(request, "portal/submit_start.html", context)


@citizen_required
def _start(request: HttpRequest, code: str) -> HttpResponse:
    draft = drafts.draft_start(user=request.user, procedure_code=code)
    # The applicant step is always shown once, to confirm what the profile filled in.
    first = "case" if "case" in drafts.draft_problems(draft) else "applicant"
    return redirect(_step_url(draft, first))


@citizen_required
@require_GET
@_open_draft
def draft_resume(request: HttpRequest, draft: Draft) -> HttpResponse:
    return redirect(_step_url(draft, _next_step(draft)))


@citizen_required
@require_http_methods(["GET", "POST"])
def draft_delete(request: HttpRequest, draft_id: Any) -> HttpResponse:
    """GET (or a POST without the confirmation): ask first, saying what will be lost; a POST
    with confirm=yes deletes the draft and its files."""
    draft = drafts.draft_get(draft_id=draft_id, user=request.user)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        drafts.draft_discard(draft=draft, user=request.user)
        messages.success(request, _("The draft has been deleted."))
        return redirect("portal:my_dossiers")
    context = {
        "draft": draft,
        "version": drafts.draft_version(draft),
        "file_count": draft.files.count(),
    }
    return no_store(render(request, "portal/draft_delete.html", context))


# --- step 1: case and receiving unit ---------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
@_open_draft
def draft_case(request: HttpRequest, draft: Draft) -> HttpResponse:
    version = drafts.draft_version(draft)
    all_cases = drafts.draft_cases(version)
    # A procedure with one case asks nothing about it (its case is chosen for the applicant).
    cases = [(c.code, c.name or c.code) for c in all_cases] if len(all_cases) > 1 else []
    applicant = draft.applicant if isinstance(draft.applicant, dict) else {}
    desks, suggested = selectors.desk_choices(version, address=str(applicant.get("address") or ""))
    units = [(d.code, d.name) for d in desks]
    chosen = draft.receiving_unit.agency_code if draft.receiving_unit else suggested
    initial = {"case": draft.case_code, "receiving_unit": chosen}
    form = CaseForm(request.POST or None, initial=initial, cases=cases, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            case_code = form.cleaned_data.get("case") or ""
            if not cases and len(all_cases) == 1:
                case_code = all_cases[0].code
            try:
                draft = drafts.draft_set_case(
                    draft=draft,
                    user=request.user,
                    case_code=case_code,
                    unit_code=form.cleaned_data["receiving_unit"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                return redirect(_step_url(draft, "applicant"))
        status = 422
    selected = form["receiving_unit"].value() or chosen
    context = _context(
        draft, "case", form=form, desks=desks, selected_desk=selected, suggested_desk=suggested
    )
    return no_store(render(request, "portal/wizard_case.html", context, status=status))


# --- step 2: applicant -----------------------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
@_open_draft
def draft_applicant(request: HttpRequest, draft: Draft) -> HttpResponse:
    form = ApplicantForm(request.POST or None, initial=draft.applicant or {})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = drafts.draft_set_applicant(
                    draft=draft, user=request.user, data=form.cleaned_data
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                return redirect(_step_url(draft, "papers"))
        status = 422
    return no_store(
        render(
            request,
            "portal/wizard_applicant.html",
            _context(draft, "applicant", form=form),
            status=status,
        )
    )


# --- step 3: papers --------------------------------------------------------------------------


def _paper_rows(draft: Draft, failed: UploadForm | None = None) -> list[dict[str, Any]]:
    staged = {f.paper_id: f for f in draft.files.all()}
    rows = []
    for paper in drafts.draft_papers(draft):
        form = failed if failed is not None and failed.data.get("paper") == str(paper.pk) else None
        rows.append(
            {
                "paper": paper,
                "file": staged.get(paper.pk),
                "form": form
                or UploadForm(initial={"paper": paper.pk}, auto_id=f"id_p{paper.pk}_%s"),
            }
        )
    return rows


@citizen_required
@require_http_methods(["GET", "POST"])
@_open_draft
def draft_papers(request: HttpRequest, draft: Draft) -> HttpResponse:
    """Each paper has its own small upload form, so a failed upload never loses the others."""
    failed: UploadForm | None = None
    summary: list[tuple[str, str]] = []
    if request.method == "POST":
        paper_id = request.POST.get("paper", "")
        form = UploadForm(request.POST, request.FILES, auto_id=f"id_p{paper_id}_%s")
        if form.is_valid():
            try:
                drafts.draft_attach(
                    draft=draft,
                    user=request.user,
                    paper_id=form.cleaned_data["paper"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(request, _("The file has been uploaded."))
                return redirect(_step_url(draft, "papers"))
        failed = form
        summary = [(f"id_p{paper_id}_file", str(e)) for e in form.errors.get("file", [])]
        summary += [("", str(e)) for e in form.non_field_errors()]
        if not summary:
            summary = [("", _("The upload did not work. Try again."))]
    elif request.GET.get("continue") == "1":
        problems = drafts.draft_problems(draft)
        if "papers" in problems:
            summary = [("papers", problems["papers"])]
        else:
            return redirect(_step_url(draft, "check"))
    draft.refresh_from_db()
    context = _context(
        draft,
        "papers",
        rows=_paper_rows(draft, failed),
        summary=summary,
        allowed_types=ALLOWED_LABEL,
        max_bytes=int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)),
    )
    status = 422 if summary else 200
    return no_store(render(request, "portal/wizard_papers.html", context, status=status))


@citizen_required
@require_POST
@_open_draft
def draft_paper_remove(request: HttpRequest, draft: Draft, file_id: int) -> HttpResponse:
    drafts.draft_detach(draft=draft, user=request.user, file_id=file_id)
    messages.success(request, _("The file has been removed."))
    return redirect(_step_url(draft, "papers"))


# --- step 4: check and submit ----------------------------------------------------------------


@citizen_required
@require_GET
@_open_draft
def draft_check(request: HttpRequest, draft: Draft) -> HttpResponse:
    return no_store(render(request, "portal/wizard_check.html", _check_context(draft)))


def _check_context(draft: Draft, **extra: Any) -> dict[str, Any]:
    version = drafts.draft_version(draft)
    limit = version.time_limit_for(2, drafts.draft_case(draft))
    fee = version.fee_for(2, drafts.draft_case(draft))
    return _context(
        draft,
        "check",
        case=drafts.draft_case(draft),
        rows=_paper_rows(draft),
        time_limit=limit,
        fee=fee,
        **extra,
    )


@citizen_required
@require_POST
def draft_submit(request: HttpRequest, draft_id: Any) -> HttpResponse:
    token = request.POST.get("token", "")
    try:
        dossier = drafts.draft_submit(draft_id=draft_id, user=request.user, token=token)
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:draft_resume", draft_id=draft_id)
    except ValidationFailed as exc:
        draft = drafts.draft_get(draft_id=draft_id, user=request.user)
        errors = [(step, msg) for step, msg in exc.fields.items()] or [("", str(exc.message))]
        context = _check_context(draft, summary=errors)
        return no_store(render(request, "portal/wizard_check.html", context, status=422))
    return redirect("portal:confirmation", code=dossier.code)


# --- confirmation --------------------------------------------------------------------------------


def tracking_url(request: HttpRequest, code: str) -> str:
    if getattr(settings, "MOTCUA_PUBLIC_BASE_URL", ""):
        return public_tracking_url(code)
    return request.build_absolute_uri(reverse("portal:tracking", kwargs={"code": code}))


def dossier_for_owner(request: HttpRequest, code: str) -> Dossier:
    dossier = selectors.dossier_get_for_owner(code, request.user)
    if dossier is None:
        raise NotFound(_("No dossier has the code “%(code)s” in your account.") % {"code": code})
    return dossier


@citizen_required
@require_GET
def confirmation(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_for_owner(request, code)
    url = tracking_url(request, dossier.code)
    context = {
        "dossier": dossier,
        "tracking_url": url,
        # segno builds the SVG from our own URL and escapes the title.
        "qr": qr_svg(url, size_mm=30, title=_("Track dossier %(code)s") % {"code": dossier.code}),
        "waiting": dossier.status == DossierStatus.SUBMITTED,
        "received": dossier.received_at is not None
        and dossier.status not in (DossierStatus.SUBMITTED, DossierStatus.REFUSED),
    }
    return no_store(render(request, "portal/confirmation.html", context))


@citizen_required
@require_GET
def submission_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """A printable acknowledgement of an online submission (before the desk's receipt, form 01)."""
    dossier = dossier_for_owner(request, code)
    url = tracking_url(request, dossier.code)
    context = {
        "dossier": dossier,
        "components": list(
            selectors.dossier_components_for_owner(dossier).filter(kind="submission")
        ),
        "tracking_url": url,
        "qr": qr_svg(url, size_mm=26, title=_("Track dossier %(code)s") % {"code": dossier.code}),
    }
    return no_store(render(request, "portal/submission_receipt.html", context))
