"""Django's own error answers (400, 403, 404, 500) in the API's error shape under /api/.

django-ninja answers the errors raised inside its views; these handlers answer the others:
Django refusing a request before or while reading it (a malformed multipart body, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields), an unknown /api/ path, an unexpected exception.
Elsewhere they answer as Django's default handlers do (its templates)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views import defaults


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown API paths answer in the API's error shape, not with an HTML page."""
    return api_error(404, "not_found", _("Not found."))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)  # type: ignore[arg-type]
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return api_error(
            413,
            "request_too_large",
            _(
                "The request is too large: send at most %(limit)d MB of data outside files "
                "(larger files go as multipart file parts)."
            )
            % {"limit": limit},
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return api_error(400, "too_many_fields", _("The request has too many fields or files."))
    if isinstance(exception, MultiPartParserError):
        return api_error(
            400,
            "malformed_multipart",
            _("The multipart body of the request could not be read: check its boundary."),
        )
    return api_error(400, "bad_request", _("The request could not be read."))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return api_error(403, "forbidden", _("You may not do this."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return api_not_found(request)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return api_error(
        500,
        "server_error",
        _("Something went wrong on our side. Try again later; if it goes on, tell us."),
    )
