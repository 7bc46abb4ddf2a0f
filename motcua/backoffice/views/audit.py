"""The audit trail pages (provincial administrators only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.policies import is_provincial_admin
from motcua.backoffice.forms import AuditFilterForm
from motcua.core.selectors import audit_object_types, audit_record_list


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not is_provincial_admin(request.user):
        raise PermissionDenied("audit trail")
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    records = audit_record_list(**{k: v for k, v in filters.items() if v})
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
