"""My dossiers: the dossier page and what the applicant can do there; officials' feedback pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers import services
from motcua.dossiers.enums import DossierStatus as S
from motcua.feedback.models import Feedback, Rating
from motcua.feedback.tests.factories import (
    PDF,
    dossier_delivered,
    dossier_online,
    dossier_received,
    dossier_result_ready,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_my_dossiers(citizen_client, world):
    mine = dossier_online(world)
    other_user = UserFactory()
    theirs = dossier_online(world, owner=other_user)
    page = citizen_client.get("/my/dossiers/").content.decode()
    assert mine.code in page and theirs.code not in page
    assert citizen_client.get(f"/my/dossiers/{theirs.code}/").status_code == 404


def test_the_dossier_page_has_the_timeline_without_internal_notes(citizen_client, world):
    d = dossier_received(world)
    services.dossier_forward(dossier=d, actor=world.specialist, note="nội bộ: kiểm tra lại")
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert (
        'data-event="submit"' in page
        and 'data-event="receive"' in page
        and 'data-event="forward"' in page
    )
    assert "nội bộ" not in page
    assert 'data-status="in_progress"' in page


def test_a_correction_of_my_details_shows_on_my_timeline_with_its_reason(citizen_client, world):
    from motcua.dossiers.applicants import dossier_correct_applicant

    # given my received dossier, whose phone the desk corrects
    d = dossier_received(world)
    a = d.applicant
    changes = services.ApplicantInput(
        full_name=a.full_name, id_number=a.id_number, kind=a.kind, phone="0912000111"
    )
    dossier_correct_applicant(
        dossier=d, actor=world.counter, changes=changes, reason="Số điện thoại ghi sai"
    )
    # when I open it, then the entry is named in words, with the reason
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert 'data-event="correct_applicant"' in page and "Số điện thoại ghi sai" in page
    assert "Correct the applicant&#x27;s details" in page or "Đính chính" in page
    assert ">correct_applicant<" not in page


def test_answering_a_supplement_request(citizen_client, world):
    # given
    d = dossier_received(world)
    services.dossier_request_supplement(
        dossier=d, actor=world.specialist, missing=["Ảnh 4x6"], note="Cần ảnh mới"
    )
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert "Ảnh 4x6" in page and 'id="supplement-form"' in page and "Cần ảnh mới" in page
    # when: a wrong file first, then the right one
    bad = citizen_client.post(
        f"/my/dossiers/{d.code}/supplement/", {"papers": [SimpleUploadedFile("a.pdf", b"no")]}
    )
    assert bad.status_code == 422 and "not a file type we accept" in bad.content.decode()
    ok = citizen_client.post(
        f"/my/dossiers/{d.code}/supplement/",
        {"papers": [SimpleUploadedFile("anh.pdf", PDF)], "note": "Đã bổ sung"},
    )
    # then
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.status == S.RECEIVED
    assert d.components.filter(kind="supplement", original_filename="anh.pdf").exists()


def test_withdraw_with_a_confirmation_page(citizen_client, world):
    d = dossier_online(world)
    page = citizen_client.get(f"/my/dossiers/{d.code}/withdraw/")
    assert page.status_code == 200 and 'id="confirm-withdraw"' in page.content.decode()
    citizen_client.post(f"/my/dossiers/{d.code}/withdraw/", {"reason": "Nộp nhầm"})
    d.refresh_from_db()
    assert d.status == S.WITHDRAWN and d.end_reason == "Nộp nhầm"
    again = citizen_client.get(f"/my/dossiers/{d.code}/withdraw/").content.decode()
    assert "can no longer be withdrawn" in again


def test_fees_due_are_shown(citizen_client, world):
    d = dossier_received(world)
    services.dossier_request_payment(dossier=d, actor=world.specialist, amount=150000)
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert 'id="fees"' in page and "150,000 VND" in page


def test_receive_online_then_download_the_result(citizen_client, world):
    # given: the result is ready, not yet delivered
    d = dossier_result_ready(world)
    result = d.components.get(kind="result")
    url = f"/my/dossiers/{d.code}/files/{result.pk}/"
    assert citizen_client.get(url).status_code == 404
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert 'id="receive-online"' in page
    # when
    citizen_client.post(f"/my/dossiers/{d.code}/receive/")
    # then
    d.refresh_from_db()
    assert d.status == S.DELIVERED and d.delivery_method == "online"
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert f"/api/v1/dossiers/{d.code}/result" in page and url in page
    download = citizen_client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"


def test_others_cannot_download(client, world):
    d = dossier_delivered(world)
    result = d.components.get(kind="result")
    client.force_login(UserFactory())
    assert client.get(f"/my/dossiers/{d.code}/files/{result.pk}/").status_code == 404


def test_receipt_pdf_once_received(citizen_client, world):
    d = dossier_online(world)
    assert citizen_client.get(f"/my/dossiers/{d.code}/receipt.pdf").status_code == 404
    services.dossier_receive(dossier=d, actor=world.counter)
    response = citizen_client.get(f"/my/dossiers/{d.code}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_rate_with_the_evaluation_sheet(citizen_client, world):
    d = dossier_received(world)
    assert (
        "can rate the service once"
        in citizen_client.get(f"/my/dossiers/{d.code}/rate/").content.decode()
    )
    d = dossier_delivered(world)
    missing = citizen_client.post(f"/my/dossiers/{d.code}/rate/", {"score_desk": "2"})
    html = missing.content.decode()
    assert missing.status_code == 422 and 'href="#id_level"' in html
    partial = citizen_client.post(
        f"/my/dossiers/{d.code}/rate/", {"level": "satisfied", "score_desk": "2"}
    )
    assert partial.status_code == 422 and 'href="#id_score_total_time"' in partial.content.decode()
    data = {"level": "very_satisfied", "comment": "Tốt"} | {
        name: "2"
        for name in (
            "score_total_time",
            "score_agency_time",
            "score_contacts",
            "score_agencies",
            "score_desk",
            "score_publicity",
            "score_attitude",
            "score_feedback",
            "score_online",
        )
    }
    assert citizen_client.post(f"/my/dossiers/{d.code}/rate/", data).status_code == 302
    rating = Rating.objects.get(dossier=d)
    assert rating.total == 18 and rating.band == "excellent"
    assert citizen_client.get(f"/my/dossiers/{d.code}/rate/").status_code == 302  # once
    assert 'id="rating-given"' in citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()


def test_feedback_is_answered_by_an_official(citizen_client, client, world):
    # given: the citizen sends feedback
    d = dossier_received(world)
    citizen_client.post(f"/my/dossiers/{d.code}/feedback/", {"text": "Bao giờ có kết quả?"})
    feedback = Feedback.objects.get(dossier=d)
    # when: the specialist answers in the officials' pages
    from django.test import Client

    office = Client()
    office.cookies["django_language"] = "en"
    office.force_login(world.specialist)
    listing = office.get("/feedback/office/").content.decode()
    assert "Bao giờ có kết quả?" in listing
    empty = office.post(f"/feedback/office/{feedback.pk}/", {"answer": ""})
    assert empty.status_code == 422
    office.post(f"/feedback/office/{feedback.pk}/", {"answer": "Thứ Sáu này."})
    # then
    page = citizen_client.get(f"/my/dossiers/{d.code}/").content.decode()
    assert "Thứ Sáu này." in page
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(f"/feedback/office/{feedback.pk}/").status_code == 404
    citizen_only = Client()
    citizen_only.force_login(world.citizen)
    assert citizen_only.get("/feedback/office/").status_code == 403
