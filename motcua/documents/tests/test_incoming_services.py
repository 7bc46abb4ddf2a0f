"""Incoming documents: paper registration, assignment, progress, finish, return; the status
packages queued for electronic senders; the same package registered once; who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts.enums import Role
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.documents.enums import Channel, IncomingState, Source
from motcua.documents.models import IncomingDocument, OutboundStatus
from motcua.documents.policies import incoming_scope
from motcua.documents.services import incoming as svc
from motcua.documents.services.incoming import IncomingFields
from motcua.documents.services.outgoing import FileInput
from motcua.documents.tests.factories import official, world

pytestmark = pytest.mark.django_db

SCAN = FileInput("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def _fields(**kwargs):
    values = {
        "sender_name": "Sở Tài chính tỉnh Cà Mau",
        "code_number": "123",
        "code_notation": "STC-NS",
        "issued_date": dt.date(2026, 12, 1),
        "subject": "Về việc hướng dẫn lập dự toán ngân sách năm 2027",
    }
    values.update(kwargs)
    return IncomingFields(**values)


def test_paper_register_assign_process_finish() -> None:
    w = world()
    with pytest.raises(PermissionDenied):
        svc.incoming_register_paper(
            actor=w.specialist, organisation=w.agency, fields=_fields(), files=[SCAN]
        )
    with pytest.raises(ValidationFailed):
        svc.incoming_register_paper(
            actor=w.clerk, organisation=w.agency, fields=_fields(), files=[]
        )
    doc = svc.incoming_register_paper(
        actor=w.clerk, organisation=w.agency, fields=_fields(), files=[SCAN]
    )
    assert (doc.state, doc.arrival_number, doc.source) == (
        IncomingState.REGISTERED,
        1,
        Source.PAPER,
    )
    assert doc.number_notation == "123/STC-NS"
    second = svc.incoming_register_paper(
        actor=w.clerk, organisation=w.agency, fields=_fields(code_number="5"), files=[SCAN]
    )
    assert second.arrival_number == 2 and second.number_notation == "05/STC-NS"

    with pytest.raises(PermissionDenied):
        svc.incoming_assign(actor=w.clerk, document=doc, lead_unit=w.unit)  # leaders assign
    with pytest.raises(ValidationFailed):
        svc.incoming_assign(actor=w.leader, document=doc, lead_unit=w.other)  # not our unit
    doc = svc.incoming_assign(
        actor=w.leader,
        document=doc,
        lead_unit=w.unit,
        lead_official=w.specialist,
        deadline=dt.date.today() + dt.timedelta(days=10),
        instructions="Tham mưu trả lời",
    )
    assert doc.state == IncomingState.ASSIGNED
    with pytest.raises(PermissionDenied):
        svc.incoming_note(actor=w.outsider_leader, document=doc, text="x")
    doc = svc.incoming_note(actor=w.specialist, document=doc, text="Đang tổng hợp", percent=40)
    assert (doc.state, doc.progress) == (IncomingState.IN_PROGRESS, 40)
    doc = svc.incoming_finish(actor=w.specialist, document=doc, note="Đã trả lời")
    assert doc.state == IncomingState.DONE
    # paper documents have no sender to tell
    assert not OutboundStatus.objects.exists()


def test_co_units_note_but_do_not_finish() -> None:
    w = world()
    co = official(w.agency, Role.SPECIALIST)
    side = w.agency.children.create(
        name="Phòng Kinh tế", short_name="KT", kind="division", agency_code="000.09.09.H97"
    )
    co = official(side, Role.SPECIALIST)
    doc = svc.incoming_register_paper(
        actor=w.clerk, organisation=w.agency, fields=_fields(), files=[SCAN]
    )
    doc = svc.incoming_assign(actor=w.leader, document=doc, lead_unit=w.unit, co_units=[side])
    svc.incoming_note(actor=co, document=doc, text="Phối hợp: đã góp ý")
    with pytest.raises(PermissionDenied):
        svc.incoming_finish(actor=co, document=doc)
    assert IncomingDocument.objects.filter(incoming_scope(co), pk=doc.pk).exists()
    assert not IncomingDocument.objects.filter(incoming_scope(w.outsider_clerk), pk=doc.pk).exists()


def test_electronic_documents_queue_their_statuses_back() -> None:
    w = world()
    doc = svc.incoming_create_received(
        organisation=w.agency,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        fields=_fields(),
        files=[SCAN],
    )
    doc.document_id = "000.00.00.H12,2026/12/01,123/STC-NS"
    doc.save()
    assert doc.state == IncomingState.RECEIVED and doc.arrival_number is None
    doc = svc.incoming_register(actor=w.clerk, document=doc)
    doc = svc.incoming_assign(actor=w.leader, document=doc, lead_unit=w.unit)
    doc = svc.incoming_note(actor=w.specialist, document=doc, text="Bắt đầu xử lý")
    doc = svc.incoming_note(actor=w.specialist, document=doc, text="Tiếp tục")
    doc = svc.incoming_finish(actor=w.specialist, document=doc)
    codes = list(OutboundStatus.objects.filter(incoming=doc).values_list("status_code", flat=True))
    assert codes == ["03", "04", "05", "06"]


def test_return_to_sender() -> None:
    w = world()
    doc = svc.incoming_create_received(
        organisation=w.agency,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        fields=_fields(),
        files=[SCAN],
    )
    doc.document_id = "X,2026/12/01,1/ABC"
    doc.save()
    with pytest.raises(ValidationFailed):
        svc.incoming_return(actor=w.clerk, document=doc, reason="  ")
    doc = svc.incoming_return(actor=w.clerk, document=doc, reason="Gửi nhầm địa chỉ")
    assert doc.state == IncomingState.RETURNED
    status = OutboundStatus.objects.get(incoming=doc)
    assert (status.status_code, status.description) == ("02", "Gửi nhầm địa chỉ")
    with pytest.raises(Conflict):
        svc.incoming_register(actor=w.clerk, document=doc)


def test_the_assignment_deadline_cannot_be_past() -> None:
    w = world()
    doc = svc.incoming_register_paper(
        actor=w.clerk, organisation=w.agency, fields=_fields(), files=[SCAN]
    )
    with pytest.raises(ValidationFailed):
        svc.incoming_assign(
            actor=w.leader, document=doc, lead_unit=w.unit, deadline=dt.date(2020, 1, 1)
        )


def test_reminders_once_a_day() -> None:
    from motcua.notifications.models import Notification

    w = world()
    w.specialist.email = "chuyenvien@example.vn"
    w.specialist.save()
    doc = svc.incoming_register_paper(
        actor=w.clerk, organisation=w.agency, fields=_fields(), files=[SCAN]
    )
    today = dt.date.today()
    svc.incoming_assign(
        actor=w.leader,
        document=doc,
        lead_unit=w.unit,
        lead_official=w.specialist,
        deadline=today + dt.timedelta(days=1),
    )
    assert Notification.objects.filter(kind="document_assigned").count() == 1
    assert svc.incoming_remind_due(today=today) == 1
    assert svc.incoming_remind_due(today=today) == 0  # once a day
    assert svc.incoming_remind_due(today=today + dt.timedelta(days=3)) == 1  # overdue now
    due = Notification.objects.filter(kind="document_due").order_by("id")
    subjects = [n.subject for n in due]
    assert len(subjects) == 2 and "123/STC-NS" in subjects[0]
    assert subjects[1].startswith("Overdue") or subjects[1].startswith("Quá hạn")
    assert {n.recipient for n in due} == {"chuyenvien@example.vn"}


def test_a_document_from_one_of_our_agencies_arrives_then_is_registered_by_the_system() -> None:
    from motcua.documents.models import DocumentEvent
    from motcua.documents.services import outgoing as out
    from motcua.documents.tests.factories import signed_outgoing

    w = world()
    doc = out.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    doc.state = "sealed"
    doc.save()
    doc.recipients.create(name=w.other.name, organ_id=w.other.agency_code, channel="internal")
    out.outgoing_issue(actor=w.clerk, document=doc)
    received = IncomingDocument.objects.get(organisation=w.other)
    events = list(
        DocumentEvent.objects.filter(incoming=received).values_list(
            "action", "actor_id", "from_state", "to_state"
        )
    )
    # the sender's clerk is not the receiving side's actor; the states read in order
    assert events == [
        ("receive", None, "", "received"),
        ("register", None, "received", "registered"),
    ]


def test_a_received_circular_keeps_its_type() -> None:
    from motcua.documents.enums import DocumentType, type_from_edxml

    w = world()
    doc = svc.incoming_register_paper(
        actor=w.clerk,
        organisation=w.agency,
        fields=_fields(document_type=DocumentType.THONG_TU, code_notation="TT-BTP"),
        files=[SCAN],
    )
    assert doc.get_document_type_display() in ("Circular", "Thông tư")
    assert type_from_edxml(None, "Nghị định") == DocumentType.NGHI_DINH
