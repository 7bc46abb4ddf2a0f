"""Official e-mail wired to the documents, on the real servers: an issued document reaches an
agency's official mailbox by SMTP, the mailbox poll makes it an incoming document to register
with the raw message kept; polls never register twice; delivery verdicts (sent, refused,
deferred with back-off, then failed) land on the recipient and in the exchange log."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.management import call_command

from motcua.documents.enums import (
    Channel,
    DeliveryStatus,
    ExchangeDirection,
    IncomingState,
    OutgoingState,
    Source,
)
from motcua.documents.mail import message_parse, smtp_send
from motcua.documents.models import (
    Agency,
    DocumentEvent,
    ExchangeMessage,
    IncomingDocument,
    OfficialMailbox,
    Recipient,
)
from motcua.documents.services import mail as svc
from motcua.documents.services import outgoing
from motcua.documents.tests.factories import signed_outgoing, world
from motcua.documents.tests.mail.conftest import edxml_package, new_mailbox, wait_delivered
from motcua.documents.tests.mail.servers import BUSY_PREFIX, DOMAIN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]


@pytest.fixture
def w():  # type: ignore[no-untyped-def]
    return world()


def official_mailbox(organisation, mailbox, mail_servers, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(f"MAILBOX_PW_{mailbox.login}", mailbox.password)
    return OfficialMailbox.objects.create(
        organisation=organisation,
        address=mailbox.address,
        imap_host="127.0.0.1",
        imap_port=mail_servers.dovecot.port,
        imap_security="none",
        username=mailbox.login,
        secret_ref=f"env:MAILBOX_PW_{mailbox.login}",
    )


@pytest.fixture
def inbox(w, mailbox, mail_servers, monkeypatch):  # type: ignore[no-untyped-def]
    """The receiving agency's (w.other's) official mailbox on the test dovecot."""
    return official_mailbox(w.other, mailbox, mail_servers, monkeypatch)


def issue_by_email(w, signed_pdf, *addresses, **kw):  # type: ignore[no-untyped-def]
    """A numbered, sealed decision with its signed PDF, issued to `addresses` by e-mail."""
    from motcua.signatures.enums import DocumentKind
    from motcua.signatures.models import SignedDocument

    doc = outgoing.outgoing_number(actor=w.clerk, document=signed_outgoing(w, **kw))
    signed = SignedDocument(kind=DocumentKind.FORM, organisation=w.agency, sha256="x")
    signed.file.save("quyet-dinh.pdf", svc.shell.content_file(signed_pdf, "qd.pdf"), save=False)
    signed.save()
    doc.signed_document = signed
    doc.state = OutgoingState.SEALED
    doc.save()
    for i, address in enumerate(addresses):
        doc.recipients.create(name=f"Cơ quan nhận {i}", email=address, channel=Channel.EMAIL)
    return doc


# --- the way through ----------------------------------------------------------------------------


def test_issue_email_mailbox_poll_incoming_document_to_register(
    w, relay, mailbox, inbox, signed_pdf, django_capture_on_commit_callbacks
):
    # given: a decision issued by w.agency to w.other's official address (not connected)
    doc = issue_by_email(w, signed_pdf, mailbox.address)

    # when: issued (the delivery task runs after commit) ...
    with django_capture_on_commit_callbacks(execute=True):
        doc = outgoing.outgoing_issue(actor=w.clerk, document=doc)

    # then: the recipient is sent, with the exchange log holding the exact message
    (recipient,) = doc.recipients.all()
    assert recipient.status == DeliveryStatus.SENT and recipient.sent_at is not None
    assert recipient.attempts == 1 and recipient.next_attempt_at is None
    sent = ExchangeMessage.objects.get(direction=ExchangeDirection.OUT, recipient=recipient)
    assert (sent.channel, sent.outcome, sent.outgoing_id) == (Channel.EMAIL, "sent", doc.pk)
    assert sent.external_id == f"<document-{doc.pk}.recipient-{recipient.pk}@{DOMAIN}>"
    assert sent.document_id == doc.document_id
    raw_sent = sent.raw.read()
    assert sent.size == len(raw_sent) and b"X-MotCua-Document-Id" in raw_sent
    letter = message_parse(raw_sent)
    assert letter.body_text.startswith("Kính gửi: Cơ quan nhận 0.")
    assert "Văn bản điện tử có chữ ký số được đính kèm thư này." in letter.body_text
    assert recipient.statuses.filter(status=DeliveryStatus.SENT, message=sent).exists()

    # ... and the receiving agency's mailbox is polled
    wait_delivered(svc.mailbox_config(inbox))
    result = svc.mailbox_poll(mailbox_id=inbox.pk)

    # then: an incoming document to register in w.other, from the e-mail, raw message kept
    assert result.error == "" and result.outcomes == {"received": 1}
    incoming = IncomingDocument.objects.get(organisation=w.other)
    assert (incoming.state, incoming.source, incoming.channel) == (
        IncomingState.RECEIVED,
        Source.EMAIL,
        Channel.EMAIL,
    )
    assert incoming.arrival_number is None  # the clerk registers it
    assert incoming.sender_email == f"vanthu@{DOMAIN}"  # no official mailbox: the relay's From
    assert incoming.sender_name == w.agency.name
    assert incoming.subject == f"{doc.number_notation}: {doc.subject}"
    assert (incoming.code_number, incoming.code_notation) == ("01", "QĐ-UBND")
    (main,) = incoming.files.all()
    assert main.is_main and main.file_name == "01-QĐ-UBND.pdf"
    assert main.file.read() == signed_pdf
    kept = incoming.message
    assert kept is not None and (kept.direction, kept.outcome) == (ExchangeDirection.IN, "received")
    assert kept.external_id == sent.external_id  # the same Message-ID, end to end
    raw = kept.raw.read()
    assert raw.startswith(b"Return-Path: <vanthu@camau.test>") and len(raw) == kept.size
    assert f"From: {w.agency.name} <vanthu@{DOMAIN}>" in kept.detail
    inbox.refresh_from_db()
    assert inbox.last_uid == 1 and inbox.uidvalidity and inbox.last_error == ""


def test_the_issuing_agencys_official_address_is_the_sender(
    w, relay, mailbox, inbox, mail_servers, monkeypatch, signed_pdf
):
    # given: the issuing agency has its own official mailbox; the sender is a known agency
    own_box = new_mailbox(mail_servers, "ubnd")
    own = own_box.address
    official_mailbox(w.agency, own_box, mail_servers, monkeypatch)
    Agency.objects.create(organ_id="000.00.99.H12", name="UBND tỉnh (danh bạ)", email=own)
    doc = issue_by_email(w, signed_pdf, mailbox.address)
    recipient = doc.recipients.get()
    doc.state = OutgoingState.ISSUED
    doc.save()

    # when
    assert svc.deliver_recipient(recipient.pk) == "sent"
    wait_delivered(svc.mailbox_config(inbox))
    svc.mailbox_poll(mailbox_id=inbox.pk)

    # then: sent from the agency's address; the directory names the sender
    incoming = IncomingDocument.objects.get(organisation=w.other)
    assert incoming.sender_email == own
    assert (incoming.sender_name, incoming.sender_organ_id) == (
        "UBND tỉnh (danh bạ)",
        "000.00.99.H12",
    )
    assert incoming.message.from_organ_id == "000.00.99.H12"


# --- polls never register twice -------------------------------------------------------------------


def test_a_repoll_registers_nothing_twice(w, mailbox, inbox, smtp, signed_pdf):
    # given: two signed documents in the mailbox, polled
    for number in ("12", "13"):
        smtp_send(
            smtp,
            to=[mailbox.address],
            subject=f"Công văn số {number}/STP-HCTP",
            body_text="Kính gửi",
            attachments=[("cv.pdf", "application/pdf", signed_pdf)],
        )
    wait_delivered(svc.mailbox_config(inbox), 2)
    assert svc.mailbox_poll(mailbox_id=inbox.pk).outcomes == {"received": 2}

    # when: polled again, then polled as if the last UID had been lost
    again = svc.mailbox_poll(mailbox_id=inbox.pk)
    OfficialMailbox.objects.filter(pk=inbox.pk).update(last_uid=0)
    lost = svc.mailbox_poll(mailbox_id=inbox.pk)

    # then: nothing new; the same messages are recognised by their Message-ID
    assert again.outcomes == {} and again.summary() == "nothing new"
    assert lost.outcomes == {"duplicate": 2}
    assert IncomingDocument.objects.filter(organisation=w.other).count() == 2
    assert ExchangeMessage.objects.filter(direction=ExchangeDirection.IN).count() == 2
    numbers = set(IncomingDocument.objects.values_list("code_number", "code_notation"))
    assert numbers == {("12", "STP-HCTP"), ("13", "STP-HCTP")}


def test_a_message_without_message_id_is_known_by_its_imap_url(w, mailbox, inbox, signed_pdf):
    import imaplib

    # given: a message without Message-ID put straight into the mailbox
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Sở Tư pháp <vanthu@stp.camau.test>"
    msg["Subject"] = "Tờ trình số 7/TTr-STP"
    msg.set_content("x")
    msg.add_attachment(signed_pdf, maintype="application", subtype="pdf", filename="TTr.pdf")
    with imaplib.IMAP4("127.0.0.1", inbox.imap_port) as conn:
        conn.login(mailbox.login, mailbox.password)
        conn.append("INBOX", None, None, msg.as_bytes())

    # when: polled, then polled again from the start
    assert svc.mailbox_poll(mailbox_id=inbox.pk).outcomes == {"received": 1}
    OfficialMailbox.objects.filter(pk=inbox.pk).update(last_uid=0)
    assert svc.mailbox_poll(mailbox_id=inbox.pk).outcomes == {"duplicate": 1}

    # then
    kept = ExchangeMessage.objects.get(direction=ExchangeDirection.IN)
    assert kept.external_id.startswith(f"imap://{mailbox.login}@127.0.0.1/INBOX;UIDVALIDITY=")
    assert kept.external_id.endswith("/;UID=1")
    assert IncomingDocument.objects.get().sender_name == "Sở Tư pháp"


def test_a_message_without_a_document_is_kept_and_ignored(w, mailbox, inbox, smtp):
    smtp_send(smtp, to=[mailbox.address], subject="Hỏi thăm", body_text="Chào anh")
    wait_delivered(svc.mailbox_config(inbox))

    result = svc.mailbox_poll(mailbox_id=inbox.pk)

    assert result.outcomes == {"ignored": 1}
    assert not IncomingDocument.objects.exists()
    kept = ExchangeMessage.objects.get()
    assert kept.outcome == "ignored" and kept.raw and "Subject: Hỏi thăm" in kept.detail
    inbox.refresh_from_db()
    assert inbox.last_uid == 1


def test_a_message_that_cannot_be_registered_is_kept_and_the_mailbox_moves_on(
    w, mailbox, inbox, smtp, signed_pdf, monkeypatch
):
    # given: the first message breaks registration, the second does not
    for subject in ("Hỏng", "Tốt"):
        smtp_send(
            smtp,
            to=[mailbox.address],
            subject=subject,
            body_text="x",
            attachments=[("a.pdf", "application/pdf", signed_pdf)],
        )
    wait_delivered(svc.mailbox_config(inbox), 2)
    real = svc.incoming_create_received

    def breaks_on_the_first(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["fields"].subject == "Hỏng":
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(svc, "incoming_create_received", breaks_on_the_first)

    # when
    result = svc.mailbox_poll(mailbox_id=inbox.pk)

    # then: the first is kept with the reason, the second registered, both behind the mailbox
    assert result.outcomes == {"failed": 1, "received": 1}
    assert list(IncomingDocument.objects.values_list("subject", flat=True)) == ["Tốt"]
    failed = ExchangeMessage.objects.get(outcome="failed")
    assert failed.related.outcome == "received" and failed.related.raw
    assert "disk full" in failed.detail
    inbox.refresh_from_db()
    assert inbox.last_uid == 2


def test_an_edxml_package_by_email_is_registered_like_the_api(w, mailbox, inbox, smtp, signed_pdf):
    pytest.importorskip("motcua.documents.edxml", reason="the edXML reader is not merged yet")
    package = edxml_package(attachment=signed_pdf)
    for _ in range(2):  # the same package twice (e.g. also sent to a second address of ours)
        smtp_send(
            smtp,
            to=[mailbox.address],
            subject="Gửi văn bản điện tử",
            body_text="x",
            attachments=[("goi.edxml", "application/xml", package)],
        )
    wait_delivered(svc.mailbox_config(inbox), 2)

    result = svc.mailbox_poll(mailbox_id=inbox.pk)

    assert result.outcomes == {"registered": 1, "duplicate": 1}
    incoming = IncomingDocument.objects.get(organisation=w.other)
    assert incoming.state == IncomingState.REGISTERED and incoming.arrival_number == 1
    assert incoming.channel == Channel.EMAIL
    assert incoming.document_id == "000.00.00.H12,2025/03/12,123/UBND-VX"
    assert incoming.message.document_id == incoming.document_id


def test_an_unreachable_mailbox_records_its_error(w, mailbox, inbox, monkeypatch):
    monkeypatch.setenv(f"MAILBOX_PW_{mailbox.login}", "sai")

    result = svc.mailbox_poll(mailbox_id=inbox.pk)

    assert result.error and "sai" not in result.error
    inbox.refresh_from_db()
    assert inbox.last_error == result.error and inbox.last_polled_at is not None


def test_the_poll_command_reads_every_active_mailbox(w, mailbox, inbox, smtp, signed_pdf, capsys):
    smtp_send(
        smtp,
        to=[mailbox.address],
        subject="Giấy mời",
        body_text="x",
        attachments=[("gm.pdf", "application/pdf", signed_pdf)],
    )
    wait_delivered(svc.mailbox_config(inbox))

    call_command("documents_poll_mail")

    out = capsys.readouterr().out
    assert f"mailbox {inbox.pk}: received: 1" in out
    assert IncomingDocument.objects.filter(organisation=w.other).count() == 1


def test_the_poll_task(w, mailbox, inbox, smtp, signed_pdf):
    from motcua.documents.tasks_mail import poll_mailbox

    smtp_send(
        smtp,
        to=[mailbox.address],
        subject="Báo cáo",
        body_text="x",
        attachments=[("bc.pdf", "application/pdf", signed_pdf)],
    )
    wait_delivered(svc.mailbox_config(inbox))

    result = poll_mailbox.enqueue(inbox.pk)

    assert result.return_value == "received: 1"


# --- delivery verdicts ----------------------------------------------------------------------------


def issued(w, signed_pdf, *addresses):  # type: ignore[no-untyped-def]
    doc = issue_by_email(w, signed_pdf, *addresses)
    doc.state = OutgoingState.ISSUED
    doc.issued_at = svc.shell.now()
    doc.save()
    return doc


def test_a_permanent_refusal_fails_the_recipient_with_the_servers_reply(w, relay, signed_pdf):
    doc = issued(w, signed_pdf, f"khongco@{DOMAIN}")
    recipient = doc.recipients.get()

    assert svc.deliver_recipient(recipient.pk) == "failed"

    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.FAILED
    assert recipient.last_error.startswith("550 5.1.1") and recipient.attempts == 1
    row = ExchangeMessage.objects.get(recipient=recipient)
    assert row.outcome == "failed" and "550 5.1.1" in row.detail and row.raw
    assert svc.deliver_recipient(recipient.pk) == "already_failed"  # never sent again


def test_a_temporary_refusal_is_retried_with_backoff_then_fails(w, relay, signed_pdf):
    # given: a recipient whose mailbox stays busy (450)
    doc = issued(w, signed_pdf, f"{BUSY_PREFIX}so@{DOMAIN}")
    recipient = doc.recipients.get()
    start = svc.shell.now()

    # when: the first attempt
    assert svc.deliver_recipient(recipient.pk) == "deferred"

    # then: still pending, retried in 2 minutes; not before
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.PENDING and recipient.attempts == 1
    assert recipient.last_error.startswith("450 4.2.1")
    assert start + dt.timedelta(minutes=2) <= recipient.next_attempt_at
    assert svc.deliver_recipient(recipient.pk) == "not_due"
    assert svc.email_deliveries_retry_due() == 0
    event = DocumentEvent.objects.filter(outgoing=doc, action="delivery").last()
    assert event.data["status"] == "deferred"

    # when: time passes, the cron sweep re-enqueues each due retry (back-off doubles)
    waits = []
    for _ in range(svc.MAX_ATTEMPTS - 1):
        recipient.refresh_from_db()
        waits.append(recipient.next_attempt_at)
        with time_machine.travel(recipient.next_attempt_at + dt.timedelta(seconds=1)):
            assert svc.email_deliveries_retry_due() == 1

    # then: after MAX_ATTEMPTS attempts it failed, with the last reply
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.FAILED
    assert recipient.attempts == svc.MAX_ATTEMPTS
    assert recipient.last_error.startswith("450")
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps))
    outcomes = list(
        ExchangeMessage.objects.filter(recipient=recipient).order_by("id").values_list("outcome")
    )
    assert outcomes == [("deferred",)] * (svc.MAX_ATTEMPTS - 1) + [("failed",)]
    first = ExchangeMessage.objects.filter(recipient=recipient).order_by("id").first()
    assert set(
        ExchangeMessage.objects.filter(recipient=recipient)
        .exclude(pk=first.pk)
        .values_list("related", flat=True)
    ) == {first.pk}
    # every attempt carried the same Message-ID
    assert (
        len(
            set(
                ExchangeMessage.objects.filter(recipient=recipient).values_list(
                    "external_id", flat=True
                )
            )
        )
        == 1
    )


def test_an_unreachable_relay_is_temporary(w, relay, monkeypatch, signed_pdf):
    from motcua.documents.tests.mail.servers import free_port

    monkeypatch.setenv("MOTCUA_SMTP_PORT", str(free_port()))
    doc = issued(w, signed_pdf, f"ai@{DOMAIN}")

    assert svc.deliver_recipient(doc.recipients.get().pk) == "deferred"


def test_without_a_relay_the_recipient_fails_with_the_reason(w, signed_pdf):
    doc = issued(w, signed_pdf, f"ai@{DOMAIN}")
    recipient = doc.recipients.get()

    assert svc.deliver_recipient(recipient.pk) == "failed"

    recipient.refresh_from_db()
    assert "MOTCUA_SMTP_HOST" in recipient.last_error


def test_a_claimed_recipient_is_not_sent_twice(w, relay, mailbox, signed_pdf):
    # given: a recipient claimed by a task that is sending right now
    doc = issued(w, signed_pdf, mailbox.address)
    recipient = doc.recipients.get()
    claimed, _why = svc._claim(recipient.pk)
    assert claimed is not None

    # when: a duplicate task runs, and the cron sweep looks
    assert svc.deliver_recipient(recipient.pk) == "not_due"
    assert svc.email_deliveries_retry_due() == 0

    # then: nothing was sent; once the claim expires (the worker died) it is sent
    assert not ExchangeMessage.objects.exists()
    with time_machine.travel(claimed.next_attempt_at + dt.timedelta(seconds=1)):
        assert svc.email_deliveries_retry_due() == 1
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.SENT
    assert Recipient.objects.get(pk=recipient.pk).statuses.count() == 1


def test_a_secret_document_is_never_sent_by_email(w, relay, mailbox, signed_pdf):
    from motcua.documents.enums import Confidentiality

    doc = issued(w, signed_pdf, mailbox.address)
    doc.confidentiality = Confidentiality.SECRET
    doc.save()
    recipient = doc.recipients.get()

    assert svc.deliver_recipient(recipient.pk) == "failed"

    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.FAILED
    assert not ExchangeMessage.objects.get().raw  # nothing was built, nothing sent
