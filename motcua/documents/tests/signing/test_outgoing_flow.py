"""Through the outgoing and incoming services: a decision drafted as a Word file is rendered,
signed by its signer, numbered and sealed by the clerk, and verified where it is received."""

from __future__ import annotations

import pytest

from motcua.documents.enums import (
    Channel,
    DocumentType,
    OutgoingState,
    SignatureVerdict,
    Source,
)
from motcua.documents.services import incoming, outgoing
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.documents.tests.signing.conftest import SIGNER_NAME, SUBJECT, content, text_of
from motcua.signatures.enums import DocumentState, Verdict
from motcua.signatures.verification import appearance_text, verify_pdf

pytestmark = pytest.mark.django_db


def test_word_draft_rendered_signed_numbered_sealed_and_verified_on_receipt(w, plain_pdf):
    # given: a decision drafted as .docx with a PDF attachment, no reviewers
    document = outgoing.outgoing_create(
        actor=w.drafter,
        organisation=w.agency,
        document_type=DocumentType.QUYET_DINH,
        subject=SUBJECT,
        content="Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.",
        signer=w.signer,
        signer_position="Chủ tịch",
        signer_competence="TM.",
        recipients=[RecipientInput(organisation=w.other)],
        file=FileInput("du-thao.docx", b"PK\x03\x04 word draft"),
        attachments=[FileInput("phu-luc.pdf", plain_pdf, "application/pdf")],
    )
    document = outgoing.outgoing_submit(actor=w.drafter, document=document)
    assert document.state == OutgoingState.TO_SIGN
    # when: signed, numbered, sealed
    document = outgoing.outgoing_sign(actor=w.signer, document=document)
    document = outgoing.outgoing_number(actor=w.clerk, document=document)
    document = outgoing.outgoing_seal(actor=w.clerk, document=document)
    # then: the PDF rendered from the fields carries both signatures and the number
    document.refresh_from_db()
    signed = document.signed_document
    assert signed is not None and signed.state == DocumentState.ORG_SIGNED
    data = content(signed)
    report = verify_pdf(data)
    assert report.verdict == Verdict.VALID, report.reason
    assert len(report.signatures) == 2
    assert f"Số: {document.number_notation}" in appearance_text(data)
    assert SUBJECT in text_of(data) and SIGNER_NAME in text_of(data)
    (attachment,) = document.attachments.all()
    assert attachment.signed_document is not None
    assert attachment.signed_document.state == DocumentState.ORG_SIGNED
    # and the other agency, receiving the file by e-mail, sees both signatures valid
    received = incoming.incoming_create_received(
        organisation=w.other,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        fields=incoming.IncomingFields(sender_name=w.agency.name, subject=SUBJECT),
        files=[FileInput("quyet-dinh.pdf", data, "application/pdf")],
    )
    assert received.signature_verdict == SignatureVerdict.VALID
    roles = [s["role"] for s in received.signature_report["signatures"]]
    assert roles == ["person", "organisation"]
