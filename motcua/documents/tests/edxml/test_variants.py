"""The package variants in circulation (DOMAIN §9), one hand-written sample each, read both whole
and streamed; each is then rebuilt canonically and read back to the same package."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from motcua.documents.edxml import (
    XmlNode,
    build_bytes,
    parse,
    parse_edoc,
    parse_status,
)
from motcua.documents.edxml.model import VIETNAM_TZ, XMLDSIG_NS
from motcua.documents.tests.edxml.conftest import sample, sample_text

PDF = b"%PDF-1.4\n% Quyet dinh 05/QD-UBND\n%%EOF\n"


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)  # type: ignore[misc]


@pytest.mark.parametrize(
    "name",
    [
        "edoc_sdk.edxml",
        "edoc_unprefixed_business.edxml",
        "edoc_no_namespace.edxml",
        "edoc_revoke_impossible_date.edxml",
        "status_sdk.edxml",
        "status_wrapped.edxml",
    ],
)
def test_every_sample_rebuilds_canonically_to_the_same_package(parse_mode: str, name: str) -> None:
    # given a package as another system sent it
    received = parse(sample(name))
    # when it is written canonically and read again
    rebuilt = build_bytes(received)
    again = parse(rebuilt)
    # then nothing was lost, and the canonical form is stable
    assert again == received
    assert build_bytes(again) == rebuilt


def test_sdk_layout_edoc_reads_every_field(parse_mode: str) -> None:
    package = parse_edoc(sample("edoc_sdk.edxml"))

    assert package.kind == "edoc"
    assert package.from_.organ_id == "000.00.00.H12"
    assert package.from_.organ_name == "Ủy ban nhân dân tỉnh Cà Mau"
    assert package.from_.organ_add == "Số 2 Hùng Vương, phường 5, Cà Mau"
    assert package.from_.website == "https://camau.gov.vn"
    assert [(o.organ_id, o.organ_name) for o in package.to] == [
        ("000.00.12.H12", "Sở Nội vụ"),
        ("000.00.00.G22", "Văn phòng Chính phủ"),
    ]
    assert (package.code_number, package.code_notation) == ("05", "QĐ-UBND")
    assert package.place == "Cà Mau"
    assert package.promulgation_date == date(2019, 3, 12)
    assert (package.document_type, package.type_name) == (1, "Quyết định")
    assert package.subject.startswith("Về việc ban hành Quy chế làm việc")
    assert package.signer.full_name == "Nguyễn Tiến Hải"
    assert package.signer.position == "Chủ tịch"
    assert package.signer.competence == "TM. Ủy ban nhân dân"
    assert package.due_date == date(2019, 3, 30)
    assert package.to_places == ["Như Điều 3", "Lưu: VT"]
    assert package.priority == 1
    assert package.sphere_of_promulgation == "Lưu hành nội bộ"
    assert (package.promulgation_amount, package.page_amount) == (10, 3)
    assert package.appendixes == ["Phụ lục I: danh sách đơn vị"]
    assert package.steering_type == 0
    assert package.document_id == "000.00.00.H12,2019/03/12,05/QĐ-UBND"
    [reply_to] = package.response_for
    assert reply_to.organ_id == "000.00.00.G22"
    assert reply_to.code == "123/VPCP-KSTT"
    assert reply_to.promulgation_date == date(2019, 2, 20)
    assert reply_to.document_id == "000.00.00.G22,2019/02/20,123/VPCP-KSTT"
    # Bussiness after the TraceHeader
    assert [(t.organ_id, t.timestamp) for t in package.trace_headers] == [
        ("000.00.00.H12", vn(2019, 3, 12, 9, 15))
    ]
    assert package.business is not None
    assert package.business_doc_type == 0
    assert package.business.business_doc_reason == "Văn bản điện tử mới"
    assert package.business.paper == 0
    assert package.business.staff_info[0].staff == "Đỗ Thị Văn Thư"
    assert package.notes == []


def test_attachments_are_matched_to_the_manifest_by_content_id(parse_mode: str) -> None:
    # The AttachmentEncoded entries come in the other order than the manifest's references,
    # and their ContentId lacks the manifest's "cid:" prefix.
    package = parse_edoc(sample("edoc_sdk.edxml"))

    first, second = package.attachments
    assert first.content_id == "4f1c2a7e-0b9d-4c55-9a51-2f3e8d7b6a10"
    assert (first.name, first.content_type, first.description) == (
        "05-QD-UBND.pdf",
        "application/pdf",
        "Quyết định đã ký số",
    )
    assert first.read() == PDF
    assert first.size == len(PDF)
    assert second.name == "Phụ lục I.txt"
    assert second.read() == "Phụ lục: danh sách đơn vị".encode()
    assert second.size == len("Phụ lục: danh sách đơn vị".encode())


def test_xmldsig_signature_is_kept_for_verification(parse_mode: str) -> None:
    package = parse_edoc(sample("edoc_sdk.edxml"))

    assert package.signature_xml is not None
    assert XMLDSIG_NS.encode() in package.signature_xml
    assert b"c2lnbmF0dXJl" in package.signature_xml


def test_unprefixed_children_business_spelling_and_day_first_dates(parse_mode: str) -> None:
    package = parse_edoc(sample("edoc_unprefixed_business.edxml"))

    # children in the default namespace, any order
    assert package.from_.organ_id == "000.00.12.H12"
    assert package.to[0].organ_id == "000.01.31.H12"
    assert (package.code_number, package.code_notation) == ("118", "SNV-TCBC")
    # dd/MM/yyyy, and an empty DueDate
    assert package.promulgation_date == date(2019, 4, 2)
    assert package.due_date is None
    assert package.trace_headers[0].timestamp == vn(2019, 4, 2, 14, 5, 9)
    # "Business" (single s), placed before the TraceHeader
    assert package.business is not None
    assert package.business_doc_type == 0
    assert package.business.business_doc_reason == "Văn bản mới"
    assert package.business.paper == 1
    assert any("Business" in note for note in package.notes)
    # unprefixed Signature in the edXML namespace
    assert package.signature_xml is not None
    assert b"dW5wcmVmaXhlZA==" in package.signature_xml
    # the manifest's cid: matches the bare ContentId; metadata comes from the manifest
    [attachment] = package.attachments
    assert (attachment.name, attachment.content_type) == ("118-SNV-TCBC.pdf", "application/pdf")
    assert attachment.read() == PDF


def test_bussiness_before_the_trace_header_is_read(parse_mode: str) -> None:
    text = sample_text("edoc_sdk.edxml")
    start, end = text.index("<edXML:Bussiness>"), text.index("</edXML:Bussiness>")
    block = text[start : end + len("</edXML:Bussiness>")]
    moved = text.replace(block, "").replace(
        "<edXML:TraceHeader>", block + "\n<edXML:TraceHeader>", 1
    )
    assert moved.index("Bussiness>") < moved.index("<edXML:TraceHeader>")

    package = parse_edoc(moved.encode())

    assert package.business == parse_edoc(sample("edoc_sdk.edxml")).business
    assert package.trace_headers[0].organ_id == "000.00.00.H12"


def test_no_namespace_uuid_document_id_and_other_organ_id_forms(parse_mode: str) -> None:
    package = parse_edoc(sample("edoc_no_namespace.edxml"))

    assert package.document_id == "3caa7148-90af-4a92-937e-df2e894422db"
    assert package.from_.organ_id == "UBND-CM"
    assert [o.organ_id for o in package.to] == ["H12.38.05", "000.00.12.H12.VP01"]
    assert package.trace_headers[0].organ_id == "UBND-CM"
    assert package.subject == "V/v tổ chức Ngày Sách Việt Nam & khen thưởng"
    assert package.promulgation_date == date(2019, 5, 6)  # ISO form
    assert package.trace_headers[0].timestamp == vn(2019, 5, 6, 8, 0)
    # Bussiness missing, Signature absent, no attachments
    assert package.business is None
    assert package.business_doc_type is None
    assert package.signature_xml is None
    assert package.attachments == []
    # organ ids stay as received when written again
    rebuilt = build_bytes(package).decode()
    assert "<edXML:OrganId>UBND-CM</edXML:OrganId>" in rebuilt
    assert "<edXML:OrganId>000.00.12.H12.VP01</edXML:OrganId>" in rebuilt
    assert "<edXML:DocumentId>3caa7148-90af-4a92-937e-df2e894422db</edXML:DocumentId>" in rebuilt


def test_impossible_dates_inside_bussiness_and_document_ids_are_kept(parse_mode: str) -> None:
    package = parse_edoc(sample("edoc_revoke_impossible_date.edxml"))

    assert package.business is not None
    assert package.business_doc_type == 1
    assert package.business.document_id == "000.00.00.H12,2019/02/30,12/QĐ-UBND"
    [reply_to] = package.response_for
    assert reply_to.document_id == "000.00.00.H12,2019/02/30,12/QĐ-UBND"
    assert reply_to.promulgation_date is None
    assert package.notes == [
        "ResponseFor/PromulgationDate '2019/02/30' is not a date; read as empty"
    ]
    # the generic parts of Bussiness are kept
    [info] = package.business.details
    assert info.name == "BussinessDocumentInfo"
    assert info.children[:2] == [
        XmlNode(name="DocumentInfo", text="0"),
        XmlNode(name="DocumentReceiver", text="1"),
    ]
    receiver = info.children[2].children[0]
    assert [(c.name, c.text) for c in receiver.children] == [
        ("ReceiverType", "1"),
        ("OrganId", "000.00.12.H12"),
    ]
    # and written again as received
    rebuilt = build_bytes(package).decode()
    assert "<edXML:DocumentId>000.00.00.H12,2019/02/30,12/QĐ-UBND</edXML:DocumentId>" in rebuilt
    bussiness = rebuilt[rebuilt.index("<edXML:Bussiness>") :]
    assert "<edXML:DocumentId>000.00.00.H12,2019/02/30,12/QĐ-UBND</edXML:DocumentId>" in bussiness
    assert bussiness.index("<edXML:BussinessDocumentInfo>") < bussiness.index("<edXML:DocumentId>")


def test_prefixed_attachment_encoded_with_wrapped_base64(parse_mode: str) -> None:
    package = parse_edoc(sample("edoc_revoke_impossible_date.edxml"))

    [attachment] = package.attachments
    assert attachment.name == "bytes.bin"
    assert attachment.read() == bytes(range(120))
    assert attachment.size == 120


def test_status_in_the_sdk_layout(parse_mode: str) -> None:
    status = parse_status(sample("status_sdk.edxml"))

    assert status.kind == "status"
    assert (status.from_.organ_id, status.from_.organ_name) == ("000.00.12.H12", "Sở Nội vụ")
    assert status.response_for.organ_id == "000.00.00.H12"
    assert status.response_for.code == "05/QĐ-UBND"
    assert status.response_for.promulgation_date == date(2019, 3, 12)
    assert status.response_for.document_id == "000.00.00.H12,2019/03/12,05/QĐ-UBND"
    assert status.staff.department == "Văn phòng Sở"
    assert status.staff.staff == "Lê Thị Tiếp Nhận"
    assert status.staff.mobile == "0987654321"
    assert status.status_code == "03"
    assert status.description == "Đã vào sổ văn bản đến"
    assert status.timestamp == vn(2019, 3, 12, 10, 20, 30)


def test_status_in_a_status_wrapper(parse_mode: str) -> None:
    status = parse_status(sample("status_wrapped.edxml"))

    assert status.from_.organ_id == "UBND-CM"
    assert status.status_code == "06"  # sent as "6"
    assert status.response_for.promulgation_date == date(2019, 3, 12)  # 12/03/2019
    assert status.timestamp == vn(2019, 3, 15, 16, 45)
    assert status.staff.staff == "Phạm Văn Xử Lý"


def test_status_wrapper_directly_under_the_header(parse_mode: str) -> None:
    text = sample_text("status_wrapped.edxml")
    text = text.replace("<edXML:MessageHeader>", "").replace("</edXML:MessageHeader>", "")

    status = parse_status(text)

    assert status.status_code == "06"
    assert status.from_.organ_id == "UBND-CM"


def test_status_is_written_in_the_sdk_layout() -> None:
    status = parse_status(sample("status_wrapped.edxml"))

    rebuilt = build_bytes(status).decode()

    assert "Status>" not in rebuilt
    assert "<edXML:To>" not in rebuilt
    assert "edXMLBody" not in rebuilt
    assert "<edXML:StatusCode>06</edXML:StatusCode>" in rebuilt
    assert "<edXML:Timestamp>2019/03/15 16:45:00</edXML:Timestamp>" in rebuilt
