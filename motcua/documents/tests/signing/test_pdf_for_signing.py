"""The PDF the signer signs: rendered from the document's fields in the Decree 30 layout, or the
latest version when it is a PDF (sanitised), and where the number and the date will go."""

from __future__ import annotations

import io

import pypdf
import pytest

from motcua.documents.enums import DocumentType, Urgency
from motcua.documents.services import signing
from motcua.documents.tests.signing.conftest import SIGNER_NAME, SUBJECT, text_of, version_add
from motcua.signatures import signing as pdf_signing
from motcua.signatures.tests.helpers import one_page_pdf

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def test_rendered_decision_has_the_decree_30_layout_in_vietnamese(w, decision):
    # when: the decision has no version, it is rendered from its fields
    data = signing.pdf_for_signing(decision)
    # then: A4, Vietnamese text with its diacritics, the number and date left blank
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    text = " ".join(text_of(data).split())  # lines joined: a long name wraps
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        w.agency.name.upper(),
        "QUYẾT ĐỊNH",
        SUBJECT,
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.",
        "Nơi nhận:",
        "- Sở Nội vụ;",
        "- Lưu: VT, VX.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        SIGNER_NAME,
    ):
        assert expected in text, expected
    number = pdf_signing.fill_in_line(data, pdf_signing.NUMBER_FILL_IN)
    date = pdf_signing.fill_in_line(data, pdf_signing.DATE_FILL_IN)
    assert number is not None and date is not None
    assert number.text.replace("\u00a0", " ").split() == ["Số:", "/QĐ-UBND"]
    assert date.text.replace("\u00a0", " ").split() == [
        "Cà",
        "Mau,",
        "ngày",
        "tháng",
        "năm",
        str(signing.timezone.localdate().year),
    ]
    # the number is left of the date on the same line, both in the upper part of page 1
    assert number.page == date.page == 0 and number.x1 < date.x0
    assert number.baseline == date.baseline > float(box.height) * 0.75
    # Liberation Serif is embedded (Vietnamese needs a TrueType font, DOMAIN §10)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("LiberationSerif" in name for name in fonts), fonts
    # the signer's image goes between the position and the name
    person = pdf_signing.person_box(data, signer_name=SIGNER_NAME)
    name = pdf_signing._find_line(data, SIGNER_NAME)
    assert name is not None and person.y0 > name[2]


def test_margins_follow_decree_30(w, decision):
    # Left 30–35 mm, right 15–20 mm, top 20–25 mm: the text stays inside them.
    data = signing.pdf_for_signing(decision)
    lines = pdf_signing.page_lines(data, 0)
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    top = max(line.baseline + line.size for line in lines)
    assert 30 * MM - 1 <= left <= 35 * MM
    assert right <= (210 - 15) * MM + 1
    assert top <= (297 - 20) * MM + 1


def test_letter_has_its_subject_under_the_number_and_its_addressees(w, decision):
    # given: a công văn of the VX unit, urgent
    decision.document_type = DocumentType.CONG_VAN
    decision.unit_abbreviation = "VX"
    decision.subject = "Đôn đốc báo cáo kết quả cải cách hành chính"
    decision.urgency = Urgency.URGENT
    decision.signer_competence = "KT."
    decision.signer_position = "Phó Chủ tịch"
    decision.save()
    # when
    data = signing.pdf_for_signing(decision)
    # then
    text = " ".join(text_of(data).split())
    assert "V/v Đôn đốc báo cáo kết quả cải cách hành chính" in text
    assert "Kính gửi:" in text and "- Sở Nội vụ;" in text
    assert "KHẨN" in text
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text
    assert "- Như trên;" in text
    number = pdf_signing.fill_in_line(data, pdf_signing.NUMBER_FILL_IN)
    assert number is not None and number.text.rstrip().endswith("/UBND-VX")


def test_a_pdf_version_is_signed_as_uploaded_without_active_content(w, decision):
    # given: the latest version is a PDF that opens a script
    script = b"<< /S /JavaScript /JS (app.alert('x')) >>"
    uploaded = one_page_pdf(catalog_extra=b"/OpenAction 5 0 R", more=(script,))
    version_add(decision, "du-thao.docx", b"PK\x03\x04 old draft", number=1)
    version_add(decision, "du-thao-2.pdf", uploaded, number=2)
    # when
    data = signing.pdf_for_signing(decision)
    # then: that PDF, its script removed (signatures.sanitising), not a rendering
    assert b"JavaScript" not in data and b"/OpenAction" not in data
    assert b"(Ket qua) Tj" in data
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text_of(data)


def test_a_clean_pdf_version_keeps_its_bytes(w, decision, plain_pdf):
    version_add(decision, "du-thao.pdf", plain_pdf)
    assert signing.pdf_for_signing(decision) == plain_pdf


def test_a_word_version_is_not_signed_the_document_is_rendered(w, decision):
    # given: the latest version is a .docx (the drafter's working file)
    version_add(decision, "du-thao.docx", b"PK\x03\x04 word document")
    # when
    data = signing.pdf_for_signing(decision)
    # then: the document rendered from its fields
    assert data.startswith(b"%PDF-")
    assert SUBJECT in text_of(data)


def test_an_encrypted_pdf_version_is_refused(w, decision, plain_pdf):
    from motcua.core.errors import ValidationFailed

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain_pdf)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    version_add(decision, "du-thao.pdf", out.getvalue())
    with pytest.raises(ValidationFailed) as caught:
        signing.pdf_for_signing(decision)
    assert caught.value.code == "not_a_pdf"
