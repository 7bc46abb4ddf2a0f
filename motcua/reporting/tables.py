"""The dashboard and the Decision 766 index as downloadable tables (.xlsx and PDF), like form
06a: the same figures the page shows, in sections of titled tables, for printing or for
working further in a spreadsheet.

A report is a title, a period line and a list of `Section`s (a heading, column headings, rows
of cells and an optional note that says how a figure is defined). `tables_xlsx` writes one
sheet with the sections one under another; `tables_pdf` lays them out on A4 with the bundled
fonts (motcua.dossiers.printing). Texts come in the requester's language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from motcua.core import spreadsheets
from motcua.core.text import nfc
from motcua.dossiers.printing.layout import A4_LANDSCAPE, FormSpec, date_text
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.reporting.params import ReportParams

FONT = "Times New Roman"


@dataclass
class Section:
    title: str
    headings: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class Tables:
    title: str
    params: ReportParams
    sections: list[Section]
    slug: str

    def filename(self, extension: str) -> str:
        unit = self.params.unit.agency_code if self.params.unit is not None else "toan-tinh"
        return (
            f"{self.slug}_{unit}_{self.params.date_from:%Y%m%d}-{self.params.date_to:%Y%m%d}"
            f".{extension}"
        )

    def period(self) -> str:
        return _("Period: from %(start)s to %(end)s") % {
            "start": date_text(self.params.date_from),
            "end": date_text(self.params.date_to),
        }


class Rate(float):
    """A rate (0..1): printed as people read it ("87,5%"), written to a spreadsheet as a number
    formatted as a percentage (so it can be summed and charted there)."""

    def __str__(self) -> str:
        value = f"{float(self) * 100:.1f}".replace(".", ",")
        return f"{value.removesuffix(',0')}%"


def percent(rate: float | Decimal | None) -> Rate | str:
    """A rate (0..1) as a `Rate`, or "—" when it cannot be computed."""
    if rate is None:
        return "—"
    return Rate(float(rate))


def _cell_value(value: Any) -> Any:
    if isinstance(value, Rate):
        return float(value)  # a plain number; the cell's format shows it as a percentage
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def tables_xlsx(tables: Tables) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = tables.slug[:31]
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    width = max((len(s.headings) for s in tables.sections), default=1)
    widths = [0] * width

    def put(row: int, column: int, value: Any, *, bold: bool = False, border: bool = False) -> None:
        cell = spreadsheets.write(sheet, row, column, _cell_value(value))  # formula-safe
        if isinstance(value, Rate):
            cell.number_format = "0.0%"
        cell.font = Font(name=FONT, bold=bold, size=12)
        cell.alignment = wrap
        if border:
            cell.border = box
        if isinstance(value, str):
            widths[column - 1] = max(widths[column - 1], min(60, len(value)))

    put(1, 1, tables.title, bold=True)
    put(2, 1, tables.period())
    row = 3
    for section in tables.sections:
        row += 1
        put(row, 1, section.title, bold=True)
        row += 1
        for column, heading in enumerate(section.headings, start=1):
            put(row, column, heading, bold=True, border=True)
        for values in section.rows:
            row += 1
            for column, value in enumerate(values, start=1):
                put(row, column, value, border=True)
        if not section.rows:
            row += 1
            put(row, 1, _("No data."))
        if section.note:
            row += 1
            put(row, 1, section.note)
        row += 1
    for index, chars in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, chars + 2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = tables.title
    book.properties.creator = "MotCua"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tables_pdf(tables: Tables) -> bytes:
    spec = FormSpec(
        "", tables.title.upper(), "reporting/tables_pdf.html", A4_LANDSCAPE, tables.slug
    )
    from django.utils import timezone

    from motcua.dossiers.printing.layout import header_context
    from motcua.reporting.exports import issuer_of

    context: dict[str, Any] = {}
    issuer = issuer_of(tables.params)
    if issuer is not None:
        context.update(header_context(issuer, timezone.now()))
    context |= {
        "no_data": _("No data."),
        "period": tables.period(),
        "sections": tables.sections,
    }
    code = tables.params.unit.agency_code if tables.params.unit is not None else "toan-tinh"
    context.update(base_context(spec, code=code))
    return render_pdf(spec.template, context)


# --- the two reports --------------------------------------------------------------------------


def dashboard_tables(params: ReportParams, data: dict[str, Any]) -> Tables:
    s = data["summary"]
    overdue = data["overdue"]
    sections = [
        Section(
            _("Summary"),
            [_("Figure"), _("Value"), _("Definition")],
            [
                [_("Received"), s["received"], _("Dossiers received in the period, all channels.")],
                [
                    _("Online share"),
                    percent(s["online_share"]),
                    _(
                        "Dossiers received online ÷ all dossiers received in the period. Not the "
                        "same as indicator 3.3 of the service index, which does not count online "
                        "dossiers whose result was not returned electronically."
                    ),
                ],
                [
                    _("Resolved"),
                    s["resolved"],
                    _("Dossiers that ended in the period (result issued, stopped or withdrawn)."),
                ],
                [
                    _("Overdue in the period"),
                    s["overdue"],
                    _(
                        "As in form 06a: %(late)s resolved late in the period + %(open)s still "
                        "in progress and overdue at its end."
                    )
                    % {"late": overdue["resolved_late"], "open": overdue["in_progress_overdue"]},
                ],
                [_("Estimated savings (VND)"), s["estimated_saving"], ""],
            ],
        ),
        Section(
            _("Received and resolved per month, by channel"),
            [
                _("Month"),
                _("Received at the counter"),
                _("Received online"),
                _("Received by post"),
                _("Resolved"),
                _("Online share"),
                _("Average working days"),
            ],
            [
                [
                    m["month_label"],
                    m["received_counter"],
                    m["received_online"],
                    m["received_post"],
                    m["resolved"],
                    percent(m["online_share"]),
                    m["average_days"] if m["average_days"] is not None else "—",
                ]
                for m in data["monthly"]
            ],
        ),
        Section(
            _("On-time rate by unit"),
            [
                _("Unit"),
                _("On time or within time"),
                _("Resolved or in progress"),
                _("On-time rate"),
            ],
            [
                [r["name"], r["on_time"], r["processed"], percent(r["rate"])]
                for r in data["on_time_by_organisation"]
            ],
            _(
                "Dossiers resolved early or on time, or still in progress within their time, ÷ "
                "all dossiers resolved or in progress in the period (indicator 2.1 of the "
                "service index)."
            ),
        ),
        Section(
            _("Overdue dossiers in the period, by unit"),
            [_("Unit"), _("Dossiers")],
            [[r["name"], r["count"]] for r in overdue["by_organisation"]],
        ),
        Section(
            _("Overdue dossiers in the period, by procedure"),
            [_("Procedure"), _("Code"), _("Dossiers")],
            [[r["name"], r["key"], r["count"]] for r in overdue["by_procedure"]],
        ),
        Section(
            _("Average processing time by procedure"),
            [
                _("Procedure"),
                _("Code"),
                _("Completed dossiers"),
                _("Average working days taken"),
                _("Average working days allowed"),
            ],
            [
                [
                    p["name"],
                    p["key"],
                    p["dossiers"],
                    p["average_days"],
                    p["statutory_days"] if p["statutory_days"] is not None else "—",
                ]
                for p in data["processing_time_by_procedure"]
            ],
        ),
        Section(
            _("Causes of late dossiers (reasons given in extensions)"),
            [_("Reason"), _("Dossiers")],
            [[c["reason"], c["count"]] for c in data["late_causes"]],
        ),
    ]
    return Tables(_("Dashboard"), params, sections, "bang-dieu-khien")


def index766_tables(params: ReportParams, index: dict[str, Any]) -> Tables:
    indicators = index["indicators"]
    unconfirmed = _(
        "“To confirm”: the threshold and the points of this indicator are still to be checked "
        "against the legal text; its score may change."
    )
    sections = [
        Section(
            _("Service index (Decision 766/QĐ-TTg)"),
            [
                _("Indicator"),
                _("Numerator"),
                _("Denominator"),
                _("Rate"),
                _("Full points at"),
                _("Points"),
                _("Score"),
            ],
            [
                [
                    f"{i['code']} {i['name']}"
                    + ("" if i["confirmed"] else f" ({_('to confirm')})"),
                    i["numerator"],
                    i["denominator"],
                    percent(i["rate"]),
                    percent(i["threshold"]),
                    i["points"],
                    i["score"] if i["score"] is not None else _("N/A"),
                ]
                for i in indicators
            ]
            + [[_("Total"), "", "", "", "", index["points_available"], index["score"]]],
            unconfirmed if any(not i["confirmed"] for i in indicators) else "",
        ),
        Section(
            _("By unit"),
            [_("Unit"), *[i["code"] for i in indicators], _("Score")],
            [
                [
                    org["name"],
                    *[i["score"] if i["score"] is not None else "—" for i in org["indicators"]],
                    f"{org['score']}/{org['points_available']}",
                ]
                for org in index["organisations"]
            ],
        ),
        Section(
            _("Month by month (rates)"),
            [_("Month"), *[i["code"] for i in indicators]],
            [
                [f"{m['month'][5:7]}/{m['month'][:4]}", *[percent(r) for r in m["rates"].values()]]
                for m in index["trend"]
            ],
        ),
    ]
    return Tables(_("Service index (Decision 766/QĐ-TTg)"), params, sections, "chi-so-766")
