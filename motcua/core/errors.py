"""Domain errors: one shape for the UI and the API.

Every service raises a subclass of DomainError; the API turns it into
{"error": {"code": ..., "message": ..., "fields": {...}}} with `http_status`, the web views
show `message` (translated) beside the fields.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        http_status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        if http_status:
            self.http_status = http_status
        self.fields: dict[str, Any] = {k: str(v) for k, v in (fields or {}).items()}
        self.extra = extra or {}
        # HTTP headers the answer carries (e.g. Retry-After), on the web and in the API
        self.headers: dict[str, str] = {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        body["fields"] = self.fields
        body.update(self.extra)
        return {"error": body}


class ValidationFailed(DomainError):
    code = "validation_error"
    http_status = 422


class BadRequest(DomainError):
    code = "bad_request"
    http_status = 400


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
