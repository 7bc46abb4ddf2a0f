"""The draft form: a new draft (directory and typed recipients, the file, attachments), its
errors in Vietnamese with nothing half-saved, changes to a draft, a reply to an incoming
document and a revocation of an issued one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents.enums import (
    BusinessDocType,
    Channel,
    Confidentiality,
    DocumentType,
    OutgoingState,
    Urgency,
)
from motcua.documents.models import (
    Agency,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingVersion,
    Recipient,
)
from motcua.documents.services import incoming as incoming_services
from motcua.documents.services.incoming import IncomingFields
from motcua.documents.services.outgoing import FileInput
from motcua.documents.tests.ui_outgoing.conftest import at_state, draft, text_of

pytestmark = pytest.mark.django_db

S = OutgoingState
NEW = "documents:outgoing_new"


def upload(name: str = "du-thao.docx", data: bytes = b"PK\x03\x04 draft") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def form_data(w: Any, **kwargs: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "organisation": str(w.agency.pk),
        "document_type": DocumentType.CONG_VAN,
        "subject": "V/v tổng hợp báo cáo quý I",
        "content": "Đề nghị các cơ quan gửi báo cáo.",
        "urgency": Urgency.URGENT,
        "confidentiality": Confidentiality.NORMAL,
        "unit_abbreviation": "VX",
        "signer": str(w.signer.pk),
        "signer_competence": "KT.",
        "reviewers": [str(w.reviewer.pk)],
        "recipients": [f"o:{w.other.pk}"],
        "other_recipients": "Công ty Cổ phần Thủy sản, thuysan@example.vn\nBáo Cà Mau",
        "due_date": "2026-12-20",
    }
    values.update(kwargs)
    return values


def media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_form_offers_decree_30_types_the_agency_leaders_and_the_directory(client, w):
    Agency.objects.create(organ_id="000.00.00.G02", name="Bộ Nội vụ", channel=Channel.AXIS)
    client.force_login(w.drafter)
    response = client.get(reverse(NEW))
    assert response.status_code == 200
    page = response.content.decode()
    assert ">Quyết định (QĐ)</option>" in page and ">Công văn</option>" in page
    # signers: the agency's leaders; the drafter is not offered as their own reviewer
    text = text_of(response)
    assert "Phạm Văn Ký — Chủ tịch" in text
    assert f'name="reviewers" value="{w.drafter.pk}"' not in page
    assert f'name="reviewers" value="{w.reviewer.pk}"' in page
    # recipients: our other agencies and the directory, not the agency's own divisions
    assert f'value="o:{w.other.pk}"' in page and f'value="o:{w.unit.pk}"' not in page
    assert "Bộ Nội vụ" in text
    # the agency a division drafts for is chosen for them
    assert f'<option value="{w.agency.pk}" selected>' in page


def test_a_new_draft_is_saved_with_its_recipients_file_and_attachments(client, w):
    client.force_login(w.drafter)
    data = form_data(w, file=upload(), attachments=[upload("phu-luc.pdf", b"%PDF-1.4 x")])
    response = client.post(reverse(NEW), data)
    assert response.status_code == 302
    doc = OutgoingDocument.objects.get()
    assert response["Location"] == reverse("documents:outgoing_detail", args=[doc.pk])
    assert (doc.state, doc.organisation, doc.drafting_unit) == (S.DRAFT, w.agency, w.unit)
    assert (doc.urgency, doc.unit_abbreviation, doc.signer, doc.signer_competence) == (
        Urgency.URGENT,
        "VX",
        w.signer,
        "KT.",
    )
    assert doc.due_date == dt.date(2026, 12, 20)
    assert list(doc.reviewers.all()) == [w.reviewer]
    recipients = {(r.name, r.channel, r.email) for r in doc.recipients.all()}
    assert recipients == {
        (w.other.name, Channel.INTERNAL, ""),
        ("Công ty Cổ phần Thủy sản", Channel.EMAIL, "thuysan@example.vn"),
        ("Báo Cà Mau", Channel.PAPER, ""),
    }
    assert [v.file_name for v in doc.versions.all()] == ["du-thao.docx"]
    assert [a.file_name for a in doc.attachments.all()] == ["phu-luc.pdf"]
    page = client.get(response["Location"])
    assert "Đã lưu dự thảo." in text_of(page)


def test_form_errors_are_in_vietnamese_and_nothing_is_saved(client, w, settings):
    client.force_login(w.drafter)
    # the form's own checks
    response = client.post(
        reverse(NEW),
        form_data(
            w,
            subject="",
            document_type="",
            other_recipients="Công ty X, không-phải-email@",
            file=upload(),
        ),
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Có lỗi" in text or "Đã xảy ra lỗi" in text or "Trường này là bắt buộc." in text
    assert text.count("Trường này là bắt buộc.") >= 2
    assert "không phải là địa chỉ e-mail" in text
    # what was typed stays
    assert "Đề nghị các cơ quan gửi báo cáo." in response.content.decode()
    # the service's checks: a file type it refuses, after the attachments were read
    response = client.post(
        reverse(NEW),
        form_data(w, file=upload("virus.exe", b"MZ"), attachments=[upload("a.pdf", b"%PDF")]),
    )
    assert response.status_code == 422
    assert "Loại tệp này không được chấp nhận" in text_of(response)
    # nothing half-saved: no document, no version, no attachment, no recipient, no file
    assert OutgoingDocument.objects.count() == 0
    assert OutgoingVersion.objects.count() == 0
    assert OutgoingAttachment.objects.count() == 0
    assert Recipient.objects.count() == 0
    assert media_files(settings) == []


def test_searching_the_directory_without_script_keeps_what_was_typed(client, w):
    Agency.objects.create(organ_id="000.00.00.G02", name="Bộ Nội vụ", channel=Channel.AXIS)
    client.force_login(w.drafter)
    data = form_data(w, recipient_search="Nội vụ", refresh="search")
    response = client.post(reverse(NEW), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert OutgoingDocument.objects.count() == 0
    assert "Bộ Nội vụ" in page
    # the ticked entry stays, and the typed subject too
    assert f'value="o:{w.other.pk}" id="id_recipients_0" checked' in page
    assert "V/v tổng hợp báo cáo quý I" in page
    # with htmx: only the list comes back
    response = client.get(
        reverse("documents:outgoing_recipients"),
        {"recipient_search": "Nội", "recipients": [f"o:{w.other.pk}"]},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert fragment.strip().startswith('<div id="recipient-options"')
    assert "Bộ Nội vụ" in fragment and w.other.name in fragment


def test_changing_a_draft_is_all_or_nothing(client, w):
    doc = draft(w)
    client.force_login(w.drafter)
    url = reverse("documents:outgoing_edit", args=[doc.pk])
    page = client.get(url).content.decode()
    assert "Về việc ban hành quy chế làm việc" in page
    data = form_data(w, subject="Tiêu đề mới", version_note="Sửa điều 2")
    # a refused new version: the subject is not changed either
    response = client.post(url, {**data, "file": upload("x.exe", b"MZ")})
    assert response.status_code == 422
    doc.refresh_from_db()
    assert doc.subject == "Về việc ban hành quy chế làm việc"
    assert doc.versions.count() == 1
    # accepted: the fields change and the new file is version 2
    response = client.post(url, {**data, "file": upload("du-thao-2.docx", b"v2")})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.subject == "Tiêu đề mới"
    assert [(v.number, v.note) for v in doc.versions.all()] == [(1, ""), (2, "Sửa điều 2")]


def test_an_issued_document_cannot_be_changed(client, w):
    doc = at_state(w, S.ISSUED)
    client.force_login(w.drafter)
    response = client.get(reverse("documents:outgoing_edit", args=[doc.pk]))
    assert response.status_code == 302
    assert "Văn bản này không thể sửa được nữa." in text_of(client.get(response["Location"]))


def _incoming(w: Any, organisation: Any) -> Any:
    clerk = w.clerk if organisation == w.agency else w.outsider_clerk
    return incoming_services.incoming_register_paper(
        actor=clerk,
        organisation=organisation,
        fields=IncomingFields(
            sender_name="Sở Tài chính tỉnh Cà Mau",
            sender_organ_id="000.00.00.STC",
            code_number="123",
            code_notation="STC-NS",
            issued_date=dt.date(2026, 12, 1),
            subject="Về việc hướng dẫn lập dự toán ngân sách năm 2027",
        ),
        files=[FileInput("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )


def test_a_reply_is_preset_from_the_incoming_document(client, w):
    # given a document received by the agency and assigned to the drafter's unit
    sender = Agency.objects.create(
        organ_id="000.00.00.STC", name="Sở Tài chính", email="stc@example.vn", channel="email"
    )
    incoming = incoming_services.incoming_assign(
        actor=w.leader, document=_incoming(w, w.agency), lead_unit=w.unit
    )
    client.force_login(w.drafter)
    url = reverse(NEW) + f"?response_for={incoming.pk}"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "123/STC-NS" in page
    # the sender, found in the directory, is ticked
    assert f'value="a:{sender.pk}" id="id_recipients_0" checked' in page
    data = form_data(w, recipients=[f"a:{sender.pk}"], other_recipients="", file=upload())
    response = client.post(url, data)
    assert response.status_code == 302
    assert OutgoingDocument.objects.get().response_for == incoming


def test_a_reply_to_a_document_the_user_cannot_see_is_404(client, w):
    elsewhere = _incoming(w, w.other)
    client.force_login(w.drafter)
    assert client.get(reverse(NEW) + f"?response_for={elsewhere.pk}").status_code == 404
    assert client.get(reverse(NEW) + "?response_for=abc").status_code == 404
    response = client.post(
        reverse(NEW) + f"?response_for={elsewhere.pk}", form_data(w, file=upload())
    )
    assert response.status_code == 404
    assert OutgoingDocument.objects.count() == 0


def test_a_revocation_is_preset_from_the_issued_document(client, w):
    issued = at_state(w, S.ISSUED, issued_date=dt.date(2026, 3, 2))
    client.force_login(w.drafter)
    url = reverse(NEW) + f"?business=revoke&target={issued.pk}"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert issued.number_notation in page and "02/03/2026" in page
    assert "Báo Cà Mau" in page  # the recipients of the revoked document
    # the reason is required
    data = form_data(w, recipients=[], other_recipients="Báo Cà Mau", file=upload())
    response = client.post(url, data)
    assert response.status_code == 422
    assert OutgoingDocument.objects.count() == 1
    data["file"] = upload()
    response = client.post(url, {**data, "business_reason": "Ban hành sai thẩm quyền"})
    assert response.status_code == 302, text_of(response)
    revocation = OutgoingDocument.objects.exclude(pk=issued.pk).get()
    assert revocation.business_doc_type == BusinessDocType.REVOKE
    assert revocation.business_target == issued
    assert revocation.business_reason == "Ban hành sai thẩm quyền"


def test_only_drafters_open_the_form(client, w):
    client.force_login(w.viewer)
    assert client.get(reverse(NEW)).status_code == 403
    assert client.post(reverse(NEW), form_data(w)).status_code == 403
    issued = at_state(w, S.ISSUED)
    client.force_login(w.outsider_leader)
    assert client.get(reverse(NEW) + f"?business=revoke&target={issued.pk}").status_code == 404


def test_a_secret_draft_sends_every_recipient_paper(client, w):
    client.force_login(w.drafter)
    data = form_data(w, confidentiality=Confidentiality.SECRET, file=upload())
    assert client.post(reverse(NEW), data).status_code == 302
    doc = OutgoingDocument.objects.get()
    assert set(doc.recipients.values_list("channel", flat=True)) == {Channel.PAPER}


def test_choosing_another_issuing_agency_saves_nothing_and_keeps_what_was_typed(client, w):
    # the specialist's division may issue too: choosing it offers its own leaders
    client.force_login(w.drafter)
    data = form_data(w, organisation=str(w.unit.pk), refresh="agency")
    response = client.post(reverse(NEW), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert OutgoingDocument.objects.count() == 0
    assert f'<option value="{w.unit.pk}" selected>' in page
    assert "V/v tổng hợp báo cáo quý I" in page
    assert f'<option value="{w.reviewer.pk}"' in page  # the division's head
    assert f'<option value="{w.signer.pk}"' not in page  # the province's chairman is not
