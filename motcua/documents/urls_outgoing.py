"""The outgoing documents' pages (filled in by the outgoing pages' branch)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
