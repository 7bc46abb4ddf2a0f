"""An outgoing decision over the API, from the draft to its delivery: created (multipart, a
Word draft and a PDF attachment), sent for review, approved, signed by its signer, numbered,
signed for the organisation and issued; the signed PDF carries both signatures and the other
agency has it registered."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.documents.enums import OutgoingState
from motcua.documents.models import IncomingDocument
from motcua.documents.tests.signing.conftest import SIGNER_NAME, SUBJECT, text_of
from motcua.signatures.enums import Verdict
from motcua.signatures.verification import appearance_text, verify_pdf

pytestmark = pytest.mark.django_db


def test_a_decision_goes_from_draft_to_issued_through_the_api(w, as_, plain_pdf):
    # given: the drafter creates the draft (multipart: JSON in `data`, the files as parts)
    data = {
        "document_type": "quyet_dinh",
        "subject": SUBJECT,
        "content": "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.",
        "signer": w.signer.username,
        "signer_competence": "TM.",
        "reviewers": [w.reviewer.username],
        "recipients": [{"organ_id": w.other.agency_code}, {"name": "Sở Nội vụ"}],
    }
    response = as_(w.drafter).multipart(
        "/outgoing",
        {
            "data": json.dumps(data),
            "file": SimpleUploadedFile("du-thao.docx", b"PK\x03\x04 word draft"),
            "attachments": SimpleUploadedFile("phu-luc.pdf", plain_pdf, "application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    pk = created["id"]
    assert created["state"] == OutgoingState.DRAFT
    assert created["organisation"]["code"] == w.agency.agency_code
    assert [v["file_name"] for v in created["versions"]] == ["du-thao.docx"]
    assert [a["file_name"] for a in created["attachments"]] == ["phu-luc.pdf"]
    assert {r["channel"] for r in created["recipients"]} == {"internal", "paper"}
    assert "submit" in created["allowed_actions"]

    # when: each takes their step
    steps = [
        (w.drafter, "submit", {}, OutgoingState.IN_REVIEW),
        (w.reviewer, "comment", {"text": "Sửa Điều 2."}, OutgoingState.IN_REVIEW),
        (w.reviewer, "approve", {"note": "Đồng ý."}, OutgoingState.TO_SIGN),
        (w.signer, "sign", {}, OutgoingState.SIGNED),
        (w.clerk, "number", {}, OutgoingState.NUMBERED),
        (w.clerk, "seal", {}, OutgoingState.SEALED),
        (w.clerk, "issue", {}, OutgoingState.ISSUED),
    ]
    for user, action, body, state in steps:
        response = as_(user).post(f"/outgoing/{pk}/actions/{action}", body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state, action

    # then: numbered in the agency's register, each recipient with its delivery history
    document = as_(w.clerk).get(f"/outgoing/{pk}").json()
    assert document["code_number"] == 1
    assert document["number_notation"] == "01/QĐ-UBND"
    assert document["document_id"].startswith(f"{w.agency.agency_code},")
    by_channel = {r["channel"]: r for r in document["recipients"]}
    assert [s["status"] for s in by_channel["internal"]["history"]] == ["sent", "01", "03"]
    assert by_channel["internal"]["status"] == "03"
    assert by_channel["paper"]["status"] == "sent"
    actions = [e["action"] for e in document["timeline"]]
    assert actions == [
        "create", "submit", "comment", "approve", "sign", "number", "seal", "issue",
    ]  # fmt: skip
    assert document["attachments"][0]["signed"] is True
    assert document["allowed_actions"] == []

    # and the signed PDF carries both signatures, the number and the signer
    response = as_(w.drafter).get(f"/outgoing/{pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    report = verify_pdf(pdf)
    assert report.verdict == Verdict.VALID, report.reason
    assert len(report.signatures) == 2
    assert "Số: 01/QĐ-UBND" in appearance_text(pdf)
    assert SIGNER_NAME in text_of(pdf)

    # and the other agency (one of ours) has it registered, its signatures valid
    received = IncomingDocument.objects.get(organisation=w.other)
    assert received.arrival_number == 1
    assert received.signature_verdict == "valid"


def test_a_draft_is_changed_and_gets_a_new_version_in_json(w, as_, plain_pdf):
    import base64

    # given: a draft created in JSON, without a file
    response = as_(w.drafter).post(
        "/outgoing",
        {"document_type": "cong_van", "subject": "Về việc báo cáo", "unit_abbreviation": "VX"},
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    # when: changed (only the fields sent) and given a PDF version in base64
    response = as_(w.drafter).patch(
        f"/outgoing/{pk}",
        {
            "subject": "Về việc báo cáo quý I",
            "signer": w.signer.username,
            "recipients": [{"name": "Công ty ABC", "email": "abc@example.vn"}],
        },
    )
    assert response.status_code == 200, response.content
    file = {
        "name": "du-thao.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(plain_pdf).decode(),
    }
    response = as_(w.drafter).post(f"/outgoing/{pk}/versions", {"file": file, "note": "v2"})
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Về việc báo cáo quý I"
    assert body["unit_abbreviation"] == "VX"
    assert body["signer"] == {"username": w.signer.username, "full_name": SIGNER_NAME}
    assert [(r["name"], r["channel"]) for r in body["recipients"]] == [("Công ty ABC", "email")]
    assert [(v["number"], v["file_name"], v["note"]) for v in body["versions"]] == [
        (1, "du-thao.pdf", "v2")
    ]
    download = as_(w.drafter).get(f"/outgoing/{pk}/versions/1")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == plain_pdf


def test_the_queues_list_what_waits_for_each_official(w, as_):
    # given: a draft sent to the signer (no reviewers)
    created = (
        as_(w.drafter)
        .post(
            "/outgoing",
            {
                "document_type": "quyet_dinh",
                "subject": "Về việc thử nghiệm",
                "content": "Điều 1.",
                "signer": w.signer.username,
                "recipients": [{"name": "Sở Nội vụ"}],
            },
        )
        .json()
    )
    as_(w.drafter).post(f"/outgoing/{created['id']}/actions/submit")
    # when / then
    to_sign = as_(w.signer).get("/outgoing", queue="to_sign").json()
    assert [d["id"] for d in to_sign["items"]] == [created["id"]]
    assert to_sign["count"] == 1 and to_sign["page"] == 1 and to_sign["page_size"] == 25
    assert as_(w.drafter).get("/outgoing", queue="to_sign").json()["items"] == []
    found = as_(w.drafter).get("/outgoing", q="thử nghiệm", state="to_sign").json()
    assert [d["id"] for d in found["items"]] == [created["id"]]
    assert as_(w.drafter).get("/outgoing", state="issued").json()["count"] == 0
