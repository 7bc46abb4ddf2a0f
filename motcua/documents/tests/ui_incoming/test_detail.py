"""One incoming document's page: what it shows (metadata, files with their signature verdicts,
timeline, assignment, notes, replies, statuses sent back), to whom; its files."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from motcua.documents.enums import Channel, DocumentType, SignatureVerdict, Source
from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.documents.services import incoming as svc
from motcua.documents.tests.ui_incoming.conftest import PDF, assigned, paper, received, text

pytestmark = pytest.mark.django_db


def detail(document: IncomingDocument) -> str:
    return reverse("documents:incoming_detail", args=[document.pk])


def file_url(document: IncomingDocument) -> str:
    first = document.files.order_by("id").first()
    assert first is not None
    return reverse("documents:incoming_file", args=[document.pk, first.pk])


def test_another_agencys_official_gets_404_on_the_page_and_the_file(
    client: Any, office: Any
) -> None:
    document = paper(office)
    for outsider in (office.outsider_clerk, office.outsider_leader):
        client.force_login(outsider)
        assert client.get(detail(document)).status_code == 404
        assert client.get(file_url(document)).status_code == 404
        assert (
            client.post(
                reverse("documents:incoming_action", args=[document.pk, "assign"]),
                {"assign-lead_unit": office.unit.pk},
            ).status_code
            == 404
        )
    # an unknown document answers the same
    client.force_login(office.clerk)
    assert client.get(reverse("documents:incoming_detail", args=[999_999])).status_code == 404


def test_a_file_of_another_document_is_not_reachable_through_this_one(
    client: Any, office: Any
) -> None:
    mine = paper(office)
    other = paper(office)
    theirs = other.files.get()
    client.force_login(office.clerk)
    url = reverse("documents:incoming_file", args=[mine.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_the_clerk_downloads_the_scan(client: Any, office: Any) -> None:
    document = paper(office)
    client.force_login(office.clerk)
    response = client.get(file_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_a_specialist_of_an_unassigned_unit_cannot_open_it(client: Any, office: Any) -> None:
    document = assigned(office, unit=office.unit2)
    client.force_login(office.specialist)
    assert client.get(detail(document)).status_code == 404
    client.force_login(office.specialist2)
    assert client.get(detail(document)).status_code == 200


def test_report_viewer_sees_no_action_and_is_refused_when_posting(client: Any, office: Any) -> None:
    # given: one to register, one to assign, one assigned
    waiting = received(office)
    registered = paper(office)
    working = assigned(office)
    client.force_login(office.viewer)
    # then: each page opens, with nothing to do
    for document in (waiting, registered, working):
        body = client.get(detail(document)).content.decode()
        assert 'id="no-actions"' in body
        assert '<form method="post" action="/office/documents/incoming/' not in body
        assert 'id="register-link"' not in body
    # … and every action posted anyway is refused, changing nothing
    posts = {
        "assign": {"assign-lead_unit": office.unit.pk},
        "note": {"note-text": "Đã xem"},
        "finish": {},
        "return": {"return-reason": "Gửi nhầm"},
    }
    for action, data in posts.items():
        for document in (registered, working):
            url = reverse("documents:incoming_action", args=[document.pk, action])
            assert client.post(url, data).status_code == 403, action
    register = reverse("documents:incoming_register", args=[waiting.pk])
    assert client.get(register).status_code == 403
    assert client.post(register, {"sender_name": "X", "subject": "Y"}).status_code == 403
    assert client.get(reverse("documents:incoming_register_paper")).status_code == 403
    states = dict(IncomingDocument.objects.values_list("pk", "state"))
    assert states == {waiting.pk: "received", registered.pk: "registered", working.pk: "assigned"}


def test_the_page_shows_metadata_assignment_and_the_timeline_in_vietnamese(
    client: Any, office: Any
) -> None:
    document = assigned(
        office,
        unit=office.unit,
        lead_official=office.specialist,
        co_units=[office.unit2],
        document_type=DocumentType.GIAY_MOI,
    )
    svc.incoming_note(actor=office.specialist, document=document, text="Đang tổng hợp", percent=40)
    client.force_login(office.leader)
    page = text(client.get(detail(document)))
    for expected in (
        "Giấy mời",
        "123/STC-NS",
        "Về việc hướng dẫn lập dự toán ngân sách",
        "Sở Tài chính tỉnh Cà Mau",
        "Số đến 1",
        "Đơn vị chủ trì Phòng Văn xã 0",
        "Cán bộ chủ trì Đỗ Văn Chuyên",
        "Đơn vị phối hợp Phòng Kinh tế",
        "Ý kiến chỉ đạo Tham mưu trả lời",
        "Tiến độ 40%",
        "Đang tổng hợp",
        # the timeline
        "Vào sổ văn bản đến",
        "Phân công xử lý",
        "Đã vào sổ, chờ phân công → Đã phân công",
        "Ghi nhận tiến độ",
        "Đã phân công → Đang xử lý",
    ):
        assert expected in page, expected
    for raw in ("in_progress", "registered →", "assign —"):
        assert raw not in page


def test_each_files_signature_verdict_is_shown_with_its_reason(client: Any, office: Any) -> None:
    # given: a received document whose PDF failed verification (as the verifier records it)
    document = received(office)
    document.files.update(
        signature_verdict=SignatureVerdict.INVALID,
        signature_report={
            "verdict": "invalid",
            "reason": "Văn bản đã bị sửa đổi sau khi ký.",
            "signatures": [
                {
                    "role": "person",
                    "signer_name": "Nguyễn Văn Ký",
                    "organisation": "Sở Tài chính",
                    "signed_at": "2026-01-05T09:00:00+07:00",
                    "verdict": "invalid",
                    "reason": "Văn bản đã bị sửa đổi sau khi ký.",
                    "problems": [],
                }
            ],
        },
    )
    client.force_login(office.clerk)
    # then: on the page and on the registration form the clerk checks before registering
    for url in (detail(document), reverse("documents:incoming_register", args=[document.pk])):
        response = client.get(url)
        page = text(response)
        assert 'data-verdict="invalid"' in response.content.decode()
        assert "Không hợp lệ Văn bản đã bị sửa đổi sau khi ký." in page
        assert "Chữ ký của người ký : Nguyễn Văn Ký — Sở Tài chính" in page
        assert "ký lúc 05/01/2026 09:00" in page


def test_a_file_without_signature_says_so(client: Any, office: Any) -> None:
    document = paper(office)
    document.files.update(signature_verdict=SignatureVerdict.NONE, signature_report={})
    client.force_login(office.clerk)
    assert "Không có chữ ký số Tệp không có chữ ký số." in text(client.get(detail(document)))


def test_replies_and_statuses_sent_back_are_listed(client: Any, office: Any) -> None:
    # given: an electronic document registered by the clerk (status 03 queued back), and a
    # reply drafted for it
    document = received(office, code_number="45")
    IncomingDocument.objects.filter(pk=document.pk).update(
        source=Source.EDXML, channel=Channel.PEER, document_id="000.00.12.H12,2026/01/05,45/STC-NS"
    )
    document = svc.incoming_register(actor=office.clerk, document=document)
    OutgoingDocument.objects.create(
        organisation=office.agency,
        drafting_unit=office.unit,
        drafter=office.drafter,
        document_type=DocumentType.CONG_VAN,
        subject="Về việc trả lời Sở Tài chính",
        response_for=document,
    )
    client.force_login(office.leader)
    page = text(client.get(detail(document)))
    assert "Về việc trả lời Sở Tài chính" in page
    assert "Trạng thái đã gửi lại nơi gửi" in page
    # the status's label, not its edXML code
    assert "Đã vào sổ" in page and "03 Đã vào sổ" not in page
    assert "Chờ gửi" in page


def test_the_verifiers_verdict_on_a_registered_scan_reads_in_vietnamese(
    client: Any, office: Any
) -> None:
    # given: a real PDF without a signature, registered from paper (verified on the way in)
    from motcua.documents.services.outgoing import FileInput
    from motcua.documents.tests.ui_incoming.conftest import tiny_pdf

    document = svc.incoming_register_paper(
        actor=office.clerk,
        organisation=office.agency,
        fields=svc.IncomingFields(sender_name="Sở Tài chính", subject="Về việc thử"),
        files=[FileInput("scan.pdf", tiny_pdf(), "application/pdf")],
    )
    client.force_login(office.clerk)
    response = client.get(detail(document))
    files = response.content.decode().split('id="files"')[1]
    assert 'data-verdict="none"' in files
    assert "Không có chữ ký số" in text(response)
    assert "signature" not in text(response).lower()
