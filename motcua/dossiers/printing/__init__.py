"""The printed forms of the one-stop process (Circular 03/2025/TT-VPCP, Annex I; DOMAIN §3).

01 receipt and appointment, 02 supplement request, 03 refusal, 04 apology and extension,
05 notice of stopping (A5); 06 control slip (A4) and 07 tracking book (A4 landscape, also as
a spreadsheet). Each is a Django template under ``templates/forms/`` rendered to PDF by
WeasyPrint with the Liberation Serif 2.x files bundled in ``motcua/core/fonts/`` (DOMAIN §8,
§10): the output never depends on the fonts installed on the server.

The body of every form is Vietnamese on purpose (an official document has one language), so it
is not translated; the error messages for the interface are. Nothing here writes.

- ``layout``: page formats, Vietnamese labels, dates as Decree 30 writes them, the header
- ``pdf``: fonts and WeasyPrint
- ``forms``: forms 01–06
- ``book``: form 07
"""

from motcua.dossiers.printing.book import (
    TRACKING_BOOK,
    TRACKING_BOOK_COLUMNS,
    BookRow,
    book_result,
    classify_end,
    render_tracking_book_pdf,
    render_tracking_book_xlsx,
    tracking_book_filename,
    tracking_book_rows,
)
from motcua.dossiers.printing.forms import (
    FORMS,
    form_filename,
    public_base_url,
    public_tracking_url,
    render_form,
)
from motcua.dossiers.printing.layout import place_and_date, place_name

__all__ = [
    "FORMS",
    "TRACKING_BOOK",
    "TRACKING_BOOK_COLUMNS",
    "BookRow",
    "book_result",
    "classify_end",
    "form_filename",
    "place_and_date",
    "place_name",
    "public_base_url",
    "public_tracking_url",
    "render_form",
    "render_tracking_book_pdf",
    "render_tracking_book_xlsx",
    "tracking_book_filename",
    "tracking_book_rows",
]
