"""The registers as .xlsx (opened with openpyxl) and PDF (text read back with pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.core.errors import ValidationFailed
from motcua.documents import registers
from motcua.documents import selectors_registers as sel
from motcua.documents.enums import DocumentType, IncomingState
from motcua.documents.tests.registers.factories import (
    YEAR,
    add_note,
    make_file,
    make_incoming,
    make_outgoing,
    vn,
)

pytestmark = pytest.mark.usefixtures("vi")

OUTGOING_HEADINGS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
INCOMING_HEADINGS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
TRACKER_HEADINGS = [
    "Số đến",
    "Tên loại, số và ký hiệu, ngày tháng và tác giả văn bản",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]


def _sheet(export: registers.Export):
    assert export.content_type == registers.XLSX
    book = load_workbook(io.BytesIO(export.file.read()))
    return book.worksheets[0]


def _find_row(sheet, first_value: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_value:
            return row[0].row
    raise AssertionError(f"no row starts with {first_value!r}")


def _pdf_text(export: registers.Export) -> tuple[PdfReader, str]:
    assert export.content_type == registers.PDF
    reader = PdfReader(io.BytesIO(export.file.read()))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def _filters(world, **kwargs):
    return sel.RegisterFilters(organisation=world.dept, year=YEAR, **kwargs)


# --- outgoing register ----------------------------------------------------------------------------


def test_outgoing_register_xlsx(world):
    # given
    make_outgoing(world, number=5, note='=HYPERLINK("http://x","y")')
    make_outgoing(world, number=12, issued=dt.date(YEAR, 4, 2))

    # when
    export = registers.register_export(
        "outgoing", "xlsx", user=world.clerk, filters=_filters(world)
    )
    sheet = _sheet(export)

    # then: the agency, the title, the year, the headings, the column numbers, the lines
    assert export.filename == f"so-van-ban-di_000.00.08.H12_{YEAR}.xlsx"
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH CÀ MAU"
    assert sheet["A2"].value == "SỞ TƯ PHÁP"
    assert sheet["A4"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert sheet["A5"].value == f"Năm: {YEAR}"
    heading = _find_row(sheet, "Số, ký hiệu văn bản")
    assert [c.value for c in sheet[heading]] == OUTGOING_HEADINGS
    assert [c.value for c in sheet[heading + 1]] == [f"({i})" for i in range(1, 11)]
    line = [c.value for c in sheet[heading + 2]]
    assert line[0] == "05/QĐ-STP"  # text, with its leading zero
    assert line[1] == dt.datetime(YEAR, 3, 5)  # a real date
    assert sheet.cell(row=heading + 2, column=2).number_format == "dd/mm/yyyy"
    assert line[2] == "Quyết định về việc phê duyệt kế hoạch cải cách hành chính năm 2026"
    assert line[3] == "Nguyễn Văn Giám"
    assert line[4] == "UBND huyện Trần Văn Thời; Sở Nội vụ"
    assert line[5] == "Văn phòng Sở Tư pháp"
    assert line[6] == 4  # a number
    # a note that looks like a formula stays text
    note = sheet.cell(row=heading + 2, column=10)
    assert note.value == '=HYPERLINK("http://x","y")'
    assert note.data_type == "s" and note.quotePrefix
    assert sheet.cell(row=heading + 3, column=1).value == "12/QĐ-STP"
    assert sheet.max_row == heading + 3


def test_outgoing_register_pdf(world):
    make_outgoing(world, number=5)
    export = registers.register_export("outgoing", "pdf", user=world.clerk, filters=_filters(world))
    reader, text = _pdf_text(export)

    assert export.filename == f"so-van-ban-di_000.00.08.H12_{YEAR}.pdf"
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297  # A4
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
        "SỞ TƯ PHÁP",
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        f"Năm: {YEAR}",
        "Tên loại và trích yếu nội dung văn bản",
        "Đơn vị, người nhận bản lưu",
        "(10)",
        "05/QĐ-STP",
        "05/03/2026",
        "Nguyễn Văn Giám",
    ):
        assert expected in text, expected
    fonts = {
        str(font["/BaseFont"])
        for p in reader.pages
        for font in (p["/Resources"]["/Font"].get_object()).values()
    }
    assert fonts and all("LiberationSerif" in font for font in fonts)


def test_a_pdf_too_long_is_refused_and_the_spreadsheet_is_not(world, settings):
    settings.MOTCUA_REGISTER_PDF_MAX_ROWS = 2
    for number in range(1, 4):
        make_outgoing(world, number=number)
    with pytest.raises(ValidationFailed) as refused:
        registers.register_export("outgoing", "pdf", user=world.clerk, filters=_filters(world))
    assert "2" in str(refused.value.message)
    sheet = _sheet(
        registers.register_export("outgoing", "xlsx", user=world.clerk, filters=_filters(world))
    )
    assert sheet.cell(row=sheet.max_row, column=1).value == "03/QĐ-STP"


def test_an_empty_register_prints(world):
    export = registers.register_export("incoming", "pdf", user=world.clerk, filters=_filters(world))
    _reader, text = _pdf_text(export)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Không có văn bản nào." in text


def test_the_export_shows_only_the_lines_the_official_may_see(world):
    make_incoming(world, arrival_number=1)  # given to the specialist's division
    make_incoming(world, arrival_number=2, lead_unit=world.office, lead_official=None)
    clerk = _sheet(
        registers.register_export("incoming", "xlsx", user=world.clerk, filters=_filters(world))
    )
    specialist = _sheet(
        registers.register_export(
            "incoming", "xlsx", user=world.specialist, filters=_filters(world)
        )
    )
    heading = _find_row(clerk, "Ngày đến")
    assert [clerk.cell(row=r, column=2).value for r in (heading + 2, heading + 3)] == [1, 2]
    assert specialist.max_row == heading + 2
    assert specialist.cell(row=heading + 2, column=2).value == 1


# --- incoming register and tracker ----------------------------------------------------------------


def test_incoming_register_xlsx_and_pdf(world):
    make_incoming(world, arrival_number=7)
    filters = _filters(world, date_from=dt.date(YEAR, 3, 1), date_to=dt.date(YEAR, 3, 31))
    sheet = _sheet(registers.register_export("incoming", "xlsx", user=world.clerk, filters=filters))
    heading = _find_row(sheet, "Ngày đến")
    assert [c.value for c in sheet[heading]] == INCOMING_HEADINGS
    line = [c.value for c in sheet[heading + 2]]
    assert line[:5] == [
        dt.datetime(YEAR, 3, 9),
        7,
        "Ủy ban nhân dân huyện Trần Văn Thời",
        "05/KH-UBND",
        dt.datetime(YEAR, 3, 6),
    ]
    assert line[6] == "Phòng Hành chính tư pháp - Lê Thị Chuyên"
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in [
        sheet.cell(row=r, column=1).value for r in range(1, heading)
    ]

    export = registers.register_export("incoming", "pdf", user=world.clerk, filters=filters)
    _reader, text = _pdf_text(export)
    assert export.filename == "so-van-ban-den_000.00.08.H12_20260301-20260331.pdf"
    for expected in (
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "Đơn vị hoặc người nhận",
        "09/03/2026",
        "05/KH-UBND",
        "Ủy ban nhân dân huyện Trần Văn Thời",
    ):
        assert expected in text, expected


def test_processing_tracker_xlsx_and_pdf(world):
    plan = make_incoming(world, arrival_number=4, state=IncomingState.IN_PROGRESS)
    add_note(plan, text="Đã trình lãnh đạo ký", percent=80, at=vn(YEAR, 3, 12, 9, 0))
    make_outgoing(
        world,
        number=9,
        notation="STP-HCTP",
        document_type=DocumentType.CONG_VAN,
        response_for=plan,
    )
    sheet = _sheet(
        registers.register_export("tracker", "xlsx", user=world.leader, filters=_filters(world))
    )
    heading = _find_row(sheet, "Số đến")
    assert [c.value for c in sheet[heading]] == TRACKER_HEADINGS
    assert [c.value for c in sheet[heading + 1]] == [f"({i})" for i in range(1, 8)]
    line = [c.value for c in sheet[heading + 2]]
    assert line[0] == 4
    assert line[1].startswith("Kế hoạch số 05/KH-UBND ngày 06/03/2026")
    assert line[3] == dt.datetime(YEAR, 3, 19)
    assert line[4].endswith("(80%): Đã trình lãnh đạo ký")
    assert line[5] == "09/STP-HCTP"

    _reader, text = _pdf_text(
        registers.register_export("tracker", "pdf", user=world.leader, filters=_filters(world))
    )
    for expected in ("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", "Tiến độ giải quyết", "09/STP-HCTP"):
        assert expected in text, expected


# --- list of documents in a file ------------------------------------------------------------------


def test_document_file_list_xlsx_and_pdf(world):
    # given: a file holding an incoming plan (3 pages) and our decision (2 pages)
    document_file = make_file(world, retention_years=20)
    plan = make_incoming(world, arrival_number=1, document_file=document_file, file_ordinal=1)
    decision = make_outgoing(
        world, number=5, document_file=document_file, file_ordinal=2, issued=dt.date(YEAR, 3, 20)
    )
    assert plan.page_amount == 3 and decision.page_amount == 2

    # when
    export = registers.document_file_export(document_file, "xlsx")
    sheet = _sheet(export)

    # then
    assert export.filename == "muc-luc-van-ban_000.00.08.H12_2026-01.HCTP.xlsx"
    titles = [sheet.cell(row=r, column=1).value for r in range(1, 12)]
    assert "MỤC LỤC VĂN BẢN" in titles
    assert "Mã hồ sơ: 000.00.08.H12.2026.01.HCTP" in titles
    assert "Thời hạn bảo quản: 20 năm" in titles
    assert "Người lập hồ sơ: Lê Thị Chuyên" in titles
    assert "Tổng số văn bản: 2; tổng số trang: 5; ngôn ngữ: Tiếng Việt" in titles
    heading = _find_row(sheet, "Số TT")
    assert [c.value for c in sheet[heading]] == [
        "Số TT",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Tác giả văn bản",
        "Tờ số",
        "Ghi chú",
    ]
    first = [c.value for c in sheet[heading + 2]]
    second = [c.value for c in sheet[heading + 3]]
    assert first[:2] == [1, "05/KH-UBND"]
    assert first[4] == "Ủy ban nhân dân huyện Trần Văn Thời"
    assert first[5] == "1"
    assert second[:2] == [2, "05/QĐ-STP"]
    assert second[4] == "Sở Tư pháp"
    assert second[5] == "4"  # after the plan's three sheets

    _reader, text = _pdf_text(registers.document_file_export(document_file, "pdf"))
    for expected in ("MỤC LỤC VĂN BẢN", "Tờ số", "05/KH-UBND", "05/QĐ-STP", "Hồ sơ cải cách"):
        assert expected in text, expected
