"""What the documents API refuses, in its error shape: documents outside the caller's scope
are not found (404), actions the policy refuses are forbidden (403), a step out of turn is a
conflict (409), a bad body is 422 with the messages in Vietnamese; a refused request saves
nothing."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import UserFactory
from motcua.documents.enums import IncomingState, OutgoingState
from motcua.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutgoingAttachment,
    OutgoingDocument,
    Recipient,
)
from motcua.documents.tests.api_office.conftest import BASE
from motcua.documents.tests.factories import signed_outgoing

pytestmark = pytest.mark.django_db

INVALID = "Một số trường thông tin còn thiếu hoặc không hợp lệ."


def draft(w, as_, **extra):
    body = {
        "document_type": "quyet_dinh",
        "subject": "Về việc thử nghiệm",
        "content": "Điều 1.",
        "signer": w.signer.username,
        "recipients": [{"name": "Sở Nội vụ"}],
        **extra,
    }
    response = as_(w.drafter).post("/outgoing", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def paper(w, as_, plain_pdf):
    scan = {"name": "scan.pdf", "content_base64": base64.b64encode(plain_pdf).decode()}
    body = {"sender_name": "Sở Tài chính", "subject": "Về việc dự toán", "files": [scan]}
    response = as_(w.clerk).post("/incoming/paper", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert set(error) >= {"code", "message", "fields"}
    return error


# --- another agency's official: 404 -------------------------------------------------------------


def test_another_agencys_official_finds_no_outgoing_document(w, as_):
    pk = draft(w, as_)
    outsider = as_(w.outsider_clerk)
    assert_error(outsider.get(f"/outgoing/{pk}"), 404, "not_found")
    assert_error(outsider.post(f"/outgoing/{pk}/actions/submit"), 404, "not_found")
    assert_error(outsider.patch(f"/outgoing/{pk}", {"subject": "X"}), 404, "not_found")
    assert_error(outsider.get(f"/outgoing/{pk}/pdf"), 404, "not_found")
    assert outsider.get("/outgoing").json()["items"] == []
    assert OutgoingDocument.objects.get(pk=pk).state == OutgoingState.DRAFT


def test_another_agencys_official_finds_no_incoming_document(w, as_, plain_pdf):
    pk = paper(w, as_, plain_pdf)
    file_id = IncomingDocument.objects.get(pk=pk).files.get().pk
    outsider = as_(w.outsider_leader)
    assert_error(outsider.get(f"/incoming/{pk}"), 404, "not_found")
    assert_error(outsider.get(f"/incoming/{pk}/files/{file_id}"), 404, "not_found")
    body = {"lead_unit": w.other_unit.agency_code}
    assert_error(outsider.post(f"/incoming/{pk}/actions/assign", body), 404, "not_found")
    assert outsider.get("/incoming").json()["items"] == []


# --- a report viewer: reads, never acts (403) -----------------------------------------------------


def test_a_report_viewer_reads_but_may_not_act_on_outgoing_documents(w, as_):
    pk = draft(w, as_)
    signed = signed_outgoing(w)
    Recipient.objects.create(document=signed, name="Sở Nội vụ", channel="paper")
    viewer = as_(w.viewer)
    body = viewer.get(f"/outgoing/{pk}").json()
    assert body["allowed_actions"] == []
    assert_error(viewer.post(f"/outgoing/{pk}/actions/submit"), 403, "forbidden")
    assert_error(viewer.patch(f"/outgoing/{pk}", {"subject": "Khác"}), 403, "forbidden")
    error = assert_error(viewer.post(f"/outgoing/{signed.pk}/actions/number"), 403, "forbidden")
    assert error["message"] == "Chỉ văn thư của cơ quan mới được thực hiện việc này."
    # nothing changed
    assert OutgoingDocument.objects.get(pk=pk).state == OutgoingState.DRAFT
    signed.refresh_from_db()
    assert signed.code_number is None and signed.state == OutgoingState.SIGNED


def test_a_report_viewer_may_not_act_on_incoming_documents(w, as_, plain_pdf):
    pk = paper(w, as_, plain_pdf)
    viewer = as_(w.viewer)
    assert viewer.get(f"/incoming/{pk}").json()["allowed_actions"] == []
    body = {"lead_unit": w.unit.agency_code}
    assert_error(viewer.post(f"/incoming/{pk}/actions/assign", body), 403, "forbidden")
    assert_error(viewer.post(f"/incoming/{pk}/actions/return", {"reason": "Sai"}), 403, "forbidden")
    scan = {"name": "s.pdf", "content_base64": "JVBERi0="}
    response = viewer.post("/incoming/paper", {"sender_name": "A", "subject": "B", "files": [scan]})
    assert_error(response, 403, "forbidden")
    assert IncomingDocument.objects.get(pk=pk).state == IncomingState.REGISTERED
    assert IncomingDocument.objects.count() == 1


def test_only_officials_use_the_documents_api(w, db):
    citizen = UserFactory()  # a citizen account
    _token, key = api_token_create(username=citizen.username)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    error = assert_error(client.get(f"{BASE}/outgoing"), 403, "forbidden")
    assert error["message"] == "Chỉ cán bộ, công chức mới được làm việc với văn bản."
    assert_error(Client().get(f"{BASE}/incoming"), 401, "unauthorized")
    # an official's browser session is as good as a token; a citizen's is not
    session = Client()
    session.force_login(w.clerk)
    assert session.get(f"{BASE}/incoming").status_code == 200
    session.force_login(citizen)
    assert_error(session.get(f"{BASE}/incoming"), 403, "forbidden")


# --- out of turn: 409; unknown action: 404 --------------------------------------------------------


def test_a_step_out_of_turn_is_a_conflict_and_an_unknown_action_is_not_found(w, as_):
    pk = draft(w, as_)
    error = assert_error(
        as_(w.clerk).post(f"/outgoing/{pk}/actions/number"), 409, "invalid_transition"
    )
    assert error["state"] == "draft"
    assert_error(as_(w.drafter).post(f"/outgoing/{pk}/actions/publish"), 404, "unknown_action")
    assert OutgoingDocument.objects.get(pk=pk).code_number is None


# --- bad bodies: 422 in Vietnamese, nothing saved -------------------------------------------------


def test_a_bad_draft_is_refused_field_by_field_in_vietnamese(w, as_):
    response = as_(w.drafter).post(
        "/outgoing",
        {"document_type": "bien_lai", "subject": "", "due_date": "31/12/2026", "colour": "đỏ"},
    )
    error = assert_error(response, 422, "validation_error")
    assert error["message"] == INVALID
    assert error["fields"]["subject"] == "tối thiểu 1 ký tự"
    assert error["fields"]["document_type"].startswith("cần là một trong các giá trị: ")
    assert error["fields"]["due_date"] == "cần có dạng YYYY-MM-DD"
    assert error["fields"]["colour"] == "không được phép"
    assert OutgoingDocument.objects.count() == 0


def test_a_draft_refused_by_the_service_leaves_nothing_half_saved(w, as_):
    # given: a valid body whose file the service refuses after it has written the draft row
    file = {"name": "virus.exe", "content_base64": base64.b64encode(b"MZ\x90\x00").decode()}
    attachment = {"name": "phu-luc.pdf", "content_base64": base64.b64encode(b"%PDF-1.4").decode()}
    body = {
        "document_type": "quyet_dinh",
        "subject": "Về việc thử nghiệm",
        "recipients": [{"name": "Sở Nội vụ"}],
        "file": file,
        "attachments": [attachment],
    }
    # when
    error = assert_error(as_(w.drafter).post("/outgoing", body), 422, "validation_error")
    # then: the reason in Vietnamese, and no draft, recipient, attachment or event left
    assert (
        error["message"] == "Loại tệp này không được chấp nhận: hãy dùng PDF, DOCX, DOC hoặc ODT."
    )
    assert OutgoingDocument.objects.count() == 0
    assert Recipient.objects.count() == 0
    assert OutgoingAttachment.objects.count() == 0
    assert DocumentEvent.objects.count() == 0


def test_an_unknown_person_or_unit_is_a_bad_value(w, as_, plain_pdf):
    error = assert_error(
        as_(w.drafter).post(
            "/outgoing",
            {"document_type": "quyet_dinh", "subject": "X", "reviewers": ["khong-co-ai"]},
        ),
        422,
        "validation_error",
    )
    assert error["fields"] == {"reviewers.0": "khong-co-ai"}
    pk = paper(w, as_, plain_pdf)
    response = as_(w.leader).post(f"/incoming/{pk}/actions/assign", {"lead_unit": "999.99.99.H99"})
    error = assert_error(response, 422, "validation_error")
    assert error["fields"] == {"lead_unit": "999.99.99.H99"}
    assert IncomingDocument.objects.get(pk=pk).state == IncomingState.REGISTERED
    assert OutgoingDocument.objects.count() == 0


def test_an_action_body_with_a_field_it_does_not_take_is_refused(w, as_):
    pk = draft(w, as_)
    response = as_(w.drafter).post(f"/outgoing/{pk}/actions/submit", {"reason": "x"})
    error = assert_error(response, 422, "validation_error")
    assert error["fields"] == {"reason": "không được phép"}
    response = as_(w.drafter).post(f"/outgoing/{pk}/actions/comment", {})
    assert assert_error(response, 422, "validation_error")["fields"] == {"text": "bắt buộc"}
    assert OutgoingDocument.objects.get(pk=pk).state == OutgoingState.DRAFT


def test_a_malformed_body_is_a_bad_request(w, as_):
    response = as_(w.drafter).client.post(
        f"{BASE}/outgoing", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "malformed_json")
