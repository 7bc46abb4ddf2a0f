"""Citizen accounts: registration with a 6-digit code, profile, login through OpenID Connect.

Logging in with a password and resetting it are the accounts app's pages (/accounts/login/,
/accounts/password-reset/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts import citizens
from motcua.accounts.enums import ContactChannel
from motcua.accounts.models import User, VerificationCode
from motcua.core.errors import DomainError
from motcua.core.ratelimit import (
    RateLimitResult,
    client_ip,
    rate_limit,
    rate_limit_check,
    rate_limit_undo,
    rate_limited_response,
)
from motcua.portal import oidc
from motcua.portal.forms import ProfileForm, RegisterForm, VerifyForm, add_domain_errors
from motcua.portal.views._common import PUBLIC_KINDS, citizen_required, no_store, safe_next

SESSION_PENDING = "portal_pending_user"
SESSION_NEXT = "portal_next"
BACKEND = "motcua.accounts.backends.EmailOrPhoneBackend"


def _after_login_url(request: HttpRequest) -> str:
    return safe_next(
        request, request.session.pop(SESSION_NEXT, None), reverse("portal:my_dossiers")
    )


def _code_send_check(
    request: HttpRequest, *, channel: str, email: str, phone: str, user: User | None = None
) -> RateLimitResult:
    """Counts a verification code about to be sent: per client address, per account (once it
    exists) and per e-mail address or phone number."""
    if channel == ContactChannel.EMAIL:
        recipient = email.strip().casefold()
    else:
        recipient = citizens.normalise_phone(phone)
    return rate_limit_check(
        ("code_send.ip", client_ip(request)),
        ("code_send.user", str(user.pk) if user is not None else ""),
        ("code_send.recipient", recipient),
    )


@require_http_methods(["GET", "POST"])
@rate_limit("register.ip")
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:profile")
    if request.GET.get("next"):
        request.session[SESSION_NEXT] = safe_next(request, request.GET["next"], "")
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            sending = _code_send_check(
                request,
                channel=data["verify_by"],
                email=data["email"] or "",
                phone=data["phone"] or "",
            )
            if not sending.allowed:  # checked first: a refused registration creates nothing
                return rate_limited_response(request, sending)
            try:
                user = citizens.citizen_register(
                    data=citizens.Registration(
                        kind=data["kind"],
                        full_name=data["full_name"],
                        id_number=data["id_number"],
                        email=data["email"] or "",
                        phone=data["phone"] or "",
                        password=data["password"],
                        verify_by=data["verify_by"],
                        address=data["address"] or "",
                    )
                )
            except DomainError as exc:
                rate_limit_undo(sending)  # no code went out
                add_domain_errors(form, exc)
            else:
                request.session[SESSION_PENDING] = user.pk
                return redirect("portal:verify")
        status = 422
    context = {"form": form, "oidc_enabled": oidc.oidc_enabled(), "oidc_label": oidc.oidc_label()}
    return no_store(render(request, "portal/register.html", context, status=status))


def _pending_user(request: HttpRequest) -> User | None:
    if request.user.is_authenticated and isinstance(request.user, User):
        return request.user
    pk = request.session.get(SESSION_PENDING)
    return User.objects.filter(pk=pk, kind__in=PUBLIC_KINDS).first() if pk else None


def _last_code(user: User) -> VerificationCode | None:
    return VerificationCode.objects.filter(user=user).order_by("-created_at").first()


@require_http_methods(["GET", "POST"])
@rate_limit("code_confirm.ip")
def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Register first, or log in."))
        return redirect("portal:register")
    last = _last_code(user)
    form = VerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                citizens.verification_confirm(user=user, code=form.cleaned_data["code"])
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                request.session.pop(SESSION_PENDING, None)
                if not request.user.is_authenticated:
                    login(request, user, backend=BACKEND)
                messages.success(request, _("Your contact details are verified. Welcome!"))
                return redirect(_after_login_url(request))
        status = 422
    context = {
        "form": form,
        "recipient": last.recipient if last else "",
        "channel": last.channel if last else ContactChannel.EMAIL,
    }
    return no_store(render(request, "portal/verify.html", context, status=status))


@require_POST
def verify_resend(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("portal:register")
    channel = request.POST.get("channel") or ""
    if channel not in ContactChannel.values:
        last = _last_code(user)
        channel = (
            last.channel if last else (ContactChannel.EMAIL if user.email else ContactChannel.SMS)
        )
    sending = _code_send_check(
        request, channel=channel, email=user.email, phone=user.phone, user=user
    )
    if not sending.allowed:
        return rate_limited_response(request, sending)
    try:
        citizens.verification_send(user=user, channel=channel)
    except DomainError as exc:
        rate_limit_undo(sending)  # no code went out
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("A new code has been sent."))
    return redirect("portal:verify")


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - citizen_required let only users in
        raise Http404("no account")
    prof = citizens.profile_for(user)
    initial: dict[str, Any] = {
        "full_name": user.full_name,
        "id_number": user.id_number,
        "phone": user.phone,
        "email": user.email,
        "address": prof.address,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                citizens.profile_update(
                    user=user,
                    full_name=data["full_name"],
                    id_number=data["id_number"] or "",
                    email=data["email"] or "",
                    phone=data["phone"] or "",
                    address=data["address"] or "",
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("Your details are saved. They will fill in your next submissions.")
                )
                return redirect("portal:profile")
        status = 422
    context = {"form": form, "profile": prof, "account": user}
    return no_store(render(request, "portal/profile.html", context, status=status))


# --- OpenID Connect ----------------------------------------------------------------------------


def oidc_login(request: HttpRequest) -> HttpResponse:
    if not oidc.oidc_enabled():
        raise Http404("OpenID Connect login is off")
    if request.GET.get("next"):
        request.session[SESSION_NEXT] = safe_next(request, request.GET["next"], "")
    redirect_uri = request.build_absolute_uri(reverse("portal:oidc_callback"))
    response: HttpResponse = oidc.authorize_redirect(request, redirect_uri)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc.oidc_enabled():
        raise Http404("OpenID Connect login is off")
    try:
        issuer, claims = oidc.complete_login(request)
        user = citizens.oidc_user_for_claims(issuer=issuer, claims=claims)
    except DomainError as exc:
        return render(request, "error.html", {"error": exc}, status=exc.http_status)
    login(request, user, backend=BACKEND)
    return redirect(_after_login_url(request))
