"""Reads for the outgoing documents' pages: the queues (my drafts, to review, to sign, to
number, to seal, to send, issued, all) with their filters and pages, their counts for the
documents' home, one document with everything its page shows, and the choices of the draft
form (issuing agencies, signers, reviewers, recipients).

Everything starts from `policies.outgoing_scope(user)`: a queue only narrows what the official
may see.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from motcua.accounts.enums import Role
from motcua.accounts.models import User
from motcua.accounts.policies import is_provincial_admin
from motcua.documents import policies, search
from motcua.documents.enums import (
    Channel,
    DeliveryStatus,
    OutgoingState,
    Urgency,
)
from motcua.documents.models import (
    Agency,
    IncomingDocument,
    OutgoingDocument,
    Recipient,
)
from motcua.documents.selectors import acting_units
from motcua.documents.services.outgoing import STATUS_ORDER
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

S = OutgoingState
PAGE_SIZE = 25
TEXT_MAX = 100

# The queues, in the order the tabs show them.
OUTGOING_QUEUES: tuple[tuple[str, Any], ...] = (
    ("drafts", _("My drafts")),
    ("to_review", _("To review")),
    ("to_sign", _("To sign")),
    ("to_number", _("To number")),
    ("to_seal", _("To sign for the organisation")),
    ("to_send", _("To send")),
    ("issued", _("Issued")),
    ("all", _("All")),
)
QUEUE_KEYS = tuple(key for key, _label in OUTGOING_QUEUES)
# The queues that ask for someone's action (their counts are the home page's tiles).
WORK_QUEUES = ("drafts", "to_review", "to_sign", "to_number", "to_seal", "to_send")
ISSUED_STATES = (S.ISSUED, S.REVOKED, S.REPLACED)
# A recipient that got the document (edXML 01, 03–06 and a recall answered).
REACHED = frozenset(
    {
        DeliveryStatus.ARRIVED,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ASSIGNED,
        DeliveryStatus.PROCESSING,
        DeliveryStatus.FINISHED,
        DeliveryStatus.RECALL_ACCEPTED,
        DeliveryStatus.RECALL_REFUSED,
    }
)
# Express first in the queues of work: Hỏa tốc before Thượng khẩn before Khẩn.
URGENCY_RANK = Case(
    *(When(urgency=value, then=Value(rank)) for rank, value in enumerate(Urgency.values)),
    default=Value(0),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class OutgoingFilters:
    """What the official typed or chose above a queue (empty: no filter)."""

    text: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    document_type: str = ""
    state: str = ""

    @property
    def any(self) -> bool:
        return bool(self.text or self.date_from or self.date_to or self.document_type or self.state)


# --- who is who --------------------------------------------------------------------------------


def _is_reviewer(user: Any) -> Exists:
    through = OutgoingDocument.reviewers.through
    return Exists(through.objects.filter(outgoingdocument_id=OuterRef("pk"), user_id=user.pk))


def _clerk_of(user: Any) -> Q:
    """The documents of the agencies whose clerk `user` is (policies.can_clerk)."""
    if is_provincial_admin(user):
        return Q()
    if not user.has_role(Role.CLERK):
        return Q(pk__in=[])
    return Q(organisation__in=[unit.pk for unit in acting_units(user)])


def _queue_condition(user: Any, queue: str) -> Q:
    match queue:
        case "drafts":
            # The drafts the reader wrote (not their unit's, nor the agency's).
            return Q(state__in=(S.DRAFT, S.RETURNED), drafter=user)
        case "to_review":
            return Q(state=S.IN_REVIEW) & Q(_is_reviewer(user))
        case "to_sign":
            return Q(state=S.TO_SIGN, signer=user)
        case "to_number":
            return Q(state=S.SIGNED) & _clerk_of(user)
        case "to_seal":
            return Q(state=S.NUMBERED) & _clerk_of(user)
        case "to_send":
            return Q(state=S.SEALED) & _clerk_of(user)
        case "issued":
            return Q(state__in=ISSUED_STATES)
        case "all":
            return Q()
    raise ValueError(f"unknown queue {queue!r}")


def outgoing_visible(user: Any) -> QuerySet[OutgoingDocument]:
    """The outgoing documents `user` may see (the scope has no joins: each once)."""
    return OutgoingDocument.objects.filter(policies.outgoing_scope(user))


# --- the queues ------------------------------------------------------------------------------


def _text_condition(text: str) -> Q:
    """Every word in the number and notation, summary, drafter, signer or the text of the
    signed PDF, ignoring diacritics; a number and notation ("5/QĐ-UBND") finds that document:
    the documents search (`search.search_condition`)."""
    condition = search.search_condition(text, vendor=connection.vendor)
    return Q() if condition is None else condition


def _filtered(qs: QuerySet[OutgoingDocument], filters: OutgoingFilters) -> Any:
    if filters.text:
        qs = qs.filter(_text_condition(filters.text[:TEXT_MAX]))
    if filters.document_type:
        qs = qs.filter(document_type=filters.document_type)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.date_from or filters.date_to:
        qs = qs.annotate(day=Coalesce("issued_date", TruncDate("created_at")))
        if filters.date_from:
            qs = qs.filter(day__gte=filters.date_from)
        if filters.date_to:
            qs = qs.filter(day__lte=filters.date_to)
    return qs


def _ordered(qs: QuerySet[OutgoingDocument], queue: str) -> QuerySet[OutgoingDocument]:
    if queue == "issued":
        return qs.order_by("-issued_date", "-numbered_at", "-id")
    if queue in ("drafts", "all"):
        return qs.order_by("-updated_at", "-id")
    # Work waiting for someone: the most urgent first, then the oldest.
    return qs.annotate(urgency_rank=URGENCY_RANK).order_by("-urgency_rank", "updated_at", "id")


def outgoing_queryset(
    user: Any, *, queue: str, filters: OutgoingFilters | None = None
) -> QuerySet[OutgoingDocument]:
    """The documents of one queue of `user`, filtered and ordered (not yet paged)."""
    if queue not in QUEUE_KEYS:
        raise ValueError(f"unknown queue {queue!r}")
    qs = outgoing_visible(user).filter(_queue_condition(user, queue))
    qs = _filtered(qs, filters or OutgoingFilters())
    return _ordered(qs, queue)


def outgoing_list(
    user: Any, *, queue: str, filters: OutgoingFilters | None = None, page: Any = 1
) -> Page[OutgoingDocument]:
    """One page of a queue, with what the rows show (agency, drafter, signer, recipients)."""
    qs = outgoing_queryset(user, queue=queue, filters=filters).select_related(
        "organisation", "drafting_unit", "drafter", "signer"
    )
    qs = qs.prefetch_related("recipients")
    return Paginator(qs, PAGE_SIZE).get_page(page)


def outgoing_queue_counts(user: Any) -> dict[str, int]:
    """How many documents wait for `user` in each queue of work, in one query:
    {"drafts": 2, "to_review": 0, "to_sign": 1, "to_number": 0, "to_seal": 0, "to_send": 3}
    (the documents' home shows them as tiles, the menu their sum)."""
    keys = WORK_QUEUES
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(keys, 0)
    counts = outgoing_visible(user).aggregate(
        **{key: Count("pk", filter=_queue_condition(user, key)) for key in keys}
    )
    return {key: int(counts[key] or 0) for key in keys}


def queues_for(user: Any, counts: dict[str, int]) -> list[str]:
    """The tabs `user` sees: the queues of their roles, and any other that holds something."""
    roles: dict[str, bool] = {
        "drafts": user.has_role(*policies.DRAFTING_ROLES),
        "to_review": user.has_role(*policies.DRAFTING_ROLES),
        "to_sign": user.has_role(Role.LEADER),
        "to_number": user.has_role(Role.CLERK),
        "to_seal": user.has_role(Role.CLERK),
        "to_send": user.has_role(Role.CLERK),
    }
    admin = is_provincial_admin(user)
    return [
        key
        for key in QUEUE_KEYS
        if key in ("issued", "all") or admin or roles.get(key) or counts.get(key)
    ]


def default_queue(user: Any, counts: dict[str, int]) -> str:
    """The first queue of work others wait on that holds something (to review, sign, number,
    seal, send), then the reader's own drafts, else the first tab: a clerk with documents to
    number lands on them, not on their drafts."""
    tabs = queues_for(user, counts)
    waiting = [key for key in tabs if key in WORK_QUEUES and key != "drafts"]
    for key in [*waiting, "drafts"]:
        if key in tabs and counts.get(key):
            return key
    return tabs[0]


# --- delivery --------------------------------------------------------------------------------


@dataclass
class DeliverySummary:
    """Where the recipients of one document are: how many reached, and per status."""

    total: int
    reached: int
    failed: int
    by_status: list[tuple[str, str, int]]  # (status, label, count), in the order of progress
    names: list[str] = field(default_factory=list)  # the first few, as the register lists them
    more: int = 0


NAMES_SHOWN = 3


def delivery_summary(recipients: list[Recipient]) -> DeliverySummary:
    counts = Counter(r.status for r in recipients)
    ordered = sorted(counts, key=lambda s: STATUS_ORDER.get(DeliveryStatus(s), 0))
    return DeliverySummary(
        names=[r.name for r in recipients[:NAMES_SHOWN]],
        more=max(0, len(recipients) - NAMES_SHOWN),
        total=len(recipients),
        reached=sum(n for status, n in counts.items() if status in REACHED),
        failed=counts.get(DeliveryStatus.FAILED, 0),
        by_status=[(s, str(DeliveryStatus(s).label), counts[s]) for s in ordered],
    )


# --- one document ----------------------------------------------------------------------------


def outgoing_get_for_viewer(user: Any, pk: int) -> OutgoingDocument:
    """The document, if `user` may see it; else 404 (never say it exists)."""
    document = (
        outgoing_visible(user)
        .select_related(
            "organisation",
            "drafting_unit",
            "drafter",
            "signer",
            "keeper_unit",
            "register",
            "business_target",
            "response_for",
            "signed_document",
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("no such outgoing document here")
    return document


@dataclass
class DocumentPage:
    """What the detail page reads, each list fetched once."""

    versions: list[Any] = field(default_factory=list)
    attachments: list[Any] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    reviewers: list[User] = field(default_factory=list)
    followers: list[OutgoingDocument] = field(default_factory=list)


def outgoing_page(document: OutgoingDocument) -> DocumentPage:
    return DocumentPage(
        versions=list(document.versions.select_related("created_by").order_by("-number")),
        attachments=list(document.attachments.select_related("signed_document").order_by("id")),
        recipients=list(
            document.recipients.select_related("agency", "incoming")
            .prefetch_related("statuses")
            .order_by("id")
        ),
        events=list(document.events.select_related("actor").order_by("at", "id")),
        reviewers=list(document.reviewers.order_by("full_name", "pk")),
        followers=list(
            document.business_followers.exclude(state__in=(S.DRAFT, S.RETURNED)).order_by("id")
        ),
    )


def incoming_get_for_reply(user: Any, pk: Any) -> IncomingDocument:
    """The incoming document a reply answers, if `user` may see it; else 404."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404("no such incoming document") from None
    qs = IncomingDocument.objects.select_related("organisation")
    document = qs.filter(policies.incoming_scope(user), pk=key).first()
    if document is None:
        raise Http404("no such incoming document here")
    return document


# --- the draft form's choices ----------------------------------------------------------------


def issuing_agencies_for(user: Any) -> list[Organisation]:
    """The agencies `user` may draft for: their agency and the divisions of it they work in,
    nearest first (`selectors.acting_units`; never the units above their agency). A provincial
    administrator: every agency that is not an internal division."""
    if is_provincial_admin(user):
        return list(Organisation.objects.exclude(kind=OrganisationKind.DIVISION).order_by("path"))
    return [agency for agency in acting_units(user) if policies.can_draft(user, agency)]


def default_issuing_agency(agencies: list[Organisation], user: Any) -> Organisation | None:
    """The nearest agency that is not an internal division (a division drafts for the agency
    it belongs to); the user's own unit if none."""
    own = getattr(user, "organisation_id", None)
    for agency in agencies:
        if agency.kind != OrganisationKind.DIVISION:
            return agency
    for agency in agencies:
        if agency.pk == own:
            return agency
    return agencies[0] if agencies else None


def agency_officials(agency: Organisation, *roles: str) -> QuerySet[User]:
    from motcua.accounts.enums import AccountKind

    return (
        User.objects.filter(
            organisation__in=policies.agency_units(agency),
            kind=AccountKind.OFFICIAL,
            is_active=True,
        )
        .filter(role_assignments__role__in=roles)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__path", "full_name", "pk")
    )


def signers_for(agency: Organisation) -> QuerySet[User]:
    """The agency's leaders (its own and its divisions' heads)."""
    return agency_officials(agency, Role.LEADER)


def reviewers_for(agency: Organisation) -> QuerySet[User]:
    return agency_officials(agency, Role.LEADER, Role.SPECIALIST, Role.CLERK, Role.UNIT_ADMIN)


@dataclass(frozen=True)
class RecipientChoice:
    """One addressee of the directory: an agency of the directory ("a:<id>") or one of our
    organisations that has no entry there ("o:<id>")."""

    key: str
    name: str
    code: str
    channel: str


RECIPIENT_LIMIT = 60


def recipient_choices(
    text: str = "", *, keep: list[str] | None = None, exclude: Organisation | None = None
) -> list[RecipientChoice]:
    """The directory entries matching `text` (all, when empty; at most RECIPIENT_LIMIT), the
    ones in `keep` always included first (those already chosen)."""
    keep = keep or []
    agency_ids = [int(k[2:]) for k in keep if k.startswith("a:") and k[2:].isdigit()]
    org_ids = [int(k[2:]) for k in keep if k.startswith("o:") and k[2:].isdigit()]
    agencies = Agency.objects.filter(active=True).select_related("organisation")
    # Documents go from agency to agency: internal divisions are not addressees.
    organisations = Organisation.objects.filter(agency__isnull=True, valid_to__isnull=True).exclude(
        kind=OrganisationKind.DIVISION
    )
    if exclude is not None:
        organisations = organisations.exclude(pk=exclude.pk)
        agencies = agencies.exclude(organisation=exclude)
    if text:
        words = text.split()[:6]
        for word in words:
            agencies = agencies.filter(Q(name__icontains=word) | Q(organ_id__icontains=word))
            organisations = organisations.filter(
                Q(name__icontains=word) | Q(agency_code__icontains=word)
            )
    chosen = [
        *(
            _agency_choice(a)
            for a in Agency.objects.filter(pk__in=agency_ids).select_related("organisation")
        ),
        *(_organisation_choice(o) for o in Organisation.objects.filter(pk__in=org_ids)),
    ]
    found = [
        *(_agency_choice(a) for a in agencies.order_by("name")[:RECIPIENT_LIMIT]),
        *(_organisation_choice(o) for o in organisations.order_by("path")[:RECIPIENT_LIMIT]),
    ]
    seen = {c.key for c in chosen}
    return chosen + [c for c in found if c.key not in seen][:RECIPIENT_LIMIT]


def _agency_choice(agency: Agency) -> RecipientChoice:
    channel = Channel.INTERNAL if agency.organisation_id else agency.channel
    return RecipientChoice(f"a:{agency.pk}", agency.name, agency.organ_id, channel)


def _organisation_choice(organisation: Organisation) -> RecipientChoice:
    return RecipientChoice(
        f"o:{organisation.pk}", organisation.name, organisation.agency_code, Channel.INTERNAL
    )


def recipient_for_incoming_sender(document: IncomingDocument) -> str:
    """The directory key of an incoming document's sender ("a:<id>" / "o:<id>"), or ""."""
    organ_id = document.sender_organ_id
    if not organ_id:
        return ""
    agency = Agency.objects.filter(organ_id=organ_id).values_list("pk", flat=True).first()
    if agency is not None:
        return f"a:{agency}"
    organisation = (
        Organisation.objects.filter(agency_code=organ_id).values_list("pk", flat=True).first()
    )
    return f"o:{organisation}" if organisation is not None else ""
