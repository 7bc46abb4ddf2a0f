"""Reads behind the statutory registers (Decree 30/2020 Annex IV; DOMAIN §8): the outgoing
register, the incoming register, the processing tracker and the list of the documents in a
file (hồ sơ công việc).

Each register is a queryset (`*_register_list(qs, filters=…)`) over a queryset the caller has
already scoped to what the official may see (`documents.policies.outgoing_scope` /
`incoming_scope`; `outgoing_register_for(user, …)` and friends do both), and a row builder
that turns one document into the register's columns. Screens page through the rows
(`register_page`); exports walk them with `register_rows`, a database iterator in chunks, so the
register of a big year never sits in memory whole.

Values in the rows are what the statutory form shows: number and notation as written on the
document ("05/QĐ-UBND"), dates as dates, names as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from django.db.models import Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from motcua.core.errors import NotFound, ValidationFailed
from motcua.documents import policies, search
from motcua.documents.enums import (
    TYPE_NAMES,
    Confidentiality,
    DocumentType,
    IncomingState,
    OutgoingState,
    RegisterKind,
    Urgency,
)
from motcua.documents.models import (
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
    ProgressNote,
    Register,
    RetentionPeriod,
)
from motcua.documents.retention import DEFAULT_RETENTION
from motcua.organisations.models import Organisation

M = TypeVar("M", bound=Model)
R = TypeVar("R")

EXPORT_CHUNK = 2000  # rows fetched per database round trip when exporting
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_QUERY_LENGTH = 200

CTX = "document register"  # msgctxt of the short texts


# The marks stamped on a document (Decree 30 Art. 15 and Annex I), printed as they are in every
# language, like the types' names (enums.TYPE_NAMES).
URGENCY_MARKS: dict[str, str] = {
    Urgency.URGENT: "Khẩn",
    Urgency.VERY_URGENT: "Thượng khẩn",
    Urgency.EXPRESS: "Hỏa tốc",
    Urgency.EXPRESS_TIMED: "Hỏa tốc hẹn giờ",
}
SECRECY_MARKS: dict[str, str] = {
    Confidentiality.SECRET: "Mật",
    Confidentiality.TOP_SECRET: "Tối mật",
    Confidentiality.ABSOLUTE_SECRET: "Tuyệt mật",
}


# --- filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    """What every register can be narrowed by. Empty values do not filter."""

    organisation: Organisation | None = None  # the agency keeping the register
    register: Register | None = None
    year: int | None = None
    date_from: dt.date | None = None  # document date (outgoing) / arrival date (incoming)
    date_to: dt.date | None = None
    document_type: str = ""
    urgency: str = ""
    state: str = ""
    query: str = ""

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The dates the register covers: the filter's, else its year's."""
        start, end = self.date_from, self.date_to
        if self.year is not None:
            start = start or dt.date(self.year, 1, 1)
            end = end or dt.date(self.year, 12, 31)
        return start, end


def _date(value: str, name: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValidationFailed(
        _("The date is not valid: write it as dd/mm/yyyy."),
        fields={name: pgettext(CTX, "invalid date")},
    )


def _choice(value: str, choices: Sequence[str], name: str) -> str:
    value = (value or "").strip()
    if value and value not in choices:
        raise ValidationFailed(
            _("This register filter has a value that does not exist."),
            fields={name: pgettext(CTX, "unknown value")},
        )
    return value


def register_filters_parse(
    data: Mapping[str, Any], *, kind: str, default_year: int | None = None
) -> RegisterFilters:
    """Filters from a query string: agency (id or agency code), register (id), year, date_from,
    date_to (yyyy-mm-dd or dd/mm/yyyy), type, urgency, state, q. `kind` is the register's
    direction (RegisterKind); the year defaults to `default_year` when no date is given.

    Who may read the agency's registers is the caller's business (policies)."""
    organisation = None
    agency = str(data.get("agency") or "").strip()
    if agency:
        lookup = Q(agency_code=agency) | (Q(pk=int(agency)) if agency.isdigit() else Q())
        organisation = Organisation.objects.filter(lookup).first()
        if organisation is None:
            raise NotFound(_("There is no such agency."))
    register = None
    register_id = str(data.get("register") or "").strip()
    if register_id:
        registers = Register.objects.filter(kind=kind)
        if organisation is not None:
            registers = registers.filter(organisation=organisation)
        register = registers.filter(pk=int(register_id)).first() if register_id.isdigit() else None
        if register is None:
            raise NotFound(_("There is no such register in this agency."))
        organisation = organisation or register.organisation
    year = None
    year_text = str(data.get("year") or "").strip()
    if year_text:
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2999:
            raise ValidationFailed(
                _("The year is not valid."), fields={"year": pgettext(CTX, "a year such as 2026")}
            )
        year = int(year_text)
    date_from = _date(str(data.get("date_from") or ""), "date_from")
    date_to = _date(str(data.get("date_to") or ""), "date_to")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(
            _("The start of the period must not be after its end."),
            fields={"date_from": _("after the end date")},
        )
    if year is None and date_from is None and date_to is None:
        year = default_year
    states = OutgoingState.values if kind == RegisterKind.OUTGOING else IncomingState.values
    query = str(data.get("q") or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            _("The search text is too long."), fields={"q": pgettext(CTX, "at most 200 characters")}
        )
    return RegisterFilters(
        organisation=organisation,
        register=register,
        year=year,
        date_from=date_from,
        date_to=date_to,
        document_type=_choice(str(data.get("type") or ""), DocumentType.values, "type"),
        urgency=_choice(str(data.get("urgency") or ""), Urgency.values, "urgency"),
        state=_choice(str(data.get("state") or ""), states, "state"),
        query=query,
    )


def register_agency_of(user: Any, kind: str) -> Organisation | None:
    """The agency whose registers an official reads by default: the nearest of their unit and
    the units above it that keeps a register of `kind` (a clerk of "Văn phòng Sở" keeps the
    department's registers), else their own unit."""
    unit: Organisation | None = getattr(user, "organisation", None)
    if unit is None:
        return None
    chain = [unit.pk, *reversed(unit.ancestors_ids())]
    keeping = set(
        Register.objects.filter(organisation_id__in=chain, kind=kind).values_list(
            "organisation_id", flat=True
        )
    )
    for pk in chain:
        if pk in keeping:
            return unit if pk == unit.pk else Organisation.objects.get(pk=pk)
    return unit


def _common(qs: QuerySet[M], filters: RegisterFilters) -> QuerySet[M]:
    if filters.organisation is not None:
        qs = qs.filter(organisation=filters.organisation)
    if filters.register is not None:
        qs = qs.filter(register=filters.register)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.document_type:
        qs = qs.filter(document_type=filters.document_type)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


def _local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _scoped(model: type[M], scope: Q) -> QuerySet[M]:
    """The rows `scope` lets through (each once: the visibility rule uses subqueries, not
    joins; filtering the rows directly lets PostgreSQL use the register's indexes)."""
    return model._default_manager.filter(scope)


# --- outgoing register ----------------------------------------------------------------------------


def outgoing_register_list(
    qs: QuerySet[OutgoingDocument], *, filters: RegisterFilters
) -> QuerySet[OutgoingDocument]:
    """The outgoing register: the numbered documents, in the register's order (register, year,
    number). The period is the document's date."""
    qs = _common(qs.filter(code_number__isnull=False), filters)
    if filters.date_from is not None:
        qs = qs.filter(issued_date__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(issued_date__lte=filters.date_to)
    if filters.query:
        qs = search.search_outgoing(qs, filters.query)
    return (
        qs.select_related("signer", "keeper_unit", "organisation")
        .prefetch_related("recipients")
        .order_by("register_id", "year", "code_number", "id")
    )


def outgoing_register_for(user: Any, *, filters: RegisterFilters) -> QuerySet[OutgoingDocument]:
    return outgoing_register_list(
        _scoped(OutgoingDocument, policies.outgoing_scope(user)), filters=filters
    )


@dataclass(frozen=True)
class OutgoingRegisterRow:
    """One line of the outgoing register, columns (1)–(10)."""

    id: int
    number_notation: str
    date: dt.date | None
    type_and_summary: str
    signer: str
    recipients: str
    keeper: str
    copies: int | None
    sent_on: dt.date | None
    receipt: str
    note: str
    urgency: str
    confidentiality: str
    state: str


def outgoing_register_row(document: OutgoingDocument) -> OutgoingRegisterRow:
    signer = document.signer
    signer_name = (signer.full_name or signer.get_username()) if signer is not None else ""
    return OutgoingRegisterRow(
        id=document.pk,
        number_notation=document.number_notation,
        date=document.issued_date,
        type_and_summary=type_and_summary(document.document_type, "", document.subject),
        signer=signer_name,
        recipients="; ".join(r.name for r in document.recipients.all()),
        keeper=document.keeper_unit.name if document.keeper_unit is not None else "",
        copies=document.issued_amount,
        sent_on=_local_date(document.issued_at),
        receipt="",
        note=_note(document.urgency, document.confidentiality, document.note, _ended(document)),
        urgency=document.urgency,
        confidentiality=document.confidentiality,
        state=document.state,
    )


def _ended(document: OutgoingDocument | IncomingDocument) -> str:
    """ "Revoked", "Replaced", "Returned to the sender": a register line that no longer holds."""
    if isinstance(document, OutgoingDocument):
        if document.state in (OutgoingState.REVOKED, OutgoingState.REPLACED):
            return str(OutgoingState(document.state).label)
        return ""
    if document.state in (IncomingState.RETURNED, IncomingState.REVOKED):
        return str(IncomingState(document.state).label)
    return ""


# --- incoming register ----------------------------------------------------------------------------


def _incoming(
    qs: QuerySet[IncomingDocument], filters: RegisterFilters
) -> QuerySet[IncomingDocument]:
    qs = _common(qs.filter(arrival_number__isnull=False), filters)
    if filters.date_from is not None:
        qs = qs.filter(arrival_date__gte=_local_day_start(filters.date_from))
    if filters.date_to is not None:
        qs = qs.filter(arrival_date__lt=_local_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.query:
        q = filters.query
        # Diacritics-insensitive words (search.py); a bare number is also the arrival number.
        found = search.search_incoming(qs, q)
        if q.isdigit():
            found = qs.filter(Q(pk__in=found.values("pk")) | Q(arrival_number=int(q)))
        qs = found
    return qs.select_related("lead_unit", "lead_official", "organisation").order_by(
        "register_id", "year", "arrival_number", "id"
    )


def incoming_register_list(
    qs: QuerySet[IncomingDocument], *, filters: RegisterFilters
) -> QuerySet[IncomingDocument]:
    """The incoming register: the registered documents (with an arrival number), in the order
    of their arrival numbers. The period is the arrival date (Vietnam days)."""
    return _incoming(qs, filters)


def incoming_register_for(user: Any, *, filters: RegisterFilters) -> QuerySet[IncomingDocument]:
    return incoming_register_list(
        _scoped(IncomingDocument, policies.incoming_scope(user)), filters=filters
    )


@dataclass(frozen=True)
class IncomingRegisterRow:
    """One line of the incoming register, columns (1)–(10)."""

    id: int
    arrival_date: dt.date | None
    arrival_number: int | None
    author: str
    number_notation: str
    date: dt.date | None
    type_and_summary: str
    receiver: str
    passed_on: dt.date | None
    receipt: str
    note: str
    urgency: str
    confidentiality: str
    state: str


def incoming_register_row(document: IncomingDocument) -> IncomingRegisterRow:
    receiver = document.lead_unit.name if document.lead_unit is not None else ""
    if document.lead_official is not None:
        person = document.lead_official.full_name or document.lead_official.get_username()
        receiver = f"{receiver} - {person}" if receiver else person
    return IncomingRegisterRow(
        id=document.pk,
        arrival_date=_local_date(document.arrival_date),
        arrival_number=document.arrival_number,
        author=document.sender_name,
        number_notation=document.number_notation,
        date=document.issued_date,
        type_and_summary=type_and_summary(
            document.document_type, document.type_name, document.subject
        ),
        receiver=receiver,
        passed_on=_local_date(document.passed_on_at),
        receipt="",
        note=_note(document.urgency, document.confidentiality, document.note, _ended(document)),
        urgency=document.urgency,
        confidentiality=document.confidentiality,
        state=document.state,
    )


# --- processing tracker ---------------------------------------------------------------------------


def processing_tracker_list(
    qs: QuerySet[IncomingDocument], *, filters: RegisterFilters
) -> QuerySet[IncomingDocument]:
    """The processing tracker: the registered documents a leader assigned, with their lead and
    co-units, deadline, progress (the latest note) and our replies."""
    latest = ProgressNote.objects.filter(document=OuterRef("pk")).order_by("-at", "-id")
    replies = OutgoingDocument.objects.filter(code_number__isnull=False).order_by(
        "issued_date", "id"
    )
    return (
        _incoming(qs.filter(assigned_at__isnull=False), filters)
        .annotate(
            latest_note=Subquery(latest.values("text")[:1]),
            latest_percent=Subquery(latest.values("percent")[:1]),
        )
        .prefetch_related(
            "co_units", Prefetch("replies", queryset=replies, to_attr="numbered_replies")
        )
    )


def processing_tracker_for(user: Any, *, filters: RegisterFilters) -> QuerySet[IncomingDocument]:
    return processing_tracker_list(
        _scoped(IncomingDocument, policies.incoming_scope(user)), filters=filters
    )


@dataclass(frozen=True)
class TrackerRow:
    """One line of the processing tracker, columns (1)–(7)."""

    id: int
    arrival_number: int | None
    document: str
    receiver: str
    deadline: dt.date | None
    progress: str
    replies: str
    note: str
    overdue: bool
    state: str


def tracker_row(document: IncomingDocument, *, today: dt.date | None = None) -> TrackerRow:
    today = today or timezone.localdate()
    units = []
    if document.lead_unit is not None:
        units.append(pgettext(CTX, "%(unit)s (lead)") % {"unit": document.lead_unit.name})
    units += [
        pgettext(CTX, "%(unit)s (co-unit)") % {"unit": u.name} for u in document.co_units.all()
    ]
    if document.lead_official is not None:
        units.append(document.lead_official.full_name or document.lead_official.get_username())
    replies = getattr(document, "numbered_replies", None)
    if replies is None:
        replies = list(document.replies.filter(code_number__isnull=False))
    overdue = document.is_overdue(today)
    return TrackerRow(
        id=document.pk,
        arrival_number=document.arrival_number,
        document=incoming_description(document),
        receiver="; ".join(units),
        deadline=document.deadline,
        progress=_progress(document),
        replies="; ".join(r.number_notation for r in replies),
        note="; ".join(
            part
            for part in (pgettext(CTX, "Overdue") if overdue else "", document.note.strip())
            if part
        ),
        overdue=overdue,
        state=document.state,
    )


def incoming_description(document: IncomingDocument) -> str:
    """Column (2) of the tracker: type, number and notation, date and author, then summary."""
    head = document.type_name or TYPE_NAMES.get(document.document_type, "")
    parts = [head]
    if document.number_notation:
        parts.append(pgettext(CTX, "No. %(number)s") % {"number": document.number_notation})
    if document.issued_date is not None:
        parts.append(pgettext(CTX, "dated %(date)s") % {"date": f"{document.issued_date:%d/%m/%Y}"})
    if document.sender_name:
        parts.append(pgettext(CTX, "of %(author)s") % {"author": document.sender_name})
    text = " ".join(p for p in parts if p)
    return f"{text}: {document.subject}" if document.subject else text


def _progress(document: IncomingDocument) -> str:
    state = str(IncomingState(document.state).label)
    percent = getattr(document, "latest_percent", None)
    if percent is None and document.progress:
        percent = document.progress
    if document.state == IncomingState.DONE and document.finished_at is not None:
        finished = _local_date(document.finished_at)
        state = pgettext(CTX, "%(state)s on %(date)s") % {
            "state": state,
            "date": f"{finished:%d/%m/%Y}",
        }
    elif percent:
        state = f"{state} ({percent}%)"
    note = getattr(document, "latest_note", None) or ""
    return f"{state}: {note}" if note else state


# --- documents in a file --------------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntryRow:
    """One line of the list of documents in a file (mục lục văn bản), columns (1)–(7)."""

    ordinal: int
    number_notation: str
    date: dt.date | None
    type_and_summary: str
    author: str
    sheet: str  # the sheet the document starts on, from the page counts before it
    note: str
    direction: str  # RegisterKind: outgoing or incoming
    id: int
    pages: int | None


def document_file_entries(document_file: DocumentFile) -> list[OutgoingDocument | IncomingDocument]:
    """The documents in a file, outgoing and incoming together, in their DocOrdinal order."""
    outgoing = list(
        document_file.outgoing.select_related("organisation").order_by("file_ordinal", "id")
    )
    incoming = list(document_file.incoming.order_by("file_ordinal", "id"))
    entries: list[OutgoingDocument | IncomingDocument] = [*outgoing, *incoming]
    entries.sort(key=lambda d: (d.file_ordinal or 0, isinstance(d, IncomingDocument), d.pk))
    return entries


def document_file_rows(document_file: DocumentFile) -> list[FileEntryRow]:
    rows = []
    sheet: int | None = 1
    for document in document_file_entries(document_file):
        if isinstance(document, OutgoingDocument):
            author = document.organisation.name
            summary = type_and_summary(document.document_type, "", document.subject)
            direction = RegisterKind.OUTGOING
        else:
            author = document.sender_name
            summary = type_and_summary(document.document_type, document.type_name, document.subject)
            direction = RegisterKind.INCOMING
        rows.append(
            FileEntryRow(
                ordinal=document.file_ordinal or 0,
                number_notation=document.number_notation,
                date=document.issued_date,
                type_and_summary=summary,
                author=author,
                sheet=str(sheet) if sheet is not None else "",
                note=document.note,
                direction=direction,
                id=document.pk,
                pages=document.page_amount,
            )
        )
        sheet = sheet + document.page_amount if sheet is not None and document.page_amount else None
    return rows


@dataclass(frozen=True)
class FileSummary:
    """A file's Decree 30 Annex VI metadata, the figures computed from its documents."""

    file_code: str
    title: str
    keeper: str
    retention: str
    language: str
    start: dt.date | None
    end: dt.date | None
    documents: int
    pages: int | None  # None when a document's page count is unknown
    description: str
    state: str


def document_file_summary(document_file: DocumentFile, rows: list[FileEntryRow]) -> FileSummary:
    dates = [r.date for r in rows if r.date is not None]
    pages = [r.pages for r in rows]
    keeper = document_file.keeper
    return FileSummary(
        file_code=document_file.file_code,
        title=document_file.title,
        keeper=(keeper.full_name or keeper.get_username()) if keeper is not None else "",
        retention=retention_text(document_file.retention_years, document_file.retention_permanent),
        language=document_file.language,
        start=document_file.opened_on or (min(dates) if dates else None),
        end=document_file.closed_on or (max(dates) if dates else None),
        documents=len(rows),
        pages=sum(p for p in pages if p) if all(p for p in pages) else None,
        description=document_file.description,
        state=document_file.state,
    )


def retention_text(years: int | None, permanent: bool) -> str:
    if permanent:
        return pgettext(CTX, "Permanent")
    if years:
        return pgettext(CTX, "%(years)s years") % {"years": years}
    return ""


@dataclass(frozen=True)
class Retention:
    """How long a document type is kept: `permanent`, else `years` (None: no rule)."""

    years: int | None
    permanent: bool

    @property
    def known(self) -> bool:
        return self.permanent or self.years is not None

    @property
    def rank(self) -> float:
        """For comparing: permanent above any number of years, no rule below everything."""
        if self.permanent:
            return float("inf")
        return float(self.years) if self.years is not None else -1.0


NO_RULE = Retention(years=None, permanent=False)


def retention_for(organisation: Organisation, document_type: str) -> Retention:
    """The retention of a document type in an organisation: its own RetentionPeriod row, else
    the default row (organisation empty), else the built-in default (retention.py), else no
    rule. A row without years is permanent."""
    rows = list(
        RetentionPeriod.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True),
            document_type=document_type,
        )
    )
    own = [row for row in rows if row.organisation_id is not None]
    if not (own or rows):
        if document_type not in DEFAULT_RETENTION:
            return NO_RULE
        years = DEFAULT_RETENTION[document_type]
        return Retention(years=years, permanent=years is None)
    chosen = (own or rows)[0]
    return Retention(years=chosen.years, permanent=chosen.years is None)


# --- paging and iterating -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPage(Generic[R]):
    rows: list[R]
    number: int
    num_pages: int
    count: int
    per_page: int

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_ordinal(self) -> int:
        """The 1-based position of the page's first row in the whole register."""
        return (self.number - 1) * self.per_page + 1


def register_page(
    qs: QuerySet[M], row_of: Callable[[M], R], *, page: Any = 1, per_page: int = PAGE_SIZE
) -> RegisterPage[R]:
    """One screen of a register: rows `row_of(document)` of page `page` (out-of-range and
    unreadable page numbers give the last or the first page)."""
    per_page = max(1, min(per_page, MAX_PAGE_SIZE))
    paginator = Paginator(qs, per_page)
    current = paginator.get_page(page)
    return RegisterPage(
        rows=[row_of(document) for document in current.object_list],
        number=current.number,
        num_pages=paginator.num_pages,
        count=paginator.count,
        per_page=per_page,
    )


def register_rows(
    qs: QuerySet[M], row_of: Callable[[M], R], *, chunk_size: int = EXPORT_CHUNK
) -> Iterator[R]:
    """Every row of a register, fetched `chunk_size` documents at a time (prefetches included),
    for exports of any size."""
    for document in qs.iterator(chunk_size=chunk_size):
        yield row_of(document)


# --- shared cell texts ----------------------------------------------------------------------------


def type_and_summary(document_type: str, type_name: str, subject: str) -> str:
    """ "Quyết định về việc …": the type's name, then the summary (its first letter in lower
    case unless it starts an abbreviation such as "UBND")."""
    name = type_name or TYPE_NAMES.get(document_type, "")
    subject = (subject or "").strip()
    if not subject:
        return name
    if not name:
        return subject
    if len(subject) > 1 and subject[0].isupper() and not subject[1].isupper():
        subject = subject[0].lower() + subject[1:]
    return f"{name} {subject}"


def _note(urgency: str, confidentiality: str, note: str, ended: str) -> str:
    """Column "Note": urgency and secrecy marks, whether the document was revoked, replaced or
    returned, then the note itself."""
    parts = []
    if urgency in URGENCY_MARKS:
        parts.append(URGENCY_MARKS[urgency])
    if confidentiality in SECRECY_MARKS:
        parts.append(SECRECY_MARKS[confidentiality])
    if ended:
        parts.append(ended)
    if note.strip():
        parts.append(note.strip())
    return "; ".join(parts)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None
