"""The statutory registers as files: the outgoing register, the incoming register, the
processing tracker and the list of documents in a file, as .xlsx and as PDF laid out like the
registers of Decree 30/2020 Annex IV (and the mục lục văn bản of a file): the agency above the
title, the title in capitals, the year and period, the column headings of the form and the
column numbers (1), (2), … under them, one line per document.

The headings are English msgids with their statutory Vietnamese wording in the translations
(context "document register"), so the register prints in the requester's language and in
Vietnamese by default.

Spreadsheets are written in openpyxl's write-only mode into a temporary file, row by row from
a database iterator (`selectors_registers.register_rows`): the register of a year of a million
documents is exported without holding it in memory. A PDF is laid out whole by WeasyPrint, so
it is refused above `MOTCUA_REGISTER_PDF_MAX_ROWS` lines (the spreadsheet has no such limit).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from motcua.core import spreadsheets
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.documents import selectors_registers as sel
from motcua.documents.models import DocumentFile
from motcua.dossiers.printing.layout import A4_LANDSCAPE, FormSpec, ascii_name, date_text
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.organisations.models import Organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
FONT = "Times New Roman"
DEFAULT_PDF_MAX_ROWS = 3000
CTX = "document register"


@dataclass(frozen=True)
class Column:
    key: str  # the row attribute
    heading: Promise
    width: float  # spreadsheet width, in characters
    share: float  # share of the PDF table's width, in percent
    align: str = "left"  # left | center


@dataclass(frozen=True)
class Layout:
    slug: str  # ASCII, for file names
    title: Promise
    columns: tuple[Column, ...]

    def numbers(self) -> list[str]:
        return [f"({i})" for i in range(1, len(self.columns) + 1)]


def _h(text: str) -> Promise:
    return pgettext_lazy(CTX, text)


# Decree 30/2020 Annex IV, the register of outgoing documents: columns (1)–(10).
OUTGOING = Layout(
    "so-van-ban-di",
    pgettext_lazy(CTX, "Register of outgoing documents"),
    (
        Column("number_notation", _h("Number and notation of the document"), 16, 10, "center"),
        Column("date", _h("Date of the document"), 12, 8.5, "center"),
        Column("type_and_summary", _h("Type and summary of the document"), 50, 23),
        Column("signer", _h("Signer"), 20, 10),
        Column("recipients", _h("Recipients of the document"), 32, 14),
        Column("keeper", _h("Unit or person keeping the file copy"), 20, 10),
        Column("copies", _h("Number of copies"), 8, 5, "center"),
        Column("sent_on", _h("Date sent"), 12, 8.5, "center"),
        Column("receipt", _h("Receipt signature"), 12, 5),
        Column("note", _h("Note"), 20, 6),
    ),
)

# Decree 30/2020 Annex IV, the register of incoming documents: columns (1)–(10).
INCOMING = Layout(
    "so-van-ban-den",
    pgettext_lazy(CTX, "Register of incoming documents"),
    (
        Column("arrival_date", _h("Arrival date"), 12, 8.5, "center"),
        Column("arrival_number", _h("Arrival number"), 8, 5, "center"),
        Column("author", _h("Author"), 28, 13),
        Column("number_notation", _h("Number and notation"), 16, 10, "center"),
        Column("date", _h("Date"), 12, 8.5, "center"),
        Column("type_and_summary", _h("Type and summary"), 50, 22),
        Column("receiver", _h("Receiving unit or person"), 24, 12),
        Column("passed_on", _h("Date passed on"), 12, 8.5, "center"),
        Column("receipt", _h("Receipt signature"), 12, 5),
        Column("note", _h("Note"), 20, 7.5),
    ),
)

# The tracker of the processing of incoming documents: columns (1)–(7).
TRACKER = Layout(
    "so-theo-doi-giai-quyet-van-ban-den",
    pgettext_lazy(CTX, "Tracker of the processing of incoming documents"),
    (
        Column("arrival_number", _h("Arrival number"), 8, 6, "center"),
        Column(
            "document",
            _h("Type, number and notation, date and author of the document"),
            55,
            31.5,
        ),
        Column("receiver", _h("Receiving unit or person"), 28, 16),
        Column("deadline", _h("Deadline"), 12, 8.5, "center"),
        Column("progress", _h("Progress"), 32, 18),
        Column("replies", _h("Number and notation of the reply"), 18, 10, "center"),
        Column("note", _h("Note"), 16, 10),
    ),
)

# Decree 30/2020 Annex V, the list of the documents in a file (mục lục văn bản): (1)–(7).
FILE_LIST = Layout(
    "muc-luc-van-ban",
    pgettext_lazy(CTX, "List of documents in the file"),
    (
        Column("ordinal", _h("No."), 6, 5, "center"),
        Column("number_notation", _h("Number and notation of the document"), 18, 13, "center"),
        Column("date", _h("Date of the document"), 12, 10, "center"),
        Column("type_and_summary", _h("Type and summary of the document"), 60, 40),
        Column("author", _h("Author of the document"), 30, 17),
        Column("sheet", _h("Sheet number"), 8, 6, "center"),
        Column("note", _h("Note"), 18, 9),
    ),
)


@dataclass
class Header:
    """What stands above the table: the agency (and the one above it), the title and the
    lines under it (year, period, register; a file's metadata)."""

    organisation: Organisation | None
    lines: list[str] = field(default_factory=list)

    def org_parent(self) -> str:
        org = self.organisation
        parent = org.parent if org is not None and org.parent_id else None
        return nfc(parent.name.upper()) if parent is not None else ""

    def org_name(self) -> str:
        return nfc(self.organisation.name.upper()) if self.organisation is not None else ""


@dataclass(frozen=True)
class Export:
    """A file to download: its name, type and contents (an open binary file, read from the
    start; the caller closes it)."""

    filename: str
    content_type: str
    file: IO[bytes]


# --- the registers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterSpec:
    layout: Layout
    kind: str  # RegisterKind of the register rows (outgoing / incoming)
    rows_for: Callable[..., Any]  # (user, filters=…) → queryset
    row_of: Callable[[Any], Any]


REGISTERS: dict[str, RegisterSpec] = {
    "outgoing": RegisterSpec(
        OUTGOING, "outgoing", sel.outgoing_register_for, sel.outgoing_register_row
    ),
    "incoming": RegisterSpec(
        INCOMING, "incoming", sel.incoming_register_for, sel.incoming_register_row
    ),
    "tracker": RegisterSpec(TRACKER, "incoming", sel.processing_tracker_for, sel.tracker_row),
}


def register_header(filters: sel.RegisterFilters) -> Header:
    lines = []
    if filters.year is not None:
        lines.append(pgettext(CTX, "Year: %(year)s") % {"year": filters.year})
    start, end = filters.date_from, filters.date_to
    if start or end:
        lines.append(
            pgettext(CTX, "From %(start)s to %(end)s")
            % {"start": date_text(start) or "…", "end": date_text(end) or "…"}
        )
    if filters.register is not None:
        lines.append(pgettext(CTX, "Register: %(name)s") % {"name": filters.register.name})
    return Header(filters.organisation, lines)


def register_filename(name: str, filters: sel.RegisterFilters, extension: str) -> str:
    agency = ascii_name(filters.organisation.agency_code) if filters.organisation else "tat-ca"
    if filters.date_from or filters.date_to:
        start = f"{filters.date_from:%Y%m%d}" if filters.date_from else ""
        end = f"{filters.date_to:%Y%m%d}" if filters.date_to else ""
        period = f"{start}-{end}"
    else:
        period = str(filters.year or "tat-ca")
    return f"{REGISTERS[name].layout.slug}_{agency}_{period}.{extension}"


def register_export(name: str, fmt: str, *, user: Any, filters: sel.RegisterFilters) -> Export:
    """Register `name` (outgoing, incoming, tracker) as `fmt` (xlsx, pdf): the lines `user`
    may see under `filters`."""
    register = REGISTERS[name]
    qs = register.rows_for(user, filters=filters)
    rows = sel.register_rows(qs, register.row_of)
    header = register_header(filters)
    filename = register_filename(name, filters, fmt)
    if fmt == "xlsx":
        return Export(filename, XLSX, write_xlsx(register.layout, header, rows))
    return Export(filename, PDF, _bytes_file(render_register_pdf(register.layout, header, rows)))


def document_file_header(document_file: DocumentFile, summary: sel.FileSummary) -> Header:
    lines = [
        _("File code: %(code)s") % {"code": summary.file_code},
        _("File title: %(title)s") % {"title": summary.title},
        _("Kept by: %(keeper)s") % {"keeper": summary.keeper or "…"},
        _("Retention: %(retention)s") % {"retention": summary.retention or "…"},
        pgettext(CTX, "From %(start)s to %(end)s")
        % {"start": date_text(summary.start) or "…", "end": date_text(summary.end) or "…"},
        _("%(documents)s documents, %(pages)s pages; language: %(language)s")
        % {
            "documents": summary.documents,
            "pages": summary.pages if summary.pages is not None else "…",
            "language": summary.language,
        },
    ]
    if summary.description:
        lines.append(summary.description)
    return Header(document_file.organisation, lines)


def document_file_export(document_file: DocumentFile, fmt: str) -> Export:
    """The list of documents in a file (mục lục văn bản) with the file's metadata."""
    rows = sel.document_file_rows(document_file)
    header = document_file_header(document_file, sel.document_file_summary(document_file, rows))
    code = ascii_name(f"{document_file.file_catalog}-{document_file.file_notation}")
    filename = f"{FILE_LIST.slug}_{ascii_name(document_file.organisation.agency_code)}_{code}"
    if fmt == "xlsx":
        return Export(f"{filename}.xlsx", XLSX, write_xlsx(FILE_LIST, header, rows))
    return Export(f"{filename}.pdf", PDF, _bytes_file(render_register_pdf(FILE_LIST, header, rows)))


# --- cells ----------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A value as the PDF prints it: dates dd/mm/yyyy, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return date_text(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return pgettext(CTX, "yes") if value else ""
    return nfc(str(value))


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    if isinstance(value, str):
        return nfc(value)
    return value


# --- spreadsheet ----------------------------------------------------------------------------------


def write_xlsx(layout: Layout, header: Header, rows: Iterable[Any]) -> IO[bytes]:
    """The register as a spreadsheet in a temporary file (rewound; the caller closes it): the
    agency, the title and the lines under it, the headings, the column numbers, then one row
    per document, written as the rows come."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    title = str(layout.title)
    sheet = book.create_sheet(title=title[:31])
    width = len(layout.columns)
    last = get_column_letter(width)
    for index, column in enumerate(layout.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    middle = Alignment(horizontal="center", vertical="top", wrap_text=True)
    heading_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    plain = Font(name=FONT, size=12)
    bold = Font(name=FONT, size=12, bold=True)

    def cell(
        value: Any, *, font: Font = plain, align: Alignment = wrap, border: bool = False
    ) -> Any:
        c = WriteOnlyCell(sheet)
        spreadsheets.set_value(c, _cell_value(value))  # formula-like text stays text
        c.font = font
        c.alignment = align
        if border:
            c.border = box
        if isinstance(c.value, dt.date):
            c.number_format = "dd/mm/yyyy"
        return c

    # Sheet properties, views (the frozen headings) and column widths are written before the
    # first row in write-only mode: set them all first.
    top = [header.org_parent()] if header.org_parent() else []
    heading_row = len(top) + 3 + len(header.lines) + 2
    sheet.freeze_panes = f"A{heading_row + 2}"
    sheet.print_title_rows = f"{heading_row}:{heading_row + 1}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    row = 0

    def line(values: list[Any], *, merge: bool = False) -> None:
        nonlocal row
        row += 1
        sheet.append(values)
        if merge:
            sheet.merged_cells.add(f"A{row}:{last}{row}")

    for text in top:
        line([cell(text)])
    line([cell(header.org_name(), font=bold)])
    line([])
    line([cell(title.upper(), font=Font(name=FONT, size=14, bold=True), align=middle)], merge=True)
    for text in header.lines:
        line([cell(text, align=middle)], merge=True)
    line([])
    line(
        [
            cell(str(c.heading), font=bold, align=heading_alignment, border=True)
            for c in layout.columns
        ]
    )
    line(
        [
            cell(n, font=Font(name=FONT, size=11, italic=True), align=middle, border=True)
            for n in layout.numbers()
        ]
    )
    for values in rows:
        line(
            [
                cell(
                    getattr(values, c.key),
                    align=middle if c.align == "center" else wrap,
                    border=True,
                )
                for c in layout.columns
            ]
        )
    organisation = header.organisation
    book.properties.title = f"{title} - {organisation.name}" if organisation else title
    book.properties.creator = "MotCua"
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller streams and closes it)
    book.save(out)
    out.seek(0)
    return out


# --- PDF ------------------------------------------------------------------------------------------


def pdf_max_rows() -> int:
    return int(getattr(settings, "MOTCUA_REGISTER_PDF_MAX_ROWS", DEFAULT_PDF_MAX_ROWS))


def _bounded(rows: Iterable[Any], limit: int) -> list[Any]:
    taken: list[Any] = []
    iterator: Iterator[Any] = iter(rows)
    for row in iterator:
        if len(taken) == limit:
            raise ValidationFailed(
                _(
                    "The register has more than %(max)s lines, too many for a PDF: choose a "
                    "shorter period, or download it as a spreadsheet."
                )
                % {"max": limit},
                code="too_many_rows",
            )
        taken.append(row)
    return taken


def render_register_pdf(layout: Layout, header: Header, rows: Iterable[Any]) -> bytes:
    """The register as PDF, A4 landscape, Liberation Serif (bundled), headings repeated on
    every page."""
    lines = _bounded(rows, pdf_max_rows())
    spec = FormSpec(
        "",
        str(layout.title).upper(),
        "documents/print/register.html",
        A4_LANDSCAPE,
        layout.slug,
    )
    context: dict[str, Any] = {
        "org_parent": header.org_parent(),
        "org_name": header.org_name(),
        "title": spec.title,
        "lines": header.lines,
        "columns": [
            {"heading": str(c.heading), "share": c.share, "align": c.align} for c in layout.columns
        ],
        "numbers": layout.numbers(),
        "rows": [
            [{"text": cell_text(getattr(row, c.key)), "align": c.align} for c in layout.columns]
            for row in lines
        ],
        "no_lines": pgettext(CTX, "No documents."),
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
    }
    code = header.organisation.agency_code if header.organisation is not None else ""
    context.update(base_context(spec, code=code))
    return render_pdf(spec.template, context)


def _bytes_file(data: bytes) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    out.write(data)
    out.seek(0)
    return out
