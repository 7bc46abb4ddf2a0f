"""Reading messages as other mail clients write them (no server needed): encoded and raw
Vietnamese names, decomposed text, missing headers, hostile file names; classification of
edXML variants; the configuration read from the environment."""

from __future__ import annotations

import base64
import datetime as dt
import unicodedata

import pytest

from motcua.documents.mail import MailboxConfig, SmtpConfig, classify, message_parse
from motcua.documents.mail.config import secret_resolve
from motcua.documents.mail.imap import imap_quote, imap_utf7
from motcua.documents.mail.messages import MailAttachment, attachment_kind
from motcua.documents.tests.mail.conftest import edxml_package


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def multipart(*parts: str, headers: str = "") -> bytes:
    body = "".join(f"--b\r\n{part}\r\n" for part in parts)
    return (
        f'{headers}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f"{body}--b--\r\n"
    ).encode()


_PACKAGE = edxml_package()
ENVELOPE_ONLY = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    + _PACKAGE[_PACKAGE.index(b"<edXML:edXMLEnvelope") : _PACKAGE.index(b"  <AttachmentEncoded>")]
)
PDF_PART = "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjcK\r\n"


def test_outlook_style_rfc2047_names_are_decoded_and_composed():
    # given: a sender name, subject and file name as RFC 2047 words, the file name decomposed
    decomposed = unicodedata.normalize("NFD", "Quyết định.pdf")
    assert decomposed != "Quyết định.pdf"
    raw = multipart(
        "Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi",
        f'Content-Type: application/pdf; name="=?utf-8?b?{b64(decomposed)}?="\r\n'
        f'Content-Disposition: attachment; filename="=?utf-8?b?{b64(decomposed)}?="\r\n' + PDF_PART,
        headers=(
            f"From: =?utf-8?b?{b64('Sở Tư pháp')}?= <VanThu@STP.CaMau.gov.vn>\r\n"
            f"Subject: =?utf-8?q?V/v_b=C3=A1o_c=C3=A1o?=\r\n"
            "Date: Wed, 12 Mar 2025 08:30:00 +0700\r\n"
            "Message-ID: <abc@stp.camau.gov.vn>\r\n"
        ),
    )

    message = message_parse(raw, uid=7, uidvalidity=3)

    assert message.sender == "vanthu@stp.camau.gov.vn"
    assert message.sender_name == "Sở Tư pháp"
    assert message.subject == "V/v báo cáo"
    assert message.date == dt.datetime(2025, 3, 12, 1, 30, tzinfo=dt.UTC)
    assert message.message_id == "<abc@stp.camau.gov.vn>"
    assert message.body_text.strip() == "Kính gửi"
    assert [(a.name, a.content_type, a.data) for a in message.attachments] == [
        ("Quyết định.pdf", "application/pdf", b"%PDF-1.7\n")
    ]
    assert (message.uid, message.uidvalidity) == (7, 3)


def test_raw_utf8_and_rfc2231_names_and_a_name_only_on_content_type():
    raw = multipart(
        'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="Tờ trình.pdf"'
        "\r\n" + PDF_PART,
        "Content-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o.pdf\r\n" + PDF_PART,
        'Content-Type: application/pdf; name="Giay moi.pdf"\r\n' + PDF_PART,
        headers="From: a@b.vn\r\n",
    )

    message = message_parse(raw)

    assert [a.name for a in message.attachments] == ["Tờ trình.pdf", "Báo cáo.pdf", "Giay moi.pdf"]


def test_a_message_with_missing_headers_is_still_read():
    message = message_parse(b"Subject: \r\n\r\nno headers to speak of\r\n")

    assert (message.message_id, message.sender, message.subject, message.date) == (
        "",
        "",
        "",
        None,
    )
    assert message.attachments == []
    assert classify(message) == "other"


def test_a_file_name_never_carries_a_directory():
    raw = multipart(
        "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
        'filename="..\\\\..\\\\windows\\\\evil.pdf"\r\n' + PDF_PART,
        "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
        'filename="../../etc/passwd"\r\n' + PDF_PART,
    )

    assert [a.name for a in message_parse(raw).attachments] == ["evil.pdf", "passwd"]


def test_a_date_without_zone_is_read_as_utc():
    message = message_parse(b"Date: Wed, 12 Mar 2025 08:30:00 -0000\r\n\r\nx")

    assert message.date == dt.datetime(2025, 3, 12, 8, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("data", "name", "content_type", "kind"),
    [
        (edxml_package(), "goi.edxml", "application/octet-stream", "edxml"),
        (  # unprefixed, in the default namespace, with a byte-order mark
            b"\xef\xbb\xbf"
            + edxml_package().replace(b"edXML:", b"").replace(b"xmlns:edXML=", b"xmlns="),
            "",
            "text/xml",
            "edxml",
        ),
        (ENVELOPE_ONLY, "goi.xml", "text/xml", "edxml"),  # the envelope as the root
        (b"<?xml version='1.0'?><edXMLEnvelope xmlns='urn:other'/>", "x.xml", "text/xml", "other"),
        (
            b"<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'><Other/></edXML>",
            "x.xml",
            "text/xml",
            "other",
        ),
        (b"<not xml", "x.xml", "text/xml", "other"),
        (b"%PDF-1.7\n1 0 obj<</Type/Sig/ByteRange [0 10 20 30]>>endobj", "", "", "signed_pdf"),
        (b"%PDF-1.7\n1 0 obj<</Type/Page>>endobj", "a.pdf", "application/pdf", "other"),
        (b"/ByteRange [0 1 2 3] but no PDF header", "a.pdf", "application/pdf", "other"),
    ],
    ids=[
        "canonical",
        "unprefixed-bom",
        "envelope-root",
        "foreign-ns",
        "wrapper-without-envelope",
        "broken",
        "signed",
        "unsigned",
        "not-pdf",
    ],
)
def test_attachment_kinds(data, name, content_type, kind):
    assert attachment_kind(MailAttachment(name, content_type, data)) == kind


def test_a_package_wins_over_a_signed_pdf():
    signed = MailAttachment("a.pdf", "application/pdf", b"%PDF-1.7 /ByteRange [0 1 2 3]")
    package = MailAttachment("a.xml", "application/xml", edxml_package())

    assert classify([signed, package]) == "edxml"
    assert classify([signed]) == "signed_pdf"


def test_folder_names_in_modified_utf7():
    assert imap_utf7("INBOX") == "INBOX"
    assert imap_utf7("Văn thư") == "V&AQM-n th&AbA-"
    assert imap_utf7("A&B") == "A&-B"
    assert imap_quote('Thư "đến"') == '"Th&AbA- \\"&AREevw-n\\""'


def test_configuration_from_the_environment(tmp_path):
    secret = tmp_path / "smtp.pass"
    secret.write_text("mat-khau\n")
    env = {
        "MOTCUA_SMTP_HOST": "mail.camau.gov.vn",
        "MOTCUA_SMTP_USER": "vanthu",
        "MOTCUA_SMTP_PASSWORD_REF": f"file:{secret}",
        "MOTCUA_SMTP_SECURITY": "SSL",
        "MOTCUA_SMTP_FROM": "Văn thư UBND tỉnh Cà Mau <vanthu@camau.gov.vn>",
        "MOTCUA_IMAP_HOST": "mail.camau.gov.vn",
        "MOTCUA_IMAP_USER": "vanthu",
        "MOTCUA_IMAP_PASSWORD": "p",
        "MOTCUA_IMAP_SECURITY": "starttls",
    }

    smtp = SmtpConfig.from_env(env)
    imap = MailboxConfig.from_env(env)

    assert smtp == SmtpConfig(
        host="mail.camau.gov.vn",
        port=465,
        username="vanthu",
        password="mat-khau",
        security="ssl",
        sender="vanthu@camau.gov.vn",
        sender_name="Văn thư UBND tỉnh Cà Mau",
    )
    assert imap == MailboxConfig(
        host="mail.camau.gov.vn",
        port=143,
        username="vanthu",
        password="p",
        security="starttls",
    )
    assert "mat-khau" not in repr(smtp) and "p@" not in repr(imap)
    assert SmtpConfig.from_env({}) is None and MailboxConfig.from_env({}) is None
    with pytest.raises(ValueError, match="security"):
        SmtpConfig.from_env({**env, "MOTCUA_SMTP_SECURITY": "tls"})


def test_secret_references(monkeypatch):
    from motcua.core.errors import ValidationFailed

    monkeypatch.setenv("MAIL_PW", "bi-mat")

    assert secret_resolve("env:MAIL_PW") == "bi-mat"
    assert secret_resolve("") == ""
    with pytest.raises(ValidationFailed):
        secret_resolve("env:MOTCUA_NO_SUCH_SECRET")
    with pytest.raises(ValueError, match="unknown secret reference"):
        secret_resolve("vault:x")
