"""Form 07, the dossier tracking book (Sổ theo dõi hồ sơ) of one receiving unit for a period,
as PDF (A4 landscape) and as a spreadsheet with the same columns."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.enums import DossierStatus, StepResult
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing.layout import (
    A4_LANDSCAPE,
    OVERDUE,
    RESULT_LABELS,
    STATUS_LABELS,
    WITHIN_TIME,
    FormSpec,
    ascii_name,
    date_text,
    header_context,
    local_midnight,
    naive_local,
    short_time,
)
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.dossiers.rules import classify
from motcua.organisations.models import Organisation

S = DossierStatus

TRACKING_BOOK = FormSpec(
    "07", "SỔ THEO DÕI HỒ SƠ", "forms/07_tracking_book.html", A4_LANDSCAPE, "so-theo-doi-ho-so"
)
TRACKING_BOOK_COLUMNS: tuple[tuple[str, float], ...] = (
    # (header, spreadsheet column width in characters)
    ("STT", 6),
    ("Mã hồ sơ", 27),
    ("Tên thủ tục hành chính", 45),
    ("Người nộp", 28),
    ("Ngày nhận", 17),
    ("Hẹn trả kết quả", 17),
    ("Kết thúc xử lý", 17),
    ("Trả kết quả", 17),
    ("Trạng thái", 22),
    ("Kết quả", 12),
    ("Ghi chú", 30),
)
# Dossiers that ended with a result: the ones the book classifies early / on time / late.
RESULT_STATUSES = frozenset({S.RESULT_READY, S.DELIVERED})
SPREADSHEET_FONT = "Times New Roman"


@dataclass(frozen=True)
class BookRow:
    """One line of the tracking book."""

    number: int
    code: str
    procedure: str
    applicant: str
    applicant_detail: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    ended_at: dt.datetime | None
    delivered_at: dt.datetime | None
    status: str
    result: str
    note: str

    @property
    def applicant_line(self) -> str:
        if not self.applicant_detail:
            return self.applicant
        return f"{self.applicant}\n{self.applicant_detail}"

    @property
    def received(self) -> str:
        return short_time(self.received_at)

    @property
    def due(self) -> str:
        return short_time(self.due_at)

    @property
    def ended(self) -> str:
        return short_time(self.ended_at)

    @property
    def delivered(self) -> str:
        return short_time(self.delivered_at)


def tracking_book_rows(unit: Organisation, date_from: dt.date, date_to: dt.date) -> list[BookRow]:
    """Dossiers received by `unit` from `date_from` to `date_to` (Vietnam dates, both included),
    in the order they were received."""
    if date_from > date_to:
        raise ValidationFailed(
            _("The start of the period must not be after its end."),
            fields={"date_from": _("after the end date")},
        )
    start = local_midnight(date_from)
    end = local_midnight(date_to + dt.timedelta(days=1))
    dossiers: QuerySet[Dossier] = (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version", "applicant")
        .order_by("received_at", "code")
    )
    today = timezone.localdate()
    rows = []
    for number, dossier in enumerate(dossiers, start=1):
        applicant = dossier.applicant
        detail = ", ".join(part for part in (applicant.address, applicant.phone) if part)
        rows.append(
            BookRow(
                number=number,
                code=dossier.code,
                procedure=dossier.procedure_version.name,
                applicant=applicant.full_name,
                applicant_detail=detail,
                received_at=dossier.received_at,
                due_at=dossier.due_at,
                ended_at=dossier.ended_at,
                delivered_at=dossier.delivered_at,
                status=STATUS_LABELS.get(dossier.status, dossier.status),
                result=book_result(dossier, today),
                note=_note(dossier),
            )
        )
    return rows


# The rule of DOMAIN §4, under the name the printing package has always exported.
classify_end = classify


def book_result(dossier: Dossier, today: dt.date) -> str:
    """The "Kết quả" column.

    Early / on time / late (DOMAIN §4) for a dossier with a result, against the statutory due
    time (an extension does not erase lateness); within time / overdue for an open one, a
    paused one being within time if the pause began by its due date; empty for refused,
    withdrawn and stopped dossiers and for procedures without a time limit.
    """
    if dossier.due_at is None:
        return ""
    due_day = timezone.localtime(dossier.due_at).date()
    if dossier.status in RESULT_STATUSES and dossier.ended_at is not None:
        return RESULT_LABELS[classify_end(dossier.ended_at, dossier.due_at)]
    if dossier.ended_at is not None or dossier.status in (S.REFUSED, S.WITHDRAWN, S.STOPPED):
        return ""
    if dossier.paused_since is not None:
        paused_day = timezone.localtime(dossier.paused_since).date()
        return WITHIN_TIME if paused_day <= due_day else OVERDUE
    return WITHIN_TIME if due_day >= today else OVERDUE


def tracking_book_filename(
    unit: Organisation, date_from: dt.date, date_to: dt.date, extension: str = "pdf"
) -> str:
    """ASCII file name of the tracking book of `unit` for the period."""
    return (
        f"{TRACKING_BOOK.slug}_{ascii_name(unit.agency_code)}_"
        f"{date_from:%Y%m%d}-{date_to:%Y%m%d}.{extension.lstrip('.')}"
    )


def render_tracking_book_pdf(unit: Organisation, date_from: dt.date, date_to: dt.date) -> bytes:
    """Form 07 as PDF, dated today."""
    rows = tracking_book_rows(unit, date_from, date_to)
    context: dict[str, Any] = {
        **header_context(unit, timezone.localtime()),
        "unit": unit,
        "period": _period(date_from, date_to),
        "columns": [header for header, _width in TRACKING_BOOK_COLUMNS],
        "rows": rows,
        "counts": _counts(rows),
    }
    context.update(base_context(TRACKING_BOOK, code=unit.agency_code))
    return render_pdf(TRACKING_BOOK.template, context)


def render_tracking_book_xlsx(unit: Organisation, date_from: dt.date, date_to: dt.date) -> bytes:
    """Form 07 as a spreadsheet: title in rows 1–3, column headers in row 5, one dossier per row
    from row 6; times are real spreadsheet dates in Vietnam wall time."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from motcua.core.spreadsheets import write

    rows = tracking_book_rows(unit, date_from, date_to)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Sổ theo dõi hồ sơ"
    last_column = get_column_letter(len(TRACKING_BOOK_COLUMNS))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    write(sheet, 1, 1, nfc(unit.name.upper()))  # every cell through write: no formula
    sheet["A1"].font = Font(name=SPREADSHEET_FONT, bold=True, size=12)
    write(sheet, 2, 1, TRACKING_BOOK.title)
    sheet["A2"].font = Font(name=SPREADSHEET_FONT, bold=True, size=14)
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A2:{last_column}2")
    write(sheet, 3, 1, _period(date_from, date_to))
    sheet["A3"].font = Font(name=SPREADSHEET_FONT, italic=True, size=12)
    sheet["A3"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A3:{last_column}3")

    header_row = 5
    for index, (header, width) in enumerate(TRACKING_BOOK_COLUMNS, start=1):
        cell = write(sheet, header_row, index, header)
        cell.font = Font(name=SPREADSHEET_FONT, bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = box
        sheet.column_dimensions[get_column_letter(index)].width = width
    for offset, row in enumerate(rows, start=1):
        values: list[Any] = [
            row.number,
            row.code,
            row.procedure,
            row.applicant_line,
            naive_local(row.received_at),
            naive_local(row.due_at),
            naive_local(row.ended_at),
            naive_local(row.delivered_at),
            row.status,
            row.result,
            row.note,
        ]
        for index, value in enumerate(values, start=1):
            # a citizen's name like =HYPERLINK(…) stays text (motcua.core.spreadsheets)
            cell = write(sheet, header_row + offset, index, value)
            cell.font = Font(name=SPREADSHEET_FONT, size=12)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = box
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = f"{TRACKING_BOOK.title} - {nfc(unit.name)}"
    book.properties.creator = "MotCua"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _period(date_from: dt.date, date_to: dt.date) -> str:
    return f"Từ ngày {date_text(date_from)} đến ngày {date_text(date_to)}"


def _note(dossier: Dossier) -> str:
    notes = []
    if dossier.appointment_at and dossier.due_at and dossier.appointment_at != dossier.due_at:
        notes.append(f"Hẹn lại: {short_time(dossier.appointment_at)}")
    if dossier.supplement_count:
        notes.append(f"Bổ sung {dossier.supplement_count} lần")
    if dossier.status in (S.REFUSED, S.STOPPED, S.WITHDRAWN) and dossier.end_reason:
        notes.append(dossier.end_reason)
    return "; ".join(notes)


def _counts(rows: Iterable[BookRow]) -> dict[str, int]:
    """Totals under the table: results by class, open dossiers within time or overdue."""
    keys = {
        RESULT_LABELS[StepResult.EARLY]: "early",
        RESULT_LABELS[StepResult.ON_TIME]: "on_time",
        RESULT_LABELS[StepResult.LATE]: "late",
        WITHIN_TIME: "within_time",
    }
    counts = {"total": 0, "early": 0, "on_time": 0, "late": 0, "within_time": 0, "overdue": 0}
    for row in rows:
        counts["total"] += 1
        if row.result == OVERDUE and row.ended_at is None:
            counts["overdue"] += 1
        elif row.result in keys:
            counts[keys[row.result]] += 1
    return counts
