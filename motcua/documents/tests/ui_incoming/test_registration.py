"""Registration: a paper document (scan + metadata typed in) and a received one (metadata
corrected, then registered). Errors read in Vietnamese beside their fields, and a refused form
saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.documents.enums import IncomingState, Source
from motcua.documents.models import IncomingDocument, IncomingFile, RegisterCounter
from motcua.documents.tests.ui_incoming.conftest import PDF, received, text

pytestmark = pytest.mark.django_db

PAPER = reverse("documents:incoming_register_paper")


def scan(name: str = "cong-van-123.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sender_name": "Sở Tài chính tỉnh Cà Mau",
        "code_number": "123",
        "code_notation": "STC-NS",
        "issued_date": "2026-01-05",
        "document_type": "cong_van",
        "subject": "Về việc hướng dẫn lập dự toán ngân sách",
        "urgency": "normal",
        "confidentiality": "normal",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_clerk_registers_a_paper_document(client: Any, office: Any) -> None:
    client.force_login(office.clerk)
    assert client.get(PAPER).status_code == 200
    # when
    response = client.post(PAPER, {**form(), "scans": [scan()]})
    # then
    assert response.status_code == 302
    document = IncomingDocument.objects.get()
    assert response["Location"] == reverse("documents:incoming_detail", args=[document.pk])
    assert (document.state, document.source, document.arrival_number) == (
        IncomingState.REGISTERED,
        Source.PAPER,
        1,
    )
    assert (document.organisation, document.number_notation) == (office.agency, "123/STC-NS")
    assert document.created_by == office.clerk
    stored = document.files.get()
    assert (stored.file_name, stored.is_main, stored.size) == ("cong-van-123.pdf", True, len(PDF))
    assert "Đã vào sổ với số đến 1." in text(client.get(response["Location"]))


def test_a_refused_paper_form_says_why_in_vietnamese_and_saves_nothing(
    client: Any, office: Any
) -> None:
    client.force_login(office.clerk)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    # when: no author, no summary, no scan, a date in the future
    response = client.post(PAPER, form(sender_name="", subject="", issued_date=future))
    # then
    assert response.status_code == 422
    body = response.content.decode()
    page = text(response)
    assert "Đã xảy ra lỗi" in page
    assert 'id="id_sender_name_error">Trường này là bắt buộc.' in body
    assert 'id="id_subject_error">Trường này là bắt buộc.' in body
    assert 'id="id_scans_error">Trường này là bắt buộc.' in body
    assert "Ngày văn bản không thể sau ngày hôm nay." in page
    # what was typed is kept
    assert 'value="STC-NS"' in body
    assert not IncomingDocument.objects.exists()
    assert not IncomingFile.objects.exists()
    assert not RegisterCounter.objects.exists()


def test_a_file_that_is_not_a_scan_is_refused_and_nothing_saved(client: Any, office: Any) -> None:
    client.force_login(office.clerk)
    response = client.post(
        PAPER, {**form(), "scans": [scan(), scan("virus.exe", b"MZ\x90\x00not a scan")]}
    )
    assert response.status_code == 422
    assert 'id="id_scans_error">“virus.exe” không thuộc loại tệp được chấp nhận' in (
        response.content.decode()
    )
    assert not IncomingDocument.objects.exists()
    assert not IncomingFile.objects.exists()


def test_only_a_clerk_registers_paper(client: Any, office: Any) -> None:
    for user in (office.specialist, office.leader, office.viewer):
        client.force_login(user)
        assert client.get(PAPER).status_code == 403
        assert client.post(PAPER, {**form(), "scans": [scan()]}).status_code == 403
    assert not IncomingDocument.objects.exists()


def test_the_clerk_corrects_and_registers_a_received_document(client: Any, office: Any) -> None:
    document = received(office, subject="V/v du toan")  # read badly from the e-mail
    url = reverse("documents:incoming_register", args=[document.pk])
    client.force_login(office.clerk)
    # the form holds what was read, and the files with their signatures
    body = client.get(url).content.decode()
    assert "V/v du toan" in body and "scan.pdf" in body
    # when
    response = client.post(url, form(subject="Về việc dự toán ngân sách năm 2027"))
    # then
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.arrival_number) == (IncomingState.REGISTERED, 1)
    assert document.subject == "Về việc dự toán ngân sách năm 2027"
    page = text(client.get(response["Location"]))
    assert "Đã vào sổ với số đến 1." in page
    # the form of a registered document sends back to its page
    response = client.get(url, follow=True)
    assert "Văn bản này đã được vào sổ hoặc đã kết thúc." in text(response)


def test_a_refused_correction_leaves_the_document_to_register(client: Any, office: Any) -> None:
    document = received(office)
    url = reverse("documents:incoming_register", args=[document.pk])
    client.force_login(office.clerk)
    response = client.post(url, form(subject="", document_type="nonsense"))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_subject_error">Trường này là bắt buộc.' in body
    assert "id_document_type_error" in body
    document.refresh_from_db()
    assert document.state == IncomingState.RECEIVED and document.arrival_number is None


def test_the_detail_page_of_a_received_document_leads_the_clerk_to_register_it(
    client: Any, office: Any
) -> None:
    document = received(office)
    client.force_login(office.clerk)
    body = client.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    assert f'href="/office/documents/incoming/{document.pk}/register/"' in body
    client.force_login(office.leader)
    body = client.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    assert 'id="register-link"' not in body
