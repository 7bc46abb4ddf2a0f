"""Test-only URLs: the procedures router on its own NinjaAPI with the project's error handlers,
so the API tests run whether or not the lead has mounted the router in motcua.api.api."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.api import api as project_api
from motcua.core.errors import DomainError
from motcua.procedures.api import router

test_api = NinjaAPI(urls_namespace="test-proc", docs_url=None)
handlers: list[tuple[type[Exception], Any]] = [
    (DomainError, project_api.on_domain_error),
    (NinjaValidationError, project_api.on_validation_error),
    (AuthenticationError, project_api.on_auth_error),
    (Http404, project_api.on_not_found),
    (HttpError, project_api.on_http_error),
]
for exc_class, handler in handlers:
    test_api.add_exception_handler(exc_class, handler)
test_api.add_router("/v1/procedures", router)

urlpatterns = [path("api/", test_api.urls)]
