"""motcua.urls plus an API path that fails unexpectedly (test_django_errors)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from motcua.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("api/v1/test-boom", boom), path("test-boom", boom), *urlpatterns]
