"""Electronic exchange of official documents: receiving edXML packages (the API, a peer MotCua
deployment, the national axis), sending issued documents and status packages to peers and to
the axis, polling the axis, synchronising the agency directory from it; every package sent or
received is written to the append-only exchange log (ExchangeMessage), raw bytes included.

Receiving (`package_receive`): the package is parsed before anything is saved; a document
package becomes an incoming document of the agency it is addressed to through
`incoming.incoming_receive_package` (the same DocumentId for the same agency is the same
document: the first record is returned); a status package updates the delivery tracking of the
matching recipient of one of our outgoing documents (`outgoing.recipient_record_status`), or is
kept in the log as "unmatched". A peer may only speak for the agencies it hosts.

Sending (`deliver_recipient`, `send_status`: the senders the documents tasks look up in
motcua.documents.delivery): the network call runs outside any transaction; each attempt is
logged; a transient failure (network, timeout, HTTP 429/5xx) is retried with exponential
back-off (peer.backoff) up to MAX_ATTEMPTS, by a deferred task when the task backend can defer
and in any case by `exchange_retry_due` (run by `manage.py documents_poll_axis`). A secret
document is never sent electronically: building its package is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.enums import AccountKind
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.task_recovery import task_lease
from motcua.documents import policies
from motcua.documents.enums import (
    EDXML_TYPE_NUMBERS,
    PRIORITY_OF,
    TYPE_NAMES,
    BusinessDocType,
    Channel,
    DeliveryStatus,
    ExchangeDirection,
    OutgoingState,
)
from motcua.documents.exchange.axis import AxisClient, AxisError
from motcua.documents.exchange.peer import (
    MAX_ATTEMPTS,
    Peer,
    PeerClient,
    PeerError,
    backoff,
    peer_for_agency,
)
from motcua.documents.exchange.signing import CHUNK
from motcua.documents.models import (
    Agency,
    ExchangeMessage,
    IncomingDocument,
    OutboundStatus,
    OutgoingDocument,
    Recipient,
)
from motcua.organisations.models import Organisation

if TYPE_CHECKING:
    from motcua.documents.edxml import EdocPackage, StatusPackage

log = logging.getLogger(__name__)
SPOOL_IN_MEMORY = 2 * 1024 * 1024
SENT_CHANNELS = (Channel.PEER, Channel.AXIS)
Kind = Literal["edoc", "status"]


# --- the exchange log ----------------------------------------------------------------------------


def exchange_log(
    *,
    direction: str,
    channel: str,
    kind: str,
    outcome: str,
    raw: IO[bytes] | bytes | None = None,
    detail: str = "",
    organisation: Organisation | None = None,
    from_organ_id: str = "",
    to_organ_ids: Iterable[str] = (),
    document_id: str = "",
    status_code: str = "",
    external_id: str = "",
    related: ExchangeMessage | None = None,
    outgoing: OutgoingDocument | None = None,
    recipient: Recipient | None = None,
    incoming: IncomingDocument | None = None,
) -> ExchangeMessage:
    """Append one row to the exchange log, with the raw package (bytes or a seekable file,
    streamed to storage) and its SHA-256. Rows are never changed afterwards."""
    entry = ExchangeMessage(
        direction=direction,
        channel=channel,
        kind=kind,
        at=timezone.now(),
        organisation=organisation,
        from_organ_id=from_organ_id[:64],
        to_organ_ids=[o[:64] for o in to_organ_ids],
        document_id=document_id[:255],
        status_code=status_code[:2],
        outcome=outcome[:32],
        detail=detail[:4000],
        external_id=external_id[:255],
        related=related,
        outgoing=outgoing,
        recipient=recipient,
        incoming=incoming,
    )
    if raw is not None:
        stream: IO[bytes] = raw if not isinstance(raw, bytes) else _spooled(raw)
        stream.seek(0)
        digest = hashlib.sha256()
        size = 0
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        stream.seek(0)
        entry.sha256, entry.size = digest.hexdigest(), size
        name = f"{kind}-{direction}.xml"
        entry.raw.save(name, File(stream, name=name), save=False)
        stream.seek(0)
    entry.save()
    return entry


def _spooled(data: bytes = b"") -> IO[bytes]:
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    spool.write(data)
    spool.seek(0)
    return spool


# --- who may hand us a package -----------------------------------------------------------------


# --- receiving ---------------------------------------------------------------------------------


@dataclass
class Receipt:
    """What became of a received package. `created`: recorded now (False: we had it)."""

    kind: Kind
    created: bool
    message: ExchangeMessage
    incoming: IncomingDocument | None = None
    recipient: Recipient | None = None
    status_code: str = ""
    document_id: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        if self.kind == "edoc" and self.incoming is not None:
            doc = self.incoming
            return {
                "kind": "edoc",
                "id": doc.pk,
                "document_id": doc.document_id,
                "arrival_number": doc.arrival_number,
                "organisation": doc.organisation.agency_code,
                "state": doc.state,
                "signature_verdict": doc.signature_verdict,
                "created": self.created,
                "message_id": self.message.pk,
            }
        return {
            "kind": "status",
            "matched": self.recipient is not None,
            "recipient_id": self.recipient.pk if self.recipient else None,
            "outgoing_id": self.recipient.document_id if self.recipient else None,
            "status_code": self.status_code,
            "document_id": self.document_id,
            "created": self.created,
            "message_id": self.message.pk,
        }


def package_receive(
    *,
    body: IO[bytes],
    channel: str,
    recipient: str = "",
    actor: Any = None,
    peer: Peer | None = None,
    expect: Kind | None = None,
    external_id: str = "",
    keep_refused: bool = False,
) -> Receipt:
    """Receive one edXML package (a seekable binary file at its start).

    `recipient`: the agency code of one of our organisations the document is for (else the
    first `To` that is ours). `actor`: the API caller (checked), None for a trusted transport;
    `peer`: the deployment that signed the request (it may only speak for its agencies).
    `expect`: refuse the other kind. `keep_refused`: log refused packages (the transports do;
    the API saves nothing for a package it refuses). Raises ValidationFailed (422) for a
    package that cannot be read or is for none of our agencies, PermissionDenied (403)."""
    from motcua.documents.edxml import EdocPackage, EdxmlError, parse

    try:
        package = parse(body)
    except EdxmlError as exc:
        error = ValidationFailed(
            _("The package is not a valid edXML package: %(reason)s")
            % {"reason": _edxml_reason(exc)},
            code="invalid_edxml",
            fields={exc.field or "package": str(exc)},
        )
        _refused(keep_refused, body, channel, "", error, external_id)
        raise error from exc
    try:
        kind: Kind = "edoc" if isinstance(package, EdocPackage) else "status"
        if expect is not None and kind != expect:
            error = ValidationFailed(
                _("This endpoint takes document packages; status packages go to the status one.")
                if expect == "edoc"
                else _("This endpoint takes status packages; documents go to the incoming one."),
                code="wrong_kind",
                fields={"package": kind},
            )
            _refused(keep_refused, body, channel, kind, error, external_id)
            raise error
        if isinstance(package, EdocPackage):
            return _edoc_receive(
                package,
                body=body,
                channel=channel,
                recipient=recipient,
                actor=actor,
                peer=peer,
                external_id=external_id,
                keep_refused=keep_refused,
            )
        return _status_receive(
            package,
            body=body,
            channel=channel,
            actor=actor,
            peer=peer,
            external_id=external_id,
            keep_refused=keep_refused,
        )
    finally:
        if isinstance(package, EdocPackage):
            package.close()


def _edxml_reason(exc: Any) -> str:
    reasons = {
        "not_well_formed": _("it is not well-formed XML"),
        "not_edxml": _("it is not an edXML package"),
        "missing": _("a required element is missing"),
        "invalid_status_code": _("the status code is not one of QCVN 102"),
        "bad_attachment": _("an attachment cannot be decoded"),
        "unreadable": _("it cannot be read"),
    }
    reason = reasons.get(exc.reason, _("it cannot be read"))
    return f"{reason} ({exc.field})" if exc.field else reason


def _refused(
    keep: bool,
    body: IO[bytes],
    channel: str,
    kind: str,
    error: Exception,
    external_id: str,
    **fields: Any,
) -> None:
    if not keep:
        return
    exchange_log(
        direction=ExchangeDirection.IN,
        channel=channel,
        kind=kind or "unknown",
        outcome="refused",
        raw=body,
        detail=f"{error}: {getattr(error, 'fields', '')}",
        external_id=external_id,
        **fields,
    )


def our_organisation(code: str) -> Organisation | None:
    if not code:
        return None
    return Organisation.objects.filter(agency_code=code.strip()).first()


def _edoc_recipient(package: EdocPackage, recipient: str) -> Organisation:
    if recipient:
        organisation = our_organisation(recipient)
        if organisation is None:
            raise ValidationFailed(
                _("“%(code)s” is not the code of one of our agencies.") % {"code": recipient},
                code="not_our_agency",
                fields={"recipient": recipient},
            )
        return organisation
    codes = [organ.organ_id.strip() for organ in package.to if organ.organ_id]
    ours = {o.agency_code: o for o in Organisation.objects.filter(agency_code__in=codes)}
    for code in codes:
        if code in ours:
            return ours[code]
    raise ValidationFailed(
        _("The package is addressed to none of our agencies."),
        code="not_our_agency",
        fields={"To": ", ".join(codes)},
    )


def _peer_speaks_for(peer: Peer | None, organ_id: str) -> None:
    if peer is not None and not peer.hosts(organ_id):
        raise PermissionDenied(
            _("The sending system does not host the agency “%(code)s”.") % {"code": organ_id},
            code="forbidden",
            fields={"From": organ_id},
        )


def edoc_document_id(package: EdocPackage) -> str:
    """The DocumentId as the incoming service keys it (derived when the package has none)."""
    value = (package.document_id or "").strip()
    if not value:
        value = package.make_document_id(
            package.from_.organ_id,
            package.promulgation_date,
            package.code_number,
            package.code_notation,
        )
    return value[:255]


def _edoc_receive(
    package: EdocPackage,
    *,
    body: IO[bytes],
    channel: str,
    recipient: str,
    actor: Any,
    peer: Peer | None,
    external_id: str,
    keep_refused: bool,
) -> Receipt:
    from motcua.documents.services import incoming

    sender = package.from_.organ_id
    to_codes = [o.organ_id for o in package.to]
    document_id = edoc_document_id(package)
    context: dict[str, Any] = {
        "from_organ_id": sender,
        "to_organ_ids": to_codes,
        "document_id": document_id,
    }
    try:
        organisation = _edoc_recipient(package, recipient)
        _peer_speaks_for(peer, sender)
        if actor is not None:
            policies.ensure_can_deliver_package(actor, organisation)
    except (ValidationFailed, PermissionDenied) as error:
        _refused(keep_refused, body, channel, "edoc", error, external_id, **context)
        raise
    with transaction.atomic():
        existing = IncomingDocument.objects.filter(
            organisation=organisation, document_id=document_id
        ).first()
        if existing is not None:
            message = exchange_log(
                direction=ExchangeDirection.IN,
                channel=channel,
                kind="edoc",
                outcome="duplicate",
                raw=body,
                organisation=organisation,
                incoming=existing,
                external_id=external_id,
                **context,
            )
            return Receipt("edoc", False, message, incoming=existing, document_id=document_id)
        message = exchange_log(
            direction=ExchangeDirection.IN,
            channel=channel,
            kind="edoc",
            outcome="received",
            raw=body,
            organisation=organisation,
            external_id=external_id,
            **context,
        )
        document, created = incoming.incoming_receive_package(
            organisation=organisation,
            package=package,
            channel=channel,
            message=message,
            actor=actor,
        )
        if not created:  # registered meanwhile by a concurrent delivery of the same package
            message = exchange_log(
                direction=ExchangeDirection.IN,
                channel=channel,
                kind="edoc",
                outcome="duplicate",
                organisation=organisation,
                incoming=document,
                related=message,
                **context,
            )
        return Receipt(
            "edoc",
            created,
            message,
            incoming=document,
            document_id=document.document_id,
            notes=list(package.notes),
        )


def status_document_id(package: StatusPackage) -> str:
    """The DocumentId of the document a status is about (derived from ResponseFor's organ,
    code and date when the package does not carry it)."""
    answer = package.response_for
    if (answer.document_id or "").strip():
        return answer.document_id.strip()[:255]
    if answer.organ_id and answer.code and answer.promulgation_date:
        return f"{answer.organ_id},{answer.promulgation_date:%Y/%m/%d},{answer.code}"[:255]
    return ""


def _status_key(package: StatusPackage, document_id: str) -> str:
    stamp = package.timestamp.isoformat() if package.timestamp else ""
    key = f"{package.from_.organ_id}\n{document_id}\n{package.status_code}\n{stamp}"
    return "status:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _status_receive(
    package: StatusPackage,
    *,
    body: IO[bytes],
    channel: str,
    actor: Any,
    peer: Peer | None,
    external_id: str,
    keep_refused: bool,
) -> Receipt:
    from motcua.documents.services import outgoing

    sender = package.from_.organ_id
    document_id = status_document_id(package)
    context: dict[str, Any] = {
        "from_organ_id": sender,
        "to_organ_ids": [package.response_for.organ_id] if package.response_for.organ_id else [],
        "document_id": document_id,
        "status_code": package.status_code,
    }
    try:
        _peer_speaks_for(peer, sender)
    except PermissionDenied as error:
        _refused(keep_refused, body, channel, "status", error, external_id, **context)
        raise
    key = _status_key(package, document_id)
    detail = f"transport id {external_id}" if external_id else ""
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("document__organisation")
            .filter(Q(organ_id=sender) | Q(agency__organ_id=sender))
            .filter(document__document_id=document_id)
            .order_by("id")
            .first()
            if document_id and sender
            else None
        )
        if actor is not None:
            if recipient is not None:
                policies.ensure_can_deliver_package(actor, recipient.document.organisation)
            elif getattr(actor, "kind", "") not in (AccountKind.OFFICIAL, AccountKind.SYSTEM):
                raise PermissionDenied(_("You cannot deliver status packages."), code="forbidden")
        organisation = recipient.document.organisation if recipient is not None else None
        earlier = ExchangeMessage.objects.filter(
            direction=ExchangeDirection.IN, kind="status", external_id=key
        ).first()
        if earlier is not None:
            message = exchange_log(
                direction=ExchangeDirection.IN,
                channel=channel,
                kind="status",
                outcome="duplicate",
                raw=body,
                organisation=organisation,
                related=earlier,
                outgoing=recipient.document if recipient else None,
                recipient=recipient,
                detail=detail,
                **context,
            )
            return Receipt(
                "status",
                False,
                message,
                recipient=recipient,
                status_code=package.status_code,
                document_id=document_id,
            )
        message = exchange_log(
            direction=ExchangeDirection.IN,
            channel=channel,
            kind="status",
            outcome="received" if recipient is not None else "unmatched",
            raw=body,
            organisation=organisation,
            outgoing=recipient.document if recipient else None,
            recipient=recipient,
            external_id=key,
            detail=detail,
            **context,
        )
        if recipient is not None:
            staff = package.staff
            outgoing.recipient_record_status(
                recipient=recipient,
                status=package.status_code,
                description=package.description or "",
                at=package.timestamp or timezone.now(),
                staff=", ".join(p for p in (staff.staff, staff.department) if p),
                message=message,
            )
        return Receipt(
            "status",
            True,
            message,
            recipient=recipient,
            status_code=package.status_code,
            document_id=document_id,
            notes=list(package.notes),
        )


# --- building the packages we send ------------------------------------------------------------


def _organ_of(organisation: Organisation) -> Any:
    from motcua.documents.edxml import Organ

    return Organ(
        organ_id=organisation.agency_code,
        organ_name=organisation.name,
        organ_add=organisation.address or "",
        email=organisation.email or "",
        telephone=organisation.phone or "",
    )


def _attachment_of(field_file: Any, name: str, content_type: str) -> Any:
    from motcua.documents.edxml import Attachment

    try:
        path = field_file.path
    except (NotImplementedError, ValueError):
        path = None
    if path:
        return Attachment.from_path(path, name=name, content_type=content_type)
    with field_file.open("rb") as handle:
        return Attachment.from_bytes(name, handle.read(), content_type=content_type)


def ensure_may_travel_electronically(document: OutgoingDocument) -> None:
    """Secret documents (Mật, Tối mật, Tuyệt mật) never travel over the electronic exchange."""
    if document.is_secret:
        raise Conflict(
            _("A secret document is never sent electronically: send it on paper."),
            code="secret_not_electronic",
        )


def outgoing_package_build(document: OutgoingDocument, *, to: list[Recipient]) -> EdocPackage:
    """The edXML package of an issued (numbered) document for the recipients `to`."""
    from motcua.documents.edxml import (
        Business,
        EdocPackage,
        Organ,
        ResponseFor,
        Signer,
        TraceHeader,
    )

    ensure_may_travel_electronically(document)
    if not document.document_id or document.code_number is None:
        raise Conflict(
            _("Only a numbered document can be sent."), code="not_numbered"
        )  # pragma: no cover - issue requires a number
    organisation = document.organisation
    signer = document.signer
    answers = []
    if document.response_for is not None:
        answered = document.response_for
        answers.append(
            ResponseFor(
                organ_id=answered.sender_organ_id,
                code=f"{answered.code_number}/{answered.code_notation}".strip("/"),
                promulgation_date=answered.issued_date,
                document_id=answered.document_id,
            )
        )
    business = Business(business_doc_type=document.business_doc_type)
    if document.business_doc_type != BusinessDocType.NEW and document.business_target:
        business.business_doc_reason = document.business_reason[:500]
        business.document_id = document.business_target.document_id
    attachments = []
    if document.signed_document is not None:
        name = f"{document.number_notation}.pdf".replace("/", "-")
        attachments.append(_attachment_of(document.signed_document.file, name, "application/pdf"))
    for extra in document.attachments.select_related("signed_document").order_by("id"):
        source = extra.signed_document.file if extra.signed_document else extra.file
        attachments.append(_attachment_of(source, extra.file_name[:200], extra.content_type))
    all_recipients = list(document.recipients.order_by("id").values_list("name", flat=True))
    return EdocPackage(
        from_=_organ_of(organisation),
        to=[Organ(organ_id=r.organ_id, organ_name=r.name[:255]) for r in to],
        code_number=f"{document.code_number:02d}",
        code_notation=document.code_notation,
        place=document.place,
        promulgation_date=document.issued_date,
        document_type=EDXML_TYPE_NUMBERS.get(document.document_type),
        type_name=TYPE_NAMES.get(document.document_type, ""),
        subject=document.subject[:500],
        content=document.content[:500],
        signer=Signer(
            competence=document.signer_competence,
            position=document.signer_position,
            full_name=getattr(signer, "full_name", "") or "",
        ),
        due_date=document.due_date,
        to_places=[name[:150] for name in all_recipients],
        priority=PRIORITY_OF.get(document.urgency, 0),
        promulgation_amount=document.issued_amount,
        page_amount=document.page_amount,
        response_for=answers,
        document_id=document.document_id,
        trace_headers=[TraceHeader(organ_id=organisation.agency_code, timestamp=timezone.now())],
        business=business,
        attachments=attachments,
    )


def status_package_build(row: OutboundStatus) -> StatusPackage:
    """The status package of an outbox row (its payload fixed when the row was written)."""
    from motcua.documents.edxml import ResponseFor, StaffInfo, StatusPackage

    incoming = row.incoming
    code = f"{incoming.code_number}/{incoming.code_notation}".strip("/")
    return StatusPackage(
        from_=_organ_of(incoming.organisation),
        response_for=ResponseFor(
            organ_id=incoming.sender_organ_id,
            code=code,
            promulgation_date=incoming.issued_date,
            document_id=incoming.document_id,
        ),
        staff=StaffInfo(department=row.department[:255], staff=row.staff[:255]),
        status_code=row.status_code,
        description=row.description[:500],
        timestamp=row.at,
    )


def _built(package: EdocPackage | StatusPackage) -> IO[bytes]:
    from motcua.documents.edxml import build

    spool = _spooled()
    try:
        build(package, spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


# --- sending documents -------------------------------------------------------------------------


@dataclass
class _Attempt:
    ok: bool
    retryable: bool = False
    error: str = ""
    external_id: str = ""


def _transport_error(exc: Exception) -> _Attempt:
    retryable = bool(getattr(exc, "retryable", False))
    return _Attempt(ok=False, retryable=retryable, error=f"{type(exc).__name__}: {exc}"[:2000])


def _send_package(
    stream: IO[bytes],
    *,
    channel: str,
    kind: Kind,
    from_organ: str,
    to_organ: str,
    peer: Peer | None,
) -> _Attempt:
    """One network attempt; never raises for a transport error."""
    try:
        if channel == Channel.PEER:
            if peer is None:
                return _Attempt(ok=False, error=f"no peer deployment hosts {to_organ}")
            with PeerClient(peer) as client:
                receipt = client.deliver(stream, recipient=to_organ)
            return _Attempt(ok=True, external_id=str(receipt.record.get("message_id", "")))
        if channel == Channel.AXIS:
            with AxisClient.from_env() as axis:
                doc_id = axis.send_edoc(
                    stream, from_organ=from_organ, to_organs=[to_organ], message_type=kind
                )
            return _Attempt(ok=True, external_id=doc_id)
    except (PeerError, AxisError) as exc:
        return _transport_error(exc)
    return _Attempt(ok=False, error=f"no electronic channel {channel!r}")


def _claim_recipient(recipient_id: int) -> Recipient | str:
    """Take the recipient for one attempt: a word instead when there is nothing to do now."""
    now = timezone.now()
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("document__organisation", "document__signer")
            .filter(pk=recipient_id)
            .first()
        )
        if recipient is None:
            return "missing"
        if recipient.channel not in SENT_CHANNELS:
            return "not_exchange"
        if recipient.status != DeliveryStatus.PENDING:
            return "already"
        if recipient.document.issued_at is None:
            return "not_issued"
        # Not taken again by `exchange_retry_due` while this attempt runs (a worker that dies
        # here leaves the row to the sweep a lease later). Two attempts at once are harmless:
        # receivers keep one document per DocumentId.
        recipient.next_attempt_at = now + task_lease()
        recipient.save(update_fields=["next_attempt_at"])
    return recipient


def deliver_recipient(recipient_id: int) -> str:
    """Send an issued document to one recipient on a peer deployment or on the axis; the
    sender the documents task calls (motcua.documents.delivery). Idempotent: a recipient that
    is no longer pending is left alone."""
    from motcua.documents.services import outgoing

    claimed = _claim_recipient(recipient_id)
    if isinstance(claimed, str):
        return claimed
    recipient = claimed
    document = recipient.document
    organisation = document.organisation
    context: dict[str, Any] = {
        "organisation": organisation,
        "from_organ_id": organisation.agency_code,
        "to_organ_ids": [recipient.organ_id],
        "document_id": document.document_id,
        "outgoing": document,
        "recipient": recipient,
    }
    try:
        ensure_may_travel_electronically(document)
        stream = _built(outgoing_package_build(document, to=[recipient]))
    except Conflict as exc:
        with transaction.atomic():
            exchange_log(
                direction=ExchangeDirection.OUT,
                channel=recipient.channel,
                kind="edoc",
                outcome="refused",
                detail=str(exc),
                **context,
            )
            outgoing.recipient_record_status(
                recipient=recipient, status=DeliveryStatus.FAILED, error=str(exc)
            )
            Recipient.objects.filter(pk=recipient.pk).update(next_attempt_at=None)
        return "refused"
    try:
        peer = peer_for_agency(recipient.organ_id) if recipient.channel == Channel.PEER else None
    except PeerError as exc:
        peer, attempt = None, _transport_error(exc)
    else:
        attempt = _send_package(
            stream,
            channel=recipient.channel,
            kind="edoc",
            from_organ=organisation.agency_code,
            to_organ=recipient.organ_id,
            peer=peer,
        )
    with stream, transaction.atomic():
        message = exchange_log(
            direction=ExchangeDirection.OUT,
            channel=recipient.channel,
            kind="edoc",
            outcome="sent" if attempt.ok else "failed",
            raw=stream,
            detail=attempt.error,
            external_id=attempt.external_id,
            **context,
        )
        return _recipient_outcome(recipient, attempt, message)


def _recipient_outcome(recipient: Recipient, attempt: _Attempt, message: ExchangeMessage) -> str:
    from motcua.documents.services import outgoing

    row = Recipient.objects.select_for_update(of=("self",)).get(pk=recipient.pk)
    if attempt.ok:
        outgoing.recipient_record_status(recipient=row, status=DeliveryStatus.SENT, message=message)
        Recipient.objects.filter(pk=row.pk).update(next_attempt_at=None)
        return "sent"
    if attempt.retryable and row.attempts + 1 < MAX_ATTEMPTS:
        row.attempts += 1
        row.last_error = attempt.error
        row.next_attempt_at = timezone.now() + backoff(row.attempts)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        _enqueue_later("deliver_recipient", row.pk, row.next_attempt_at)
        return "retrying"
    outgoing.recipient_record_status(
        recipient=row, status=DeliveryStatus.FAILED, error=attempt.error, message=message
    )
    Recipient.objects.filter(pk=row.pk).update(next_attempt_at=None)
    return "failed"


def _enqueue_later(task_name: str, row_id: int, run_after: dt.datetime) -> None:
    """A deferred task when the backend can defer; `exchange_retry_due` picks it up anyway."""
    from motcua.documents import tasks

    task = getattr(tasks, task_name)
    if not task.get_backend().supports_defer:
        return
    deferred = task.using(run_after=run_after)
    transaction.on_commit(lambda: deferred.enqueue(row_id))


# --- sending status packages -------------------------------------------------------------------


def _status_route(incoming: IncomingDocument) -> tuple[str, Peer | None]:
    """How a status reaches the sender of `incoming`: the way the document came, else the
    directory's channel for the sender."""
    if incoming.channel == Channel.INTERNAL:
        return Channel.INTERNAL, None
    agency = Agency.objects.filter(organ_id=incoming.sender_organ_id, active=True).first()
    channel = incoming.channel
    if channel not in SENT_CHANNELS and agency is not None:
        channel = agency.channel
    if channel == Channel.PEER:
        return Channel.PEER, peer_for_agency(incoming.sender_organ_id)
    if channel == Channel.AXIS:
        return Channel.AXIS, None
    return "", None


def _claim_status(row_id: int) -> OutboundStatus | str:
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboundStatus.objects.select_for_update(of=("self",))
            .select_related("incoming__organisation")
            .filter(pk=row_id)
            .first()
        )
        if row is None:
            return "missing"
        if row.sent_at is not None:
            return "already"
        row.next_attempt_at = now + task_lease()
        row.save(update_fields=["next_attempt_at"])
    return row


def send_status(outbound_status_id: int) -> str:
    """Send one status package back to the sender of an incoming document (the sender the
    documents task calls). Our own agencies' documents are updated directly; peers and the
    axis get the package; a sender we cannot reach electronically gets none (recorded)."""
    claimed = _claim_status(outbound_status_id)
    if isinstance(claimed, str):
        return claimed
    row = claimed
    incoming = row.incoming
    try:
        channel, peer = _status_route(incoming)
    except PeerError as exc:
        channel, peer = Channel.PEER, None
        failure: _Attempt | None = _transport_error(exc)
    else:
        failure = None
    if channel == Channel.INTERNAL:
        return _status_internal(row)
    if not channel:
        OutboundStatus.objects.filter(pk=row.pk).update(
            attempts=row.attempts + 1,
            next_attempt_at=None,
            last_error="no electronic route back to the sender",
        )
        return "no_route"
    stream = _built(status_package_build(row))
    attempt = failure or _send_package(
        stream,
        channel=channel,
        kind="status",
        from_organ=incoming.organisation.agency_code,
        to_organ=incoming.sender_organ_id,
        peer=peer,
    )
    with stream, transaction.atomic():
        exchange_log(
            direction=ExchangeDirection.OUT,
            channel=channel,
            kind="status",
            outcome="sent" if attempt.ok else "failed",
            raw=stream,
            detail=attempt.error,
            organisation=incoming.organisation,
            from_organ_id=incoming.organisation.agency_code,
            to_organ_ids=[incoming.sender_organ_id],
            document_id=incoming.document_id,
            status_code=row.status_code,
            external_id=attempt.external_id,
            incoming=incoming,
        )
        locked = OutboundStatus.objects.select_for_update(of=("self",)).get(pk=row.pk)
        locked.attempts += 1
        if attempt.ok:
            locked.sent_at = timezone.now()
            locked.next_attempt_at = None
            locked.last_error = ""
            outcome = "sent"
        elif attempt.retryable and locked.attempts < MAX_ATTEMPTS:
            locked.next_attempt_at = timezone.now() + backoff(locked.attempts)
            locked.last_error = attempt.error
            _enqueue_later("send_status", locked.pk, locked.next_attempt_at)
            outcome = "retrying"
        else:
            locked.next_attempt_at = None
            locked.last_error = attempt.error
            outcome = "failed"
        locked.save(update_fields=["attempts", "sent_at", "next_attempt_at", "last_error"])
    return outcome


def _status_internal(row: OutboundStatus) -> str:
    """The sender is one of our agencies: its recipient row is updated at once."""
    from motcua.documents.services import outgoing

    incoming = row.incoming
    with transaction.atomic():
        recipient = (
            Recipient.objects.filter(
                document__document_id=incoming.document_id,
                organ_id=incoming.organisation.agency_code,
            )
            .order_by("id")
            .first()
        )
        if recipient is not None:
            outgoing.recipient_record_status(
                recipient=recipient,
                status=row.status_code,
                description=row.description,
                at=row.at,
                staff=", ".join(p for p in (row.staff, row.department) if p),
            )
        OutboundStatus.objects.filter(pk=row.pk).update(
            attempts=row.attempts + 1,
            sent_at=timezone.now(),
            next_attempt_at=None,
            last_error="" if recipient is not None else "no matching recipient",
        )
    return "recorded" if recipient is not None else "unmatched"


# --- retries -----------------------------------------------------------------------------------


def exchange_retry_due(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Enqueue again every delivery and status whose retry time has come, and those whose task
    was lost before its first attempt (a lease after they were queued); returns (deliveries,
    statuses). Each is looked at again a lease later, so a long queue is not flooded."""
    from motcua.documents import tasks

    now = now or timezone.now()
    lost = now - task_lease()
    recipients = list(
        Recipient.objects.filter(
            channel__in=SENT_CHANNELS,
            status=DeliveryStatus.PENDING,
            document__state__in=(
                OutgoingState.ISSUED,
                OutgoingState.REVOKED,
                OutgoingState.REPLACED,
            ),
        )
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, attempts=0, document__issued_at__lte=lost)
        )
        .values_list("pk", flat=True)
    )
    statuses = list(
        OutboundStatus.objects.filter(sent_at__isnull=True)
        .filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, attempts=0, at__lte=lost)
        )
        .values_list("pk", flat=True)
    )
    # Looked at again a lease later (the sender sets its own lease when it starts).
    Recipient.objects.filter(pk__in=recipients).update(next_attempt_at=now + task_lease())
    OutboundStatus.objects.filter(pk__in=statuses).update(next_attempt_at=now + task_lease())
    for pk in recipients:
        tasks.deliver_recipient.enqueue(pk)
    for pk in statuses:
        tasks.send_status.enqueue(pk)
    return len(recipients), len(statuses)


# --- the axis: polling and the directory --------------------------------------------------------


@dataclass
class PollReport:
    received: int = 0
    duplicates: int = 0
    statuses: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def axis_organ_ids() -> list[str]:
    """Our agencies connected to the axis: the directory's rows of our organisations whose
    channel is the axis."""
    return list(
        Agency.objects.filter(organisation__isnull=False, channel=Channel.AXIS, active=True)
        .order_by("organ_id")
        .values_list("organ_id", flat=True)
    )


def axis_poll(
    *, client: AxisClient | None = None, organ_ids: list[str] | None = None
) -> PollReport:
    """Fetch what waits on the axis for our agencies: getReceivedEdocList → getEdoc → receive
    (register, or record the status) → updateStatus done; a package refused for good (not a
    valid package, not for us) is acknowledged "fail" with the reason; anything else (our
    database, the network) leaves it on the axis for the next poll."""
    report = PollReport()
    with _axis_client(client) as axis:
        for organ_id in axis_organ_ids() if organ_ids is None else organ_ids:
            for kind in ("edoc", "status"):
                try:
                    waiting = axis.get_received_edoc_list(organ_id=organ_id, message_type=kind)
                except AxisError as exc:
                    report.errors.append(f"{organ_id} {kind}: {exc}")
                    continue
                for item in waiting:
                    _axis_take(axis, organ_id, item.doc_id, report)
    return report


@contextmanager
def _axis_client(client: AxisClient | None) -> Iterator[AxisClient]:
    """The client given, or one from the environment closed afterwards."""
    if client is not None:
        yield client
        return
    with AxisClient.from_env() as own:
        yield own


def _axis_take(client: AxisClient, organ_id: str, doc_id: str, report: PollReport) -> None:
    spool = _spooled()
    with spool:
        try:
            client.get_edoc(doc_id, organ_id=organ_id, into=spool)
        except AxisError as exc:
            report.errors.append(f"{doc_id}: {exc}")
            return
        spool.seek(0)
        try:
            receipt = package_receive(
                body=spool,
                channel=Channel.AXIS,
                recipient=organ_id,
                external_id=doc_id,
                keep_refused=True,
            )
        except (ValidationFailed, PermissionDenied) as exc:
            report.refused += 1
            _axis_ack(client, organ_id, doc_id, "fail", str(exc), report)
            return
        except Exception as exc:  # our side failed: the package stays on the axis
            log.exception("axis package %s for %s could not be received", doc_id, organ_id)
            report.errors.append(f"{doc_id}: {type(exc).__name__}: {exc}")
            return
    if receipt.kind == "status":
        report.statuses += 1
    elif receipt.created:
        report.received += 1
    else:
        report.duplicates += 1
    _axis_ack(client, organ_id, doc_id, "done", "", report)


def _axis_ack(
    client: AxisClient, organ_id: str, doc_id: str, status: str, error: str, report: PollReport
) -> None:
    try:
        client.update_status(doc_id, organ_id=organ_id, status=status, error_desc=error[:500])  # type: ignore[arg-type]
    except AxisError as exc:  # taken again at the next poll; receipt is idempotent
        report.errors.append(f"{doc_id} updateStatus: {exc}")
        return
    exchange_log(
        direction=ExchangeDirection.OUT,
        channel=Channel.AXIS,
        kind="ack",
        outcome=status,
        detail=error,
        from_organ_id=organ_id,
        external_id=doc_id,
    )


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


DIRECTORY_FIELDS = ("name", "parent_organ_id", "email", "telephone", "address")


@transaction.atomic
def directory_sync(*, client: AxisClient | None = None, actor: Any = None) -> SyncReport:
    """Bring the agency directory in line with the axis's agency list: new agencies are added
    (reached by the axis), known ones get the axis's name and contact details, agencies that
    came from the axis and left it are deactivated. Our own agencies and the peers' are not
    changed (their own systems are the authority); an agency typed in as paper or e-mail that
    the axis lists is from now on reached by the axis."""
    with _axis_client(client) as axis:
        agencies = axis.get_agency_list()
    report = SyncReport()
    now = timezone.now()
    seen: set[str] = set()
    for item in agencies:
        code = item.code[:64]
        if code in seen:
            continue
        seen.add(code)
        values = {
            "name": (item.name or code)[:255],
            "parent_organ_id": item.parent_code[:64],
            "email": item.email[:254] if "@" in item.email else "",
            "telephone": item.phone[:32],
            "address": item.address[:255],
        }
        row = Agency.objects.select_for_update().filter(organ_id=code).first()
        if row is None:
            Agency.objects.create(
                organ_id=code, channel=Channel.AXIS, source="axis", synced_at=now, **values
            )
            report.created += 1
            continue
        if row.organisation_id is not None or row.channel in (Channel.PEER, Channel.INTERNAL):
            report.unchanged += 1
            continue
        changed = [name for name in DIRECTORY_FIELDS if getattr(row, name) != values[name]]
        for name in changed:
            setattr(row, name, values[name])
        if row.channel != Channel.AXIS:
            row.channel = Channel.AXIS
            changed.append("channel")
        if not row.active:
            row.active = True
            changed.append("active")
        row.synced_at = now
        row.save(update_fields=[*changed, "synced_at"])
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    gone = Agency.objects.filter(source="axis", active=True, organisation__isnull=True).exclude(
        organ_id__in=seen
    )
    report.deactivated = gone.update(active=False, synced_at=now)
    audit_record(
        action="document.directory.sync",
        object_type="documents.agency",
        changes={
            "created": report.created,
            "updated": report.updated,
            "deactivated": report.deactivated,
            "listed": len(seen),
        },
        actor=actor,
    )
    return report
