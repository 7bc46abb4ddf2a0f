"""Official e-mail transport against real servers: a document sent over SMTP is read back over
IMAP with its sender, subject, date, Vietnamese file names and attachments classified; polls
resume after the last UID and survive a UIDVALIDITY change; refused recipients are recorded."""

from __future__ import annotations

import datetime as dt
import imaplib
import time
import unicodedata

import pytest

from motcua.documents.mail import (
    MailboxConfig,
    MailboxError,
    MailSendError,
    SmtpConfig,
    classify,
    mailbox_fetch,
    mailbox_status,
    main_attachment,
    smtp_send,
)
from motcua.documents.mail.imap import imap_quote
from motcua.documents.tests.mail.conftest import (
    EDXML_NAME,
    PDF_NAME,
    SENDER_NAME,
    smtp_config,
)
from motcua.documents.tests.mail.servers import BUSY_PREFIX, DOMAIN, SMTP_USER

# the test SMTP server requires a login over plain SMTP too (only on 127.0.0.1)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SUBJECT = "Quyết định số 05/QĐ-UBND về việc thử nghiệm thư điện tử công vụ"


def send_document(smtp, to, pdf, edxml=None, **kw):  # type: ignore[no-untyped-def]
    attachments = [(PDF_NAME, "application/pdf", pdf)]
    if edxml is not None:
        attachments.append((EDXML_NAME, "application/xml", edxml))
    return smtp_send(
        smtp,
        to=to,
        subject=kw.pop("subject", SUBJECT),
        body_text="Kính gửi: Ủy ban nhân dân phường An Xuyên.\nĐề nghị quý cơ quan tiếp nhận.",
        attachments=attachments,
        **kw,
    )


def wait_for(config, count, *, after_uid=0):  # type: ignore[no-untyped-def]
    """The messages once `count` are there (delivery is done before SMTP answers 250, but a
    slow machine may still be writing the index)."""
    for _ in range(100):
        found = list(mailbox_fetch(config, after_uid=after_uid, uidvalidity=None))
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{count} messages expected, found {len(found)}")


def test_a_signed_document_sent_by_smtp_is_read_back_over_imap(
    mailbox, smtp, signed_pdf, edxml_bytes
):
    # given: a signed decision and its edXML package sent to the agency's official mailbox
    before = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=1)
    outcome = send_document(smtp, [mailbox.address], signed_pdf, edxml_bytes)

    # when
    (message,) = wait_for(mailbox.imap, 1)

    # then: the fields as sent, the Vietnamese texts composed (NFC)
    assert outcome.accepted == [mailbox.address]
    assert outcome.refused == {}
    assert message.message_id == outcome.message_id
    assert message.message_id.endswith(f"@{DOMAIN}>")
    assert message.sender == f"vanthu@{DOMAIN}"
    assert message.sender_name == SENDER_NAME
    assert message.subject == SUBJECT
    assert message.date is not None and before <= message.date <= dt.datetime.now(dt.UTC)
    assert "Đề nghị quý cơ quan tiếp nhận." in message.body_text
    assert message.uid >= 1 and message.uidvalidity > 0
    names = [a.name for a in message.attachments]
    assert names == ["QĐ-UBND.pdf", EDXML_NAME]  # the "Quyết định 05/" path part dropped
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    pdf, package = message.attachments
    assert (pdf.content_type, pdf.data) == ("application/pdf", signed_pdf)
    assert (package.content_type, package.data) == ("application/xml", edxml_bytes)
    # and the raw message is the one the mail server delivered, its trace fields on top
    assert message.raw.startswith(b"Return-Path: <vanthu@camau.test>\r\nReceived: from")
    assert outcome.message_id.encode() in message.raw
    assert SUBJECT not in message.raw.decode("ascii")  # the subject went out RFC 2047-encoded

    # then: the package is what registration starts from
    assert classify(message) == "edxml"
    assert main_attachment(message) == package


def test_a_signed_pdf_alone_is_classified_signed_pdf(mailbox, smtp, signed_pdf):
    send_document(smtp, [mailbox.address], signed_pdf)

    (message,) = wait_for(mailbox.imap, 1)

    assert classify(message) == "signed_pdf"
    assert main_attachment(message) == message.attachments[0]


def test_an_unsigned_pdf_or_plain_xml_is_other(mailbox, smtp, signed_pdf):
    unsigned = signed_pdf.replace(b"/ByteRange", b"/Bytexxxxx")
    smtp_send(
        smtp,
        to=[mailbox.address],
        subject="Thư mời họp",
        body_text="Trân trọng kính mời.",
        attachments=[
            ("Giấy mời.pdf", "application/pdf", unsigned),
            ("dữ liệu.xml", "application/xml", b"<?xml version='1.0'?><root>x</root>"),
        ],
    )

    (message,) = wait_for(mailbox.imap, 1)

    assert classify(message) == "other"
    assert main_attachment(message) is None


def test_a_second_poll_after_the_last_uid_returns_nothing(mailbox, smtp, signed_pdf):
    # given: two messages read
    send_document(smtp, [mailbox.address], signed_pdf, subject="Văn bản thứ nhất")
    send_document(smtp, [mailbox.address], signed_pdf, subject="Văn bản thứ hai")
    first, second = wait_for(mailbox.imap, 2)
    assert first.uid < second.uid
    assert [m.subject for m in (first, second)] == ["Văn bản thứ nhất", "Văn bản thứ hai"]

    # when: polled again from the last UID under the same UIDVALIDITY
    again = list(mailbox_fetch(mailbox.imap, after_uid=second.uid, uidvalidity=second.uidvalidity))

    # then: nothing (although "UID n:*" on the server always matches the last message)
    assert again == []

    # and a third message is the only one the next poll brings
    send_document(smtp, [mailbox.address], signed_pdf, subject="Văn bản thứ ba")
    (third,) = wait_for(mailbox.imap, 1, after_uid=second.uid)
    assert third.subject == "Văn bản thứ ba"
    assert third.uid > second.uid


def test_reading_leaves_the_messages_unread(mailbox, smtp, signed_pdf):
    send_document(smtp, [mailbox.address], signed_pdf)
    wait_for(mailbox.imap, 1)

    with imaplib.IMAP4("127.0.0.1", mailbox.imap.port) as conn:
        conn.login(mailbox.login, mailbox.password)
        conn.select("INBOX", readonly=True)
        _typ, data = conn.search(None, "UNSEEN")

    assert data[0].split() == [b"1"]


def imap_session(mailbox):  # type: ignore[no-untyped-def]
    conn = imaplib.IMAP4("127.0.0.1", mailbox.imap.port)
    conn.login(mailbox.login, mailbox.password)
    return conn


def test_a_changed_uidvalidity_reads_the_folder_again(mailbox, signed_pdf):
    # given: a Vietnamese-named folder holding two messages, read up to the second
    folder = "Văn thư đến"
    config = MailboxConfig(**{**mailbox.imap.__dict__, "folder": folder})
    raw = b"From: a@camau.test\r\nSubject: one\r\nMessage-ID: <1@camau.test>\r\n\r\nx\r\n"
    with imap_session(mailbox) as conn:
        assert conn.create(imap_quote(folder))[0] == "OK"
        conn.append(imap_quote(folder), None, None, raw)
        conn.append(imap_quote(folder), None, None, raw.replace(b"<1@", b"<2@"))
    read = list(mailbox_fetch(config, after_uid=0, uidvalidity=None))
    assert [m.message_id for m in read] == ["<1@camau.test>", "<2@camau.test>"]
    last = read[-1]

    # when: the folder is re-created (new UIDVALIDITY, UIDs from 1 again) with one message
    with imap_session(mailbox) as conn:
        conn.delete(imap_quote(folder))
        conn.create(imap_quote(folder))
        conn.append(imap_quote(folder), None, None, raw.replace(b"<1@", b"<3@"))
    status = mailbox_status(config)
    assert status.uidvalidity != last.uidvalidity
    again = list(mailbox_fetch(config, after_uid=last.uid, uidvalidity=last.uidvalidity))

    # then: the new message is read although its UID is below the last one read
    assert [(m.message_id, m.uid) for m in again] == [("<3@camau.test>", 1)]
    assert again[0].uidvalidity == status.uidvalidity
    assert status.uidnext == 2 and status.messages == 1


def test_refused_recipients_are_recorded_and_the_others_sent_to(
    mail_servers, mailbox, smtp, signed_pdf
):
    # given: one good mailbox, one that does not exist, one busy
    unknown = f"khongton-tai@{DOMAIN}"
    busy = f"{BUSY_PREFIX}sotuphap@{DOMAIN}"

    # when
    outcome = send_document(smtp, [unknown, mailbox.address, busy], signed_pdf)

    # then: each refusal with the server's reply; the good one delivered
    assert outcome.accepted == [mailbox.address]
    assert set(outcome.refused) == {unknown, busy}
    assert outcome.refused[unknown].startswith("550 5.1.1")
    assert "User unknown" in outcome.refused[unknown]
    assert outcome.refused[busy].startswith("450 4.2.1")
    (message,) = wait_for(mailbox.imap, 1)
    assert message.message_id == outcome.message_id
    delivery = next(
        d for d in mail_servers.handler.deliveries if outcome.message_id.encode() in d.content
    )
    assert delivery.rcpt_tos == [mailbox.address]


def test_every_recipient_refused_is_an_outcome_not_an_error(smtp, signed_pdf):
    unknown = f"khongton-tai@{DOMAIN}"

    outcome = send_document(smtp, [unknown], signed_pdf)

    assert outcome.accepted == []
    assert outcome.refused[unknown].startswith("550")


def test_a_given_message_id_is_kept(mailbox, smtp, signed_pdf):
    outcome = send_document(
        smtp, [mailbox.address], signed_pdf, message_id="<vb-42.lan-1@camau.test>"
    )

    (message,) = wait_for(mailbox.imap, 1)

    assert outcome.message_id == message.message_id == "<vb-42.lan-1@camau.test>"


def test_a_wrong_smtp_password_is_a_permanent_failure(mail_servers, mailbox, signed_pdf):
    config = SmtpConfig(**{**smtp_config(mail_servers).__dict__, "password": "wrong"})

    with pytest.raises(MailSendError) as failure:
        send_document(config, [mailbox.address], signed_pdf)

    assert failure.value.reason.startswith("535")
    assert failure.value.temporary is False


def test_an_unreachable_smtp_server_is_a_temporary_failure(mail_servers, mailbox, signed_pdf):
    from motcua.documents.tests.mail.servers import free_port

    config = SmtpConfig(**{**smtp_config(mail_servers).__dict__, "port": free_port()})

    with pytest.raises(MailSendError) as failure:
        send_document(config, [mailbox.address], signed_pdf)

    assert failure.value.temporary is True


def test_starttls_and_imaps_with_the_servers_ca(mail_servers, mailbox, signed_pdf):
    # given: the SMTP server that requires STARTTLS, and dovecot's IMAPS port
    smtp = SmtpConfig(
        **{
            **smtp_config(mail_servers).__dict__,
            "port": mail_servers.smtp_tls_port,
            "security": "starttls",
            "ca_file": str(mail_servers.ca_file),
        }
    )
    imaps = MailboxConfig(
        **{
            **mailbox.imap.__dict__,
            "port": mail_servers.dovecot.ssl_port,
            "security": "ssl",
            "ca_file": str(mail_servers.ca_file),
        }
    )
    starttls = MailboxConfig(
        **{**mailbox.imap.__dict__, "security": "starttls", "ca_file": str(mail_servers.ca_file)}
    )

    # when
    outcome = send_document(smtp, [mailbox.address], signed_pdf)

    # then: read over both secured IMAP paths
    assert outcome.accepted == [mailbox.address]
    assert [m.message_id for m in wait_for(imaps, 1)] == [outcome.message_id]
    assert [m.message_id for m in wait_for(starttls, 1)] == [outcome.message_id]


def test_a_server_certificate_not_trusted_is_refused(mail_servers, mailbox):
    imaps = MailboxConfig(
        **{**mailbox.imap.__dict__, "port": mail_servers.dovecot.ssl_port, "security": "ssl"}
    )

    with pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
        list(mailbox_fetch(imaps, after_uid=0, uidvalidity=None))


def test_a_wrong_imap_password_is_a_mailbox_error(mailbox):
    config = MailboxConfig(**{**mailbox.imap.__dict__, "password": "wrong"})

    with pytest.raises(MailboxError) as failure:
        list(mailbox_fetch(config, after_uid=0, uidvalidity=None))

    assert "wrong" not in str(failure.value)  # the password never shows in the error
    assert mailbox.login in str(failure.value)


def test_without_login_the_server_refuses_the_message(mail_servers, mailbox, signed_pdf):
    config = SmtpConfig(**{**smtp_config(mail_servers).__dict__, "username": ""})
    assert smtp_config(mail_servers).username == SMTP_USER  # every other test logs in

    with pytest.raises(MailSendError) as failure:
        send_document(config, [mailbox.address], signed_pdf)

    assert failure.value.reason.startswith("530")
    assert failure.value.temporary is False
