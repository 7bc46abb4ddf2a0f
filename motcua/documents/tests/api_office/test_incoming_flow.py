"""An incoming paper document over the API: the clerk registers the scan with its metadata,
the leader assigns it, the lead official notes progress and finishes it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.documents.enums import IncomingState

pytestmark = pytest.mark.django_db

METADATA = {
    "sender_name": "Sở Tài chính tỉnh Cà Mau",
    "sender_organ_id": "000.00.12.H12",
    "code_number": "123",
    "code_notation": "STC-NS",
    "issued_date": "2026-03-02",
    "document_type": "cong_van",
    "subject": "Về việc lập dự toán ngân sách năm 2027",
    "signer_name": "Nguyễn Văn Tài",
    "urgency": "urgent",
}


def test_a_paper_document_is_registered_assigned_processed_and_finished(w, as_, plain_pdf):
    # given: the clerk registers the scan (multipart: JSON in `data`, the scan as a part)
    response = as_(w.clerk).multipart(
        "/incoming/paper",
        {
            "data": json.dumps(METADATA),
            "scan": SimpleUploadedFile("cong-van.pdf", plain_pdf, "application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    pk = created["id"]
    assert created["state"] == IncomingState.REGISTERED
    assert created["arrival_number"] == 1
    assert created["source"] == "paper"
    assert created["number_notation"] == "123/STC-NS"
    (file,) = created["files"]
    assert file["is_main"] and file["signature_verdict"] == "none"
    assert created["allowed_actions"] == ["return"]  # the clerk: only return; a leader assigns
    assert "assign" in as_(w.leader).get(f"/incoming/{pk}").json()["allowed_actions"]

    # when: the leader assigns it to the unit and its specialist, who processes and finishes
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    steps = [
        (
            w.leader,
            "assign",
            {
                "lead_unit": w.unit.agency_code,
                "lead_official": w.specialist.username,
                "deadline": deadline,
                "instructions": "Phòng Văn xã chủ trì, báo cáo trước hạn.",
            },
            IncomingState.ASSIGNED,
        ),
        (w.specialist, "note", {"text": "Đã lấy ý kiến các phòng.", "percent": 50}, "in_progress"),
        (w.specialist, "finish", {"note": "Đã gửi dự toán."}, IncomingState.DONE),
    ]
    for user, action, body, state in steps:
        response = as_(user).post(f"/incoming/{pk}/actions/{action}", body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state, action

    # then: the assignment, the note and the timeline are there
    document = as_(w.specialist).get(f"/incoming/{pk}").json()
    assignment = document["assignment"]
    assert assignment["lead_unit"]["code"] == w.unit.agency_code
    assert assignment["lead_official"]["username"] == w.specialist.username
    assert assignment["deadline"] == deadline
    assert assignment["assigned_by"] == w.leader.full_name
    assert [(n["text"], n["percent"]) for n in document["notes"]] == [
        ("Đã lấy ý kiến các phòng.", 50)
    ]
    assert document["progress"] == 100
    assert [e["action"] for e in document["timeline"]] == ["register", "assign", "note", "finish"]
    assert document["statuses_sent"] == []  # a paper sender gets no status packages
    # and the scan can be read by those who see the document
    response = as_(w.specialist).get(f"/incoming/{pk}/files/{file['id']}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == plain_pdf
    # and the lists show it where it belongs
    assert as_(w.specialist).get("/incoming", queue="to_process").json()["items"] == []
    listed = as_(w.clerk).get("/incoming", q="dự toán").json()
    assert [d["id"] for d in listed["items"]] == [pk]


def test_a_paper_document_in_json_with_a_base64_scan(w, as_, plain_pdf):
    import base64

    scan = {"name": "scan.pdf", "content_base64": base64.b64encode(plain_pdf).decode()}
    response = as_(w.clerk).post("/incoming/paper", {**METADATA, "files": [scan]})
    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["content_type"] == "application/pdf"


def test_the_incoming_register_downloads_as_a_spreadsheet(w, as_, plain_pdf):
    import base64
    import io

    import openpyxl

    scan = {"name": "scan.pdf", "content_base64": base64.b64encode(plain_pdf).decode()}
    as_(w.clerk).post("/incoming/paper", {**METADATA, "files": [scan]})
    response = as_(w.clerk).get("/registers/incoming.xlsx")
    assert response.status_code == 200, response.content
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    assert any("123/STC-NS" in text for text in cells)
