"""The text of text PDFs, bounded, never failing."""

from __future__ import annotations

import unicodedata

from motcua.documents import pdftext
from motcua.documents.tests.search.conftest import pdf_of


def test_the_text_of_a_text_pdf_in_nfc(text_pdf: bytes) -> None:
    text = pdftext.extract(text_pdf)

    assert "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" in text
    assert "xuất khẩu tôm sú" in text
    assert text == unicodedata.normalize("NFC", text)
    assert "\x00" not in text


def test_only_the_first_pages_are_read() -> None:
    pdf = pdf_of("Trang một", "Trang hai", "Trang ba")

    assert "Trang ba" in pdftext.extract(pdf)
    text = pdftext.extract(pdf, max_pages=2)
    assert "Trang hai" in text
    assert "Trang ba" not in text


def test_at_most_max_chars_are_kept() -> None:
    pdf = pdf_of("Kế hoạch " * 200)

    assert len(pdftext.extract(pdf)) > 1000
    assert len(pdftext.extract(pdf, max_chars=50)) == 50


def test_what_is_not_a_readable_pdf_gives_no_text(text_pdf: bytes) -> None:
    assert pdftext.extract(b"") == ""
    assert pdftext.extract(b"PK\x03\x04 a zip, not a PDF") == ""
    assert pdftext.extract(b"%PDF-1.7\n garbage \x00\xff") == ""
    # cut in the middle: no exception, whatever could be read
    assert isinstance(pdftext.extract(text_pdf[: len(text_pdf) // 2]), str)


def test_a_pdf_without_text_gives_no_text() -> None:
    assert pdftext.extract(pdf_of("")) == ""
