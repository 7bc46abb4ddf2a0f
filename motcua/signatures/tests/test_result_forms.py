"""Result templates shaped like the real papers of the demo procedures: the birth-registration
extract, the household-business registration certificate, the certified copy."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from motcua.core.errors import ValidationFailed
from motcua.dossiers.services import ApplicantInput, dossier_create, dossier_receive
from motcua.dossiers.tests.conftest import make_procedure
from motcua.signatures import services
from motcua.signatures.enums import DocumentKind
from motcua.signatures.result_forms import (
    BIRTH_EXTRACT,
    CERTIFIED_COPY,
    HOUSEHOLD_BUSINESS,
    date_in_words,
    number_in_words,
    result_form_for,
)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (105, "một trăm linh năm"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (150_000_000, "một trăm năm mươi triệu"),
        (1_234_567, "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy"),
    ],
)
def test_numbers_in_vietnamese_words(n, words):
    assert number_in_words(n) == words


def test_date_in_words():
    assert date_in_words(dt.date(2026, 3, 15)) == (
        "ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi sáu"
    )
    assert date_in_words(dt.date(2025, 12, 1)).startswith("ngày mùng một, tháng mười hai")


def test_demo_procedures_have_their_forms():
    assert result_form_for("1.001193") is BIRTH_EXTRACT  # Đăng ký khai sinh
    assert result_form_for("1.001612") is HOUSEHOLD_BUSINESS  # Đăng ký thành lập hộ kinh doanh
    assert result_form_for("2.000815") is CERTIFIED_COPY  # Chứng thực bản sao từ bản chính
    assert result_form_for("9.999999") is None


DETAILS = {
    "1.001193": (
        {
            "full_name": "Nguyễn Minh Khôi",
            "birth_date": "15/03/2026",
            "birth_place": "Bệnh viện Sản - Nhi Cà Mau",
            "mother_name": "Nguyễn Thị Hồng Đào",
        },
        [
            "TRÍCH LỤC KHAI SINH",
            "(Bản chính)",
            "NGUYỄN MINH KHÔI",
            "15/03/2026",
            "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi sáu",
            "Nơi đăng ký khai sinh",
            "NGƯỜI KÝ TRÍCH LỤC",
        ],
    ),
    "1.001612": (
        {
            "business_name": "Hộ kinh doanh Tạp hóa Hồng Đào",
            "business_lines": "Bán lẻ đồ uống — 4723",
            "capital": "150000000",
            "owner_birth_date": "12/08/1988",
        },
        [
            "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
            "Mã số hộ kinh doanh: 096188000123",
            "HỘ KINH DOANH TẠP HÓA HỒNG ĐÀO",
            "150.000.000 đồng",
            "Một trăm năm mươi triệu đồng",
            "NGUYỄN THỊ HỒNG ĐÀO",
            "Bán lẻ đồ uống — 4723",
        ],
    ),
    "2.000815": (
        {"paper_name": "Bằng tốt nghiệp trung học phổ thông số 0123456", "copies": "3"},
        [
            "CHỨNG THỰC BẢN SAO",
            "Chứng thực bản sao đúng với bản chính.",
            "Số chứng thực: 125",
            "-SCT/BS",
            "3 (ba) bản",
            "NGƯỜI THỰC HIỆN CHỨNG THỰC",
        ],
    ),
}


def _dossier(w, code):  # type: ignore[no-untyped-def]
    make_procedure(code=code, implementing=[w.ward], receiving=[w.centre])
    dossier = dossier_create(
        actor=w.citizen,
        procedure_code=code,
        channel=2,
        receiving_unit=w.centre,
        applicant=ApplicantInput(
            full_name="Nguyễn Thị Hồng Đào",
            id_number="096188000123",
            email="dao@example.com",
            address="Khóm 5, phường An Xuyên, tỉnh Cà Mau",
        ),
    )
    return dossier_receive(dossier=dossier, actor=w.counter)


def _text(document) -> str:  # type: ignore[no-untyped-def]
    with document.file.open("rb") as fh:
        reader = pypdf.PdfReader(io.BytesIO(fh.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(DETAILS))
def test_each_demo_result_is_rendered_on_its_own_form(world, code):
    # given: a dossier of the procedure; the details the official fills in (the applicant's
    # name, ID number and address are taken from the dossier where the form asks for them)
    details, expected = DETAILS[code]
    dossier = _dossier(world, code)
    # when
    document = services.signed_document_create(
        actor=world.specialist,
        kind=DocumentKind.RESULT,
        dossier=dossier,
        number_notation="125/TLKS",
        details=details,
    )
    # then: the paper's title and lines, and the signer's block for the seal
    text = _text(document)
    for line in expected:
        assert line in text, (line, text)
    assert document.title == result_form_for(code).title.capitalize()  # type: ignore[union-attr]
    signed = services.document_sign_personal(document=document, actor=world.leader)
    assert signed.person_box is not None


@pytest.mark.django_db
def test_missing_or_bad_details_are_named_and_nothing_is_saved(world):
    from motcua.signatures.models import SignedDocument

    dossier = _dossier(world, "1.001193")
    with pytest.raises(ValidationFailed) as err:
        services.signed_document_create(
            actor=world.specialist,
            kind=DocumentKind.RESULT,
            dossier=dossier,
            number_notation="1/TLKS",
            details={"full_name": "", "birth_date": "31/02/2026", "birth_place": "x\x00y"},
        )
    assert err.value.code == "result_details_invalid"
    assert set(err.value.fields) == {
        "details.full_name",
        "details.birth_date",
        "details.birth_place",
    }
    assert not SignedDocument.objects.exists()


@pytest.mark.django_db
def test_details_for_a_procedure_without_a_form_are_refused(world):
    with pytest.raises(ValidationFailed) as err:
        services.signed_document_create(
            actor=world.specialist,
            kind=DocumentKind.RESULT,
            dossier=world.dossier,
            number_notation="1/GP",
            details={"full_name": "A"},
        )
    assert err.value.code == "no_result_form"
