"""Correcting a filed dossier's applicant details from the officials' dossier page.

Each dossier keeps the applicant's details it was filed with (`motcua.dossiers.applicants`).
The receiving desk's counter officer may correct a mistake in them while the dossier has not
ended, giving a reason. The form is shown only to whom `policies.can_correct_applicant` allows;
the service checks again. A refusal keeps what was typed and saves nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import _add_error, official_required
from motcua.backoffice.views._dossier_page import PREFIX, ApplicantCorrectionForm, _render_dossier
from motcua.core.errors import DomainError
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.applicants import dossier_correct_applicant
from motcua.dossiers.policies import ensure_can_correct_applicant
from motcua.dossiers.services import ApplicantInput


@official_required
@require_POST
def dossier_applicant_correct(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    try:
        ensure_can_correct_applicant(request.user, dossier)  # the service checks again
    except DomainError as exc:
        return _render_dossier(request, dossier, error=exc, status=exc.http_status)
    form = ApplicantCorrectionForm(request.POST, prefix=PREFIX)
    if not form.is_valid():
        return _render_dossier(request, dossier, correction=form, status=422)
    data = form.cleaned_data
    changes = ApplicantInput(
        full_name=data["full_name"],
        id_number=data["id_number"],
        kind=data["kind"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
    )
    try:
        dossier_correct_applicant(
            dossier=dossier, actor=request.user, changes=changes, reason=data["reason"]
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        for key, message in exc.fields.items():
            _add_error(form, key.rsplit(".", 1)[-1], message)
        fresh = dossier_selectors.dossier_get_by_code(dossier.code)
        return _render_dossier(request, fresh, correction=form, status=exc.http_status)
    messages.success(
        request,
        _("The applicant's details of dossier %(code)s were corrected.") % {"code": dossier.code},
    )
    return redirect("backoffice:dossier", code=dossier.code)
