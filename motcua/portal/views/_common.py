from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from motcua.accounts.enums import AccountKind

View = Callable[..., HttpResponseBase]
PUBLIC_KINDS = (AccountKind.CITIZEN, AccountKind.BUSINESS)


def citizen_required(view: View) -> View:
    """Logged in (else the login page) with a citizen or business account (else a page that
    says where officials go)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "kind", None) not in PUBLIC_KINDS:
            return render(
                request,
                "portal/not_for_officials.html",
                {"message": _("This page is for citizen and business accounts.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def official_required(view: View) -> View:
    """Logged in (else the login page) and an official or a superuser (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (getattr(user, "is_official", False) or user.is_superuser):
            raise PermissionDenied("officials only")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def paginate(request: HttpRequest, items: Any, per_page: int = 20) -> Page:
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response
