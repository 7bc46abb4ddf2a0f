"""Form 06a as a spreadsheet and as PDF, laid out like the official form ("Biểu số 06a").

The wording is Vietnamese on purpose, as in the printed forms of the dossier app: these are
official documents, not interface text. The PDF reuses the printed forms' base template, page
formats and bundled fonts (motcua.dossiers.printing).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.core.text import nfc
from motcua.dossiers.printing.layout import (
    A4_LANDSCAPE,
    FormSpec,
    ascii_name,
    date_text,
    header_context,
)
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.organisations.models import Organisation
from motcua.reporting.one_stop import COLUMN_NAMES, OneStopReport
from motcua.reporting.params import ReportParams

FONT = "Times New Roman"
FORM_06A = FormSpec(
    "06a",
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    "reporting/one_stop_pdf.html",
    A4_LANDSCAPE,
    "bieu-06a",
)
FORM_NUMBER = "Biểu số 06a"
GROUP_HEADINGS = {
    "organisation": "Đơn vị tiếp nhận",
    "field": "Lĩnh vực giải quyết",
    "procedure": "Thủ tục hành chính",
}
# (first column, last column, text) of the three header rows; columns are 1-based.
HEADER_TOP = [
    (3, 6, "Số hồ sơ nhận giải quyết"),
    (7, 13, "Kết quả giải quyết"),
]
HEADER_MIDDLE = [
    (3, 3, "Tổng số"),
    (4, 5, "Trong kỳ"),
    (6, 6, "Từ kỳ trước"),
    (7, 10, "Số hồ sơ đã giải quyết"),
    (11, 13, "Số hồ sơ đang giải quyết"),
]
HEADER_BOTTOM = [
    (4, "Trực tuyến"),
    (5, "Trực tiếp, dịch vụ bưu chính"),
    (7, "Tổng số"),
    (8, "Trả trước hạn"),
    (9, "Trả đúng thời hạn"),
    (10, "Trả quá hạn"),
    (11, "Tổng số"),
    (12, "Chưa đến hạn"),
    (13, "Quá hạn"),
]
WIDTHS = [6, 42, 10, 10, 12, 10, 10, 10, 10, 10, 10, 10, 10]


def issuer_of(params: ReportParams) -> Organisation | None:
    """The organisation the form is issued by: the unit, else the province."""
    if params.unit is not None:
        return params.unit
    return (
        Organisation.objects.filter(agency_code=settings.MOTCUA_PROVINCE_CODE).first()
        or Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    )


def period_text(params: ReportParams) -> str:
    return f"Kỳ báo cáo: từ ngày {date_text(params.date_from)} đến ngày {date_text(params.date_to)}"


def one_stop_filename(params: ReportParams, extension: str) -> str:
    unit = ascii_name(params.unit.agency_code) if params.unit is not None else "toan-tinh"
    return (
        f"{FORM_06A.slug}_{unit}_{params.group_by}_"
        f"{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}.{extension}"
    )


def one_stop_xlsx(report: OneStopReport) -> bytes:
    """The form as a spreadsheet: title block, three merged header rows, the column numbers
    (1)–(13), one row per group and the total; Times New Roman throughout."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from motcua.core.spreadsheets import write

    params = report.params
    issuer = issuer_of(params)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Biểu 06a"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(
        row: int,
        column: int,
        value: Any,
        *,
        bold: bool = False,
        italic: bool = False,
        size: int = 12,
        align: Alignment | None = None,
        border: bool = False,
    ) -> None:
        cell = write(sheet, row, column, value)  # text that looks like a formula stays text
        cell.font = Font(name=FONT, bold=bold, italic=italic, size=size)
        if align is not None:
            cell.alignment = align
        if border:
            cell.border = box

    last = get_column_letter(13)
    put(1, 1, nfc(issuer.name.upper()) if issuer else "", bold=True)
    sheet.merge_cells("A1:F1")
    put(1, 11, FORM_NUMBER, bold=True, align=Alignment(horizontal="right"))
    sheet.merge_cells("K1:M1")
    put(3, 1, FORM_06A.title, bold=True, size=14, align=Alignment(horizontal="center"))
    sheet.merge_cells(f"A3:{last}3")
    put(4, 1, period_text(params), italic=True, align=Alignment(horizontal="center"))
    sheet.merge_cells(f"A4:{last}4")
    put(5, 13, "Đơn vị tính: Số hồ sơ", italic=True, size=11, align=Alignment(horizontal="right"))

    top, middle, bottom, numbers = 6, 7, 8, 9
    put(top, 1, "STT", bold=True, align=center)
    sheet.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)
    put(top, 2, GROUP_HEADINGS[params.group_by], bold=True, align=center)
    sheet.merge_cells(start_row=top, start_column=2, end_row=bottom, end_column=2)
    for first, end, text in HEADER_TOP:
        put(top, first, text, bold=True, align=center)
        sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=end)
    for first, end, text in HEADER_MIDDLE:
        put(middle, first, text, bold=True, align=center)
        if first in (3, 6):  # "Tổng số", "Từ kỳ trước": down to the bottom header row
            sheet.merge_cells(start_row=middle, start_column=first, end_row=bottom, end_column=end)
        elif end > first:
            sheet.merge_cells(start_row=middle, start_column=first, end_row=middle, end_column=end)
    for column, text in HEADER_BOTTOM:
        put(bottom, column, text, bold=True, align=center)
    for column in range(1, 14):
        put(numbers, column, f"({column})", italic=True, size=11, align=center)
        for header_row in (top, middle, bottom, numbers):
            sheet.cell(row=header_row, column=column).border = box
            sheet.cell(row=header_row, column=column).font = Font(
                name=FONT,
                bold=header_row != numbers,
                italic=header_row == numbers,
                size=11 if header_row == numbers else 12,
            )
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[column - 1]
    sheet.row_dimensions[bottom].height = 48

    row_number = numbers
    for index, row in enumerate(report.rows, start=1):
        row_number += 1
        put(row_number, 1, index, align=center, border=True)
        put(
            row_number,
            2,
            nfc(row.name),
            align=Alignment(vertical="center", wrap_text=True),
            border=True,
        )
        for offset, name in enumerate(COLUMN_NAMES, start=3):
            put(row_number, offset, row.counts[name], align=center, border=True)
    row_number += 1
    put(row_number, 1, "", border=True)
    put(row_number, 2, "Tổng cộng", bold=True, align=center, border=True)
    for offset, name in enumerate(COLUMN_NAMES, start=3):
        put(row_number, offset, report.total[name], bold=True, align=center, border=True)

    footer = row_number + 2
    put(footer, 9, _place_date(issuer), italic=True, align=Alignment(horizontal="center"))
    sheet.merge_cells(start_row=footer, start_column=9, end_row=footer, end_column=13)
    put(footer + 1, 2, "NGƯỜI LẬP BIỂU", bold=True, align=Alignment(horizontal="center"))
    put(footer + 1, 9, "THỦ TRƯỞNG ĐƠN VỊ", bold=True, align=Alignment(horizontal="center"))
    sheet.merge_cells(start_row=footer + 1, start_column=9, end_row=footer + 1, end_column=13)

    sheet.freeze_panes = sheet.cell(row=numbers + 1, column=3)
    sheet.print_title_rows = f"{top}:{numbers}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = f"{FORM_NUMBER} - {FORM_06A.title}"
    book.properties.creator = "MotCua"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _place_date(issuer: Organisation | None) -> str:
    if issuer is None:
        return ""
    return str(header_context(issuer, timezone.now())["place_date"])


def one_stop_pdf(report: OneStopReport) -> bytes:
    """The form as PDF (A4 landscape), with the bundled Liberation Serif fonts."""
    params = report.params
    issuer = issuer_of(params)
    context: dict[str, Any] = {}
    if issuer is not None:
        context.update(header_context(issuer, timezone.now()))
    context.update(
        {
            "period": period_text(params),
            "form_number": FORM_NUMBER,
            "group_heading": GROUP_HEADINGS[params.group_by],
            "header_top": HEADER_TOP,
            "rows": [
                {"number": i, "name": row.name, "values": [row.counts[c] for c in COLUMN_NAMES]}
                for i, row in enumerate(report.rows, start=1)
            ],
            "total": [report.total[c] for c in COLUMN_NAMES],
            "numbers": [f"({i})" for i in range(1, 14)],
        }
    )
    code = params.unit.agency_code if params.unit is not None else "toan-tinh"
    context.update(base_context(FORM_06A, code=code))
    return render_pdf(FORM_06A.template, context)
