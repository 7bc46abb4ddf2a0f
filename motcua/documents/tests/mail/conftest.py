"""E-mail test fixtures: real dovecot and SMTP servers for the session (see servers.py), a fresh
mailbox per test, the relay in the environment as a deployment sets it, and the two kinds of
attachment an official message carries: a PDF signed with the development PKI and an edXML
package."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from motcua.documents.mail import MailboxConfig, SmtpConfig, mailbox_fetch
from motcua.documents.tests.mail.servers import (
    DOMAIN,
    DOVECOT,
    DOVECOT_LDA,
    SMTP_PASSWORD,
    SMTP_USER,
    MailServers,
)

SENDER_NAME = "Văn thư Ủy ban nhân dân tỉnh Cà Mau"
SIGNER_NAME = "Nguyễn Văn Ký"
PDF_NAME = "Quyết định 05/QĐ-UBND.pdf"  # a slash: clients drop it, we must too
EDXML_NAME = "Công văn 123-UBND-VX.edxml"


@pytest.fixture(scope="session")
def mail_servers() -> Iterator[MailServers]:
    if not (DOVECOT.exists() and DOVECOT_LDA.exists()):
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    pytest.importorskip("aiosmtpd", reason="aiosmtpd is a dev dependency: pip install -e .[dev]")
    servers = MailServers.start()
    try:
        yield servers
    finally:
        servers.stop()


def new_mailbox(servers: MailServers, prefix: str = "vanthu") -> SimpleNamespace:
    """A new mailbox on the servers, with the configuration that reads it."""
    login, password, address = servers.mailbox_add(prefix)
    return SimpleNamespace(
        login=login,
        password=password,
        address=address,
        imap=MailboxConfig(
            host="127.0.0.1",
            port=servers.dovecot.port,
            username=login,
            password=password,
            security="none",
        ),
    )


@pytest.fixture
def mailbox(mail_servers: MailServers) -> SimpleNamespace:
    return new_mailbox(mail_servers)


def smtp_config(servers: MailServers, *, sender: str = f"vanthu@{DOMAIN}") -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1",
        port=servers.smtp_port,
        username=SMTP_USER,
        password=SMTP_PASSWORD,
        security="none",
        sender=sender,
        sender_name=SENDER_NAME,
    )


@pytest.fixture
def smtp(mail_servers: MailServers) -> SmtpConfig:
    return smtp_config(mail_servers)


@pytest.fixture
def relay(mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch) -> MailServers:
    """The province's relay in the environment, as a deployment sets it."""
    for name, value in {
        "MOTCUA_SMTP_HOST": "127.0.0.1",
        "MOTCUA_SMTP_PORT": str(mail_servers.smtp_port),
        "MOTCUA_SMTP_USER": SMTP_USER,
        "MOTCUA_SMTP_PASSWORD": SMTP_PASSWORD,
        "MOTCUA_SMTP_SECURITY": "none",
        "MOTCUA_SMTP_FROM": f"Văn thư <vanthu@{DOMAIN}>",
    }.items():
        monkeypatch.setenv(name, value)
    return mail_servers


def wait_delivered(config: MailboxConfig, count: int = 1) -> None:
    """Until the mailbox holds `count` messages (the SMTP server hands them to dovecot-lda)."""
    import time

    for _ in range(100):
        if len(list(mailbox_fetch(config, after_uid=0, uidvalidity=None))) >= count:
            return
        time.sleep(0.05)
    raise AssertionError("not delivered")


@pytest.fixture(scope="session")
def signed_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A one-page Vietnamese letter with one PAdES signature of the development PKI."""
    from weasyprint import HTML

    from motcua.dossiers.printing.pdf import FONT_DIR
    from motcua.signatures import signing
    from motcua.signatures.backends import Pkcs12Backend
    from motcua.signatures.pki import DevPki, person_name

    pki = DevPki(tmp_path_factory.mktemp("mail-pki"), key_kind="ec-p256")
    pki.ca_ensure()
    signer, _ = pki.identity_ensure(
        folder="officials",
        slug="signer",
        subject=person_name(
            full_name=SIGNER_NAME, organisation="Ủy ban nhân dân tỉnh Cà Mau", position="Chủ tịch"
        ),
        profile="person",
    )
    font = (FONT_DIR / "LiberationSerif-Regular.ttf").as_uri()
    pdf = HTML(
        string=f"""<html><head><style>
          @font-face {{ font-family: LS; src: url("{font}"); }}
          body {{ font-family: LS; font-size: 13pt; }}
        </style></head><body>
          <p>ỦY BAN NHÂN DÂN TỈNH CÀ MAU</p><p>Số: 05/QĐ-UBND</p>
          <p>QUYẾT ĐỊNH về việc thử nghiệm gửi văn bản qua thư điện tử công vụ</p>
          <p>CHỦ TỊCH</p><p>{SIGNER_NAME}</p>
        </body></html>"""
    ).write_pdf()
    return signing.pdf_sign(
        bytes(pdf),
        backend=Pkcs12Backend(signer.p12_path, passphrase=signer.password),
        field_name="motcua-person",
        appearance=None,
        signing_time=signing.signing_time_now(),
        signer_name=SIGNER_NAME,
    )


def edxml_package(
    *,
    code_number: str = "123",
    code_notation: str = "UBND-VX",
    subject: str = "V/v triển khai thư điện tử công vụ",
    attachment: bytes = b"%PDF-1.4 stand-in",
) -> bytes:
    """An edXML document package in the canonical layout (DOMAIN §9, as motcua.documents.edxml
    writes it): the prefixed envelope and the unprefixed AttachmentEncoded in an edXML root."""
    encoded = base64.b64encode(attachment).decode()
    return f"""<?xml version="1.0" encoding="utf-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLHeader>
    <edXML:MessageHeader>
      <edXML:From>
        <edXML:OrganId>000.00.00.H12</edXML:OrganId>
        <edXML:OrganName>Ủy ban nhân dân tỉnh Cà Mau</edXML:OrganName>
        <edXML:Email>vanthu@camau.gov.vn</edXML:Email>
      </edXML:From>
      <edXML:To>
        <edXML:OrganId>000.00.20.H12</edXML:OrganId>
        <edXML:OrganName>Ủy ban nhân dân phường An Xuyên</edXML:OrganName>
      </edXML:To>
      <edXML:Code>
        <edXML:CodeNumber>{code_number}</edXML:CodeNumber>
        <edXML:CodeNotation>{code_notation}</edXML:CodeNotation>
      </edXML:Code>
      <edXML:PromulgationInfo>
        <edXML:Place>Cà Mau</edXML:Place>
        <edXML:PromulgationDate>2025/03/12</edXML:PromulgationDate>
      </edXML:PromulgationInfo>
      <edXML:DocumentType>
        <edXML:Type>1</edXML:Type>
        <edXML:TypeName>Công văn</edXML:TypeName>
      </edXML:DocumentType>
      <edXML:Subject>{subject}</edXML:Subject>
      <edXML:Content>{subject}</edXML:Content>
      <edXML:SignerInfo>
        <edXML:Competence>TM. Ủy ban nhân dân</edXML:Competence>
        <edXML:Position>Chủ tịch</edXML:Position>
        <edXML:FullName>{SIGNER_NAME}</edXML:FullName>
      </edXML:SignerInfo>
      <edXML:DueDate/>
      <edXML:OtherInfo>
        <edXML:Priority>0</edXML:Priority>
        <edXML:PromulgationAmount>1</edXML:PromulgationAmount>
        <edXML:PageAmount>1</edXML:PageAmount>
      </edXML:OtherInfo>
      <edXML:DocumentId>000.00.00.H12,2025/03/12,{code_number}/{code_notation}</edXML:DocumentId>
    </edXML:MessageHeader>
    <edXML:TraceHeaderList>
      <edXML:TraceHeader>
        <edXML:OrganId>000.00.00.H12</edXML:OrganId>
        <edXML:Timestamp>2025/03/12 08:30:00</edXML:Timestamp>
      </edXML:TraceHeader>
      <edXML:Bussiness>
        <edXML:BussinessDocType>0</edXML:BussinessDocType>
      </edXML:Bussiness>
    </edXML:TraceHeaderList>
  </edXML:edXMLHeader>
  <edXML:edXMLBody>
    <edXML:Manifest>
      <edXML:Reference>
        <edXML:ContentId>cid:1</edXML:ContentId>
        <edXML:AttachmentName>Công văn 123.pdf</edXML:AttachmentName>
        <edXML:ContentType>application/pdf</edXML:ContentType>
      </edXML:Reference>
    </edXML:Manifest>
  </edXML:edXMLBody>
</edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>1</ContentId>
      <AttachmentName>Công văn 123.pdf</AttachmentName>
      <ContentType>application/pdf</ContentType>
      <Description></Description>
      <ContentTransferEncoded>{encoded}</ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
""".encode()


@pytest.fixture
def edxml_bytes() -> bytes:
    return edxml_package()


@pytest.fixture(autouse=True)
def _no_mail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The MOTCUA_SMTP_*/MOTCUA_IMAP_* of the machine running the tests never leak in."""
    for name in list(os.environ):
        if name.startswith(("MOTCUA_SMTP_", "MOTCUA_IMAP_")):
            monkeypatch.delenv(name)
