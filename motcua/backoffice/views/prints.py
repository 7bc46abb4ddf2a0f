"""Printing: a dossier's forms 01–06 as PDF and a unit's tracking book (form 07) as PDF or
XLSX.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.backoffice import selectors
from motcua.backoffice.views._common import official_required
from motcua.core.errors import ValidationFailed
from motcua.dossiers import selectors as dossier_selectors
from motcua.organisations.selectors import organisation_get_by_code

# --- prints ------------------------------------------------------------------------------------


def _pdf(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    inline = content_type == "application/pdf"
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


@official_required
@require_GET
def dossier_form_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """Forms 01–06 of a dossier as PDF, inline (printing refuses a form that does not apply)."""
    from motcua.dossiers import printing  # lazily: WeasyPrint is heavy to import

    dossier = dossier_selectors.dossier_get_for_viewer(code, request.user)
    content = printing.render_form(dossier, form, request=request)
    return _pdf(content, printing.form_filename(dossier, form))


def _date_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw},
            fields={name: _("expected YYYY-MM-DD")},
        ) from exc


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@official_required
@require_GET
def tracking_book(request: HttpRequest, agency_code: str, fmt: str) -> HttpResponse:
    """Form 07 of a unit for ?from=&to= (this month so far by default), as PDF or XLSX."""
    from motcua.dossiers import printing  # lazily: WeasyPrint is heavy to import

    unit = organisation_get_by_code(agency_code)
    if not selectors.unit_in_scope(request.user, unit):
        raise PermissionDenied("unit outside scope")
    today = timezone.localdate()
    date_from = _date_param(request, "from", today.replace(day=1))
    date_to = _date_param(request, "to", today)
    if date_to < date_from:
        raise ValidationFailed(_("“to” is before “from”."), fields={"to": _("before from")})
    if fmt == "xlsx":
        content = printing.render_tracking_book_xlsx(unit, date_from, date_to)
        filename = printing.tracking_book_filename(unit, date_from, date_to, "xlsx")
        return _pdf(content, filename, XLSX)
    content = printing.render_tracking_book_pdf(unit, date_from, date_to)
    return _pdf(content, printing.tracking_book_filename(unit, date_from, date_to, "pdf"))


@official_required
@require_GET
def tracking_book_go(request: HttpRequest) -> HttpResponse:
    """The no-JS form on the workspace page: unit, period and format → the book's address."""
    unit = organisation_get_by_code(request.GET.get("unit", ""))
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
    url = reverse("backoffice:tracking_book", kwargs={"agency_code": unit.agency_code, "fmt": fmt})
    params = {k: request.GET[k] for k in ("from", "to") if request.GET.get(k)}
    return redirect(f"{url}?{urlencode(params)}" if params else url)
