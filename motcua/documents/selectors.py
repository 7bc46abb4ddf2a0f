"""Reads of incoming documents for the officials' workspace: the queues (to register, to assign,
to process, overdue, all) with their filters and counts, and one document with what its page
shows. Everything is filtered through `policies.incoming_scope`: a document outside it does not
exist for the reader.

Outgoing documents have their own selectors (`selectors_outgoing`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.enums import Role
from motcua.accounts.policies import is_provincial_admin
from motcua.core.errors import NotFound
from motcua.core.text import vietnamese_sort_key
from motcua.documents import policies, search
from motcua.documents.enums import IncomingState
from motcua.documents.models import (
    DocumentEvent,
    IncomingDocument,
    IncomingFile,
    OutboundStatus,
    OutgoingDocument,
    ProgressNote,
)
from motcua.organisations.models import Organisation

S = IncomingState
PAGE_SIZE = 25
TEXT_MAX = 100

# Open: the deadline still runs (the same states as IncomingDocument.is_overdue).
OPEN_STATES = (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS)
PROCESSING_STATES = (S.ASSIGNED, S.IN_PROGRESS)

# The queues in the order of the tabs, with their labels.
QUEUES: tuple[tuple[str, Any], ...] = (
    ("to_register", gettext_lazy("To register")),
    ("to_assign", gettext_lazy("To assign")),
    ("to_process", gettext_lazy("To process")),
    ("overdue", gettext_lazy("Overdue")),
    ("all", gettext_lazy("All documents")),
)
QUEUE_KEYS = tuple(key for key, _label in QUEUES)
# What waits for the reader (the count beside "Incoming documents" in the navigation).
WAITING_QUEUES = ("to_register", "to_assign", "to_process")


@dataclass(frozen=True)
class IncomingFilters:
    """The list's filters, as the filter form cleaned them (empty: no filter)."""

    text: str = ""
    date_from: dt.date | None = None  # arrival date, Vietnam time, inclusive
    date_to: dt.date | None = None
    document_type: str = ""
    urgency: str = ""
    state: str = ""


# --- who works on what ---------------------------------------------------------------------------


def acting_units(user: Any) -> list[Organisation]:
    """The units an official acts for as clerk or leader (`policies.member_of`): their agency
    (`policies.user_agency`: a clerk of the People's Committee's office registers for the
    Committee) and the divisions of it they work in, nearest first. Not the units above the
    agency: a department or a commune is an agency of its own."""
    agency = policies.user_agency(user)
    if agency is None:
        return []
    units = Organisation.objects.filter(pk__in=policies.agency_units(agency)).order_by("-path")
    return [unit for unit in units if policies.within(user.organisation, unit)]


def _agency_ids(user: Any) -> list[int]:
    """The ids of `acting_units`."""
    return [unit.pk for unit in acting_units(user)]


def _acts_as(user: Any, *roles: str) -> bool:
    return is_provincial_admin(user) or (
        bool(getattr(user, "is_official", False)) and user.has_role(*roles)
    )


def _agency_q(user: Any, role: str) -> Q:
    if is_provincial_admin(user):
        return Q()
    if not _acts_as(user, role):
        return Q(pk__in=[])
    return Q(organisation_id__in=_agency_ids(user))


def _assigned_to_q(user: Any) -> Q:
    """Assigned to the reader (lead official), to their unit as lead unit when no lead official
    is named (a named official's document waits for them, not for their colleagues), or to
    their unit as a co-unit."""
    mine = Q(lead_official_id=user.pk)
    unit_id = getattr(user, "organisation_id", None)
    if unit_id is not None and user.has_role(*policies.PROCESSING_ROLES):
        co = IncomingDocument.co_units.through.objects.filter(organisation_id=unit_id)
        mine |= Q(lead_unit_id=unit_id, lead_official__isnull=True)
        mine |= Q(pk__in=co.values("incomingdocument_id"))
    return mine


def _queue_q(user: Any, queue: str, today: dt.date) -> Q:
    if queue == "to_register":
        return Q(state=S.RECEIVED) & _agency_q(user, Role.CLERK)
    if queue == "to_assign":
        return Q(state=S.REGISTERED) & _agency_q(user, Role.LEADER)
    if queue == "to_process":
        return Q(state__in=PROCESSING_STATES) & _assigned_to_q(user)
    if queue == "overdue":
        return Q(state__in=OPEN_STATES, deadline__lt=today)
    return Q()


def incoming_queues_for(user: Any) -> list[str]:
    """The queues worth a tab for `user`: a clerk registers, a leader assigns, the units
    process; everyone who sees documents has the overdue ones and the register."""
    keys = []
    if _acts_as(user, Role.CLERK):
        keys.append("to_register")
    if _acts_as(user, Role.LEADER):
        keys.append("to_assign")
    if _acts_as(user, *policies.PROCESSING_ROLES):
        keys.append("to_process")
    return [*keys, "overdue", "all"]


def incoming_default_queue(user: Any) -> str:
    """The first queue that asks `user` to act; the register for those who only read."""
    acting = [key for key in incoming_queues_for(user) if key in WAITING_QUEUES]
    return acting[0] if acting else "all"


# --- the lists -----------------------------------------------------------------------------------


def incoming_visible(user: Any) -> QuerySet[IncomingDocument]:
    """The incoming documents `user` may see, each once (the scope joins the co-units, so it
    is taken as a subquery: the outer query needs no DISTINCT to sort and count)."""
    if is_provincial_admin(user):
        return IncomingDocument.objects.all()
    in_scope = IncomingDocument.objects.filter(policies.incoming_scope(user)).values("pk")
    return IncomingDocument.objects.filter(pk__in=in_scope)


def _text_q(text: str) -> Q:
    """Every word in the number and notation, summary, author, signer or the text of the
    document's text PDFs, ignoring diacritics ("quyet dinh 05" finds "Quyết định 05/QĐ-UBND"):
    the documents search (`search.search_condition`). A bare number also matches the arrival
    number."""
    condition = search.search_condition(text, vendor=connection.vendor)
    if condition is None:
        return Q()
    if text.strip().isdigit():
        condition |= Q(arrival_number=int(text))
    return condition


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filters_q(filters: IncomingFilters) -> Q:
    condition = Q()
    if filters.text:
        condition &= _text_q(filters.text[:TEXT_MAX])
    if filters.date_from:
        condition &= Q(arrival_date__gte=_day_start(filters.date_from))
    if filters.date_to:
        condition &= Q(arrival_date__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.document_type:
        condition &= Q(document_type=filters.document_type)
    if filters.urgency:
        condition &= Q(urgency=filters.urgency)
    if filters.state:
        condition &= Q(state=filters.state)
    return condition


def incoming_list(
    user: Any,
    *,
    queue: str = "all",
    filters: IncomingFilters | None = None,
    page: int | str | None = 1,
    today: dt.date | None = None,
) -> Page[IncomingDocument]:
    """One page of a queue, newest arrival first."""
    if queue not in QUEUE_KEYS:
        queue = "all"
    today = today or timezone.localdate()
    documents = (
        incoming_visible(user)
        .filter(_queue_q(user, queue, today), _filters_q(filters or IncomingFilters()))
        .select_related("lead_unit", "lead_official", "organisation")
        .order_by("-arrival_date", "-id")
    )
    return Paginator(documents, PAGE_SIZE).get_page(page)


def incoming_queue_counts(
    user: Any, *, filters: IncomingFilters | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """How many documents each queue holds for `user` (one query)."""
    today = today or timezone.localdate()
    documents = incoming_visible(user).filter(_filters_q(filters or IncomingFilters()))
    counts = documents.aggregate(
        **{key: Count("pk", filter=_queue_q(user, key, today)) for key in QUEUE_KEYS}
    )
    return {key: int(counts[key] or 0) for key in QUEUE_KEYS}


def incoming_waiting_count(counts: dict[str, int], user: Any) -> int:
    """What waits for `user`: the queues of their tabs that ask them to act."""
    shown = set(incoming_queues_for(user))
    return sum(counts.get(key, 0) for key in WAITING_QUEUES if key in shown)


# --- one document --------------------------------------------------------------------------------


def incoming_get_for_viewer(user: Any, pk: int) -> IncomingDocument:
    """The document, or NotFound — the same answer whether it does not exist or the reader
    may not see it (ids cannot be probed)."""
    document = (
        incoming_visible(user)
        .select_related(
            "organisation", "lead_unit", "lead_official", "assigned_by", "register", "in_reply_to"
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise NotFound(_("There is no such incoming document."), fields={"id": str(pk)})
    return document


def incoming_file_get(document: IncomingDocument, pk: int) -> IncomingFile | None:
    return document.files.filter(pk=pk).first()


def incoming_files(document: IncomingDocument) -> list[IncomingFile]:
    return list(document.files.all())


def incoming_events(document: IncomingDocument) -> list[DocumentEvent]:
    return list(document.events.select_related("actor").order_by("at", "id"))


def incoming_notes(document: IncomingDocument) -> list[ProgressNote]:
    return list(document.notes.select_related("unit").order_by("at", "id"))


def incoming_co_units(document: IncomingDocument) -> list[Organisation]:
    return list(document.co_units.order_by("path"))


def incoming_replies(document: IncomingDocument, user: Any) -> list[OutgoingDocument]:
    """The outgoing documents answering this one (ResponseFor) that `user` may see."""
    replies = document.replies.all()
    if not is_provincial_admin(user):
        visible = OutgoingDocument.objects.filter(policies.outgoing_scope(user)).values("pk")
        replies = replies.filter(pk__in=visible)
    return list(replies.order_by("created_at", "id"))


def incoming_statuses_sent(document: IncomingDocument) -> list[OutboundStatus]:
    """The status packages sent (or waiting to be sent) back to the sender."""
    return list(document.outbound_statuses.order_by("at", "id"))


# --- choices for the assignment ------------------------------------------------------------------


def _in_order(qs: QuerySet[Any], keys: list[int]) -> QuerySet[Any]:
    """`qs` restricted to `keys`, in the order of `keys` (a form's choices stay a queryset)."""
    if not keys:
        return qs.none()
    rank = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(keys)), output_field=IntegerField()
    )
    return qs.filter(pk__in=keys).order_by(rank)


def incoming_assignable_units(document: IncomingDocument) -> QuerySet[Organisation]:
    """The receiving agency and its divisions (`policies.agency_units`) in existence today, by
    Vietnamese name: not the agencies under it (a department is not a unit of the province)."""
    today = timezone.localdate()
    units = Organisation.objects.filter(pk__in=policies.agency_units(document.organisation)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    ordered = sorted(units, key=lambda unit: (vietnamese_sort_key(unit.name), unit.pk))
    return _in_order(Organisation.objects.all(), [unit.pk for unit in ordered])


def incoming_assignable_officials(document: IncomingDocument) -> QuerySet[Any]:
    """The officials of the agency and its divisions who may process a document, by Vietnamese
    name."""
    from motcua.accounts.enums import AccountKind
    from motcua.accounts.models import User

    officials = (
        User.objects.filter(
            kind=AccountKind.OFFICIAL,
            is_active=True,
            organisation_id__in=policies.agency_units(document.organisation),
            role_assignments__role__in=policies.PROCESSING_ROLES,
        )
        .select_related("organisation")
        .distinct()
    )
    ordered = sorted(
        officials,
        key=lambda u: (
            vietnamese_sort_key(u.full_name),
            vietnamese_sort_key(u.organisation.name if u.organisation else ""),
            u.pk,
        ),
    )
    return _in_order(User.objects.select_related("organisation"), [u.pk for u in ordered])


def incoming_register_organisations(user: Any) -> QuerySet[Organisation]:
    """The agencies `user` registers incoming documents for: a clerk, their agency
    (`policies.user_agency`; a clerk of an internal division registers for the agency it belongs
    to), never the units above it."""
    if is_provincial_admin(user):
        return Organisation.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())
        )
    if not _acts_as(user, Role.CLERK):
        return Organisation.objects.none()
    agency = policies.user_agency(user)
    if agency is None or not policies.can_register(user, agency):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=agency.pk)
