"""An uploaded PDF (no named destinations): the organisation's signature finds the "Số:" line and
the place and date line by their text, or prints the number and date in its box."""

from __future__ import annotations

import io

import pypdf
import pytest

from motcua.documents.services import signing
from motcua.documents.tests.signing.conftest import content, numbered, version_add
from motcua.signatures import signing as pdf_signing
from motcua.signatures.enums import Verdict
from motcua.signatures.verification import appearance_text, verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def drafted_pdf() -> bytes:
    """A decision drafted elsewhere: the blanks of its number and date are wide gaps (separate
    runs of text), and a date in its content that must not be taken for the issue date."""
    from weasyprint import HTML

    from motcua.dossiers.printing.pdf import FONT_DIR

    regular = (FONT_DIR / "LiberationSerif-Regular.ttf").as_uri()
    italic = (FONT_DIR / "LiberationSerif-Italic.ttf").as_uri()
    html = f"""<html><head><style>
      @font-face {{ font-family: LS; src: url("{regular}"); }}
      @font-face {{ font-family: LS; font-style: italic; src: url("{italic}"); }}
      @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
      body {{ font-family: LS; font-size: 13pt; }}
      table {{ width: 100%; }}
      td {{ text-align: center; vertical-align: top; white-space: nowrap; }}
      .gap {{ display: inline-block; width: 18mm; }}
      .sign {{ margin-left: 90mm; text-align: center; }}
    </style></head><body>
      <table><tr><td>ỦY BAN NHÂN DÂN TỈNH THỬ 0</td>
        <td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr>
      <tr><td>Số:<span class="gap"></span>/QĐ-UBND</td>
        <td><i>Cà Mau, ngày<span class="gap"></span>tháng<span class="gap"></span>năm 2026</i></td>
      </tr></table>
      <p>Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020;</p>
      <div class="sign"><p>CHỦ TỊCH</p><div style="height: 40mm"></div><p>Phạm Văn Ký</p></div>
    </body></html>"""
    return bytes(HTML(string=html).write_pdf())


def test_number_and_date_written_over_the_lines_found_by_their_text(w, decision, drafted_pdf):
    # given: the latest version is that PDF; the signer has signed it
    version_add(decision, "du-thao.pdf", drafted_pdf)
    number_line = pdf_signing.fill_in_line(drafted_pdf, pdf_signing.NUMBER_FILL_IN)
    date_line = pdf_signing.fill_in_line(drafted_pdf, pdf_signing.DATE_FILL_IN)
    assert number_line is not None and number_line.text.split() == ["Số:", "/QĐ-UBND"]
    assert date_line is not None and "năm 2026" in date_line.text
    assert "2020" not in date_line.text  # the header's line, not the content's
    signing.sign_personal(document=decision, actor=w.signer)
    numbered(decision, number=3, day="2026-01-09")
    # when
    sealed = signing.seal(document=decision, actor=w.clerk)
    # then: still two valid signatures, the lines written over (both parts of each)
    data = content(sealed)
    assert verify_pdf(data).verdict == Verdict.VALID
    shown = appearance_text(data)
    assert "Số: 03/QĐ-UBND" in shown
    assert "Cà Mau, ngày 09 tháng 01 năm 2026" in shown
    rects = _organisation_rects(data)
    for line in (number_line, date_line):
        assert any(
            x0 <= line.x0 and line.x1 <= x1 and y0 < line.baseline < y1 for x0, y0, x1, y1 in rects
        )


def test_without_such_lines_the_number_and_date_go_in_the_box(w, decision, plain_pdf):
    # given: a PDF with neither a "Số:" line nor a place and date line
    version_add(decision, "du-thao.pdf", plain_pdf)
    assert pdf_signing.fill_in_line(plain_pdf, pdf_signing.NUMBER_FILL_IN) is None
    signing.sign_personal(document=decision, actor=w.signer)
    numbered(decision, number=21, day="2026-11-30")
    # when
    sealed = signing.seal(document=decision, actor=w.clerk)
    # then: the information box top right says them, between the name and the time
    data = content(sealed)
    assert verify_pdf(data).verdict == Verdict.VALID
    shown = appearance_text(data)
    assert "Số: 21/QĐ-UBND" in shown
    assert "Cà Mau, ngày 30 tháng 11 năm 2026" in shown


def _organisation_rects(data: bytes) -> list[list[float]]:
    rects = []
    for annot in pypdf.PdfReader(io.BytesIO(data)).pages[0].get("/Annots") or []:
        annot = annot.get_object()
        parent = annot.get("/Parent")
        if parent is not None and parent.get_object().get("/T") == "motcua-organisation":
            rects.append([float(v) for v in annot["/Rect"]])
    return rects
