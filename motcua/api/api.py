"""The REST API (v1): one error shape everywhere, token or session authentication."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.api.validation import validation_message
from motcua.core.errors import DomainError

api = NinjaAPI(
    title="MotCua API",
    version="1",
    description="One-stop administrative procedures, calendar and registries of the province.",
    urls_namespace="api-v1",
    docs_url="/docs",
    # Served from the app's own static files ("ninja" in INSTALLED_APPS), without inline script
    # (the Content-Security-Policy forbids it); no call to the public validator service.
    docs=Swagger(settings={"validatorUrl": None}),
)


def error_response(
    request: HttpRequest,
    http_status: int,
    code: str,
    message: str,
    fields: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra or {})
    return api.create_response(request, {"error": body}, status=http_status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(
        request, exc.http_status, exc.code, str(exc.message), exc.fields, exc.extra
    )
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in ("body", "query", "path", "form", "payload")
        ]
        fields[".".join(loc) or "request"] = validation_message(err)
    return error_response(
        request, 422, "validation_error", _("Some fields are missing or invalid."), fields
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthorized", _("Authentication is required."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own errors carry English text: the two it raises get a code and a
    message in the active language."""
    text = str(exc)
    if exc.status_code == 400 and text.startswith("Cannot parse request body"):
        return error_response(
            request, 400, "malformed_json", _("The request body is not valid JSON.")
        )
    if exc.status_code == 403 and text == "CSRF check Failed":
        return error_response(
            request,
            403,
            "csrf_failed",
            _("The security check of the form failed (CSRF): reload the page and try again."),
        )
    return error_response(request, exc.status_code, "http_error", text)


def _register_routers() -> None:
    from motcua.accounts.api import router as accounts_router
    from motcua.api.health import router as health_router
    from motcua.calendar.api import router as calendar_router
    from motcua.documents.api import router as documents_router
    from motcua.documents.api_office import router as documents_office_router
    from motcua.dossiers.api import router as dossiers_router
    from motcua.portal.api import router as portal_router
    from motcua.procedures.api import router as procedures_router
    from motcua.reporting.api import router as reporting_router
    from motcua.signatures.api import dossier_result_router
    from motcua.signatures.api import router as signatures_router

    # Django tries URL patterns in order: the most requested first (health checks of the load
    # balancer, then dossier reads: citizens polling their dossier's status).
    api.add_router("/v1", health_router)
    api.add_router("/v1/dossiers", dossiers_router)
    # GET /v1/dossiers/{code}/result: the signatures app serves it (it depends on dossiers).
    api.add_router("/v1/dossiers", dossier_result_router)
    api.add_router("/v1", accounts_router)
    api.add_router("/v1/calendar", calendar_router)
    api.add_router("/v1/procedures", procedures_router)
    api.add_router("/v1/reports", reporting_router)
    api.add_router("/v1/signatures", signatures_router)
    api.add_router("/v1/portal", portal_router)
    # Official documents: the edXML exchange endpoints, then the officials' API (same prefix).
    api.add_router("/v1/documents", documents_router)
    api.add_router("/v1/documents", documents_office_router)


_register_routers()
