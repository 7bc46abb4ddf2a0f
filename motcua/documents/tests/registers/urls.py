"""The project's URLs with the register downloads mounted (until the documents URLs include
them)."""

from django.urls import include, path

from motcua.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("documents/", include("motcua.documents.urls_registers")),
    *project_urlpatterns,
]
