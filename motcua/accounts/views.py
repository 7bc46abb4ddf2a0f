from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from motcua.accounts.backends import normalise_login, user_for_login
from motcua.core.ratelimit import (
    View,
    client_ip,
    limit_for,
    rate_limit_check,
    rate_limit_undo,
    rate_limited_response,
)


def login_rate_limit_key(login: str) -> str:
    """The "login.username" key of a typed login name: the account it names, as the login
    backend resolves it ("user:<pk>": its username, e-mail address and telephone number, in
    any spelling that logs in, share one budget), else the name NFKC-normalised, stripped and
    casefolded ("name:<name>"), so that guesses at accounts that do not exist count too.
    "" for an empty name (not counted). One query."""
    name = normalise_login(login)
    if not name:
        return ""
    user = user_for_login(name)
    if user is not None:
        return f"user:{user.pk}"
    return f"name:{name.casefold()}"


def login_rate_limited(view: View) -> View:
    """Limits the failed password logins of a login view (ours; Django admin's can be wrapped
    the same way) per client address and per account or login name ("login.ip",
    "login.username", see `login_rate_limit_key`).

    Every submission is counted before the password is checked, so parallel guesses cannot
    slip past the limit; a successful login (a redirect, the user logged in) gives its count
    back. Showing the form is free; with the per-name limit off, the account is not looked up."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        login_key = ""
        if limit_for("login.username") is not None:
            login_key = login_rate_limit_key(str(request.POST.get("username") or ""))
        counted = rate_limit_check(("login.ip", client_ip(request)), ("login.username", login_key))
        if not counted.allowed:
            return rate_limited_response(request, counted)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303) and request.user.is_authenticated:
            rate_limit_undo(counted)
        return response

    return wrapper


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password-reset request, limited per client address and per e-mail address
    ("password_reset.ip", "password_reset.email"), whether or not an account has it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email") or "").strip().casefold()
        result = rate_limit_check(
            ("password_reset.ip", client_ip(request)), ("password_reset.email", email)
        )
        if not result.allowed:
            return rate_limited_response(request, result)
        return super().post(request, *args, **kwargs)


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Officials land in their workspace, citizens and businesses in their dossiers."""
    user = request.user
    if getattr(user, "is_official", False) or user.is_superuser:
        return redirect("backoffice:home")
    try:
        return redirect(reverse("portal:my_dossiers"))
    except NoReverseMatch:
        return redirect("/")
