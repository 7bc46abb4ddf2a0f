"""Downloads of the statutory registers and of a file's list of documents (.xlsx, PDF).

Thin: the filters are read by `selectors_registers.register_filters_parse`, the permission is
`policies`, every line is filtered by the official's scope, and `registers` writes the
file. Spreadsheets are streamed from a temporary file.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.accounts.policies import is_provincial_admin
from motcua.documents import registers
from motcua.documents.models import DocumentFile
from motcua.documents.policies import (
    ensure_can_view_document_file,
    ensure_can_view_registers,
)
from motcua.documents.selectors_registers import register_agency_of, register_filters_parse


def _download(export: registers.Export) -> FileResponse:
    response = FileResponse(
        export.file,
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def register_download(request: HttpRequest, name: str, fmt: str) -> FileResponse:
    """/registers/<outgoing|incoming|tracker>.<xlsx|pdf>?agency=…&year=…&date_from=…&date_to=…
    &register=…&type=…&urgency=…&state=…&q=… (the agency defaults to the one keeping the
    official's registers, the year to this year)."""
    user = request.user
    filters = register_filters_parse(
        request.GET, kind=registers.REGISTERS[name].kind, default_year=timezone.localdate().year
    )
    if filters.organisation is None and not is_provincial_admin(user):
        agency = register_agency_of(user, registers.REGISTERS[name].kind)
        filters = replace(filters, organisation=agency)
    ensure_can_view_registers(user, filters.organisation)
    return _download(registers.register_export(name, fmt, user=user, filters=filters))


@login_required
@require_GET
def document_file_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    """/files/<id>/documents.<xlsx|pdf>: the list of the documents in a file."""
    document_file = get_object_or_404(
        DocumentFile.objects.select_related("organisation", "keeper"), pk=pk
    )
    ensure_can_view_document_file(request.user, document_file)
    return _download(registers.document_file_export(document_file, fmt))
