"""Outgoing documents: drafting, review, numbering (Decree 30 notation, series, yearly
restart), issue to our own agencies and on paper, the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.documents.enums import (
    BusinessDocType,
    Channel,
    Confidentiality,
    DeliveryStatus,
    DocumentType,
    IncomingState,
    OutgoingState,
)
from motcua.documents.models import DocumentEvent, IncomingDocument, RegisterCounter
from motcua.documents.services import outgoing as svc
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.documents.tests.factories import signed_outgoing, world

pytestmark = pytest.mark.django_db


def _draft(w, **kwargs):
    values = {
        "actor": w.drafter,
        "organisation": w.agency,
        "document_type": DocumentType.QUYET_DINH,
        "subject": "Về việc ban hành quy chế làm việc",
        "signer": w.signer,
        "reviewers": [w.reviewer],
        "recipients": [RecipientInput(organisation=w.other)],
        "file": FileInput("du-thao.docx", b"PK\x03\x04 draft"),
    }
    values.update(kwargs)
    return svc.outgoing_create(**values)


def test_draft_review_return_and_approve() -> None:
    w = world()
    doc = _draft(w)
    assert doc.state == OutgoingState.DRAFT and doc.drafting_unit == w.unit
    assert doc.versions.count() == 1
    doc = svc.outgoing_submit(actor=w.drafter, document=doc)
    assert doc.state == OutgoingState.IN_REVIEW
    svc.outgoing_comment(actor=w.reviewer, document=doc, text="Sửa điều 2")
    doc = svc.outgoing_return(actor=w.reviewer, document=doc, reason="Thiếu căn cứ")
    assert doc.state == OutgoingState.RETURNED
    svc.outgoing_add_version(
        actor=w.drafter, document=doc, file=FileInput("du-thao-2.docx", b"v2"), note="Đã sửa"
    )
    assert [v.number for v in doc.versions.all()] == [1, 2]
    doc = svc.outgoing_submit(actor=w.drafter, document=doc)
    doc = svc.outgoing_approve(actor=w.reviewer, document=doc)
    assert doc.state == OutgoingState.TO_SIGN
    actions = list(DocumentEvent.objects.filter(outgoing=doc).values_list("action", flat=True))
    assert actions == [
        "create",
        "submit",
        "comment",
        "return",
        "add_version",
        "submit",
        "approve",
    ]


def test_without_reviewers_the_draft_goes_to_the_signer() -> None:
    w = world()
    doc = _draft(w, reviewers=[])
    doc = svc.outgoing_submit(actor=w.drafter, document=doc)
    assert doc.state == OutgoingState.TO_SIGN


def test_refusals() -> None:
    w = world()
    with pytest.raises(PermissionDenied):
        _draft(w, actor=w.viewer)  # a report viewer never drafts
    with pytest.raises(PermissionDenied):
        _draft(w, actor=w.outsider_clerk)  # another agency's official
    doc = _draft(w)
    with pytest.raises(PermissionDenied):
        svc.outgoing_update(actor=w.outsider_clerk, document=doc, subject="x")
    svc.outgoing_submit(actor=w.drafter, document=doc)
    with pytest.raises(PermissionDenied):
        svc.outgoing_approve(actor=w.drafter, document=doc)  # not a reviewer
    with pytest.raises(Conflict):
        svc.outgoing_update(actor=w.drafter, document=doc, subject="x")  # in review: locked
    with pytest.raises(ValidationFailed):
        _draft(w, signer=w.outsider_leader)  # the signer must be of the issuing agency
    with pytest.raises(ValidationFailed):
        _draft(w, file=FileInput("virus.exe", b"MZ"))
    with pytest.raises(ValidationFailed):
        _draft(w, subject="x" * 501)


def test_number_and_notation() -> None:
    w = world()
    doc = signed_outgoing(w)
    with pytest.raises(PermissionDenied):
        svc.outgoing_number(actor=w.drafter, document=doc)  # only the clerk
    with pytest.raises(PermissionDenied):
        svc.outgoing_number(actor=w.outsider_clerk, document=doc)  # of this agency
    doc = svc.outgoing_number(actor=w.clerk, document=doc)
    assert doc.number_notation == "01/QĐ-UBND"
    assert doc.state == OutgoingState.NUMBERED
    assert doc.document_id == f"{w.agency.agency_code},{doc.issued_date:%Y/%m/%d},01/QĐ-UBND"
    letter = signed_outgoing(w, document_type=DocumentType.CONG_VAN, unit_abbreviation="VX")
    letter = svc.outgoing_number(actor=w.clerk, document=letter)
    assert letter.number_notation == "02/UBND-VX"  # one series for the agency's register
    for _ in range(8):
        last = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    assert last.number_notation == "10/QĐ-UBND"


def test_secret_documents_have_their_own_series_and_never_travel_electronically() -> None:
    w = world()
    svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    secret = signed_outgoing(w, confidentiality=Confidentiality.SECRET)
    secret = svc.outgoing_number(actor=w.clerk, document=secret)
    assert secret.code_number == 1 and secret.register.secret
    # A draft marked secret keeps its recipients on paper.
    doc = _draft(w, confidentiality=Confidentiality.SECRET)
    assert set(doc.recipients.values_list("channel", flat=True)) == {Channel.PAPER}


def test_numbering_restarts_on_the_first_of_january() -> None:
    w = world()
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)):  # 23:00 in VN
        a = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
        b = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)):  # 00:30, 1/1
        c = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    assert (a.year, a.code_number, b.code_number) == (2026, 1, 2)
    assert (c.year, c.code_number, c.issued_date) == (2027, 1, dt.date(2027, 1, 1))


def test_a_rolled_back_number_is_given_again() -> None:
    w = world()
    svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    doc = signed_outgoing(w)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        svc.outgoing_number(actor=w.clerk, document=doc)
        raise RuntimeError("the transaction fails after numbering")
    doc.refresh_from_db()
    assert doc.code_number is None
    assert svc.outgoing_number(actor=w.clerk, document=doc).code_number == 2
    assert RegisterCounter.objects.get().last_number == 2


def test_issue_to_our_own_agency_and_on_paper() -> None:
    w = world()
    doc = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    doc.state = OutgoingState.SEALED
    doc.save()
    svc._recipients_replace(
        doc, [RecipientInput(organisation=w.other), RecipientInput(name="Báo Cà Mau")]
    )
    with pytest.raises(PermissionDenied):
        svc.outgoing_issue(actor=w.drafter, document=doc)
    doc = svc.outgoing_issue(actor=w.clerk, document=doc)
    assert doc.state == OutgoingState.ISSUED
    internal, paper = doc.recipients.order_by("id")
    assert internal.channel == Channel.INTERNAL and internal.status == DeliveryStatus.ACCEPTED
    received = IncomingDocument.objects.get(organisation=w.other)
    assert received.state == IncomingState.REGISTERED and received.arrival_number == 1
    assert received.document_id == doc.document_id
    assert (received.code_number, received.code_notation) == ("01", "QĐ-UBND")
    assert paper.channel == Channel.PAPER and paper.status == DeliveryStatus.SENT


def test_secret_document_with_an_electronic_recipient_is_refused_at_issue() -> None:
    w = world()
    doc = signed_outgoing(w, confidentiality=Confidentiality.SECRET)
    doc = svc.outgoing_number(actor=w.clerk, document=doc)
    doc.state = OutgoingState.SEALED
    doc.save()
    doc.recipients.create(name="Sở X", channel=Channel.AXIS, organ_id="000.00.00.X")
    with pytest.raises(Conflict) as caught:
        svc.outgoing_issue(actor=w.clerk, document=doc)
    assert caught.value.code == "secret_not_electronic"
    doc.refresh_from_db()
    assert doc.state == OutgoingState.SEALED


def test_revocation_marks_the_revoked_document_when_issued() -> None:
    w = world()
    first = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    first.state = OutgoingState.ISSUED
    first.save()
    first.recipients.create(name="Lưu", channel=Channel.PAPER)
    with pytest.raises(ValidationFailed):
        _draft(w, business_doc_type=BusinessDocType.REVOKE)  # no target
    revocation = _draft(
        w,
        business_doc_type=BusinessDocType.REVOKE,
        business_target=first,
        business_reason="Ban hành sai thẩm quyền",
        recipients=None,
    )
    assert list(revocation.recipients.values_list("name", flat=True)) == ["Lưu"]
    revocation.state = OutgoingState.SIGNED
    revocation.save()
    revocation = svc.outgoing_number(actor=w.clerk, document=revocation)
    revocation.state = OutgoingState.SEALED
    revocation.save()
    svc.outgoing_issue(actor=w.clerk, document=revocation)
    first.refresh_from_db()
    assert first.state == OutgoingState.REVOKED


def test_an_edit_records_only_what_changed() -> None:
    w = world()
    doc = _draft(w)
    svc.outgoing_update(
        actor=w.drafter,
        document=doc,
        subject=doc.subject,
        content="Nội dung mới",
        urgency=doc.urgency,
        signer=w.signer,
        reviewers=[w.reviewer],
        recipients=[RecipientInput(organisation=w.other)],
    )
    edit = DocumentEvent.objects.filter(outgoing=doc, action="edit").get()
    assert edit.data["fields"] == ["content"]


def test_laws_decrees_and_circulars_are_received_not_issued() -> None:
    w = world()
    with pytest.raises(ValidationFailed) as caught:
        _draft(w, document_type=DocumentType.THONG_TU)
    assert caught.value.fields == {"document_type": "thong_tu"}
