"""Signing official documents: the signatures tests' development PKI (one per session; its
settings fixture trusts its CA), certificates for the test agency and its signer, and an
outgoing decision of that agency ready to be signed."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile

# The signatures tests' PKI and the settings that trust it (autouse), shared on purpose.
from motcua.signatures.tests.conftest import (  # noqa: F401 - fixtures
    _signature_settings,
    dev_pki,
    plain_pdf,
    register,
)

AGENCY_NAME = "Ủy ban nhân dân tỉnh Thử 0"  # factories.world(0)
AGENCY_CODE = "000.00.00.H97"
SIGNER_NAME = "Phạm Văn Ký"
SIGNER_POSITION = "Chủ tịch"
SUBJECT = "Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh"


@pytest.fixture(scope="session")
def doc_identities(dev_pki: SimpleNamespace) -> SimpleNamespace:  # noqa: F811 - the fixture
    """The signer's and the agency's keys and certificates, from the shared development CA."""
    from motcua.signatures.pki import organisation_name, person_name

    signer, _ = dev_pki.pki.identity_ensure(
        folder="officials",
        slug="doc-signer",
        subject=person_name(
            full_name=SIGNER_NAME, organisation=AGENCY_NAME, position=SIGNER_POSITION
        ),
        profile="person",
    )
    agency, _ = dev_pki.pki.identity_ensure(
        folder="organisations",
        slug="doc-agency",
        subject=organisation_name(name=AGENCY_NAME, agency_code=AGENCY_CODE),
        profile="organisation",
    )
    return SimpleNamespace(signer=signer, agency=agency)


@pytest.fixture
def w(db: Any, doc_identities: SimpleNamespace) -> Any:
    """factories.world(0) with signing credentials for its signer and its agency."""
    from motcua.documents.tests.factories import world

    w = world(0)
    assert w.agency.name == AGENCY_NAME and w.signer.full_name == SIGNER_NAME
    register(doc_identities.signer, user=w.signer)
    register(doc_identities.agency, organisation=w.agency)
    return w


@pytest.fixture
def decision(w: Any) -> Any:
    """A decision of the agency awaiting its signer, with two recipients and no version."""
    from motcua.documents.enums import Channel, DocumentType, OutgoingState
    from motcua.documents.models import OutgoingDocument, Recipient

    document = OutgoingDocument.objects.create(
        organisation=w.agency,
        drafting_unit=w.unit,
        drafter=w.drafter,
        signer=w.signer,
        signer_position=SIGNER_POSITION,
        signer_competence="TM.",
        document_type=DocumentType.QUYET_DINH,
        subject=SUBJECT,
        content=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;\n"
            "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
        ),
        state=OutgoingState.TO_SIGN,
    )
    Recipient.objects.create(document=document, name="Sở Nội vụ", channel=Channel.PAPER)
    Recipient.objects.create(document=document, name=w.other.name, channel=Channel.PAPER)
    return document


def numbered(document: Any, number: int = 5, day: str = "2026-03-12") -> Any:
    """What outgoing_number does before the seal: register, number, notation, date."""
    import datetime as dt

    from motcua.documents.enums import RegisterKind
    from motcua.documents.models import Register

    register_row, _ = Register.objects.get_or_create(
        organisation=document.organisation,
        kind=RegisterKind.OUTGOING,
        name="Sổ đăng ký văn bản đi",
        defaults={"notation": "UBND"},
    )
    issued = dt.date.fromisoformat(day)
    document.register = register_row
    document.year = issued.year
    document.code_number = number
    document.code_notation = "QĐ-UBND"
    document.issued_date = issued
    document.save()
    return document


def version_add(document: Any, name: str, data: bytes, number: int = 1) -> Any:
    import hashlib

    from motcua.documents.models import OutgoingVersion

    version = OutgoingVersion(
        document=document,
        number=number,
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    version.file.save(name, ContentFile(data), save=False)
    version.save()
    return version


def attachment_add(document: Any, name: str, data: bytes, content_type: str) -> Any:
    import hashlib

    from motcua.documents.models import OutgoingAttachment

    attachment = OutgoingAttachment(
        document=document,
        file_name=name,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def text_of(data: bytes) -> str:
    import pypdf

    from motcua.core.text import nfc

    reader = pypdf.PdfReader(io.BytesIO(data))
    return nfc("\n".join(page.extract_text() for page in reader.pages))


def content(signed: Any) -> bytes:
    with signed.file.open("rb") as fh:
        return bytes(fh.read())
