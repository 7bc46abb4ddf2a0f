"""Report pages (thin: the figures come from one_stop, index766, dashboard and savings).

Every page works without JavaScript: the numbers are tables; the dashboard's charts are drawn
from its JSON over the same data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.organisations.models import Organisation
from motcua.reporting import exports, tables
from motcua.reporting.dashboard import dashboard_data
from motcua.reporting.index766 import (
    PARTS,
    catalogue_versions,
    index766_drill,
    index766_report,
    procedure_times,
)
from motcua.reporting.one_stop import COLUMN_NAMES, COLUMNS, one_stop_drill, one_stop_report
from motcua.reporting.params import ReportParams, default_period, parse_params
from motcua.reporting.policies import ensure_can_view_reports, report_scope_ids
from motcua.reporting.savings import savings_report

PAGE_SIZE = 50


def _units_for(user: Any) -> list[dict[str, Any]]:
    """The organisations the user may choose, in tree order, indented by depth."""
    scope = report_scope_ids(user)
    qs = Organisation.objects.all() if scope is None else Organisation.objects.filter(pk__in=scope)
    orgs = [
        (org.agency_code, org.name, org.path.count("/") - 2)
        for org in qs.order_by("path").only("agency_code", "name", "path")
    ]
    top = min((depth for _code, _name, depth in orgs), default=0)
    return [
        {"code": code, "name": name, "indent": "\u00a0\u00a0" * (depth - top)}
        for code, name, depth in orgs
    ]


def _params(request: HttpRequest) -> tuple[ReportParams | None, dict[str, str]]:
    """The parameters of a page, or (None, errors) to show the form again."""
    ensure_can_view_reports(request.user)
    try:
        return parse_params(request.user, request.GET, defaults=True), {}
    except ValidationFailed as exc:
        return None, exc.fields


def _form_context(
    request: HttpRequest, params: ReportParams | None, errors: dict[str, str]
) -> dict[str, Any]:
    if params is not None:
        values = {k: v for k, v in params.query().items()}
        values.setdefault("unit", "")
    else:  # the form shown again with its errors: what was typed, else the default period
        date_from, date_to = default_period()
        values = {
            "from": request.GET.get("from") or date_from.isoformat(),
            "to": request.GET.get("to") or date_to.isoformat(),
            "group_by": request.GET.get("group_by") or "organisation",
            "unit": request.GET.get("unit") or "",
        }
    labels = {"from": _("From"), "to": _("To"), "group_by": _("Group by"), "unit": _("Unit")}
    return {
        "params": params,
        "errors": errors,
        # the error summary names each field as the form labels it, never "to" or "unit"
        "error_items": [
            (name, labels.get(name, name), message) for name, message in errors.items()
        ],
        "values": values,
        "units": _units_for(request.user),
        "group_choices": [
            ("organisation", _("Unit")),
            ("field", _("Field")),
            ("procedure", _("Procedure")),
        ],
        "query": urlencode(params.query()) if params is not None else "",
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    params, errors = _params(request)
    context = _form_context(request, params, errors)
    if params is not None:
        context["data"] = dashboard_data(params)
        context["json_url"] = f"{reverse('reporting:dashboard_data')}?{urlencode(params.query())}"
        context["chart_labels"] = {
            "counter": _("At the counter"),
            "online": _("Online"),
            "post": _("By post"),
            "received": _("Received"),
            "resolved": _("Resolved"),
            "rate": _("On-time rate"),
            "share": _("Online share"),
            "days": _("Average working days"),
            "allowed": _("Average working days allowed"),
            "count": _("Dossiers"),
        }
    return render(request, "reporting/dashboard.html", context)


@login_required
def dashboard_json(request: HttpRequest) -> JsonResponse:
    ensure_can_view_reports(request.user)
    params = parse_params(request.user, request.GET, defaults=True)
    return JsonResponse(dashboard_data(params), json_dumps_params={"ensure_ascii": False})


@login_required
def one_stop(request: HttpRequest) -> HttpResponse:
    params, errors = _params(request)
    context = _form_context(request, params, errors)
    if params is not None:
        report = one_stop_report(params)
        drill = reverse("reporting:one_stop_drill")

        def cells(key: str, counts: dict[str, int]) -> list[dict[str, Any]]:
            return [
                {
                    "column": name,
                    "value": counts[name],
                    "url": f"{drill}?{urlencode(params.query(column=name, key=key))}",
                }
                for name in COLUMN_NAMES
            ]

        context.update(
            report=report,
            rows=[
                {"number": i, "row": row, "cells": cells(row.key, row.counts)}
                for i, row in enumerate(report.rows, start=1)
            ],
            total_cells=cells("", report.total),
            columns=COLUMNS,
            group_label=dict(context["group_choices"])[params.group_by],
        )
    return render(request, "reporting/one_stop.html", context)


@login_required
def one_stop_export(request: HttpRequest, fmt: str) -> HttpResponse:
    ensure_can_view_reports(request.user)
    params = parse_params(request.user, request.GET, defaults=True)
    report = one_stop_report(params)
    name = exports.one_stop_filename(params, fmt)
    if fmt == "xlsx":
        body = exports.one_stop_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.one_stop_pdf(report)
        content_type = "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(report: tables.Tables, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(tables.tables_xlsx(report), content_type=XLSX)
    else:
        response = HttpResponse(tables.tables_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(fmt)}"'
    return response


@login_required
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's figures as .xlsx or PDF (the same numbers as the page)."""
    ensure_can_view_reports(request.user)
    params = parse_params(request.user, request.GET, defaults=True)
    return _download(tables.dashboard_tables(params, dashboard_data(params)), fmt)


@login_required
def index766_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The Decision 766 index as .xlsx or PDF (the same numbers as the page)."""
    ensure_can_view_reports(request.user)
    params = parse_params(request.user, request.GET, defaults=True)
    base = request.build_absolute_uri(reverse("reporting:index766"))
    return _download(tables.index766_tables(params, index766_report(params, base_url=base)), fmt)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def one_stop_drill_view(request: HttpRequest) -> HttpResponse:
    params, errors = _params(request)
    context = _form_context(request, params, errors)
    column = request.GET.get("column", "")
    key = request.GET.get("key", "")
    if params is not None:
        if column not in COLUMN_NAMES:
            raise ValidationFailed(_("Unknown column."), fields={"column": column})
        page = _page(request, one_stop_drill(params, column, key))
        labels = {name: label for name, label in COLUMNS}
        context.update(
            page=page,
            column=column,
            column_label=_column_title(column, labels),
            key=key,
            back=f"{reverse('reporting:one_stop')}?{urlencode(params.query())}",
            page_query=urlencode(params.query(column=column, key=key)),
            today=timezone.localdate(),
        )
    return render(request, "reporting/drill.html", context)


def _column_title(column: str, labels: dict[str, Any]) -> str:
    groups = {
        "received": _("Received"),
        "carried": _("Received"),
        "resolved": _("Resolved"),
        "in": _("In progress at the end of the period"),
    }
    return f"{groups[column.split('_')[0]]} — {labels[column]}"


@login_required
def index766(request: HttpRequest) -> HttpResponse:
    params, errors = _params(request)
    context = _form_context(request, params, errors)
    if params is not None:
        base = request.build_absolute_uri(reverse("reporting:index766"))
        context["index"] = index766_report(params, base_url=base)
    return render(request, "reporting/index766.html", context)


@login_required
def index766_drill_view(request: HttpRequest) -> HttpResponse:
    params, errors = _params(request)
    context = _form_context(request, params, errors)
    code = request.GET.get("code", "")
    part = request.GET.get("part", "numerator")
    if params is not None:
        if code not in PARTS or part not in ("numerator", "denominator"):
            raise ValidationFailed(_("Unknown indicator."), fields={"code": code})
        context.update(
            code=code,
            part=part,
            back=f"{reverse('reporting:index766')}?{urlencode(params.query())}",
        )
        qs = index766_drill(params, code, part)
        if qs is None and code == "2.2":
            times = procedure_times(params)
            if part == "numerator":
                times = [t for t in times if t.within]
            context["procedure_times"] = times
        elif qs is None:
            versions = (
                catalogue_versions(params).select_related("procedure").order_by("procedure__code")
            )
            if part == "numerator":
                versions = versions.filter(online_level__in=["partial", "full"])
            context["versions"] = versions
        else:
            context.update(
                page=_page(request, qs),
                page_query=urlencode({**params.query(), "code": code, "part": part}),
            )
    return render(request, "reporting/index766_drill.html", context)


@login_required
def savings(request: HttpRequest) -> HttpResponse:
    params, errors = _params(request)
    context = _form_context(request, params, errors)
    if params is not None:
        context["savings"] = savings_report(params)
    return render(request, "reporting/savings.html", context)
