"""Register and file downloads; included by the documents URLs (no namespace of their own)."""

from __future__ import annotations

from django.urls import re_path

from motcua.documents import views_registers

urlpatterns = [
    re_path(
        r"^registers/(?P<name>outgoing|incoming|tracker)\.(?P<fmt>xlsx|pdf)$",
        views_registers.register_download,
        name="register_download",
    ),
    re_path(
        r"^files/(?P<pk>\d+)/documents\.(?P<fmt>xlsx|pdf)$",
        views_registers.document_file_download,
        name="document_file_download",
    ),
]
