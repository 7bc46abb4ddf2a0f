"""A peer MotCua deployment posts signed packages to our inbox (Django's live server); the
peer client is the real one. Our status packages go back to the peer (a stand-in inbox)."""

from __future__ import annotations

import threading

import pytest
import requests

from motcua.documents.enums import Channel, IncomingState
from motcua.documents.exchange.peer import Peer, PeerClient, PeerError
from motcua.documents.exchange.signing import sha256_hex, sign_request
from motcua.documents.models import (
    Agency,
    ExchangeMessage,
    ExchangePeer,
    IncomingDocument,
    OutboundStatus,
)
from motcua.documents.tests.exchange import packages
from motcua.documents.tests.exchange.peer_standin import PeerStandin
from motcua.documents.tests.factories import world

BAC_LIEU = "000.00.00.H05"  # hosted by the peer deployment
SECRET = "shared-secret-of-camau-and-baclieu"


@pytest.fixture
def setup(transactional_db, live_server, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MOTCUA_TEST_PEER_SECRET", SECRET)
    w = world()
    with PeerStandin(systems={"motcua-camau": SECRET}) as standin:
        row = ExchangePeer.objects.create(
            name="MotCua Bạc Liêu",
            base_url=standin.url,
            system_id="motcua-camau",
            peer_system_id="motcua-baclieu",
            secret_ref="env:MOTCUA_TEST_PEER_SECRET",
        )
        Agency.objects.create(
            organ_id=BAC_LIEU, name="UBND tỉnh Bạc Liêu", channel=Channel.PEER, peer=row
        )
        client = PeerClient(
            Peer(
                base_url=live_server.url,
                our_system_id="motcua-baclieu",
                peer_system_id="motcua-camau",
                secret=SECRET,
            )
        )
        yield w, client, standin
        server_threads_finish()


def server_threads_finish() -> None:
    """Let the live server's request threads end before the next test (or the end of the
    session, when the server stops sharing its database connection with them)."""
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    """A request outside the peer client; the answer is read and the connection closed."""
    with requests.post(url, data=body, headers=headers, timeout=10) as answer:
        return answer.status_code, answer.json()


def edoc_from_bac_lieu(w, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    return packages.edoc(
        to=[w.agency.agency_code], sender=BAC_LIEU, sender_name="UBND tỉnh Bạc Liêu",
        notation="QĐ-UBND", **kwargs,
    )  # fmt: skip


def test_a_signed_package_is_registered_once_and_its_statuses_go_back(setup):
    w, client, standin = setup
    body = edoc_from_bac_lieu(w)
    # when the peer delivers it
    receipt = client.deliver(body, recipient=w.agency.agency_code)
    # then it is registered for the agency
    assert receipt.created
    document = IncomingDocument.objects.get()
    assert receipt.record["id"] == document.pk
    assert receipt.record["arrival_number"] == 1
    assert (document.organisation, document.channel) == (w.agency, Channel.PEER)
    assert document.state == IncomingState.REGISTERED
    # and delivering it again (a lost answer) gives the same record
    again = client.deliver(body, recipient=w.agency.agency_code)
    assert (again.created, again.record["id"]) == (False, document.pk)
    assert IncomingDocument.objects.count() == 1
    # and "arrived" and "registered" went back to the peer, signed with our system id
    statuses = [(d.system_id, d.kind, d.status_code, d.recipient) for d in standin.deliveries]
    assert statuses == [
        ("motcua-camau", "status", "01", BAC_LIEU),
        ("motcua-camau", "status", "03", BAC_LIEU),
    ]
    assert all(d.document_id == document.document_id for d in standin.deliveries)
    assert all(row.sent_at for row in OutboundStatus.objects.all())
    outcomes = list(
        ExchangeMessage.objects.order_by("id").values_list("direction", "kind", "outcome")
    )
    assert outcomes == [
        ("in", "edoc", "received"),
        ("out", "status", "sent"),
        ("out", "status", "sent"),
        ("in", "edoc", "duplicate"),
    ]


def test_a_tampered_body_is_refused(setup, live_server):
    w, _client, _ = setup
    body = edoc_from_bac_lieu(w)
    url = f"{live_server.url}/api/v1/documents/exchange/inbox"
    headers = sign_request(
        method="POST", url=url, system_id="motcua-baclieu", secret=SECRET,
        content_sha256=sha256_hex(body),
    )  # fmt: skip
    headers["Content-Type"] = "application/xml"
    tampered = body.replace(b"<edXML:CodeNumber>15<", b"<edXML:CodeNumber>16<", 1)
    assert tampered != body
    status, answer = raw_post(url, tampered, headers)
    assert status == 401
    assert answer["error"]["code"] == "signature_refused"
    assert answer["error"]["fields"] == {"signature": "body_mismatch"}
    assert IncomingDocument.objects.count() == 0


def test_a_replayed_request_is_refused(setup, live_server):
    w, _client, _ = setup
    body = edoc_from_bac_lieu(w)
    url = f"{live_server.url}/api/v1/documents/exchange/inbox"
    headers = sign_request(
        method="POST", url=url, system_id="motcua-baclieu", secret=SECRET,
        content_sha256=sha256_hex(body),
    )  # fmt: skip
    headers["Content-Type"] = "application/xml"
    assert raw_post(url, body, headers)[0] == 201
    status, answer = raw_post(url, body, headers)
    assert status == 401
    assert answer["error"]["fields"] == {"signature": "replay"}


def test_an_unknown_system_or_a_wrong_secret_is_refused(setup, live_server):
    w, _client, _ = setup
    body = edoc_from_bac_lieu(w)
    for system_id, secret in (("motcua-unknown", SECRET), ("motcua-baclieu", "guessed")):
        stranger = PeerClient(
            Peer(base_url=live_server.url, our_system_id=system_id, peer_system_id="x",
                 secret=secret)
        )  # fmt: skip
        with pytest.raises(PeerError) as caught:
            stranger.deliver(body)
        assert (caught.value.status, caught.value.retryable) == (401, False)
        assert caught.value.code == "signature_refused"
    url = f"{live_server.url}/api/v1/documents/exchange/inbox"
    assert raw_post(url, body, {"Content-Type": "application/xml"})[0] == 401
    assert IncomingDocument.objects.count() == 0


def test_a_peer_cannot_speak_for_an_agency_it_does_not_host(setup):
    w, client, _ = setup
    body = packages.edoc(to=[w.agency.agency_code])  # From: a ministry, not on that peer
    with pytest.raises(PeerError) as caught:
        client.deliver(body)
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    assert IncomingDocument.objects.count() == 0
    refused = ExchangeMessage.objects.get()
    assert (refused.outcome, refused.from_organ_id) == ("refused", packages.MINISTRY)
    assert refused.size == len(body)


def test_an_invalid_package_is_final_not_retried(setup):
    _w, client, _ = setup
    with pytest.raises(PeerError) as caught:
        client.deliver(b"<not-edxml/>")
    assert (caught.value.status, caught.value.retryable) == (422, False)
    assert ExchangeMessage.objects.get().outcome == "refused"
