"""Writing cells of the .xlsx exports safely: every export writes its cells through `write`.

A text starting with =, +, - or @ (or a tab or carriage return before one) is what a spreadsheet
takes for a formula: a citizen named `=HYPERLINK("http://…","…")` would become a live link in
the tracking book, `=cmd|…` an attempt to run a program (CSV/formula injection, OWASP). Such a
text is written as a text cell marked "quote prefix" — what Excel and LibreOffice do themselves
when a person types an apostrophe first: it shows exactly as written, never as a formula, and
stays text when the cell is edited. The text itself is not changed. Numbers, dates and booleans
are written as they are (a negative number stays a number)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported by the exports when they run, not at start-up
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def set_value(cell: Any, value: Any) -> Any:
    """Put `value` in `cell`, as text if a spreadsheet would read it as a formula."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """`sheet.cell(row=row, column=column, value=value)`, neutralising formula-like text."""
    cell = sheet.cell(row=row, column=column)
    set_value(cell, value)
    return cell
