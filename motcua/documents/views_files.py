"""The officials' pages for document files (hồ sơ công việc, Decree 30 Art. 28 and Annex VI):
the files an official sees, with filters; opening a file; one file with its documents in order,
adding and taking out documents, closing it, and the download of its list of documents; and
putting a document in a file from the document's own page (the panel of
templatetags/documents_files.py).

Thin: each action is one service call (services/files.py), then a redirect with a message; a
refused value is shown beside its field. Reads are in selectors_files.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.documents import policies
from motcua.documents import selectors_files as sel
from motcua.documents.enums import DocumentType, FileState
from motcua.documents.forms_files import (
    INCOMING,
    OUTGOING,
    DocumentChoiceForm,
    FileCreateForm,
    FileFilterForm,
    PutInFileForm,
    state_label,
)
from motcua.documents.models import DocumentFile, IncomingDocument, OutgoingDocument
from motcua.documents.selectors import incoming_get_for_viewer, incoming_visible
from motcua.documents.selectors_outgoing import outgoing_get_for_viewer, outgoing_visible
from motcua.documents.selectors_registers import retention_text
from motcua.documents.services import files as services
from motcua.documents.web import choice_label, error_summary, official_required
from motcua.organisations.models import Organisation

Document = OutgoingDocument | IncomingDocument


def retention_label(document_file: DocumentFile) -> str:
    """The file's retention as set, or "by the documents' types" while it is not fixed."""
    text = retention_text(document_file.retention_years, document_file.retention_permanent)
    return text or _("By the documents' types")


def _show_errors(form: forms.Form, error: DomainError) -> None:
    """The service's message beside each field it names (at the top when it names none)."""
    shown = [name for name in error.fields if name in form.fields]
    for name in shown:
        form.add_error(name, str(error.message))
    if not shown:
        form.add_error(None, str(error.message))


def _document_url(document: Document) -> str:
    name = "outgoing_detail" if isinstance(document, OutgoingDocument) else "incoming_detail"
    return reverse(f"documents:{name}", args=[document.pk])


def _name(document: Document) -> str:
    """How a message names a document: its number and notation, else its summary."""
    return document.number_notation or document.subject[:80]


def _document(user: Any, kind: str, pk: int) -> Document:
    """A document the user sees (else 404)."""
    if kind == OUTGOING:
        return outgoing_get_for_viewer(user, pk)
    if kind == INCOMING:
        return incoming_get_for_viewer(user, pk)
    raise NotFound(_("There is no such document."))


# --- the list ------------------------------------------------------------------------------------


@dataclass
class FileRow:
    file: DocumentFile
    documents: int
    retention: str
    state: str


@official_required
@require_GET
def document_file_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = FileFilterForm(
        request.GET or None,
        years=sel.document_file_years(user),
        agencies=sel.document_file_agencies_seen(user),
    )
    filters = form.filters()
    page = sel.document_file_list(user, filters=filters, page=request.GET.get("page"))
    rows = [
        FileRow(
            file=f,
            documents=int(getattr(f, "outgoing_count", 0)) + int(getattr(f, "incoming_count", 0)),
            retention=retention_label(f),
            state=state_label(f.state),
        )
        for f in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    kept = {k: str(v) for k, v in query.items() if v}
    context = {
        "form": form,
        "filters_open": form.active() or bool(form.errors),
        "page": page,
        "rows": rows,
        "page_query": urlencode(kept),
        "searching": bool(filters.text) or form.active(),
        "can_create": bool(sel.document_file_agencies_for(user)),
        "show_agency": "agency" in form.fields,
    }
    return render(request, "documents/files/list.html", context)


# --- opening a file ------------------------------------------------------------------------------


def _chosen_agency(request: HttpRequest, agencies: list[Organisation]) -> Organisation:
    """The agency named by ?agency= (or the form's hidden field) among those offered, else the
    nearest."""
    wanted = request.POST.get("agency") or request.GET.get("agency") or ""
    for agency in agencies:
        if str(agency.pk) == wanted:
            return agency
    return agencies[0]


@official_required
@require_http_methods(["GET", "POST"])
def document_file_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    agencies = sel.document_file_agencies_for(user)
    if not agencies:
        raise PermissionDenied(
            _("Only a clerk of the agency, or its official keeping the file, may open a file.")
        )
    agency = _chosen_agency(request, agencies)
    keepers = sel.document_file_keepers(user, agency)
    bound = request.method == "POST"
    form = FileCreateForm(
        request.POST if bound else None,
        keepers=keepers,
        initial={"keeper": user.pk if keepers.filter(pk=user.pk or 0).exists() else None},
    )
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        years, permanent = form.retention_values()
        try:
            document_file = services.document_file_create(
                actor=user,
                organisation=agency,
                file_catalog=data["file_catalog"],
                file_notation=data["file_notation"],
                title=data["title"],
                keeper=data["keeper"],
                retention_years=years,
                retention_permanent=permanent,
                description=data.get("description") or "",
            )
        except (PermissionDenied, NotFound):
            raise
        except DomainError as exc:
            _show_errors(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request,
                _("File %(code)s is open: add its documents.") % {"code": document_file.file_code},
            )
            return redirect("documents:document_file_detail", pk=document_file.pk)
    elif bound:
        status = 422
    context = {
        "form": form,
        "summary": error_summary(form),
        "agency": agency,
        "agencies": agencies,
        "single_keeper": keepers.count() == 1,
        "code_prefix": f"{agency.agency_code}.",
    }
    return render(request, "documents/files/form.html", context, status=status)


# --- one file ------------------------------------------------------------------------------------


@dataclass
class EntryRow:
    ordinal: int
    kind: str
    document: Document
    number_notation: str
    date: dt.date | None
    type_name: str
    subject: str
    author: str
    url: str


def _entries(user: Any, documents: list[Document]) -> list[EntryRow]:
    out_ids = [d.pk for d in documents if isinstance(d, OutgoingDocument)]
    in_ids = [d.pk for d in documents if isinstance(d, IncomingDocument)]
    seen_out = set(outgoing_visible(user).filter(pk__in=out_ids).values_list("pk", flat=True))
    seen_in = set(incoming_visible(user).filter(pk__in=in_ids).values_list("pk", flat=True))
    rows = []
    for d in documents:
        outgoing = isinstance(d, OutgoingDocument)
        seen = d.pk in (seen_out if outgoing else seen_in)
        rows.append(
            EntryRow(
                ordinal=d.file_ordinal or 0,
                kind=OUTGOING if outgoing else INCOMING,
                document=d,
                number_notation=d.number_notation,
                date=sel.document_date(d),
                type_name=d.get_document_type_display(),
                subject=d.subject,
                author=d.organisation.name if isinstance(d, OutgoingDocument) else d.sender_name,
                url=_document_url(d) if seen else "",
            )
        )
    return rows


def _downloads(document_file: DocumentFile) -> list[tuple[str, str]]:
    return [
        (
            label,
            reverse(
                "documents:document_file_download", kwargs={"pk": document_file.pk, "fmt": fmt}
            ),
        )
        for fmt, label in (("xlsx", "Excel"), ("pdf", "PDF"))
    ]


@official_required
@require_GET
def document_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    document_file = sel.document_file_get_for_viewer(user, pk)
    documents = sel.document_file_documents(document_file)
    is_open = document_file.state == FileState.OPEN
    can_manage = is_open and policies.can_manage_document_file(user, document_file)
    text = (request.GET.get("q") or "").strip()[: sel.TEXT_MAX]
    candidates = (
        sel.document_file_candidates(user, document_file, text=text) if can_manage else None
    )
    preview = sel.document_file_close_preview(document_file, documents)
    context = {
        "document_file": document_file,
        "state": state_label(document_file.state),
        "is_open": is_open,
        "retention": retention_label(document_file),
        "entries": _entries(user, documents),
        "can_manage": can_manage,
        "candidates": candidates,
        "q": text,
        "preview": preview,
        "preview_retention": retention_text(preview.retention.years, preview.retention.permanent),
        "preview_type": _type_label(preview.from_type),
        "downloads": _downloads(document_file),
        "pages": sum(d.page_amount or 0 for d in documents),
    }
    return render(request, "documents/files/detail.html", context)


def _type_label(value: str) -> str:
    return choice_label(DocumentType, value) if value else ""


def _back(
    document_file: DocumentFile, request: HttpRequest, anchor: str = ""
) -> HttpResponseRedirect:
    url = reverse("documents:document_file_detail", args=[document_file.pk])
    q = (request.POST.get("q") or "").strip()
    return HttpResponseRedirect(f"{url}{'?' + urlencode({'q': q}) if q else ''}{anchor}")


def _managed_file(request: HttpRequest, pk: int) -> DocumentFile:
    """The file (404 when unseen); 403 unless the user may change it."""
    user = request.user
    document_file = sel.document_file_get_for_viewer(user, pk)
    if not policies.can_manage_document_file(user, document_file):
        raise PermissionDenied(
            _("Only a clerk of the agency or the file's keeper may change this file.")
        )
    return document_file


@official_required
@require_POST
def document_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    document_file = _managed_file(request, pk)
    form = DocumentChoiceForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("There is no such document."))
    document = _document(user, form.cleaned_data["kind"], form.cleaned_data["document"])
    try:
        document = services.document_file_add(
            actor=user, document_file=document_file, document=document
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(document_file, request, "#add")
    messages.success(
        request,
        _("%(document)s is in the file, as document %(ordinal)s.")
        % {"document": _name(document), "ordinal": document.file_ordinal},
    )
    return _back(document_file, request, "#add")


@official_required
@require_POST
def document_file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    document_file = _managed_file(request, pk)
    form = DocumentChoiceForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("There is no such document."))
    kind, document_pk = form.cleaned_data["kind"], form.cleaned_data["document"]
    model = OutgoingDocument if kind == OUTGOING else IncomingDocument
    document = model._default_manager.filter(pk=document_pk, document_file=document_file).first()
    if document is None:
        raise NotFound(_("The document is not in this file."))
    try:
        services.document_file_remove(actor=user, document_file=document_file, document=document)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(document_file, request)
    messages.success(
        request,
        _("%(document)s was taken out of the file.") % {"document": _name(document)},
    )
    return _back(document_file, request)


@official_required
@require_POST
def document_file_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    document_file = _managed_file(request, pk)
    try:
        document_file = services.document_file_close(actor=user, document_file=document_file)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(document_file, request)
    messages.success(
        request,
        _("The file is closed; it is kept: %(retention)s.")
        % {"retention": retention_label(document_file)},
    )
    return _back(document_file, request)


# --- from a document's page ----------------------------------------------------------------------


@official_required
@require_POST
def document_file_put(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The panel on a document's page: put the document in one of its agency's open files."""
    user = request.user
    document = _document(user, kind, pk)
    back = _document_url(document)
    files = sel.document_file_open_for(user, document.organisation)
    if not files:
        raise PermissionDenied(
            _("Only a clerk of the agency or the file's keeper may change this file.")
        )
    form = PutInFileForm(request.POST, files=files, prefix="file")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(f"{back}#file-panel")
    document_file = form.cleaned_data["document_file"]
    try:
        document = services.document_file_add(
            actor=user, document_file=document_file, document=document
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(f"{back}#file-panel")
    messages.success(
        request,
        _("The document is in the file %(code)s, as document %(ordinal)s.")
        % {"code": document_file.file_code, "ordinal": document.file_ordinal},
    )
    return HttpResponseRedirect(f"{back}#file-panel")
