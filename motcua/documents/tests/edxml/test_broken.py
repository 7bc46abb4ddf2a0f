"""What is truly broken is refused with a precise, one-line EdxmlError; what is merely unusual is
kept (DOMAIN §9)."""

from __future__ import annotations

import re

import pytest

from motcua.documents.edxml import EdxmlError, parse, parse_edoc, parse_status, parser
from motcua.documents.tests.edxml.conftest import sample, sample_text


def without(text: str, element: str) -> str:
    """`text` without every `<edXML:element>…</edXML:element>` block."""
    pattern = rf"<edXML:{element}>.*?</edXML:{element}>"
    stripped, count = re.subn(pattern, "", text, flags=re.DOTALL)
    assert count, element
    return stripped


def refused(data: str | bytes) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data.encode() if isinstance(data, str) else data)
    error = caught.value
    assert "\n" not in str(error)
    return error


EDOC = sample_text("edoc_sdk.edxml")
STATUS = sample_text("status_sdk.edxml")


@pytest.mark.parametrize(
    ("data", "reason", "message"),
    [
        (b"", "not_well_formed", "not well-formed XML: Document is empty"),
        (b"Cong van so 118", "not_well_formed", "not well-formed XML: Start tag expected"),
        (EDOC[: len(EDOC) // 2], "not_well_formed", "not well-formed XML: "),
        (EDOC.replace("</edXML:Subject>", "</edXML:Subjet>"), "not_well_formed", "mismatch"),
        (b"<html><body>404</body></html>", "not_edxml", "the root element is <html>"),
        (
            b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>',
            "not_edxml",
            "<edXML> has no edXMLEnvelope",
        ),
        (without(EDOC, "edXMLHeader"), "not_edxml", "edXMLEnvelope has no edXMLHeader"),
        (without(EDOC, "MessageHeader"), "not_edxml", "edXMLHeader has no MessageHeader"),
    ],
)
def test_input_that_is_not_an_edxml_package(
    parse_mode: str, data: str | bytes, reason: str, message: str
) -> None:
    error = refused(data)

    assert error.reason == reason
    assert message in str(error)


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda t: without(t, "From"), "From", "edoc package has no From in MessageHeader"),
        (lambda t: without(t, "To"), "To", "edoc package has no To in MessageHeader"),
        (lambda t: without(t, "Code"), "Code", "edoc package has no Code in MessageHeader"),
        (
            lambda t: t.replace(">05<", "><").replace(">QĐ-UBND</edXML:CodeN", "></edXML:CodeN"),
            "Code",
            "Code has neither CodeNumber nor CodeNotation",
        ),
        (
            lambda t: t.replace("<edXML:OrganId>000.00.00.H12</edXML:OrganId>", "", 1),
            "From",
            "From has no OrganId",
        ),
        (
            lambda t: t.replace("<edXML:OrganId>000.00.00.G22</edXML:OrganId>", "", 1),
            "To",
            "To #2 has no OrganId",
        ),
    ],
)
def test_edoc_without_from_to_or_code(parse_mode: str, mutate, field: str, message: str) -> None:  # type: ignore[no-untyped-def]
    error = refused(mutate(EDOC))

    assert (error.reason, error.field) == ("missing", field)
    assert str(error) == message


def test_code_given_as_bare_text_is_split(parse_mode: str) -> None:
    text = re.sub(
        r"<edXML:Code>.*?</edXML:Code>",
        "<edXML:Code>05/QĐ-UBND</edXML:Code>",
        EDOC,
        count=1,
        flags=re.DOTALL,
    )

    package = parse_edoc(text.encode())

    assert (package.code_number, package.code_notation) == ("05", "QĐ-UBND")


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda t: without(t, "From"), "From", "status package has no From"),
        (lambda t: without(t, "ResponseFor"), "ResponseFor", "status package has no ResponseFor"),
        (
            lambda t: t.replace("<edXML:StatusCode>03</edXML:StatusCode>", "<edXML:StatusCode/>"),
            "StatusCode",
            "status package has no StatusCode",
        ),
    ],
)
def test_status_without_from_response_for_or_code(
    parse_mode: str, mutate, field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    error = refused(mutate(STATUS))

    assert (error.reason, error.field) == ("missing", field)
    assert str(error) == message


@pytest.mark.parametrize("code", ["00", "07", "08", "10", "12", "14", "17", "99", "7", "AB", "003"])
def test_status_codes_outside_the_list_are_refused(parse_mode: str, code: str) -> None:
    text = STATUS.replace("<edXML:StatusCode>03<", f"<edXML:StatusCode>{code}<")

    error = refused(text)

    assert error.reason == "invalid_status_code"
    assert error.field == "StatusCode"
    assert str(error) == (
        f"StatusCode {code!r} is not an edXML status code "
        "(one of 01, 02, 03, 04, 05, 06, 13, 15, 16)"
    )


@pytest.mark.parametrize("code", ["01", "02", "03", "04", "05", "06", "13", "15", "16"])
def test_every_status_code_of_the_list_is_read(parse_mode: str, code: str) -> None:
    text = STATUS.replace("<edXML:StatusCode>03<", f"<edXML:StatusCode>{code}<")

    assert parse_status(text.encode()).status_code == code


def test_status_sample_with_an_unknown_code_is_refused(parse_mode: str) -> None:
    with pytest.raises(EdxmlError, match=r"StatusCode '07' is not an edXML status code"):
        parse(sample("status_unknown_code.edxml"))


def test_wrong_kind(parse_mode: str) -> None:
    with pytest.raises(EdxmlError, match="expected a status package, got a document") as caught:
        parse_status(sample("edoc_sdk.edxml"))
    assert caught.value.reason == "wrong_kind"
    with pytest.raises(EdxmlError, match="expected a document package") as caught:
        parse_edoc(sample("status_sdk.edxml"))
    assert caught.value.reason == "wrong_kind"


def test_manifest_reference_without_data(parse_mode: str) -> None:
    text = re.sub(
        r"<Attachment>\s*<ContentType>text/plain.*?</Attachment>", "", EDOC, flags=re.DOTALL
    )

    error = refused(text)

    assert error.reason == "bad_attachment"
    assert str(error) == (
        "manifest Reference cid:9e0d7c6b-5a49-4382-8170-6f5e4d3c2b1a has no Attachment "
        "in AttachmentEncoded"
    )


@pytest.mark.parametrize("data", ["JVBERi0xLjQK%%%", "JVBERi0xLjQKJ", "Không phải base64", "QQ=Q"])
def test_attachment_data_that_is_not_base64(parse_mode: str, data: str) -> None:
    text = EDOC.replace("JVBERi0xLjQKJSBRdXlldCBkaW5oIDA1L1FELVVCTkQKJSVFT0YK", data)

    error = refused(text)

    assert error.reason == "bad_attachment"
    assert str(error) == "attachment data (ContentTransferEncoded) is not valid base64"


def test_base64_without_padding_is_read(parse_mode: str) -> None:
    text = EDOC.replace(
        "UGjhu6UgbOG7pWM6IGRhbmggc8OhY2ggxJHGoW4gduG7iw==",
        "UGjhu6UgbOG7pWM6IGRhbmggc8OhY2ggxJHGoW4gduG7iw",
    )

    package = parse_edoc(text.encode())

    assert package.attachments[1].read() == "Phụ lục: danh sách đơn vị".encode()


def test_markup_inside_attachment_data(parse_mode: str) -> None:
    text = EDOC.replace("JVBERi0xLjQKJSBRdXlldCBkaW5oIDA1L1FELVVCTkQKJSVFT0YK", "JVBE<b>x</b>")

    error = refused(text)

    assert error.reason == "bad_attachment"


def test_unreadable_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "khong-co.edxml"

    with pytest.raises(EdxmlError) as caught:
        parse(missing)

    assert caught.value.reason == "unreadable"
    assert str(caught.value) == f"cannot read {str(missing)!r}: No such file or directory"


def test_over_long_values_are_kept_as_received(parse_mode: str) -> None:
    subject = "Về việc " + "rất dài " * 100
    place = "Nơi nhận " * 30
    name = "tệp " * 80 + ".pdf"
    text = (
        EDOC.replace(
            "<edXML:Subject>Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Cà Mau<",
            f"<edXML:Subject>{subject}<",
        )
        .replace("<edXML:Place>Như Điều 3<", f"<edXML:Place>{place}<")
        .replace("<edXML:AttachmentName>05-QD-UBND.pdf<", f"<edXML:AttachmentName>{name}<")
    )

    package = parse_edoc(text.encode())

    assert package.subject == subject.strip()
    assert len(package.subject) > 500
    assert package.to_places[0] == place.strip()
    assert package.attachments[0].name == name


def test_unreadable_values_are_noted_not_fatal(parse_mode: str) -> None:
    text = (
        EDOC.replace("<edXML:PromulgationDate>2019/03/12<", "<edXML:PromulgationDate>12 tháng 3<")
        .replace("<edXML:PageAmount>3<", "<edXML:PageAmount>ba<")
        .replace("2019/03/12 09:15:00", "hôm qua")
    )

    package = parse_edoc(text.encode())

    assert package.promulgation_date is None
    assert package.page_amount is None
    assert package.trace_headers[0].timestamp is None
    assert set(package.notes) == {
        "PromulgationInfo/PromulgationDate '12 tháng 3' is not a date; read as empty",
        "OtherInfo/PageAmount 'ba' is not a whole number; read as empty",
        "TraceHeader/Timestamp 'hôm qua' is not a date and time; read as empty",
    }


def test_missing_document_id_is_derived_and_noted(parse_mode: str) -> None:
    text = EDOC.replace(
        "<edXML:DocumentId>000.00.00.H12,2019/03/12,05/QĐ-UBND</edXML:DocumentId>", ""
    )

    package = parse_edoc(text.encode())

    assert package.document_id == "000.00.00.H12,2019/03/12,05/QĐ-UBND"
    assert "no DocumentId; derived from From, PromulgationDate and Code" in package.notes


def test_a_full_disk_is_not_reported_as_a_broken_package(parse_mode: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given the temporary files for attachment data cannot be written
    def no_space(self, *, final):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parser._Base64Sink, "_decode", no_space)

    # then parsing fails with the disk's error (a server fault), not an EdxmlError (a bad package)
    with pytest.raises(OSError, match="No space left on device"):
        parse(sample("edoc_sdk.edxml"))
