"""The "Document files" panel of an incoming or outgoing document's page (which file holds the
document, and a form to put it in one of its agency's open files), and the files' line on the
documents home. Used by templates/documents/files/_panel.html and documents/home.html, so the
documents' own views need not know about files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from motcua.documents import policies
from motcua.documents import selectors_files as sel
from motcua.documents.enums import FileState
from motcua.documents.forms_files import INCOMING, OUTGOING, PutInFileForm, state_label
from motcua.documents.models import DocumentFile, IncomingDocument, OutgoingDocument

register = template.Library()

NAV_CACHE = "_documents_files_nav"  # computed once per request


@dataclass
class FilePanel:
    document_file: DocumentFile | None
    file_url: str  # "" when the reader may not open the file
    ordinal: int | None
    state: str
    form: PutInFileForm | None  # the open files the reader may put the document in
    put_url: str
    create_url: str


def _mounted() -> bool:
    """The files' pages are in the URLs (a test's URL configuration may leave them out)."""
    try:
        reverse("documents:document_file_list")
    except NoReverseMatch:
        return False
    return True


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def document_file_panel(context: template.Context, document: Any) -> FilePanel | None:
    """What the panel shows for `document` to the reader; None when there is nothing to show
    (a document that cannot be filed yet and is in no file)."""
    user = _user(context)
    if user is None or not isinstance(document, OutgoingDocument | IncomingDocument):
        return None
    if not _mounted():
        return None
    kind = OUTGOING if isinstance(document, OutgoingDocument) else INCOMING
    document_file = document.document_file if document.document_file_id else None
    if document_file is not None:
        return FilePanel(
            document_file=document_file,
            file_url=reverse("documents:document_file_detail", args=[document_file.pk])
            if policies.can_view_document_file(user, document_file)
            else "",
            ordinal=document.file_ordinal,
            state=state_label(document_file.state),
            form=None,
            put_url="",
            create_url="",
        )
    if not sel.document_can_be_filed(document):
        return None
    files = sel.document_file_open_for(user, document.organisation)
    can_create = any(a.pk == document.organisation_id for a in sel.document_file_agencies_for(user))
    create_url = ""
    if can_create:
        create_url = (
            f"{reverse('documents:document_file_create')}?"
            f"{urlencode({'agency': document.organisation_id})}"
        )
    return FilePanel(
        document_file=None,
        file_url="",
        ordinal=None,
        state="",
        form=PutInFileForm(files=files, prefix="file") if files else None,
        put_url=reverse("documents:document_file_put", args=[kind, document.pk]),
        create_url=create_url,
    )


@register.inclusion_tag("documents/files/_nav.html", takes_context=True)
def document_files_nav(context: template.Context) -> dict[str, Any]:
    """The "Document files" entry of the workspace's menu (documents/_nav.html), for those who
    see a file or may open one. The menu's context is its own tag's: the request is the
    context's attribute."""
    request = getattr(context, "request", None) or context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not _mounted():
        return {"show": False}
    url = reverse("documents:document_file_list")
    show = getattr(request, NAV_CACHE, None)
    if show is None:
        show = bool(sel.document_file_agencies_for(user)) or (
            sel.document_file_visible(user).exists()
        )
        setattr(request, NAV_CACHE, show)
    return {"show": show, "url": url, "current": request.path.startswith(url)}


@dataclass
class FilesHome:
    url: str
    open_count: int
    create_url: str


@register.simple_tag(takes_context=True)
def document_files_home(context: template.Context) -> FilesHome | None:
    """The documents home's line: how many open files the reader sees, and whether they may
    open one."""
    user = _user(context)
    if user is None or not _mounted():
        return None
    open_count = sel.document_file_visible(user).filter(state=FileState.OPEN).count()
    return FilesHome(
        url=reverse("documents:document_file_list"),
        open_count=open_count,
        create_url=reverse("documents:document_file_create")
        if sel.document_file_agencies_for(user)
        else "",
    )
