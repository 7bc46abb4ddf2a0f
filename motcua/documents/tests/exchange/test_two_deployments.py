"""Two MotCua deployments exchange a decision end to end (issue 13, "Done when").

Deployment A is this test's Django (its live server, its database); deployment B is a second
MotCua process — `manage.py runserver` on a free port with its own SQLite database, migrated
in a temporary directory, and its own agency code. A's clerk issues a decision to B's agency;
B receives and registers it, its leader assigns it, its specialist processes and answers it;
every status package and the answer travel back to A over signed HTTP requests.
"""

from __future__ import annotations

from motcua.documents.enums import Channel, DeliveryStatus, DocumentType, IncomingState
from motcua.documents.models import ExchangeMessage, IncomingDocument
from motcua.documents.services import outgoing as svc
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.documents.tests.exchange.deployment_b import B_CODE, B_UNIT, server_threads_finish
from motcua.documents.tests.factories import world

# The development PKI of the signatures tests, the settings that trust it (autouse), and the
# signer's and the agency's certificates for factories.world(0): shared on purpose.
from motcua.documents.tests.signing.conftest import SIGNER_POSITION, doc_identities  # noqa: F401
from motcua.signatures.tests.conftest import _signature_settings, dev_pki, register  # noqa: F401


def plain_pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Phụ lục: danh sách cơ quan kết nối.</p>").write_pdf()


def test_a_decision_travels_to_another_deployment_and_every_status_comes_back(
    transactional_db,
    live_server,
    deployment_b,
    doc_identities,  # noqa: F811 - the fixture imported above
):
    # given deployment A (this process): Cà Mau, with B as a peer hosting Bạc Liêu, and
    # deployment B: Bạc Liêu, with A as a peer hosting Cà Mau's agency
    w = world()
    bac_lieu = deployment_b.connect(a_url=live_server.url, a_agency=w.agency)

    # when A's signer signs a decision (with an appendix), the clerk numbers it, signs it for
    # the agency and issues it to Bạc Liêu
    register(doc_identities.signer, user=w.signer)
    register(doc_identities.agency, organisation=w.agency)
    appendix = FileInput("phu-luc.pdf", plain_pdf_bytes(), "application/pdf")
    decision = svc.outgoing_create(
        actor=w.drafter,
        organisation=w.agency,
        document_type=DocumentType.QUYET_DINH,
        subject="Về việc triển khai liên thông văn bản điện tử giữa hai tỉnh",
        content="Điều 1. Triển khai liên thông văn bản điện tử.\nĐiều 2. Hiệu lực từ ngày ký.",
        signer=w.signer,
        signer_position=SIGNER_POSITION,
        signer_competence="TM.",
        recipients=[RecipientInput(agency=bac_lieu)],
        attachments=[appendix],
    )
    decision = svc.outgoing_submit(actor=w.drafter, document=decision)
    decision = svc.outgoing_sign(actor=w.signer, document=decision)
    decision = svc.outgoing_number(actor=w.clerk, document=decision)
    decision = svc.outgoing_seal(actor=w.clerk, document=decision)
    decision = svc.outgoing_issue(actor=w.clerk, document=decision)

    # then B has registered it, and "arrived" and "registered" are back on A
    recipient = decision.recipients.get()
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.ACCEPTED, recipient.last_error
    b_side = deployment_b.command("report")
    (received,) = b_side["incoming"]
    assert received["document_id"] == decision.document_id
    assert (received["arrival_number"], received["state"], received["channel"]) == (
        1,
        IncomingState.REGISTERED,
        Channel.PEER,
    )
    assert sorted(name for name, _sha in received["files"]) == [
        f"{decision.number_notation.replace('/', '-')}.pdf",
        "phu-luc.pdf",
    ]
    # and B checked the person's and the organisation's signatures before registering it
    assert received["signature_verdict"] == "valid"

    # when B's leader assigns it, the specialist starts on it, B answers and finishes it
    result = deployment_b.command(
        "process",
        document_id=decision.document_id,
        unit_code=B_UNIT,
        partner_code=w.agency.agency_code,
    )
    assert result["state"] == IncomingState.DONE

    # then every status travelled back to A, in order, and A tracks the decision as finished
    recipient.refresh_from_db()
    history = list(recipient.statuses.order_by("at", "id").values_list("status", flat=True))
    # ("arrived" and "registered" reach A while A's delivery request is still open: they may
    # be recorded before "sent")
    assert [s for s in history if s != "sent"] == ["01", "03", "04", "05", "06"]
    assert history.count("sent") == 1
    assert recipient.status == DeliveryStatus.FINISHED
    # and B's answer is registered on A as a reply to the decision
    answer = IncomingDocument.objects.get(organisation=w.agency)
    assert answer.document_id == result["reply_document_id"]
    assert answer.in_reply_to == decision
    assert (answer.sender_organ_id, answer.channel, answer.arrival_number) == (
        B_CODE,
        Channel.PEER,
        1,
    )
    assert answer.state == IncomingState.REGISTERED
    # and A's exchange log holds every package, sent and received
    inbound = ExchangeMessage.objects.filter(direction="in")
    assert sorted(inbound.values_list("kind", "status_code", "outcome")) == sorted(
        [("status", code, "received") for code in ("01", "03", "04", "05", "06")]
        + [("edoc", "", "received")]
    )
    assert list(
        ExchangeMessage.objects.filter(direction="out", kind="edoc").values_list("outcome")
    ) == [("sent",)]

    # and on B: every status of the received decision went out, and A's "arrived" and
    # "registered" came back for B's answer
    b_side = deployment_b.command("report")
    (received,) = b_side["incoming"]
    assert received["state"] == IncomingState.DONE
    assert received["statuses_sent"] == [[code, True] for code in ("01", "03", "04", "05", "06")]
    (reply,) = b_side["outgoing"]
    (to_a,) = reply["recipients"]
    assert to_a["organ_id"] == w.agency.agency_code
    assert sorted(to_a["history"]) == ["01", "03", "sent"]
    assert to_a["status"] == DeliveryStatus.ACCEPTED
    server_threads_finish()
