"""Reads for the document files' pages (hồ sơ công việc): the files an official may see, with
their document counts; the agencies they may open a file for and the possible keepers; one
file with its documents in order; the documents that may go into it; what closing it would
fix; and the files a document may be put in.

Who sees a file is `policies.can_view_document_file` (its keeper, the agency's clerks and
leaders); `document_file_visible` is the same rule as one query condition for the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.accounts.enums import ROLES_WITH_SUBTREE, AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.accounts.policies import is_provincial_admin
from motcua.core.errors import NotFound
from motcua.documents import policies
from motcua.documents.enums import FileState
from motcua.documents.models import DocumentFile, IncomingDocument, OutgoingDocument
from motcua.documents.selectors import acting_units, incoming_visible
from motcua.documents.selectors_outgoing import outgoing_visible
from motcua.documents.selectors_registers import NO_RULE, Retention, retention_for
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

PAGE_SIZE = 25
CANDIDATES = 15  # documents offered at once for adding to a file
TEXT_MAX = 100

Document = OutgoingDocument | IncomingDocument


# --- who sees which files ------------------------------------------------------------------------


def _own(user: Any) -> list[int]:
    """The ids of the units the user works for (`selectors.acting_units`: their agency and the
    divisions of it they work in; not the units above their agency)."""
    return [unit.pk for unit in acting_units(user)]


def _official(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == AccountKind.OFFICIAL
        and user.organisation_id is not None
    )


def document_file_visible(user: Any) -> QuerySet[DocumentFile]:
    """The files `user` may see (`policies.can_view_document_file` as one condition): those of
    the agencies they are clerk or leader of (their agency, `selectors.acting_units`; with a
    subtree role, the units below their own too), and those they keep in an agency they work for."""
    files = DocumentFile.objects.all()
    if is_provincial_admin(user):
        return files
    if not _official(user):
        return files.none()
    chain = Q(organisation_id__in=_own(user))
    subtree = bool(user.role_set() & ROLES_WITH_SUBTREE)
    below = Q(organisation__path__startswith=user.organisation.path) if subtree else Q(pk__in=[])
    condition = Q(pk__in=[])
    if user.has_role(*policies.FILE_KEEPER_ROLES):
        condition = Q(keeper_id=user.pk) & (chain | below)
    if user.has_role(Role.CLERK, Role.LEADER):
        condition |= chain | below
    return files.filter(condition)


# --- the list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFilters:
    """The list's filters, as the filter form cleaned them (empty: no filter)."""

    text: str = ""
    year: int | None = None
    state: str = ""
    organisation: Organisation | None = None
    mine: bool = False


def _count(model: type[Document]) -> Any:
    counted = (
        model._default_manager.filter(document_file=OuterRef("pk"))
        .order_by()
        .values("document_file")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_counts(qs: QuerySet[DocumentFile]) -> QuerySet[DocumentFile]:
    return qs.annotate(outgoing_count=_count(OutgoingDocument)).annotate(
        incoming_count=_count(IncomingDocument)
    )


def _filtered(
    qs: QuerySet[DocumentFile], filters: FileFilters, user: Any
) -> QuerySet[DocumentFile]:
    for word in filters.text[:TEXT_MAX].split():
        qs = qs.filter(Q(file_notation__icontains=word) | Q(title__icontains=word))
    if filters.year is not None:
        qs = qs.filter(file_catalog=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.organisation is not None:
        qs = qs.filter(organisation=filters.organisation)
    if filters.mine:
        qs = qs.filter(keeper_id=user.pk)
    return qs


def document_file_list(
    user: Any, *, filters: FileFilters | None = None, page: Any = 1
) -> Page[DocumentFile]:
    """One page of the files `user` may see: open ones first, then the latest catalogue year,
    then by notation. Each carries `outgoing_count` and `incoming_count`."""
    qs = _filtered(document_file_visible(user), filters or FileFilters(), user)
    open_first = Case(When(state=FileState.OPEN, then=Value(0)), default=Value(1))
    qs = _with_counts(qs.select_related("organisation", "keeper")).order_by(
        open_first, "-file_catalog", "file_notation", "pk"
    )
    return Paginator(qs, PAGE_SIZE).get_page(page)


def document_file_agencies_seen(user: Any) -> list[Organisation]:
    """The agencies of the files `user` sees (for the list's agency filter)."""
    ids = document_file_visible(user).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("path"))


def document_file_years(user: Any) -> list[int]:
    years = document_file_visible(user).values_list("file_catalog", flat=True).distinct()
    return sorted(set(years) | {timezone.localdate().year}, reverse=True)


# --- opening a file ------------------------------------------------------------------------------


def document_file_agencies_for(user: Any) -> list[Organisation]:
    """The agencies `user` may open a file for: their agency (`policies.user_agency`; a
    division's documents are its agency's), never the units above it. A provincial
    administrator: every agency."""
    if is_provincial_admin(user):
        return list(Organisation.objects.exclude(kind=OrganisationKind.DIVISION).order_by("path"))
    agency = policies.user_agency(user)
    if agency is None:
        return []
    if policies.can_create_document_file(user, agency, user) or policies.can_create_document_file(
        user, agency, None
    ):
        return [agency]
    return []


def document_file_keepers(user: Any, agency: Organisation) -> QuerySet[User]:
    """Whom `user` may name as a file's keeper: the agency's clerks may name any active official
    of the agency who works on documents; the others only themselves."""
    if policies.can_create_document_file(user, agency, None):  # a clerk of the agency
        return (
            User.objects.filter(
                kind=AccountKind.OFFICIAL,
                is_active=True,
                organisation__in=policies.agency_units(agency),
                pk__in=RoleAssignment.objects.filter(role__in=policies.FILE_KEEPER_ROLES).values(
                    "user_id"
                ),
            )
            .select_related("organisation")
            .order_by("organisation__path", "full_name", "pk")
        )
    return User.objects.filter(pk=user.pk).select_related("organisation")


# --- one file ------------------------------------------------------------------------------------


def document_file_get_for_viewer(user: Any, pk: int) -> DocumentFile:
    """The file, or NotFound: the same answer whether it does not exist or the reader may not
    see it."""
    document_file = (
        document_file_visible(user)
        .select_related("organisation", "keeper", "keeper__organisation")
        .filter(pk=pk)
        .first()
    )
    if document_file is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("There is no such document file."), fields={"id": str(pk)})
    return document_file


def document_file_documents(document_file: DocumentFile) -> list[Document]:
    """The documents in the file in their order (DocOrdinal), outgoing and incoming together."""
    outgoing = list(
        document_file.outgoing.select_related("organisation").order_by("file_ordinal", "pk")
    )
    incoming = list(document_file.incoming.order_by("file_ordinal", "pk"))
    documents: list[Document] = [*outgoing, *incoming]
    documents.sort(key=lambda d: (d.file_ordinal or 0, isinstance(d, IncomingDocument), d.pk))
    return documents


def document_date(document: Document) -> dt.date | None:
    """The document's own date; for an incoming document without one, its arrival date (as
    closing a file counts it)."""
    if document.issued_date is not None:
        return document.issued_date
    if isinstance(document, IncomingDocument):
        return timezone.localtime(document.arrival_date).date()
    return None


@dataclass(frozen=True)
class ClosePreview:
    """What closing the file would fix: its retention (the file's own, else the longest of its
    documents' types, `from_type` naming that type) and its start and end dates."""

    retention: Retention
    own: bool
    from_type: str
    start: dt.date | None
    end: dt.date | None
    documents: int


def document_file_close_preview(
    document_file: DocumentFile, documents: list[Document]
) -> ClosePreview:
    """As `services.files.document_file_close` computes them."""
    dates = [d for d in (document_date(doc) for doc in documents) if d is not None]
    own = bool(document_file.retention_permanent or document_file.retention_years)
    retention, from_type = NO_RULE, ""
    if own:
        retention = Retention(
            years=document_file.retention_years, permanent=document_file.retention_permanent
        )
    else:
        for document_type in sorted({doc.document_type for doc in documents}):
            candidate = retention_for(document_file.organisation, document_type)
            if candidate.rank > retention.rank:
                retention, from_type = candidate, document_type
    return ClosePreview(
        retention=retention,
        own=own,
        from_type=from_type,
        start=min(dates) if dates else None,
        end=max(dates) if dates else None,
        documents=len(documents),
    )


# --- documents to add ----------------------------------------------------------------------------


def _outgoing_text(word: str) -> Q:
    number, slash, notation = word.partition("/")
    if slash and number.isdigit():  # "5/QĐ-UBND", "05/QĐ-UBND"
        return Q(code_number=int(number), code_notation__iexact=notation)
    condition = Q(subject__icontains=word) | Q(code_notation__icontains=word)
    if word.isdigit():
        condition |= Q(code_number=int(word))
    return condition


def _incoming_text(word: str) -> Q:
    number, slash, notation = word.partition("/")
    if slash and number.isdigit():
        numbers = sorted({number, number.lstrip("0") or "0", number.zfill(2)})
        return Q(code_number__in=numbers, code_notation__iexact=notation)
    condition = (
        Q(subject__icontains=word)
        | Q(code_notation__icontains=word)
        | Q(code_number__iexact=word)
        | Q(sender_name__icontains=word)
    )
    if word.isdigit():
        condition |= Q(arrival_number=int(word))
    return condition


@dataclass(frozen=True)
class Candidates:
    outgoing: list[OutgoingDocument]
    incoming: list[IncomingDocument]

    def __bool__(self) -> bool:
        return bool(self.outgoing or self.incoming)


def document_file_candidates(
    user: Any, document_file: DocumentFile, *, text: str = "", limit: int = CANDIDATES
) -> Candidates:
    """The documents of the file's agency that `user` sees and that may go into a file and are
    in none yet: numbered outgoing and registered incoming ones, matching every word of `text`
    (number, notation, summary; an incoming one's author and arrival number too), the latest
    first."""
    words = text[:TEXT_MAX].split()[:8]
    outgoing = outgoing_visible(user).filter(
        organisation_id=document_file.organisation_id,
        code_number__isnull=False,
        document_file__isnull=True,
    )
    incoming = incoming_visible(user).filter(
        organisation_id=document_file.organisation_id,
        arrival_number__isnull=False,
        document_file__isnull=True,
    )
    for word in words:
        outgoing = outgoing.filter(_outgoing_text(word))
        incoming = incoming.filter(_incoming_text(word))
    return Candidates(
        outgoing=list(outgoing.order_by("-issued_date", "-code_number", "-pk")[:limit]),
        incoming=list(incoming.order_by("-arrival_date", "-pk")[:limit]),
    )


# --- the panel on a document's page --------------------------------------------------------------


def document_can_be_filed(document: Document) -> bool:
    """A numbered outgoing or a registered incoming document (as the service requires)."""
    if isinstance(document, OutgoingDocument):
        return document.code_number is not None
    return document.arrival_number is not None


def document_file_open_for(user: Any, organisation: Organisation) -> list[DocumentFile]:
    """The open files of the agency that `user` may put documents in (its clerks: all; an
    official: those they keep)."""
    files = (
        DocumentFile.objects.filter(organisation=organisation, state=FileState.OPEN)
        .select_related("organisation", "keeper")
        .order_by("-file_catalog", "file_notation", "pk")
    )
    if not policies.can_create_document_file(user, organisation, None):
        files = files.filter(keeper_id=getattr(user, "pk", None))
    return [f for f in files if policies.can_manage_document_file(user, f)]
