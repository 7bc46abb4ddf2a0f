"""Rows for the search and metric tests, written straight through the ORM (the services that
normally write them are not what these tests are about); `search_text` computed as the services
do, with search.search_text_for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.accounts.models import RoleAssignment, User
from motcua.accounts.tests.factories import OfficialFactory
from motcua.documents import search
from motcua.documents.enums import (
    Channel,
    DeliveryStatus,
    DocumentType,
    IncomingState,
    OutgoingState,
    RegisterKind,
    SignatureVerdict,
    Source,
)
from motcua.documents.models import (
    IncomingDocument,
    IncomingFile,
    OutgoingDocument,
    Recipient,
    Register,
)
from motcua.organisations.models import Organisation
from motcua.organisations.tests.factories import make_organisation
from motcua.signatures.enums import DocumentKind
from motcua.signatures.models import SignedDocument

TZ = timezone.get_default_timezone()


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def agency(name: str, parent: Organisation | None = None) -> Organisation:
    return make_organisation(name=name, parent=parent)


def official(org: Organisation, *roles: str) -> User:
    user: User = OfficialFactory.create(organisation=org)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    user._role_cache = None  # type: ignore[attr-defined]
    return user


def incoming(org: Organisation, **fields: Any) -> IncomingDocument:
    values: dict[str, Any] = {
        "organisation": org,
        "state": IncomingState.REGISTERED,
        "source": Source.PAPER,
        "channel": Channel.PAPER,
        "arrival_date": at(dt.date(2025, 3, 10)),
        "sender_name": "Sở Nội vụ",
        "subject": "Công văn thử nghiệm",
        "document_type": DocumentType.CONG_VAN,
    }
    values.update(fields)
    doc = IncomingDocument(**values)
    doc.save()
    doc.search_text = search.search_text_for(doc)
    doc.save(update_fields=["search_text"])
    return doc


def incoming_file(doc: IncomingDocument, text: str) -> IncomingFile:
    """A stored file with its extracted text; the document's search text refreshed."""
    f = IncomingFile.objects.create(
        document=doc, file="documents/x.pdf", file_name="x.pdf", sha256="0" * 64, text=text
    )
    doc.search_text = search.search_text_for(doc)
    doc.save(update_fields=["search_text"])
    return f


def outgoing(org: Organisation, drafter: User, **fields: Any) -> OutgoingDocument:
    values: dict[str, Any] = {
        "organisation": org,
        "drafting_unit": org,
        "drafter": drafter,
        "state": OutgoingState.DRAFT,
        "document_type": DocumentType.CONG_VAN,
        "subject": "Văn bản đi thử nghiệm",
    }
    values.update(fields)
    if values.get("code_number") and "register" not in values:
        values["register"], _ = Register.objects.get_or_create(
            organisation=org,
            kind=RegisterKind.OUTGOING,
            name="Sổ văn bản đi",
            defaults={"notation": "UBND"},
        )
        values.setdefault("year", 2025)
    doc = OutgoingDocument(**values)
    doc.save()
    doc.search_text = search.search_text_for(doc)
    doc.save(update_fields=["search_text"])
    return doc


def issued(
    org: Organisation,
    drafter: User,
    day: dt.date,
    *,
    person: bool = True,
    organisation: bool = True,
    channels: tuple[str, ...] = (Channel.AXIS,),
    status: str = DeliveryStatus.ARRIVED,
    **fields: Any,
) -> OutgoingDocument:
    """An issued outgoing document: its signed PDF (with the signatures asked for) and one
    recipient per channel, each in `status`."""
    signed = SignedDocument.objects.create(
        kind=DocumentKind.FORM,
        organisation=org,
        file="signatures/x.pdf",
        sha256="0" * 64,
        person_signed_at=at(day) if person else None,
        org_signed_at=at(day) if organisation else None,
    )
    doc = outgoing(
        org,
        drafter,
        state=OutgoingState.ISSUED,
        issued_date=day,
        issued_at=at(day, 15),
        signed_document=signed,
        **fields,
    )
    for i, channel in enumerate(channels):
        Recipient.objects.create(document=doc, name=f"Nơi nhận {i}", channel=channel, status=status)
    return doc


VALID = SignatureVerdict.VALID
