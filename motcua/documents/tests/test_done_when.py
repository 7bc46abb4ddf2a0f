"""Issue 13, "Done when", in one flow: a clerk in one deployment issues a signed decision to two
agencies — one on a second deployment that receives, registers, assigns, processes and answers
it, every status travelling back; the other reached by e-mail — and the registers on both sides
show it all.

Deployment A is this test's Django (its live server, its database); deployment B is a second
MotCua process with its own SQLite database (exchange/deployment_b.py). The agency reached by
e-mail has its mailbox on the real dovecot the mail tests start (mail/conftest.py); the relay
is their SMTP server, which delivers into it. The registers are read as their downloads make
them: the download's filters, the register's queryset and row builder, and its .xlsx read back
with openpyxl (`deployment_b.registers_read`, on both sides).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from motcua.documents import registers
from motcua.documents.enums import (
    Channel,
    DeliveryStatus,
    DocumentType,
    ExchangeDirection,
    IncomingState,
    OutgoingState,
)
from motcua.documents.mail import mailbox_fetch
from motcua.documents.models import Agency, ExchangeMessage, IncomingDocument
from motcua.documents.services import outgoing as svc
from motcua.documents.services.outgoing import RecipientInput

# Deployment B (a second MotCua process) and the way to read a deployment's registers.
from motcua.documents.tests.exchange.conftest import deployment_b  # noqa: F401 - fixture
from motcua.documents.tests.exchange.deployment_b import (
    B_CODE,
    B_NAME,
    B_UNIT,
    registers_read,
    server_threads_finish,
)
from motcua.documents.tests.factories import world

# The real mail servers (skipped with the reason when dovecot is missing), a fresh mailbox on
# them, the relay in the environment; no MOTCUA_SMTP_*/MOTCUA_IMAP_* of the machine (autouse).
from motcua.documents.tests.mail.conftest import (  # noqa: F401 - fixtures
    _no_mail_env,
    mail_servers,
    mailbox,
    relay,
    wait_delivered,
)

# The development PKI, the settings that trust it (autouse), the signer's and the agency's
# certificates for factories.world(0).
from motcua.documents.tests.signing.conftest import SIGNER_POSITION, doc_identities  # noqa: F401
from motcua.signatures.enums import SignatureRole, Verdict
from motcua.signatures.tests.conftest import _signature_settings, dev_pki, register  # noqa: F401
from motcua.signatures.verification import verify_pdf

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

MAIL_AGENCY_CODE = "000.00.16.H97"
MAIL_AGENCY_NAME = "Ban Quản lý Khu kinh tế tỉnh Thử 0"
SUBJECT = "Về việc triển khai liên thông văn bản điện tử giữa hai tỉnh"
STATUSES = ["01", "03", "04", "05", "06"]


def xlsx_line(row: dict[str, Any], layout: registers.Layout) -> list[Any]:
    """What the register's .xlsx line holds for `row`: its columns in order, empty as None."""
    return [None if row[c.key] in ("", None) else row[c.key] for c in layout.columns]


def only(read: dict[str, Any], name: str) -> dict[str, Any]:
    """The one line of register `name`, after checking the .xlsx holds exactly that line."""
    layout = registers.REGISTERS[name].layout
    (row,) = read[name]["rows"]
    assert read[name]["lines"] == [xlsx_line(row, layout)], name
    assert read[name]["headings"] == [str(c.heading) for c in layout.columns]
    return dict(row)


def test_a_signed_decision_reaches_another_deployment_and_a_mailbox_and_the_registers_show_it(
    transactional_db,
    live_server,
    relay,  # noqa: F811 - the fixture imported above
    mailbox,  # noqa: F811
    deployment_b,  # noqa: F811
    doc_identities,  # noqa: F811
):
    # given deployment A (this process): the province of factories.world(0), its signer and
    # its agency with their certificates; Bạc Liêu on deployment B, a peer of A
    w = world()
    register(doc_identities.signer, user=w.signer)
    register(doc_identities.agency, organisation=w.agency)
    bac_lieu = deployment_b.connect(a_url=live_server.url, a_agency=w.agency)
    # and an agency that is not connected, reached at its official mailbox on the test dovecot
    by_mail = Agency.objects.create(
        organ_id=MAIL_AGENCY_CODE,
        name=MAIL_AGENCY_NAME,
        email=mailbox.address,
        channel=Channel.EMAIL,
    )

    # when A's signer signs a decision, the clerk numbers it, signs it for the agency and
    # issues it to both
    decision = svc.outgoing_create(
        actor=w.drafter,
        organisation=w.agency,
        document_type=DocumentType.QUYET_DINH,
        subject=SUBJECT,
        content="Điều 1. Triển khai liên thông văn bản điện tử.\nĐiều 2. Hiệu lực từ ngày ký.",
        signer=w.signer,
        signer_position=SIGNER_POSITION,
        signer_competence="TM.",
        recipients=[RecipientInput(agency=bac_lieu), RecipientInput(agency=by_mail)],
    )
    decision = svc.outgoing_submit(actor=w.drafter, document=decision)
    decision = svc.outgoing_sign(actor=w.signer, document=decision)
    decision = svc.outgoing_number(actor=w.clerk, document=decision)
    decision = svc.outgoing_seal(actor=w.clerk, document=decision)
    decision = svc.outgoing_issue(actor=w.clerk, document=decision)
    today = timezone.localdate()

    # then B received it and registered it: "arrived" and "registered" are back on A
    to_b, to_mail = decision.recipients.order_by("id")
    to_b.refresh_from_db()
    assert (to_b.channel, to_b.organ_id) == (Channel.PEER, B_CODE)
    assert to_b.status == DeliveryStatus.ACCEPTED, to_b.last_error

    # and the other agency's mailbox holds the message with the signed PDF: read over IMAP,
    # its signer's and organisation's signatures verify
    to_mail.refresh_from_db()
    assert (to_mail.channel, to_mail.email) == (Channel.EMAIL, mailbox.address)
    assert to_mail.status == DeliveryStatus.SENT, to_mail.last_error
    wait_delivered(mailbox.imap)
    (message,) = mailbox_fetch(mailbox.imap, after_uid=0, uidvalidity=None)
    assert message.subject == f"{decision.number_notation}: {SUBJECT}"
    (pdf,) = message.attachments
    assert pdf.name == f"{decision.number_notation.replace('/', '-')}.pdf"
    with decision.signed_document.file.open("rb") as issued:
        assert pdf.data == issued.read()
    report = verify_pdf(pdf.data)
    assert report.verdict == Verdict.VALID, report.reason
    assert [(s.role, s.valid, s.intact, s.trusted) for s in report.signatures] == [
        (SignatureRole.PERSON, True, True, True),
        (SignatureRole.ORGANISATION, True, True, True),
    ]
    assert [s.signer_name for s in report.signatures] == [w.signer.full_name, w.agency.name]

    # when B's leader assigns it, the specialist works on it, answers it and finishes it
    done = deployment_b.command(
        "process",
        document_id=decision.document_id,
        unit_code=B_UNIT,
        partner_code=w.agency.agency_code,
    )
    assert done["state"] == IncomingState.DONE

    # then every status travelled back to A's recipient row, in order
    to_b.refresh_from_db()
    history = list(to_b.statuses.order_by("at", "id").values_list("status", flat=True))
    # ("arrived" and "registered" reach A while A's delivery request is still open: they may
    # be recorded before "sent")
    assert [s for s in history if s != DeliveryStatus.SENT] == STATUSES
    assert history.count(DeliveryStatus.SENT) == 1
    assert to_b.status == DeliveryStatus.FINISHED
    to_mail.refresh_from_db()
    assert to_mail.status == DeliveryStatus.SENT
    assert list(to_mail.statuses.values_list("status", flat=True)) == [DeliveryStatus.SENT]
    # and B's answer is registered on A, linked to the decision it answers
    answer = IncomingDocument.objects.get(organisation=w.agency)
    assert answer.document_id == done["reply_document_id"]
    assert answer.in_reply_to == decision
    assert (answer.state, answer.channel, answer.arrival_number) == (
        IncomingState.REGISTERED,
        Channel.PEER,
        1,
    )
    # and A's exchange log holds the decision sent to B, the e-mail, every status received,
    # the answer received and the statuses A sent back for it
    log = ExchangeMessage.objects.values_list(
        "direction", "channel", "kind", "status_code", "outcome", "document_id"
    )
    out, into = ExchangeDirection.OUT, ExchangeDirection.IN
    assert sorted(log) == sorted(
        [
            (out, Channel.PEER, "edoc", "", "sent", decision.document_id),
            (out, Channel.EMAIL, "email", "", "sent", decision.document_id),
            *[
                (into, Channel.PEER, "status", c, "received", decision.document_id)
                for c in STATUSES
            ],
            (into, Channel.PEER, "edoc", "", "received", answer.document_id),
            *[(out, Channel.PEER, "status", c, "sent", answer.document_id) for c in ("01", "03")],
        ]
    )
    received_statuses = ExchangeMessage.objects.filter(direction=into, kind="status")
    assert list(received_statuses.order_by("id").values_list("status_code", flat=True)) == STATUSES
    email = ExchangeMessage.objects.get(kind="email")
    assert (email.recipient, email.external_id) == (to_mail, message.message_id)

    # then B's side: the decision came by the exchange, both its signatures were checked
    # before it was registered (arrival number 1); every status of it went out; B's answer
    # to it reached A
    b_side = deployment_b.command("report", registers=True)
    (received,) = b_side["incoming"]
    assert (received["document_id"], received["number_notation"]) == (
        decision.document_id,
        decision.number_notation,
    )
    assert (received["arrival_number"], received["state"], received["channel"]) == (
        1,
        IncomingState.DONE,
        Channel.PEER,
    )
    assert received["signature_verdict"] == Verdict.VALID
    assert received["statuses_sent"] == [[code, True] for code in STATUSES]
    (reply,) = b_side["outgoing"]
    assert reply["document_id"] == answer.document_id
    assert reply["response_for"] == decision.document_id
    assert reply["number_notation"] == answer.number_notation
    (reply_to_a,) = reply["recipients"]
    assert reply_to_a["status"] == DeliveryStatus.ACCEPTED

    # and A's registers: the decision in the outgoing register, with both recipients and the
    # date it was sent; B's answer in the incoming register
    a_registers = registers_read(user=w.clerk, agency=w.agency)
    line = only(a_registers, "outgoing")
    assert line["id"] == decision.pk
    assert line["number_notation"] == decision.number_notation
    assert line["date"] == decision.issued_date.isoformat() == today.isoformat()
    assert line["type_and_summary"] == f"Quyết định {SUBJECT[0].lower()}{SUBJECT[1:]}"
    assert line["signer"] == w.signer.full_name
    assert line["recipients"] == f"UBND tỉnh Bạc Liêu; {MAIL_AGENCY_NAME}"
    assert line["sent_on"] == today.isoformat()
    assert line["state"] == OutgoingState.ISSUED
    line = only(a_registers, "incoming")
    assert line["id"] == answer.pk
    assert (line["arrival_number"], line["arrival_date"]) == (1, today.isoformat())
    assert (line["author"], line["number_notation"]) == (B_NAME, reply["number_notation"])
    assert line["state"] == IncomingState.REGISTERED
    assert a_registers["tracker"]["rows"] == a_registers["tracker"]["lines"] == []  # unassigned

    # and B's registers: the decision in the incoming register with its arrival number, in the
    # processing tracker finished with the answer's number; the answer in the outgoing register
    b_registers = b_side["registers"]
    line = only(b_registers, "incoming")
    assert (line["arrival_number"], line["arrival_date"]) == (1, today.isoformat())
    assert (line["author"], line["number_notation"]) == (w.agency.name, decision.number_notation)
    assert line["date"] == today.isoformat()
    assert line["receiver"] == "Văn phòng UBND tỉnh"
    assert line["state"] == IncomingState.DONE
    line = only(b_registers, "tracker")
    assert line["arrival_number"] == 1
    assert decision.number_notation in line["document"] and w.agency.name in line["document"]
    assert line["progress"].startswith(f"Đã hoàn thành ngày {today:%d/%m/%Y}")
    assert line["replies"] == reply["number_notation"]
    assert line["state"] == IncomingState.DONE
    line = only(b_registers, "outgoing")
    assert line["number_notation"] == reply["number_notation"]
    assert line["recipients"] == w.agency.name
    assert line["sent_on"] == today.isoformat()
    server_threads_finish()
