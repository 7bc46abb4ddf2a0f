"""/office/documents/metric/: the seed's metric (issue 13 point 8), the share of documents
exchanged electronically per agency and period, with its definition in words; each figure
links to the documents it counts (/metric/documents/), and the table downloads as .xlsx.

A report: any official may read it (report viewers too), over the documents they may see
(`selectors.incoming_visible` / `selectors_outgoing.outgoing_visible`; provincial
administrators: all). Nothing here writes. `metrics` counts and lists from the same querysets,
so a figure and its list always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.accounts.policies import is_provincial_admin
from motcua.documents import metrics, selectors, selectors_outgoing
from motcua.documents.enums import ELECTRONIC_CHANNELS, Channel
from motcua.documents.models import IncomingDocument, OutgoingDocument, Recipient
from motcua.documents.web import official_required
from motcua.organisations.models import Organisation

PAGE_SIZE = 25
# A period longer than this is refused: the figures of a decade are not a report.
MAX_PERIOD_DAYS = 366 * 10
DATE_WIDGET = {"type": "date"}


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("date_to", _("Choose a period of at most ten years."))
        return data


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def query(self) -> dict[str, str]:
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}


def _this_year() -> Period:
    year = timezone.localdate().year
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _period(form: PeriodForm) -> Period:
    """The period asked for; this year by default (and in place of what is not valid). One
    date given: that date's year around it."""
    if not form.is_bound or not form.is_valid():
        return _this_year()
    start, end = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    if start and end:
        return Period(start, end)
    if start:
        return Period(start, dt.date(start.year, 12, 31))
    if end:
        return Period(dt.date(end.year, 1, 1), end)
    return _this_year()


def _scope(user: Any) -> tuple[Any, Any]:
    return selectors.incoming_visible(user), selectors_outgoing.outgoing_visible(user)


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    value: int
    href: str


@dataclass(frozen=True)
class Line:
    name: str
    total: bool
    sent: Figure
    sent_all: Figure
    received: Figure
    received_all: Figure
    numerator: Figure
    denominator: Figure
    excluded: Figure
    rate: Decimal | None  # percent
    sent_rate: Decimal | None
    received_rate: Decimal | None


def _percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(Decimal("0.1"))


def _documents_url(period: Period, agency: Organisation | None, part: str, kind: str = "") -> str:
    query = {**period.query, "part": part}
    if agency is not None:
        query["agency"] = str(agency.pk)
    if kind:
        query["kind"] = kind
    return f"{reverse('documents:metric_documents')}?{urlencode(query)}"


def _line(row: metrics.ShareRow, period: Period) -> Line:
    agency = row.agency

    def figure(value: int, part: str, kind: str = "") -> Figure:
        return Figure(value, _documents_url(period, agency, part, kind))

    return Line(
        name=agency.name if agency is not None else _("All agencies"),
        total=agency is None,
        sent=figure(row.sent_numerator, "numerator", "outgoing"),
        sent_all=figure(row.sent_denominator, "denominator", "outgoing"),
        received=figure(row.received_numerator, "numerator", "incoming"),
        received_all=figure(row.received_denominator, "denominator", "incoming"),
        numerator=figure(row.numerator, "numerator"),
        denominator=figure(row.denominator, "denominator"),
        excluded=figure(row.excluded, "excluded"),
        rate=_percent(row.rate),
        sent_rate=_percent(row.sent_rate),
        received_rate=_percent(row.received_rate),
    )


def _rows(user: Any, period: Period) -> list[metrics.ShareRow]:
    incoming, outgoing = _scope(user)
    return metrics.electronic_share(
        incoming, outgoing, period_from=period.start, period_to=period.end
    )


def _definition_is_default() -> bool:
    return metrics.share_definition() == metrics.ShareDefinition.build()


@official_required
@require_GET
def documents_metric(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = _period(form)
    if not form.is_bound:
        form = PeriodForm(initial={"date_from": period.start, "date_to": period.end})
    rows = _rows(request.user, period)
    lines = [_line(row, period) for row in rows]
    total = _line(metrics.electronic_share_total(rows), period)
    year = timezone.localdate().year
    base = reverse("documents:metric")
    context = {
        "form": form,
        "period": period,
        "lines": lines,
        "total": total,
        "definition": metrics.definition_text(),
        "definition_is_default": _definition_is_default(),
        "setting": metrics.SETTING,
        "sees_all": is_provincial_admin(request.user),
        "export_url": f"{reverse('documents:metric_export')}?{urlencode(period.query)}",
        "years": [
            (y, f"{base}?{urlencode(Period(dt.date(y, 1, 1), dt.date(y, 12, 31)).query)}")
            for y in (year, year - 1, year - 2)
        ],
    }
    return render(request, "documents/metric/metric.html", context)


@official_required
@require_GET
def documents_metric_export(request: HttpRequest) -> HttpResponse:
    period = _period(PeriodForm(request.GET or None))
    rows = _rows(request.user, period)
    content = metrics.electronic_share_xlsx(rows, period_from=period.start, period_to=period.end)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"ty-le-van-ban-dien-tu-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the documents behind a figure ----------------------------------------------------------


PART_TITLES = {
    "numerator": gettext_lazy("Documents exchanged electronically"),
    "denominator": gettext_lazy("All documents counted"),
    "excluded": gettext_lazy("Secret documents left out"),
}
KIND_TITLES = {
    "outgoing": gettext_lazy("Outgoing documents (sent)"),
    "incoming": gettext_lazy("Incoming documents (received)"),
}


@dataclass(frozen=True)
class OutgoingRow:
    document: OutgoingDocument
    electronic: bool
    electronic_recipients: int
    recipients: int


@dataclass(frozen=True)
class IncomingRow:
    document: IncomingDocument
    electronic: bool


@dataclass
class Section:
    """One list of the page: the outgoing or the incoming documents behind the figure."""

    kind: str
    title: str
    page: Page[Any]
    rows: list[Any]
    param: str  # the page number's parameter
    query: str = ""  # the page's other parameters, for the pagination links


def _ids(qs: Any, page: Page[Any]) -> set[int]:
    """Which documents of `page` are in `qs` (those counted as electronic)."""
    return set(qs.filter(pk__in=[d.pk for d in page]).values_list("pk", flat=True))


def _agency(value: str | None) -> Organisation | None:
    if not value:
        return None
    try:
        return Organisation.objects.get(pk=int(value))
    except (ValueError, Organisation.DoesNotExist):
        raise Http404("no such agency") from None


def _page(qs: Any, number: str | None) -> Page[Any]:
    return Paginator(qs, PAGE_SIZE).get_page(number)


@official_required
@require_GET
def documents_metric_documents(request: HttpRequest) -> HttpResponse:
    part = next((p for p in metrics.PARTS if p == request.GET.get("part")), None)
    if part is None:
        raise Http404("no such figure")
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in KIND_TITLES else ["outgoing", "incoming"]
    agency = _agency(request.GET.get("agency"))
    form = PeriodForm(request.GET or None)
    period = _period(form)
    incoming, outgoing = _scope(request.user)
    args: dict[str, Any] = {
        "period_from": period.start,
        "period_to": period.end,
        "agency": agency,
    }
    found = metrics.electronic_share_documents(incoming, outgoing, part=part, **args)
    electronic = metrics.electronic_share_documents(incoming, outgoing, part="numerator", **args)
    sections: list[Section] = []
    if "outgoing" in kinds:
        qs = found.outgoing.select_related("organisation", "signed_document").prefetch_related(
            Prefetch("recipients", queryset=Recipient.objects.order_by("id"))
        )
        page = _page(qs, request.GET.get("page_out"))
        counted = _ids(electronic.outgoing, page)
        rows: list[Any] = []
        for d in page:
            recipients = list(d.recipients.all())
            rows.append(
                OutgoingRow(
                    document=d,
                    electronic=d.pk in counted,
                    electronic_recipients=sum(r.channel in ELECTRONIC_CHANNELS for r in recipients),
                    recipients=len(recipients),
                )
            )
        sections.append(Section("outgoing", str(KIND_TITLES["outgoing"]), page, rows, "page_out"))
    if "incoming" in kinds:
        page = _page(found.incoming.select_related("organisation"), request.GET.get("page_in"))
        counted = _ids(electronic.incoming, page)
        rows = [IncomingRow(document=d, electronic=d.pk in counted) for d in page]
        sections.append(Section("incoming", str(KIND_TITLES["incoming"]), page, rows, "page_in"))
    kept = {k: str(v) for k, v in request.GET.items() if k not in ("page_in", "page_out") and v}
    for section in sections:
        others = {s.param: str(s.page.number) for s in sections if s is not section}
        section.query = urlencode({**kept, **others})
    context = {
        "part": part,
        "part_title": PART_TITLES[part],
        "kind": kind if kind in KIND_TITLES else "",
        "kind_title": KIND_TITLES.get(kind, ""),
        "agency": agency,
        "period": period,
        "total": sum(section.page.paginator.count for section in sections),
        "sections": sections,
        "back_url": f"{reverse('documents:metric')}?{urlencode(period.query)}",
        "paper": Channel.PAPER,
    }
    return render(request, "documents/metric/documents.html", context)
