"""The seed's metric (issue 13 point 8; DOMAIN §9, last bullet): the share of documents
exchanged electronically, per agency and period — signed electronic documents sent and
received ÷ all documents sent and received, secret documents left out of both.

What counts is a `ShareDefinition`: the defaults below (DEFAULT_DEFINITION), changed by the
setting MOTCUA_ELECTRONIC_SHARE or, when settings do not set it, by the environment variable of
the same name holding JSON, e.g.

    MOTCUA_ELECTRONIC_SHARE='{"outgoing_recipients": "any", "incoming_verdicts": ["valid",
    "indeterminate"]}'

Only the keys given change. `definition_text` says the definition in words for the page and the
spreadsheet. Secret documents (Mật, Tối mật, Tuyệt mật) are always left out: the law counts
them apart, and they never travel electronically.

Every figure drills down: `electronic_share` counts exactly the documents that
`electronic_share_documents` lists for the same agency, period and part ("numerator",
"denominator", "excluded"), both built from one set of querysets. Both take querysets already
limited to what the official may see (`policies.incoming_scope` / `outgoing_scope`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import spreadsheets
from motcua.core.text import nfc, vietnamese_sort_key
from motcua.documents.enums import (
    ELECTRONIC_CHANNELS,
    Channel,
    Confidentiality,
    DeliveryStatus,
    IncomingState,
    OutgoingState,
    SignatureVerdict,
    Source,
)
from motcua.documents.models import IncomingDocument, OutgoingDocument, Recipient
from motcua.organisations.models import Organisation

Part = Literal["numerator", "denominator", "excluded"]
PARTS: tuple[Part, ...] = ("numerator", "denominator", "excluded")
SETTING = "MOTCUA_ELECTRONIC_SHARE"

DEFAULT_DEFINITION: dict[str, Any] = {
    # The channels that are electronic (enums.ELECTRONIC_CHANNELS: the exchange axis, another
    # MotCua deployment, official e-mail, the API, within this system).
    "electronic_channels": sorted(ELECTRONIC_CHANNELS),
    # Outgoing documents counted: those that went out (later revoked or replaced included),
    # by their date of issue.
    "outgoing_states": [OutgoingState.ISSUED, OutgoingState.REVOKED, OutgoingState.REPLACED],
    # Electronic when its PDF carries these signatures ("person", "organisation") …
    "outgoing_signatures": ["person", "organisation"],
    # … and it went to "all" its recipients (or "any" of them) over an electronic channel …
    "outgoing_recipients": "all",
    # … and those sendings left (a recipient still waiting or whose sending failed is not
    # reached electronically).
    "outgoing_delivered_only": True,
    # Incoming documents counted: registered ones (returned or not yet registered are not), by
    # their arrival date.
    "incoming_states": [
        IncomingState.REGISTERED,
        IncomingState.ASSIGNED,
        IncomingState.IN_PROGRESS,
        IncomingState.DONE,
        IncomingState.REVOKED,
    ],
    # Electronic when received as one of these, over an electronic channel, with a signature
    # verified with one of these verdicts.
    "incoming_sources": [Source.EDXML, Source.EMAIL],
    "incoming_verdicts": [SignatureVerdict.VALID],
}

_NOT_DELIVERED = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


@dataclass(frozen=True)
class ShareDefinition:
    """What the metric counts (see DEFAULT_DEFINITION for each field's meaning)."""

    electronic_channels: tuple[str, ...]
    outgoing_states: tuple[str, ...]
    outgoing_signatures: tuple[str, ...]
    outgoing_recipients: Literal["all", "any"]
    outgoing_delivered_only: bool
    incoming_states: tuple[str, ...]
    incoming_sources: tuple[str, ...]
    incoming_verdicts: tuple[str, ...]

    @classmethod
    def build(cls, overrides: Mapping[str, Any] | None = None) -> ShareDefinition:
        """The defaults with `overrides` applied, checked (ImproperlyConfigured if wrong)."""
        values = {**DEFAULT_DEFINITION, **(overrides or {})}
        unknown = set(values) - set(DEFAULT_DEFINITION)
        if unknown:
            raise ImproperlyConfigured(f"{SETTING}: unknown keys {sorted(unknown)}")
        allowed: dict[str, set[str]] = {
            "electronic_channels": set(Channel.values),
            "outgoing_states": set(OutgoingState.values),
            "outgoing_signatures": {"person", "organisation"},
            "incoming_states": set(IncomingState.values),
            "incoming_sources": set(Source.values),
            "incoming_verdicts": set(SignatureVerdict.values),
        }
        lists: dict[str, tuple[str, ...]] = {}
        for key, choices in allowed.items():
            value = values[key]
            if isinstance(value, str) or not all(v in choices for v in value):
                raise ImproperlyConfigured(f"{SETTING}: {key} must be a list of {sorted(choices)}")
            lists[key] = tuple(str(v) for v in value)
        if values["outgoing_recipients"] not in ("all", "any"):
            raise ImproperlyConfigured(f'{SETTING}: outgoing_recipients must be "all" or "any"')
        return cls(
            outgoing_recipients=values["outgoing_recipients"],
            outgoing_delivered_only=bool(values["outgoing_delivered_only"]),
            **lists,
        )


def share_definition() -> ShareDefinition:
    """The definition in force: the setting MOTCUA_ELECTRONIC_SHARE (a dict), else the
    environment variable MOTCUA_ELECTRONIC_SHARE (JSON), over DEFAULT_DEFINITION."""
    overrides = getattr(settings, SETTING, None)
    if overrides is None:
        raw = os.environ.get(SETTING, "").strip()
        try:
            overrides = json.loads(raw) if raw else {}
        except ValueError as exc:
            raise ImproperlyConfigured(f"{SETTING} is not valid JSON: {exc}") from exc
    if not isinstance(overrides, Mapping):
        raise ImproperlyConfigured(f"{SETTING} must be a JSON object")
    return ShareDefinition.build(overrides)


def definition_text(definition: ShareDefinition | None = None) -> list[str]:
    """The definition in words, one sentence a line, in the active language."""
    d = definition or share_definition()
    channels = ", ".join(str(Channel(c).label) for c in d.electronic_channels)
    signatures = {
        ("organisation", "person"): _(
            "bearing the signatures of the signer and of the organisation"
        ),
        ("person",): _("bearing the signer's signature"),
        ("organisation",): _("bearing the organisation's signature"),
        (): _("signed or not"),
    }[tuple(sorted(d.outgoing_signatures))]
    recipients = (
        _("to every one of its recipients")
        if d.outgoing_recipients == "all"
        else _("to at least one of its recipients")
    )
    lines = [
        _(
            "Share of documents exchanged electronically = documents sent and received "
            "electronically ÷ all documents sent and received, per agency, in the period."
        ),
        _(
            "Sent electronically: an outgoing document %(signatures)s, sent %(recipients)s "
            "over an electronic channel."
        )
        % {"signatures": signatures, "recipients": recipients},
    ]
    if d.outgoing_delivered_only:
        lines.append(_("A sending still waiting or failed does not count."))
    return [
        *lines,
        _(
            "Received electronically: an incoming document received as %(sources)s, with its "
            "signature verified as %(verdicts)s."
        )
        % {
            "sources": ", ".join(str(Source(s).label) for s in d.incoming_sources),
            "verdicts": ", ".join(str(SignatureVerdict(v).label) for v in d.incoming_verdicts),
        },
        _("Electronic channels: %(channels)s.") % {"channels": channels},
        _(
            "All documents: outgoing documents %(outgoing)s, by date of issue; incoming "
            "documents %(incoming)s, by arrival date."
        )
        % {
            "outgoing": ", ".join(str(OutgoingState(s).label) for s in d.outgoing_states),
            "incoming": ", ".join(str(IncomingState(s).label) for s in d.incoming_states),
        },
        _(
            "Secret documents (Mật, Tối mật, Tuyệt mật) are left out of both figures and shown "
            "apart."
        ),
    ]


# --- the documents behind each figure ---------------------------------------------------------


@dataclass
class ShareDocuments:
    """The documents behind one figure: the incoming and the outgoing ones (querysets)."""

    incoming: QuerySet[IncomingDocument]
    outgoing: QuerySet[OutgoingDocument]

    def count(self) -> int:
        return self.incoming.count() + self.outgoing.count()


def _arrival_bounds(period_from: dt.date, period_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of period_from, start of the day after period_to) in the project's time zone
    (Vietnam): arrival dates are instants, the period is calendar days."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(period_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _secret() -> Q:
    return ~Q(confidentiality=Confidentiality.NORMAL)


def _incoming_electronic(d: ShareDefinition) -> Q:
    return Q(
        source__in=d.incoming_sources,
        channel__in=d.electronic_channels,
        signature_verdict__in=d.incoming_verdicts,
    )


def _outgoing_electronic(d: ShareDefinition) -> Q:
    condition = Q()
    if "person" in d.outgoing_signatures:
        condition &= Q(signed_document__person_signed_at__isnull=False)
    if "organisation" in d.outgoing_signatures:
        condition &= Q(signed_document__org_signed_at__isnull=False)
    recipients = Recipient.objects.filter(document=OuterRef("pk"))
    electronic = Q(channel__in=d.electronic_channels)
    if d.outgoing_delivered_only:
        electronic &= ~Q(status__in=_NOT_DELIVERED)
    if d.outgoing_recipients == "all":
        condition &= Q(Exists(recipients)) & ~Q(Exists(recipients.exclude(electronic)))
    else:
        condition &= Q(Exists(recipients.filter(electronic)))
    return condition


@dataclass
class _Parts:
    """For each kind: the documents counted (state and period; `base`), and the condition of
    each part on them (`conditions`): a part's documents are base.filter(condition)."""

    incoming: QuerySet[IncomingDocument]
    outgoing: QuerySet[OutgoingDocument]
    incoming_conditions: dict[Part, Q] = field(default_factory=dict)
    outgoing_conditions: dict[Part, Q] = field(default_factory=dict)


def _parts(
    incoming: QuerySet[IncomingDocument],
    outgoing: QuerySet[OutgoingDocument],
    period_from: dt.date,
    period_to: dt.date,
    d: ShareDefinition,
) -> _Parts:
    start, end = _arrival_bounds(period_from, period_to)
    inc = incoming.filter(
        state__in=d.incoming_states, arrival_date__gte=start, arrival_date__lt=end
    )
    out = outgoing.filter(
        state__in=d.outgoing_states, issued_date__gte=period_from, issued_date__lte=period_to
    )
    not_secret = ~_secret()
    return _Parts(
        incoming=inc,
        outgoing=out,
        incoming_conditions={
            "denominator": not_secret,
            "numerator": not_secret & _incoming_electronic(d),
            "excluded": _secret(),
        },
        outgoing_conditions={
            "denominator": not_secret,
            "numerator": not_secret & _outgoing_electronic(d),
            "excluded": _secret(),
        },
    )


def electronic_share_documents(
    incoming: QuerySet[IncomingDocument],
    outgoing: QuerySet[OutgoingDocument],
    *,
    period_from: dt.date,
    period_to: dt.date,
    agency: Organisation | int | None,
    part: Part,
    definition: ShareDefinition | None = None,
) -> ShareDocuments:
    """The documents counted in one figure of `electronic_share`: for `agency` (None: all the
    agencies of the scope, the total row), the numerator's documents (exchanged
    electronically), the denominator's (all, secret ones left out) or the excluded secret ones.
    Incoming newest arrival first, outgoing newest issue first."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}")
    d = definition or share_definition()
    parts = _parts(incoming, outgoing, period_from, period_to, d)
    inc = parts.incoming.filter(parts.incoming_conditions[part])
    out = parts.outgoing.filter(parts.outgoing_conditions[part])
    if agency is not None:
        agency_id = agency.pk if isinstance(agency, Organisation) else agency
        inc, out = inc.filter(organisation_id=agency_id), out.filter(organisation_id=agency_id)
    return ShareDocuments(
        incoming=inc.order_by("-arrival_date", "-id"),
        outgoing=out.order_by("-issued_date", "-id"),
    )


# --- the figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareRow:
    """One line of the metric: an agency (None on the total row) and its figures."""

    agency: Organisation | None
    sent_numerator: int = 0
    sent_denominator: int = 0
    received_numerator: int = 0
    received_denominator: int = 0
    excluded: int = 0  # secret documents, left out of both

    @property
    def numerator(self) -> int:
        return self.sent_numerator + self.received_numerator

    @property
    def denominator(self) -> int:
        return self.sent_denominator + self.received_denominator

    @property
    def rate(self) -> Decimal | None:
        """numerator ÷ denominator (0..1), None when there is no document."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    @property
    def sent_rate(self) -> Decimal | None:
        return _rate(self.sent_numerator, self.sent_denominator)

    @property
    def received_rate(self) -> Decimal | None:
        return _rate(self.received_numerator, self.received_denominator)


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def electronic_share(
    incoming: QuerySet[IncomingDocument],
    outgoing: QuerySet[OutgoingDocument],
    *,
    period_from: dt.date,
    period_to: dt.date,
    by: Literal["organisation", "total"] = "organisation",
    definition: ShareDefinition | None = None,
) -> list[ShareRow]:
    """The share of documents exchanged electronically in [period_from, period_to] (calendar
    days, inclusive): one row per agency that sent or received a counted document (by the
    agencies' names in Vietnamese order), or one total row (`by="total"`, agency None).
    Each figure is the count of `electronic_share_documents` for the same arguments."""
    if by not in ("organisation", "total"):
        raise ValueError(f"unknown grouping {by!r}")
    d = definition or share_definition()
    parts = _parts(incoming, outgoing, period_from, period_to, d)
    figures: dict[int | None, dict[str, int]] = {}
    # One query per kind: the three parts as conditional counts (FILTER (WHERE …)) of the
    # counted documents, with the very conditions electronic_share_documents filters by.
    for kind, base, conditions in (
        ("sent", parts.outgoing, parts.outgoing_conditions),
        ("received", parts.incoming, parts.incoming_conditions),
    ):
        counts_of = {part: Count("id", filter=condition) for part, condition in conditions.items()}
        grouped: Any = base.order_by()
        if by == "organisation":
            grouped = grouped.values("organisation_id").annotate(**counts_of)
        else:
            grouped = [{"organisation_id": None, **grouped.aggregate(**counts_of)}]
        for row in grouped:
            counts = figures.setdefault(row["organisation_id"], {})
            counts[f"{kind}_numerator"] = row["numerator"]
            counts[f"{kind}_denominator"] = row["denominator"]
            counts["excluded"] = counts.get("excluded", 0) + row["excluded"]
    if by == "total":
        return [ShareRow(agency=None, **figures.get(None, {}))]
    agencies = Organisation.objects.in_bulk([pk for pk in figures if pk is not None])
    rows = [ShareRow(agency=agencies[pk], **counts) for pk, counts in figures.items() if pk]
    return sorted(rows, key=lambda r: vietnamese_sort_key(r.agency.name if r.agency else ""))


def electronic_share_total(rows: Sequence[ShareRow]) -> ShareRow:
    """The sum of per-agency rows (the table's last line)."""
    total = ShareRow(agency=None)
    for row in rows:
        total = replace(
            total,
            sent_numerator=total.sent_numerator + row.sent_numerator,
            sent_denominator=total.sent_denominator + row.sent_denominator,
            received_numerator=total.received_numerator + row.received_numerator,
            received_denominator=total.received_denominator + row.received_denominator,
            excluded=total.excluded + row.excluded,
        )
    return total


# --- the spreadsheet ------------------------------------------------------------------------------


def electronic_share_xlsx(
    rows: Sequence[ShareRow],
    *,
    period_from: dt.date,
    period_to: dt.date,
    definition: ShareDefinition | None = None,
) -> bytes:
    """The metric as .xlsx: one line per agency and the total; counts as numbers, rates as
    numbers formatted as percentages (blank when there is no document); the definition in
    words under the table. Cells are written through motcua.core.spreadsheets (formula-safe)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "ty-le-dien-tu"
    bold = Font(bold=True)
    headings = [
        _("Agency"),
        _("Sent electronically"),
        _("Documents sent"),
        _("Received electronically"),
        _("Documents received"),
        _("Exchanged electronically"),
        _("Documents sent and received"),
        _("Share exchanged electronically"),
        _("Secret documents (left out)"),
    ]

    def put(row: int, column: int, value: Any, *, strong: bool = False) -> None:
        if isinstance(value, str):
            value = nfc(value)
        elif isinstance(value, Decimal):
            value = float(value)
        cell = spreadsheets.write(sheet, row, column, value)
        if strong:
            cell.font = bold

    put(1, 1, _("Share of documents exchanged electronically"), strong=True)
    put(
        2,
        1,
        _("Period: from %(start)s to %(end)s")
        % {"start": f"{period_from:%d/%m/%Y}", "end": f"{period_to:%d/%m/%Y}"},
    )
    for column, heading in enumerate(headings, start=1):
        put(4, column, heading, strong=True)
    line = 4
    for row in [*rows, electronic_share_total(rows)]:
        line += 1
        name = row.agency.name if row.agency is not None else _("Total")
        values: list[Any] = [
            name,
            row.sent_numerator,
            row.sent_denominator,
            row.received_numerator,
            row.received_denominator,
            row.numerator,
            row.denominator,
            row.rate,
            row.excluded,
        ]
        for column, value in enumerate(values, start=1):
            put(line, column, value, strong=row.agency is None)
        sheet.cell(row=line, column=8).number_format = "0.0%"
    line += 1
    for sentence in definition_text(definition):
        line += 1
        put(line, 1, sentence)
        sheet.cell(row=line, column=1).alignment = Alignment(wrap_text=False)
    sheet.column_dimensions["A"].width = 45
    for column in range(2, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    book.properties.title = _("Share of documents exchanged electronically")
    book.properties.creator = "MotCua"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
