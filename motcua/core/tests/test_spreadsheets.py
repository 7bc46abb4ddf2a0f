"""Every .xlsx export writes text that looks like a formula as text (motcua.core.spreadsheets)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from motcua.core.spreadsheets import write
from motcua.dossiers import printing
from motcua.dossiers.tests.test_printing import make_dossier, world  # noqa: F401

HYPERLINK = '=HYPERLINK("http://x","y")'


def saved_and_loaded(book: Workbook):  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).active


@pytest.mark.parametrize(
    "text", [HYPERLINK, "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
)
def test_formula_like_text_is_written_as_text(text):
    book = Workbook()
    write(book.active, 1, 1, text)
    cell = saved_and_loaded(book)["A1"]
    assert cell.data_type == "s" and cell.value == text and cell.quotePrefix


def test_numbers_and_plain_text_are_written_as_they_are():
    book = Workbook()
    for column, value in enumerate([-5, 3.5, "Nguyễn Văn An", dt.datetime(2027, 2, 1, 8, 0)], 1):
        write(book.active, 1, column, value)
    row = [cell for cell in saved_and_loaded(book)[1]]
    assert [c.value for c in row] == [-5, 3.5, "Nguyễn Văn An", dt.datetime(2027, 2, 1, 8, 0)]
    assert row[0].data_type == "n" and not row[2].quotePrefix


@pytest.mark.django_db
def test_a_citizen_named_like_a_formula_is_text_in_the_tracking_book(world):  # noqa: F811
    # given a dossier whose applicant typed a formula as their name
    make_dossier(
        world,
        code="000.00.00.H12-270205-0001",
        id_number="096187009999",
        applicant_name=HYPERLINK,
    )
    # when the tracking book is exported
    data = printing.render_tracking_book_xlsx(
        world.centre, dt.date(2027, 2, 1), dt.date(2027, 2, 28)
    )
    # then the name is a text cell, shown as typed
    cell = load_workbook(io.BytesIO(data)).active["D6"]
    assert cell.data_type == "s" and str(cell.value).startswith(HYPERLINK)


@pytest.mark.django_db
def test_a_unit_named_like_a_formula_is_text_in_form_06a(world):  # noqa: F811
    from motcua.reporting.exports import one_stop_xlsx
    from motcua.reporting.one_stop import one_stop_report
    from motcua.reporting.params import ReportParams

    for unit in (world.centre, world.department):
        unit.name = "=1+2"
        unit.save()
    make_dossier(world, code="000.00.00.H12-270205-0001")
    params = ReportParams(
        date_from=dt.date(2027, 2, 1),
        date_to=dt.date(2027, 2, 28),
        group_by="organisation",
        unit=None,
        unit_ids=None,
    )
    sheet = load_workbook(io.BytesIO(one_stop_xlsx(one_stop_report(params)))).active
    names = [row[1] for row in sheet.iter_rows(min_row=10, values_only=False)]
    formulas = [c for c in names if c.value == "=1+2"]
    assert formulas, [c.value for c in names]
    assert all(c.data_type == "s" for c in formulas)
    numbers = [c for c in sheet[10][2:] if c.value is not None]
    assert numbers and all(c.data_type == "n" for c in numbers)
