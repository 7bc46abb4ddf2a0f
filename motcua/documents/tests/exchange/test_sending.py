"""Sending issued documents and status packages: to a peer deployment (a stand-in inbox) and to
the axis (the stand-in axis); retries with back-off; secret documents never leave."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from motcua.core.errors import Conflict
from motcua.documents.edxml import parse
from motcua.documents.enums import (
    Channel,
    Confidentiality,
    DeliveryStatus,
    OutgoingState,
    Source,
)
from motcua.documents.exchange.peer import MAX_ATTEMPTS, backoff
from motcua.documents.exchange.signing import sha256_hex
from motcua.documents.models import (
    Agency,
    ExchangeMessage,
    ExchangePeer,
    IncomingDocument,
    OutboundStatus,
    Recipient,
)
from motcua.documents.services import exchange
from motcua.documents.services import incoming as incoming_svc
from motcua.documents.services import outgoing as svc
from motcua.documents.services.outgoing import RecipientInput
from motcua.documents.tests.exchange import packages
from motcua.documents.tests.exchange.axis_standin import AxisStandin
from motcua.documents.tests.exchange.peer_standin import PeerStandin
from motcua.documents.tests.factories import signed_outgoing, world

pytestmark = pytest.mark.django_db
BAC_LIEU = "000.00.00.H05"
SECRET = "camau-baclieu"
T0 = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def w(db):  # type: ignore[no-untyped-def]
    return world()


@pytest.fixture
def peer(w, monkeypatch):  # type: ignore[no-untyped-def]
    """Bạc Liêu's MotCua, reached over HTTP (a stand-in inbox), and its agency."""
    monkeypatch.setenv("MOTCUA_TEST_PEER_SECRET", SECRET)
    with PeerStandin(systems={"motcua-camau": SECRET}) as standin:
        row = ExchangePeer.objects.create(
            name="MotCua Bạc Liêu",
            base_url=standin.url,
            system_id="motcua-camau",
            peer_system_id="motcua-baclieu",
            secret_ref="env:MOTCUA_TEST_PEER_SECRET",
        )
        agency = Agency.objects.create(
            organ_id=BAC_LIEU, name="UBND tỉnh Bạc Liêu", channel=Channel.PEER, peer=row
        )
        yield standin, agency


@pytest.fixture
def axis(w, monkeypatch):  # type: ignore[no-untyped-def]
    """The national axis (the stand-in), our system on it, and a ministry reached by it."""
    with AxisStandin(
        systems={
            "motcua-camau": ("axis-secret", {w.agency.agency_code, w.other.agency_code}),
            "ministry": ("ministry-secret", {packages.MINISTRY}),
        }
    ) as standin:
        monkeypatch.setenv("MOTCUA_AXIS_URL", standin.url)
        monkeypatch.setenv("MOTCUA_AXIS_SYSTEM_ID", "motcua-camau")
        monkeypatch.setenv("MOTCUA_AXIS_SECRET", "axis-secret")
        agency = Agency.objects.create(
            organ_id=packages.MINISTRY, name=packages.MINISTRY_NAME, channel=Channel.AXIS
        )
        yield standin, agency


def issue(w, recipients, django_capture_on_commit_callbacks, **kwargs):  # type: ignore[no-untyped-def]
    """Number, seal (the PDF steps are tested elsewhere) and issue a decision."""
    document = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w, **kwargs))
    document.state = OutgoingState.SEALED
    document.save()
    svc._recipients_replace(document, recipients)
    with django_capture_on_commit_callbacks(execute=True):
        return svc.outgoing_issue(actor=w.clerk, document=document)


def test_an_issued_document_goes_to_the_peer_and_to_the_axis(
    w, peer, axis, django_capture_on_commit_callbacks
):
    peer_inbox, bac_lieu = peer
    axis_standin, ministry = axis
    # when the clerk issues a decision to an agency on a peer deployment and one on the axis
    document = issue(
        w,
        [RecipientInput(agency=bac_lieu), RecipientInput(agency=ministry)],
        django_capture_on_commit_callbacks,
    )
    # then each got the edXML package of the document, addressed to it
    (delivery,) = peer_inbox.deliveries
    assert (delivery.system_id, delivery.recipient, delivery.kind) == (
        "motcua-camau",
        BAC_LIEU,
        "edoc",
    )
    sent = parse(delivery.body)
    assert sent.document_id == document.document_id
    assert [o.organ_id for o in sent.to] == [BAC_LIEU]
    assert (sent.from_.organ_id, sent.code_number, sent.code_notation) == (
        w.agency.agency_code,
        "01",
        "QĐ-UBND",
    )
    assert sent.to_places == ["UBND tỉnh Bạc Liêu", packages.MINISTRY_NAME]
    (on_axis,) = axis_standin.pending_for(packages.MINISTRY)
    assert on_axis.from_organ == w.agency.agency_code
    assert parse(on_axis.body).document_id == document.document_id
    # and both recipients are "sent", each attempt in the exchange log with its raw package
    assert sorted(document.recipients.values_list("channel", "status")) == [
        (Channel.AXIS, DeliveryStatus.SENT),
        (Channel.PEER, DeliveryStatus.SENT),
    ]
    logged = {m.channel: m for m in ExchangeMessage.objects.filter(direction="out")}
    assert logged[Channel.PEER].sha256 == sha256_hex(delivery.body)
    assert logged[Channel.AXIS].sha256 == sha256_hex(on_axis.body)
    assert logged[Channel.AXIS].external_id == on_axis.doc_id
    assert {m.outcome for m in logged.values()} == {"sent"}


def test_transient_failures_are_retried_with_exponential_back_off(
    w, peer, django_capture_on_commit_callbacks
):
    peer_inbox, bac_lieu = peer
    peer_inbox.fail_next(2, status=503)
    # given the first attempt fails (the peer answers 503)
    with time_machine.travel(T0, tick=False):
        document = issue(w, [RecipientInput(agency=bac_lieu)], django_capture_on_commit_callbacks)
    recipient = document.recipients.get()
    assert (recipient.status, recipient.attempts) == (DeliveryStatus.PENDING, 1)
    assert recipient.next_attempt_at == T0 + backoff(1)
    assert "503" in recipient.last_error
    # when the retry sweep runs before the time has come, nothing is sent
    with time_machine.travel(T0 + backoff(1) - dt.timedelta(seconds=1), tick=False):
        assert exchange.exchange_retry_due() == (0, 0)
    # then at its time the second attempt fails too and waits twice as long
    second = T0 + backoff(1)
    with time_machine.travel(second, tick=False):
        assert exchange.exchange_retry_due() == (1, 0)
    recipient.refresh_from_db()
    assert recipient.attempts == 2
    assert recipient.next_attempt_at == second + backoff(2)
    assert backoff(2) == 2 * backoff(1)
    # and the third attempt gets through
    with time_machine.travel(second + backoff(2), tick=False):
        assert exchange.exchange_retry_due() == (1, 0)
    recipient.refresh_from_db()
    assert (recipient.status, recipient.attempts, recipient.next_attempt_at) == (
        DeliveryStatus.SENT,
        3,
        None,
    )
    outcomes = list(
        ExchangeMessage.objects.filter(recipient=recipient).order_by("id").values_list("outcome")
    )
    assert outcomes == [("failed",), ("failed",), ("sent",)]
    assert len(peer_inbox.deliveries) == 1
    # and a sweep later finds nothing more to do
    with time_machine.travel(second + dt.timedelta(days=1), tick=False):
        assert exchange.exchange_retry_due() == (0, 0)


def test_a_refusal_by_the_peer_is_final(w, peer, django_capture_on_commit_callbacks):
    peer_inbox, bac_lieu = peer
    peer_inbox.fail_next(1, status=422)
    document = issue(w, [RecipientInput(agency=bac_lieu)], django_capture_on_commit_callbacks)
    recipient = document.recipients.get()
    assert (recipient.status, recipient.attempts, recipient.next_attempt_at) == (
        DeliveryStatus.FAILED,
        1,
        None,
    )
    assert exchange.exchange_retry_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == (
        0,
        0,
    )
    assert peer_inbox.deliveries == []


def test_after_the_last_attempt_the_delivery_has_failed(
    w, peer, django_capture_on_commit_callbacks
):
    peer_inbox, bac_lieu = peer
    peer_inbox.fail_next(MAX_ATTEMPTS, status=503)
    at = T0
    with time_machine.travel(at, tick=False):
        document = issue(w, [RecipientInput(agency=bac_lieu)], django_capture_on_commit_callbacks)
    recipient = document.recipients.get()
    for _ in range(MAX_ATTEMPTS - 1):
        recipient.refresh_from_db()
        at = recipient.next_attempt_at
        with time_machine.travel(at, tick=False):
            exchange.exchange_retry_due()
    recipient.refresh_from_db()
    assert (recipient.status, recipient.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert recipient.next_attempt_at is None
    assert peer_inbox.deliveries == []


def test_a_secret_document_is_never_sent_electronically(w, axis):
    axis_standin, _ministry = axis
    # given a secret document that reached "issued" with a recipient on the axis (the issue
    # service refuses this; the sender refuses it again, whatever put the row there)
    document = svc.outgoing_number(
        actor=w.clerk, document=signed_outgoing(w, confidentiality=Confidentiality.SECRET)
    )
    document.state = OutgoingState.ISSUED
    document.issued_at = document.numbered_at
    document.save()
    recipient = document.recipients.create(
        name=packages.MINISTRY_NAME, organ_id=packages.MINISTRY, channel=Channel.AXIS
    )
    # when the sender runs, then nothing is built or sent
    with pytest.raises(Conflict) as caught:
        exchange.outgoing_package_build(document, to=[recipient])
    assert caught.value.code == "secret_not_electronic"
    assert exchange.deliver_recipient(recipient.pk) == "refused"
    assert axis_standin.edocs == {}
    assert axis_standin.requests_seen == []
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.FAILED
    refused = ExchangeMessage.objects.get()
    assert (refused.outcome, refused.size, bool(refused.raw)) == ("refused", 0, False)


def test_statuses_go_back_to_a_sender_on_the_axis(w, axis, django_capture_on_commit_callbacks):
    axis_standin, _ministry = axis
    body = packages.edoc(to=[w.agency.agency_code])
    # given a decision of the ministry received from the axis
    with django_capture_on_commit_callbacks(execute=True):
        receipt = exchange.package_receive(
            body=exchange._spooled(body), channel=Channel.AXIS, recipient=w.agency.agency_code
        )
    document = receipt.incoming
    # then "arrived" and "registered" went to the ministry through the axis
    sent = [e for e in axis_standin.edocs.values() if e.message_type == "status"]
    assert [(e.from_organ, e.to_organs) for e in sent] == [
        (w.agency.agency_code, [packages.MINISTRY]),
        (w.agency.agency_code, [packages.MINISTRY]),
    ]
    codes = [parse(e.body).status_code for e in sent]
    assert codes == ["01", "03"]
    assert parse(sent[0].body).response_for.document_id == document.document_id
    # and "assigned" follows when the leader assigns it
    with django_capture_on_commit_callbacks(execute=True):
        incoming_svc.incoming_assign(actor=w.leader, document=document, lead_unit=w.unit)
    sent = [e for e in axis_standin.edocs.values() if e.message_type == "status"]
    assert [parse(e.body).status_code for e in sent] == ["01", "03", "04"]
    assert all(row.sent_at for row in OutboundStatus.objects.all())


def test_statuses_of_our_own_agencies_update_the_issuer_at_once(
    w, django_capture_on_commit_callbacks
):
    # given our agency issued a decision to another of our agencies
    document = issue(w, [RecipientInput(organisation=w.other)], django_capture_on_commit_callbacks)
    received = IncomingDocument.objects.get(organisation=w.other)
    # when the other agency's leader assigns it and the lead unit starts on it
    with django_capture_on_commit_callbacks(execute=True):
        incoming_svc.incoming_assign(
            actor=w.outsider_leader, document=received, lead_unit=w.other_unit
        )
    # then the issuer's recipient row follows
    recipient = document.recipients.get()
    assert recipient.status == DeliveryStatus.ASSIGNED
    assert list(recipient.statuses.values_list("status", flat=True)) == ["sent", "01", "03", "04"]
    assert ExchangeMessage.objects.count() == 0  # nothing went over the wire


def test_a_sender_without_an_electronic_route_gets_no_status(w, django_capture_on_commit_callbacks):
    fields = incoming_svc.IncomingFields(sender_name="Báo Cà Mau", subject="Thư mời")
    with django_capture_on_commit_callbacks(execute=True):
        document = incoming_svc.incoming_create_received(
            organisation=w.agency, source=Source.EMAIL, channel=Channel.EMAIL, fields=fields,
            files=[svc.FileInput("thu-moi.pdf", b"%PDF-1.4", "application/pdf")],
        )  # fmt: skip
        document.document_id = "BAOCAMAU,2026/03/01,12/GM"
        document.save()
        incoming_svc.incoming_register(actor=w.clerk, document=document)
    row = OutboundStatus.objects.get()
    assert (row.sent_at, row.attempts, row.last_error) == (
        None,
        1,
        "no electronic route back to the sender",
    )
    assert exchange.exchange_retry_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == (
        0,
        0,
    )


def test_recipients_on_other_channels_are_not_the_exchange_s(w):
    document = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    paper = Recipient.objects.create(document=document, name="Lưu VT", channel=Channel.PAPER)
    assert exchange.deliver_recipient(paper.pk) == "not_exchange"
    assert exchange.deliver_recipient(10**9) == "missing"


def test_with_the_database_task_backend_the_retry_is_a_deferred_task(
    w, peer, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    peer_inbox, bac_lieu = peer
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    document = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    document.state = OutgoingState.ISSUED
    document.issued_at = document.numbered_at
    document.save()
    recipient = document.recipients.create(
        agency=bac_lieu, organ_id=BAC_LIEU, name=bac_lieu.name, channel=Channel.PEER
    )
    # when an attempt fails for a while (the worker runs it)
    peer_inbox.fail_next(1, status=503)
    with django_capture_on_commit_callbacks(execute=True):
        assert exchange.deliver_recipient(recipient.pk) == "retrying"
    # then the retry waits in the task queue until its time
    recipient.refresh_from_db()
    (queued,) = DBTaskResult.objects.filter(task_path="motcua.documents.tasks.deliver_recipient")
    assert queued.args_kwargs["args"] == [recipient.pk]
    assert queued.run_after == recipient.next_attempt_at
