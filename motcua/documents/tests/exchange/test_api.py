"""The edXML endpoints of the API (issue 13 contract): status codes, the error shape, what is
saved and what is not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from motcua.accounts.enums import AccountKind
from motcua.accounts.tests.factories import UserFactory
from motcua.documents.enums import Channel, DeliveryStatus, IncomingState, OutgoingState
from motcua.documents.models import ExchangeMessage, IncomingDocument, RecipientStatus
from motcua.documents.services.outgoing import outgoing_number
from motcua.documents.tests.exchange import packages
from motcua.documents.tests.exchange.conftest import bearer
from motcua.documents.tests.factories import signed_outgoing

pytestmark = pytest.mark.django_db
INCOMING = "/api/v1/documents/incoming/edxml"
STATUSES = "/api/v1/documents/statuses/edxml"


def post(url: str, body: bytes, headers: dict[str, str], **query: str):  # type: ignore[no-untyped-def]
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return Client().post(url, data=body, content_type="application/xml", **headers)


def test_a_package_is_registered_once_and_answered_with_the_same_record(w, machine):
    # given a package from a ministry to our agency
    body = packages.edoc(to=[w.agency.agency_code])
    # when the agency's machine client posts it
    first = post(INCOMING, body, bearer(machine), recipient=w.agency.agency_code)
    # then it is registered with an arrival number
    assert first.status_code == 201, first.content
    record = first.json()
    document = IncomingDocument.objects.get()
    assert record["id"] == document.pk
    assert record["arrival_number"] == document.arrival_number == 1
    assert record["document_id"] == f"{packages.MINISTRY},2026/03/12,15/QĐ-BNV"
    assert document.state == IncomingState.REGISTERED
    assert (document.sender_organ_id, document.code_number, document.code_notation) == (
        packages.MINISTRY,
        "15",
        "QĐ-BNV",
    )
    assert document.files.count() == 1
    # and posting the same package again answers the same record
    again = post(INCOMING, body, bearer(machine), recipient=w.agency.agency_code)
    assert again.status_code == 200
    assert again.json()["id"] == record["id"]
    assert again.json()["arrival_number"] == 1
    assert IncomingDocument.objects.count() == 1
    # and both deliveries are in the exchange log with their raw bytes
    logged = ExchangeMessage.objects.order_by("id")
    assert [(m.outcome, m.channel, m.size) for m in logged] == [
        ("received", Channel.API, len(body)),
        ("duplicate", Channel.API, len(body)),
    ]
    with logged[0].raw.open("rb") as raw:
        assert raw.read() == body
    assert document.message == logged[0]


def test_without_recipient_the_first_to_that_is_ours_is_used(w, machine):
    body = packages.edoc(to=["000.00.00.G99", w.other.agency_code, w.agency.agency_code])
    answer = post(INCOMING, body, bearer(w.outsider_clerk))
    assert answer.status_code == 201, answer.content
    assert IncomingDocument.objects.get().organisation == w.other


def test_a_package_addressed_to_none_of_ours_is_refused_and_nothing_saved(w, machine):
    answer = post(INCOMING, packages.edoc(to=["000.00.00.G99"]), bearer(machine))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "not_our_agency"
    assert answer.json()["error"]["message"] == "Gói tin không gửi đến cơ quan nào trong hệ thống."
    assert IncomingDocument.objects.count() == 0
    assert ExchangeMessage.objects.count() == 0


def test_a_recipient_that_is_not_ours_is_refused(w, machine):
    body = packages.edoc(to=[w.agency.agency_code])
    answer = post(INCOMING, body, bearer(machine), recipient="000.00.00.G99")
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == {"recipient": "000.00.00.G99"}


BROKEN = {
    "not well-formed": b"<edXML:edXMLEnvelope><unclosed>",
    "not XML": b"%PDF-1.4",
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_package_that_is_not_well_formed_is_refused_with_the_error_shape(w, machine, name):
    answer = post(INCOMING, BROKEN[name], bearer(machine), recipient=w.agency.agency_code)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_edxml"
    assert set(error) >= {"code", "message", "fields"}
    assert IncomingDocument.objects.count() == 0
    assert ExchangeMessage.objects.count() == 0


@pytest.mark.parametrize("element", ["From", "To", "Code"])
def test_a_package_without_from_to_or_code_is_refused(w, machine, element):
    body = packages.edoc(to=[w.agency.agency_code])
    start = body.index(f"<edXML:{element}>".encode())
    end = body.index(f"</edXML:{element}>".encode()) + len(f"</edXML:{element}>")
    answer = post(INCOMING, body[:start] + body[end:], bearer(machine))
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"]["code"] == "invalid_edxml"
    assert element in answer.json()["error"]["fields"]
    assert IncomingDocument.objects.count() == 0


def test_authentication_and_permission(w, machine):
    body = packages.edoc(to=[w.agency.agency_code])
    assert post(INCOMING, body, {}).status_code == 401
    # a clerk of another agency may not register for this one, nor may a specialist
    forbidden = post(INCOMING, body, bearer(w.outsider_clerk), recipient=w.agency.agency_code)
    assert forbidden.status_code == 403
    assert post(INCOMING, body, bearer(w.specialist)).status_code == 403
    assert IncomingDocument.objects.count() == 0
    # a machine client of another agency may not either
    elsewhere = UserFactory(kind=AccountKind.SYSTEM, organisation=w.other, username="gw-other")
    assert (
        post(INCOMING, body, bearer(elsewhere), recipient=w.agency.agency_code).status_code == 403
    )
    # the agency's clerk may
    assert post(INCOMING, body, bearer(w.clerk)).status_code == 201


def test_a_province_wide_machine_client_may_deliver_to_any_of_our_agencies(w):
    gateway = UserFactory(kind=AccountKind.SYSTEM, organisation=None, username="lgsp-gateway")
    body = packages.edoc(to=[w.other.agency_code])
    assert post(INCOMING, body, bearer(gateway)).status_code == 201
    assert IncomingDocument.objects.get().organisation == w.other


def test_a_status_package_goes_to_the_status_endpoint(w, machine):
    body = packages.status(
        sender="000.00.00.G99", about_organ=w.agency.agency_code, about_code="01/QĐ-UBND",
        about_date=dt.date(2026, 3, 1),
    )  # fmt: skip
    answer = post(INCOMING, body, bearer(machine))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "wrong_kind"


def _issued_to(w, organ_id: str):  # type: ignore[no-untyped-def]
    """Our decision, numbered and issued, with a recipient reached by the axis."""
    document = outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    document.state = OutgoingState.ISSUED
    document.issued_at = document.numbered_at
    document.save()
    return document, document.recipients.create(
        name="Bộ Nội vụ", organ_id=organ_id, channel=Channel.AXIS, status=DeliveryStatus.SENT
    )


def test_a_status_package_updates_the_recipient_of_our_document(w, machine):
    # given our decision 01/QĐ-UBND sent to the ministry
    document, recipient = _issued_to(w, packages.MINISTRY)
    body = packages.status(
        sender=packages.MINISTRY, about_organ=w.agency.agency_code, about_code="01/QĐ-UBND",
        about_date=document.issued_date, code="04", description="Đã phân công",
    )  # fmt: skip
    # when the ministry's status 04 arrives
    answer = post(STATUSES, body, bearer(machine))
    # then the recipient's tracking moves to 04, with its history and the raw package
    assert answer.status_code == 201, answer.content
    assert answer.json()["matched"] is True
    assert answer.json()["recipient_id"] == recipient.pk
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.ASSIGNED
    assert recipient.status_description == "Đã phân công"
    row = RecipientStatus.objects.get(recipient=recipient, status="04")
    assert row.message.outcome == "received" and row.message.size == len(body)
    # and the same status again is not recorded twice
    again = post(STATUSES, body, bearer(machine))
    assert again.status_code == 200
    assert RecipientStatus.objects.filter(recipient=recipient, status="04").count() == 1


def test_a_status_that_matches_nothing_is_kept_as_unmatched(w, machine):
    body = packages.status(
        sender=packages.MINISTRY, about_organ=w.agency.agency_code, about_code="99/QĐ-UBND",
        about_date=dt.date(2026, 3, 12),
    )  # fmt: skip
    answer = post(STATUSES, body, bearer(machine))
    assert answer.status_code == 201
    assert answer.json()["matched"] is False
    kept = ExchangeMessage.objects.get()
    assert (kept.kind, kept.outcome, kept.status_code) == ("status", "unmatched", "03")
    assert kept.document_id == f"{w.agency.agency_code},2026/03/12,99/QĐ-UBND"
    assert RecipientStatus.objects.count() == 0


def test_the_status_endpoint_refuses_a_document_package(w, machine):
    answer = post(STATUSES, packages.edoc(to=[w.agency.agency_code]), bearer(machine))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "wrong_kind"
    assert IncomingDocument.objects.count() == 0


def test_the_endpoints_are_in_the_openapi_document(w):
    schema = Client().get("/api/openapi.json").json()
    for path in ("/api/v1/documents/incoming/edxml", "/api/v1/documents/statuses/edxml",
                 "/api/v1/documents/exchange/inbox"):  # fmt: skip
        body = schema["paths"][path]["post"]["requestBody"]
        assert "application/xml" in body["content"]
