"""The canonical layout the builder writes, and what it refuses (QCVN 102 limits and codes)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from lxml import etree

from motcua.documents.edxml import (
    NS,
    Attachment,
    Business,
    EdocPackage,
    EdxmlError,
    Organ,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    build,
    build_bytes,
    parse,
)
from motcua.documents.edxml.model import VIETNAM_TZ


def decision(**changes: object) -> EdocPackage:
    fields: dict[str, object] = {
        "from_": Organ(organ_id="000.00.00.H12", organ_name="Ủy ban nhân dân tỉnh Cà Mau"),
        "to": [
            Organ(organ_id="000.00.12.H12", organ_name="Sở Nội vụ"),
            Organ(organ_id="UBND-CM", organ_name="UBND thành phố Cà Mau"),
        ],
        "code_number": "05",
        "code_notation": "QĐ-UBND",
        "place": "Cà Mau",
        "promulgation_date": date(2026, 3, 9),
        "document_type": 1,
        "type_name": "Quyết định",
        "subject": "Về việc phê duyệt Kế hoạch chuyển đổi số năm 2026",
        "signer": Signer(competence="TM. UBND", position="Chủ tịch", full_name="Nguyễn Văn A"),
        "due_date": date(2026, 3, 20),
        "to_places": ["Như trên", "Lưu: VT"],
        "priority": 2,
        "response_for": [ResponseFor(organ_id="000.00.00.G22", code="12/VPCP")],
        "document_id": "000.00.00.H12,2026/03/09,05/QĐ-UBND",
        "trace_headers": [
            TraceHeader(
                organ_id="000.00.00.H12", timestamp=datetime(2026, 3, 9, 8, 5, 7, tzinfo=VIETNAM_TZ)
            )
        ],
        "business": Business(business_doc_type=0, business_doc_reason="Văn bản mới"),
        "attachments": [
            Attachment.from_bytes(
                "05-QĐ-UBND.pdf", b"%PDF-1.7 ...", content_type="application/pdf", content_id="a1"
            ),
            Attachment.from_bytes("phu-luc.docx", b"PK\x03\x04...", content_id="a2"),
        ],
    }
    fields.update(changes)
    return EdocPackage(**fields)  # type: ignore[arg-type]


def status(**changes: object) -> StatusPackage:
    fields: dict[str, object] = {
        "from_": Organ(organ_id="000.00.12.H12", organ_name="Sở Nội vụ"),
        "response_for": ResponseFor(
            organ_id="000.00.00.H12",
            code="05/QĐ-UBND",
            promulgation_date=date(2026, 3, 9),
            document_id="000.00.00.H12,2026/03/09,05/QĐ-UBND",
        ),
        "staff": StaffInfo(department="Văn phòng", staff="Lê Thị B"),
        "status_code": "01",
        "description": "Đã đến",
        "timestamp": datetime(2026, 3, 9, 1, 30, tzinfo=UTC),
    }
    fields.update(changes)
    return StatusPackage(**fields)  # type: ignore[arg-type]


def tree(data: bytes):  # type: ignore[no-untyped-def]
    return etree.fromstring(data)


def test_every_element_inside_the_envelope_is_prefixed() -> None:
    root = tree(build_bytes(decision()))

    envelope = root[0]
    assert etree.QName(envelope).localname == "edXMLEnvelope"
    inside = [el for el in envelope.iter() if isinstance(el.tag, str)]
    assert len(inside) > 60
    assert {el.prefix for el in inside} == {"edXML"}
    assert {etree.QName(el).namespace for el in inside} == {NS}


def test_attachments_follow_the_envelope_unprefixed_matched_by_content_id() -> None:
    data = build_bytes(decision())
    root = tree(data)

    assert [etree.QName(el).localname for el in root] == ["edXMLEnvelope", "AttachmentEncoded"]
    encoded = root[1]
    assert encoded.prefix is None
    assert {el.prefix for el in encoded.iter()} == {None}
    assert [el.findtext(f"{{{NS}}}ContentId") for el in encoded] == ["a1", "a2"]
    references = root.findall(f".//{{{NS}}}Reference")
    assert [el.findtext(f"{{{NS}}}ContentId") for el in references] == ["cid:a1", "cid:a2"]
    assert [el.get("{http://www.w3.org/1999/xlink}href") for el in references] == [
        "cid:a1",
        "cid:a2",
    ]
    assert encoded[0].findtext(f"{{{NS}}}ContentTransferEncoded") == "JVBERi0xLjcgLi4u"


def test_canonical_spelling_dates_and_order() -> None:
    text = build_bytes(decision()).decode()

    assert "<edXML:Bussiness>" in text
    assert "<edXML:BussinessDocType>0</edXML:BussinessDocType>" in text
    assert "Business" not in text
    assert "<edXML:PromulgationDate>2026/03/09</edXML:PromulgationDate>" in text
    assert "<edXML:DueDate>2026/03/20</edXML:DueDate>" in text
    assert "<edXML:Timestamp>2026/03/09 08:05:07</edXML:Timestamp>" in text
    assert "<edXML:Priority>2</edXML:Priority>" in text
    header = tree(text.encode())[0][0]
    message = [etree.QName(el).localname for el in header[0]]
    assert message == [
        "From",
        "To",
        "To",
        "Code",
        "PromulgationInfo",
        "DocumentType",
        "Subject",
        "Content",
        "SignerInfo",
        "DueDate",
        "ToPlaces",
        "OtherInfo",
        "ResponseFor",
        "DocumentId",
    ]
    assert [etree.QName(el).localname for el in header] == ["MessageHeader", "TraceHeaderList"]
    trace_list = [etree.QName(el).localname for el in header[1]]
    assert trace_list == ["TraceHeader", "Bussiness"]


def test_document_id_is_derived_when_not_given() -> None:
    text = build_bytes(decision(document_id="")).decode()

    assert "<edXML:DocumentId>000.00.00.H12,2026/03/09,05/QĐ-UBND</edXML:DocumentId>" in text
    assert (
        EdocPackage.make_document_id("000.00.00.H12", date(2019, 3, 2), "123", "UBND-VX")
        == "000.00.00.H12,2019/03/02,123/UBND-VX"
    )


def test_texts_are_escaped() -> None:
    package = decision(subject="Điều 1 < Điều 2 & \"Điều 3\" > 'x'", content="dòng 1\r\ndòng 2")

    data = build_bytes(package)
    again = parse(data)

    assert again.subject == package.subject  # type: ignore[union-attr]
    assert again.content == "dòng 1\r\ndòng 2"  # type: ignore[union-attr]
    assert b"&#13;" in data


def test_status_is_written_in_the_sdk_layout() -> None:
    root = tree(build_bytes(status()))

    header = root[0][0]
    assert [etree.QName(el).localname for el in header] == ["MessageHeader"]
    assert [etree.QName(el).localname for el in header[0]] == [
        "From",
        "ResponseFor",
        "StaffInfo",
        "StatusCode",
        "Description",
        "Timestamp",
    ]
    assert header[0].findtext(f"{{{NS}}}StatusCode") == "01"
    # UTC 01:30 is 08:30 in Vietnam
    assert header[0].findtext(f"{{{NS}}}Timestamp") == "2026/03/09 08:30:00"
    assert len(root[0]) == 1  # no edXMLBody
    assert len(root) == 1  # no AttachmentEncoded


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "x" * 501}, "Subject"),
        ({"content": "ư" * 501}, "Content"),
        ({"to_places": ["ok", "n" * 151]}, "ToPlaces/Place"),
        ({"attachments": [Attachment.from_bytes("t" * 197 + ".pdf", b"")]}, "AttachmentName"),
    ],
)
def test_over_long_values_are_refused(changes: dict[str, object], field: str) -> None:
    out = io.BytesIO()

    with pytest.raises(EdxmlError) as caught:
        build(decision(**changes), out)

    assert (caught.value.reason, caught.value.field) == ("too_long", field)
    assert "QCVN 102 allows at most" in str(caught.value)
    assert out.getvalue() == b""  # nothing written


def test_values_at_the_limits_are_accepted() -> None:
    package = decision(
        subject="s" * 500,
        content="c" * 500,
        to_places=["p" * 150],
        attachments=[Attachment.from_bytes("n" * 196 + ".pdf", b"x")],
    )

    assert parse(build_bytes(package)) == package


@pytest.mark.parametrize("priority", [-1, 5, 9])
def test_priority_outside_0_to_4_is_refused(priority: int) -> None:
    with pytest.raises(EdxmlError, match=rf"Priority {priority} is outside 0\.\.4"):
        build_bytes(decision(priority=priority))


@pytest.mark.parametrize("priority", [0, 1, 2, 3, 4])
def test_priorities_0_to_4(priority: int) -> None:
    assert parse(build_bytes(decision(priority=priority))).priority == priority  # type: ignore[union-attr]


def test_business_doc_type_outside_0_to_3_is_refused() -> None:
    with pytest.raises(EdxmlError, match=r"BussinessDocType 4 is outside 0\.\.3"):
        build_bytes(decision(business=Business(business_doc_type=4)))


@pytest.mark.parametrize("code", ["00", "07", "13 ", "14", "17", "1", "6", "", "05a"])
def test_status_codes_outside_the_list_are_refused(code: str) -> None:
    with pytest.raises(EdxmlError) as caught:
        build_bytes(status(status_code=code))

    assert caught.value.reason == "invalid_status_code"
    assert str(caught.value).startswith(f"StatusCode {code!r} is not an edXML status code")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"from_": Organ(organ_id="")}, "From", "From has no OrganId"),
        ({"to": []}, "To", "edoc package has no To"),
        ({"to": [Organ(organ_id="x"), Organ(organ_id="")]}, "To", "To #2 has no OrganId"),
        (
            {"code_number": "", "code_notation": ""},
            "Code",
            "Code has neither CodeNumber nor CodeNotation",
        ),
    ],
)
def test_edoc_without_from_to_or_code_is_refused(
    changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(EdxmlError) as caught:
        build_bytes(decision(**changes))

    assert (caught.value.reason, caught.value.field, str(caught.value)) == (
        "missing",
        field,
        message,
    )


def test_status_without_timestamp_is_refused() -> None:
    with pytest.raises(EdxmlError, match="status package has no Timestamp"):
        build_bytes(status(timestamp=None))


def test_characters_xml_cannot_carry_are_refused() -> None:
    with pytest.raises(EdxmlError, match="Subject contains a character XML cannot carry"):
        build_bytes(decision(subject="Trích yếu\x00"))


def test_attachments_need_distinct_content_ids() -> None:
    twins = [Attachment.from_bytes("a.pdf", b"1", content_id="x")] * 2

    with pytest.raises(EdxmlError, match="needs a ContentId of its own"):
        build_bytes(decision(attachments=twins))


def test_naive_timestamps_are_vietnam_time() -> None:
    naive = status(timestamp=datetime(2026, 3, 9, 8, 30))

    again = parse(build_bytes(naive))

    assert again.timestamp == datetime(2026, 3, 9, 1, 30, tzinfo=UTC)  # type: ignore[union-attr]
    assert again.timestamp.utcoffset() == timedelta(hours=7)  # type: ignore[union-attr]


def test_attachment_from_path_is_read_when_built(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "Quyết định.pdf"
    path.write_bytes(bytes(range(256)) * 1000)
    attachment = Attachment.from_path(path, content_type="application/pdf")

    again = parse(build_bytes(decision(attachments=[attachment])))

    [read] = again.attachments  # type: ignore[union-attr]
    assert read.name == "Quyết định.pdf"
    assert read.size == 256_000
    assert read == attachment


def test_attachment_readers_are_independent() -> None:
    attachment = Attachment.from_bytes("a.bin", b"0123456789")

    first, second = attachment.open(), attachment.open()

    assert first.read(4) == b"0123"
    assert second.read(2) == b"01"
    assert first.read() == b"456789"
    assert attachment.read() == b"0123456789"
    assert list(attachment.iter_chunks(4)) == [b"0123", b"4567", b"89"]
    assert attachment != Attachment.from_bytes(
        "a.bin", b"0123456780", content_id=attachment.content_id
    )
    assert attachment == Attachment.from_bytes(
        "a.bin", b"0123456789", content_id=attachment.content_id
    )
