from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from motcua.core.audit import audit_context
from motcua.core.audit_models import Interface
from motcua.core.errors import DomainError


def interface_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Interface.API
    if path.startswith("/admin/"):
        return Interface.ADMIN
    return Interface.WEB


class AuditContextMiddleware:
    """Every change made while serving a request is attributed to its user and interface."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(
            actor=lambda: getattr(request, "user", None),
            interface=interface_for_path(request.path),
        ):
            return self.get_response(request)


class DomainErrorMiddleware:
    """A DomainError that escapes a web view becomes a page in the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return domain_error_page(request, exception)
        return None


def domain_error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error page in the user's language, with the error's status and headers."""
    from django.shortcuts import render

    response = render(request, "error.html", {"error": error}, status=error.http_status)
    for name, value in error.headers.items():
        response[name] = value
    return response


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set to
    English would get English pages although the service is Vietnamese first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# The one Content-Security-Policy of every response (pages, the API docs, the admin). Nothing
# inline: scripts and styles come from our own static files, so an injected <script>, onclick=
# or style= does nothing. `data:` images are the SVG icons inside Swagger UI's and the admin's
# stylesheets. Django 6.0 brings its own CSP support; until then this is all we need (the policy
# is the same for every page, so django-csp's nonces and per-view decorators would go unused).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
