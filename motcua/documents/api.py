"""API v1 for official documents (thin): edXML packages in.

    POST /documents/incoming/edxml[?recipient=<agency code>]   a document package (the body,
         Content-Type application/xml) → 201 registered, 200 already registered (same record)
    POST /documents/statuses/edxml                             a status package → the delivery
         tracking of the matching outgoing document (or kept as unmatched)
    POST /documents/exchange/inbox[?recipient=<agency code>]   another MotCua deployment's
         document or status package, authenticated by its HMAC signature (docs/exchange.md)

The first two take the API's bearer token (a clerk of the receiving agency, or a machine client
of it) or a session. Errors have the API's one shape {"error": {...}}: 401 unauthenticated or a
refused signature, 403 not allowed, 413 too large, 422 a package that cannot be read
(not well-formed, no From, To or Code) or that is addressed to none of our agencies — and then
nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from motcua.api.auth import AUTH
from motcua.documents.enums import Channel
from motcua.documents.exchange.inbound import PeerSignature, body_read, verified_body
from motcua.documents.services.exchange import package_receive

router = Router(tags=["documents"])


class ErrorOut(Schema):
    error: dict[str, Any]


class IncomingReceiptOut(Schema):
    kind: str
    id: int
    document_id: str
    arrival_number: int | None
    organisation: str
    state: str
    signature_verdict: str
    created: bool
    message_id: int


class StatusReceiptOut(Schema):
    kind: str
    matched: bool
    recipient_id: int | None
    outgoing_id: int | None
    status_code: str
    document_id: str
    created: bool
    message_id: int


ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
}
_XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/incoming/edxml",
    response={200: IncomingReceiptOut, 201: IncomingReceiptOut, **ERRORS},
    operation_id="receive_incoming_edxml",
    auth=AUTH,
    openapi_extra=_XML_BODY,
)
def receive_incoming_edxml(request: HttpRequest, recipient: str = "") -> Any:
    """Register an edXML document package as an incoming document of `recipient` (the agency
    code of one of our organisations; default: the first `To` that is ours). 201 with the
    record; 200 with the same record when the agency already holds this DocumentId."""
    body = body_read(request)
    with body.file:
        receipt = package_receive(
            body=body.file,
            channel=Channel.API,
            recipient=recipient.strip(),
            actor=request.user,
            expect="edoc",
        )
    return Status(201 if receipt.created else 200, receipt.as_dict())


@router.post(
    "/statuses/edxml",
    response={200: StatusReceiptOut, 201: StatusReceiptOut, **ERRORS},
    operation_id="receive_status_edxml",
    auth=AUTH,
    openapi_extra=_XML_BODY,
)
def receive_status_edxml(request: HttpRequest) -> Any:
    """Record an edXML status package (01–06, 13, 15, 16) on the delivery tracking of the
    outgoing document it answers; one that matches none of ours is kept as unmatched
    (`matched`: false). 201 recorded, 200 the same status again."""
    body = body_read(request)
    with body.file:
        receipt = package_receive(
            body=body.file, channel=Channel.API, actor=request.user, expect="status"
        )
    return Status(201 if receipt.created else 200, receipt.as_dict())


@router.post(
    "/exchange/inbox",
    response={200: dict[str, Any], 201: dict[str, Any], **ERRORS},
    operation_id="receive_exchange_package",
    auth=PeerSignature(),
    openapi_extra=_XML_BODY,
)
def receive_exchange_package(request: HttpRequest, recipient: str = "") -> Any:
    """Another MotCua deployment delivers a document or a status package (signed request,
    docs/exchange.md). The package's From must be an agency that deployment hosts. 201 with
    the record made, 200 with the same record when it was already received."""
    body = verified_body(request)
    with body.file:
        receipt = package_receive(
            body=body.file,
            channel=Channel.PEER,
            recipient=recipient.strip(),
            peer=request.auth,  # type: ignore[attr-defined]
            external_id=f"peer:{request.auth.peer_system_id}",  # type: ignore[attr-defined]
            keep_refused=True,
        )
    return Status(201 if receipt.created else 200, receipt.as_dict())
