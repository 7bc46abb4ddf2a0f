"""Document files (hồ sơ công việc, Decree 30/2020 Art. 28 and Annex VI): open a file, put an
outgoing or incoming document in it (its DocOrdinal is its place in the file), take one out,
close the file.

Every change goes through the same shell: the file's own row locked (then the document's, in
that order everywhere), the one permission rule (policies), a closed file refused,
the change saved, and an audit record (plus an event on the document's timeline when a
document goes in or out).

Closing fixes the file's Annex VI metadata: its start and end dates are the dates of its
earliest and latest documents, and its retention, unless the file has its own, is the longest
retention of its documents' types (RetentionPeriod: the organisation's row, else the default).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.documents import policies
from motcua.documents.enums import FileState
from motcua.documents.models import (
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
)
from motcua.documents.policies import (
    ensure_can_create_document_file,
    ensure_can_manage_document_file,
)
from motcua.documents.selectors_registers import NO_RULE, Retention, retention_for
from motcua.documents.services import shell
from motcua.organisations.models import Organisation

Document = OutgoingDocument | IncomingDocument

_NOTATION = re.compile(r"^[\w.\-/]+$")
MAX_RETENTION_YEARS = 200

CTX = "document register"  # msgctxt of the short texts


# --- the shell ------------------------------------------------------------------------------------


def _lock_file(document_file: DocumentFile) -> DocumentFile:
    return (
        DocumentFile.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=document_file.pk)
    )


def _lock_document(document: Document) -> Document:
    model = type(document)
    return model.objects.select_for_update(of=("self",)).get(pk=document.pk)


def _ensure_open(document_file: DocumentFile) -> None:
    if document_file.state == FileState.CLOSED:
        raise Conflict(_("This file is closed: its documents can no longer change."))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(action: str, document_file: DocumentFile, actor: Any, **changes: Any) -> None:
    audit_record(
        action=f"document.file.{action}",
        obj=document_file,
        actor=_user(actor),
        changes=changes,
    )


def _timeline(
    document: Document, action: str, actor: Any, document_file: DocumentFile, ordinal: int
) -> None:
    """The document's own timeline (and its audit record): it went into, or out of, a file."""
    shell.event(
        document=document,
        action=action,
        actor=actor,
        file=document_file.pk,
        file_code=document_file.file_code,
        ordinal=ordinal,
    )


# --- validation -----------------------------------------------------------------------------------


def _clean_retention(years: int | None, permanent: bool) -> tuple[int | None, bool]:
    if permanent:
        return None, True
    if years is not None and not 1 <= years <= MAX_RETENTION_YEARS:
        raise ValidationFailed(
            _("The retention period must be between 1 and 200 years, or permanent."),
            fields={"retention_years": pgettext(CTX, "between 1 and 200")},
        )
    return years, False


def _document_date(document: Document) -> dt.date | None:
    """The document's own date; for an incoming document without one, its arrival date."""
    if document.issued_date is not None:
        return document.issued_date
    if isinstance(document, IncomingDocument):
        return timezone.localtime(document.arrival_date).date()
    return None


# --- services -------------------------------------------------------------------------------------


def document_file_create(
    *,
    actor: Any,
    organisation: Organisation,
    file_notation: str,
    title: str,
    file_catalog: int | None = None,
    keeper: Any = None,
    retention_years: int | None = None,
    retention_permanent: bool = False,
    language: str = "Tiếng Việt",
    description: str = "",
    opened_on: dt.date | None = None,
) -> DocumentFile:
    """Open a file in the organisation's catalogue of `file_catalog` (a year, this year by
    default): FileCode = OrganId.FileCatalog.FileNotation, unique in the organisation."""
    ensure_can_create_document_file(actor, organisation, keeper)
    notation = (file_notation or "").strip()
    title = " ".join((title or "").split())
    errors: dict[str, Any] = {}
    if not notation or len(notation) > 64 or not _NOTATION.match(notation):
        errors["file_notation"] = pgettext(
            CTX, "letters, digits, dots, dashes and slashes; at most 64"
        )
    if not title or len(title) > 500:
        errors["title"] = pgettext(CTX, "required, at most 500 characters")
    catalog = file_catalog if file_catalog is not None else timezone.localdate().year
    if not 1900 <= catalog <= 2999:
        errors["file_catalog"] = pgettext(CTX, "a year such as 2026")
    if errors:
        raise ValidationFailed(_("The file cannot be opened as written."), fields=errors)
    years, permanent = _clean_retention(retention_years, retention_permanent)
    try:
        with transaction.atomic():
            document_file = DocumentFile.objects.create(
                organisation=organisation,
                file_catalog=catalog,
                file_notation=notation,
                title=title,
                keeper=keeper,
                retention_years=years,
                retention_permanent=permanent,
                language=(language or "Tiếng Việt").strip()[:32],
                description=description.strip(),
                opened_on=opened_on,
            )
            _audit(
                "create",
                document_file,
                actor,
                file_code=document_file.file_code,
                title=title,
                keeper=getattr(keeper, "pk", None),
                retention_years=years,
                retention_permanent=permanent,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The agency already has a file with this notation in this year's catalogue."),
            fields={"file_notation": pgettext(CTX, "already used")},
        ) from exc
    return document_file


@transaction.atomic
def document_file_add(*, actor: Any, document_file: DocumentFile, document: Document) -> Document:
    """Put a numbered outgoing or a registered incoming document of the file's agency into the
    file, after the documents already there (DocOrdinal = its place)."""
    document_file = _lock_file(document_file)
    ensure_can_manage_document_file(actor, document_file)
    _ensure_open(document_file)
    document = _lock_document(document)
    if isinstance(document, OutgoingDocument):
        policies.ensure_can_view_outgoing(actor, document)
        filed = document.code_number is not None
    else:
        policies.ensure_can_view_incoming(actor, document)
        filed = document.arrival_number is not None
    if document.organisation_id != document_file.organisation_id:
        raise ValidationFailed(_("A file holds only documents of its own agency."))
    if not filed:
        raise ValidationFailed(
            _("Only a numbered outgoing or a registered incoming document can go in a file.")
        )
    if document.document_file_id == document_file.pk:
        raise Conflict(_("The document is already in this file."))
    if document.document_file_id is not None:
        raise Conflict(_("The document is already in another file: take it out of that one."))
    last = max(
        document_file.outgoing.aggregate(n=Max("file_ordinal"))["n"] or 0,
        document_file.incoming.aggregate(n=Max("file_ordinal"))["n"] or 0,
    )
    document.document_file = document_file
    document.file_ordinal = last + 1
    document.save(update_fields=["document_file", "file_ordinal", "updated_at"])
    _timeline(document, "file_add", actor, document_file, document.file_ordinal)
    _audit(
        "add",
        document_file,
        actor,
        document=f"{type(document).__name__}:{document.pk}",
        ordinal=document.file_ordinal,
    )
    return document


@transaction.atomic
def document_file_remove(
    *, actor: Any, document_file: DocumentFile, document: Document
) -> Document:
    """Take a document out of an open file; the documents after it move up one place."""
    document_file = _lock_file(document_file)
    ensure_can_manage_document_file(actor, document_file)
    _ensure_open(document_file)
    document = _lock_document(document)
    if document.document_file_id != document_file.pk:
        raise ValidationFailed(_("The document is not in this file."))
    ordinal = document.file_ordinal or 0
    document.document_file = None
    document.file_ordinal = None
    document.save(update_fields=["document_file", "file_ordinal", "updated_at"])
    for model in (OutgoingDocument, IncomingDocument):
        model._default_manager.filter(document_file=document_file, file_ordinal__gt=ordinal).update(
            file_ordinal=F("file_ordinal") - 1
        )
    _timeline(document, "file_remove", actor, document_file, ordinal)
    _audit(
        "remove",
        document_file,
        actor,
        document=f"{type(document).__name__}:{document.pk}",
        ordinal=ordinal,
    )
    return document


def _longest_retention(document_file: DocumentFile, types: set[str]) -> Retention:
    longest = NO_RULE
    for document_type in sorted(types):
        retention = retention_for(document_file.organisation, document_type)
        if retention.rank > longest.rank:
            longest = retention
    return longest


@transaction.atomic
def document_file_close(*, actor: Any, document_file: DocumentFile) -> DocumentFile:
    """Close the file: its dates from its documents, its retention (unless set) the longest of
    its documents' types. A closed file takes no more changes."""
    document_file = _lock_file(document_file)
    ensure_can_manage_document_file(actor, document_file)
    _ensure_open(document_file)
    documents: list[Document] = [*document_file.outgoing.all(), *document_file.incoming.all()]
    if not documents:
        raise ValidationFailed(_("An empty file cannot be closed."))
    dates = [d for d in (_document_date(doc) for doc in documents) if d is not None]
    if not (document_file.retention_permanent or document_file.retention_years):
        retention = _longest_retention(document_file, {doc.document_type for doc in documents})
        if not retention.known:
            raise ValidationFailed(
                _("No retention period is known for these documents: set the file's own."),
                fields={"retention_years": pgettext(CTX, "required")},
            )
        document_file.retention_permanent = retention.permanent
        document_file.retention_years = retention.years
    document_file.opened_on = min(dates) if dates else document_file.opened_on
    document_file.closed_on = max(dates) if dates else timezone.localdate()
    document_file.state = FileState.CLOSED
    document_file.save(
        update_fields=[
            "state",
            "opened_on",
            "closed_on",
            "retention_years",
            "retention_permanent",
        ]
    )
    _audit(
        "close",
        document_file,
        actor,
        state=[FileState.OPEN, FileState.CLOSED],
        start=document_file.opened_on,
        end=document_file.closed_on,
        retention_years=document_file.retention_years,
        retention_permanent=document_file.retention_permanent,
        documents=len(documents),
    )
    return document_file
