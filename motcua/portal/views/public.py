"""Public pages, no login: home, procedure search and page, tracking, statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.errors import NotFound
from motcua.core.ratelimit import rate_limit
from motcua.organisations.models import Organisation
from motcua.portal import selectors
from motcua.portal.forms import PeriodForm, SearchForm, TrackingForm
from motcua.portal.oidc import oidc_enabled, oidc_label
from motcua.portal.views._common import paginate
from motcua.procedures.enums import OnlineLevel
from motcua.procedures.models import ProcedureVersion, RequiredPaper
from motcua.procedures.selectors import field_list, procedure_get_by_code, procedure_list

ONLINE = (OnlineLevel.PARTIAL, OnlineLevel.FULL)


def _search_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    current = ProcedureVersion.objects.filter(procedure__current_version=F("pk"))
    fields = [(str(f.pk), f.name) for f in field_list()]
    orgs = (
        Organisation.objects.filter(
            Q(received_procedure_versions__in=current)
            | Q(implemented_procedure_versions__in=current)
        )
        .distinct()
        .order_by("name")
    )
    return fields, [(o.agency_code, o.name) for o in orgs]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    fields, _orgs = _search_choices()
    context = {
        "search_form": SearchForm(fields=fields),
        "tracking_form": TrackingForm(),
        "fields": fields[:12],
        "oidc_enabled": oidc_enabled(),
        "oidc_label": oidc_label(),
    }
    return render(request, "portal/home.html", context)


@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    fields, orgs = _search_choices()
    form = SearchForm(request.GET or None, fields=fields, organisations=orgs)
    results: list = []
    if form.is_valid():
        data = form.cleaned_data
        results = procedure_list(
            q=data["q"],
            field=data["field"] or None,
            level=data["level"] or None,
            organisation=data["organisation"] or None,
            online_level=data["online_level"] or None,
        )
    elif not request.GET:
        results = procedure_list()
    page = paginate(request, results)
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form if request.GET else SearchForm(fields=fields, organisations=orgs),
        "page": page,
        "count": len(results),
        "query": urlencode(params),
        "online_levels": ONLINE,
    }
    return render(request, "portal/procedure_search.html", context)


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_get_by_code(code)
    version = procedure.current_version
    if version is None:  # pragma: no cover - procedure_get_by_code returns published ones only
        raise Http404("no published version")
    context = selectors.procedure_page(version)
    context.update(
        {
            "procedure": procedure,
            "can_submit_online": version.online_level in ONLINE and version.status == "active",
        }
    )
    return render(request, "portal/procedure_detail.html", context)


@require_GET
def paper_template(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A form template (mẫu đơn, tờ khai) of a paper of the procedure's current version."""
    procedure = procedure_get_by_code(code)
    paper = RequiredPaper.objects.filter(
        pk=pk, case__version_id=procedure.current_version_id
    ).first()
    if paper is None or not paper.form_template:
        raise Http404("no such form template")
    name = paper.form_template.name.rsplit("/", 1)[-1]
    return FileResponse(paper.form_template.open("rb"), as_attachment=True, filename=name)


@require_GET
def tracking_form(request: HttpRequest) -> HttpResponse:
    form = TrackingForm(request.GET or None)
    if request.GET and form.is_valid():
        code = form.cleaned_data["code"].strip()
        return redirect("portal:tracking", code=code)
    return render(request, "portal/tracking_form.html", {"form": form})


@require_GET
@rate_limit("tracking.ip", methods=("GET",))
def tracking(request: HttpRequest, code: str) -> HttpResponse:
    """The page the receipt's QR code points at: /tracking/<code>. Lookups are limited per
    client address ("tracking.ip"): dossier codes follow a pattern and could be walked."""
    try:
        dossier = selectors.dossier_get_for_tracking(code)
    except NotFound:
        form = TrackingForm({"code": code})
        form.is_valid()
        form.add_error("code", _("No dossier has this code. Check it against your receipt."))
        return render(request, "portal/tracking_form.html", {"form": form}, status=404)
    context = {"t": selectors.tracking_view(dossier), "noindex": True}
    response = render(request, "portal/tracking.html", context)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def tracking_slash(request: HttpRequest, code: str) -> HttpResponse:
    return redirect(reverse("portal:tracking", kwargs={"code": code}), permanent=True)


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    date_from, date_to = dt.date(today.year, 1, 1), today
    if form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    if not form.is_bound:
        form = PeriodForm(initial={"date_from": date_from, "date_to": date_to})
    rows = selectors.statistics_by_unit(date_from, date_to)
    totals: dict[str, Any] = {
        "resolved": sum(r.resolved for r in rows),
        "in_time": sum(r.in_time for r in rows),
    }
    totals["percent"] = (
        round(100 * totals["in_time"] / totals["resolved"], 1) if totals["resolved"] else None
    )
    context = {
        "form": form,
        "rows": rows,
        "date_from": date_from,
        "date_to": date_to,
        "totals": totals,
    }
    return render(request, "portal/statistics.html", context)
