"""The signing flow through the API with tokens: the leader prepares and signs the result, the
clerk applies the organisation's signature and releases it, the applicant downloads it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers import services as dossier_services
from motcua.dossiers.enums import DossierStatus
from motcua.signatures.models import SignedDocument
from motcua.signatures.tests.test_api import bearer
from motcua.signatures.verification import verify_pdf

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/signatures/documents"


@pytest.fixture
def ready(world: Any) -> Any:
    """The world's dossier, processed at the ward up to "result ready"."""
    w = world
    d = dossier_services.dossier_forward(dossier=w.dossier, actor=w.specialist)
    d = dossier_services.dossier_approve(dossier=d, actor=w.leader)
    w.dossier = dossier_services.dossier_complete(
        dossier=d, actor=w.leader, result_number="9/GP-UBND"
    )
    assert w.dossier.status == DossierStatus.RESULT_READY
    return w


def _post(client: Client, url: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=bearer(user)
    )


def _action(client: Client, code: str, action: str, user: Any) -> Any:
    return client.post(f"{DOCUMENTS}/{code}/{action}", headers=bearer(user))


def test_full_flow_through_the_api(client: Client, ready: Any) -> None:
    w = ready
    result_url = f"/api/v1/dossiers/{w.dossier.code}/result"
    # given: the leader prepares the result from the template
    created = _post(
        client,
        DOCUMENTS,
        w.leader,
        {
            "dossier": w.dossier.code,
            "kind": "result",
            "title": "Giấy phép thử nghiệm",
            "number_notation": "9/GP-UBND",
            "paragraphs": ["Cấp giấy phép cho bà Nguyễn Thị Hồng Đào."],
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    code = body["verification_code"]
    assert (body["kind"], body["state"], body["dossier"]) == ("result", "draft", w.dossier.code)
    assert body["number_notation"] == "09/GP-UBND"
    assert body["verification_url"].endswith(f"/signatures/v/{code}/")
    assert client.get(result_url, headers=bearer(w.citizen)).status_code == 404
    # when: the leader signs, the clerk applies the organisation's signature
    signed = _action(client, code, "sign-personal", w.leader)
    assert signed.status_code == 200, signed.json()
    assert signed.json()["state"] == "person_signed"
    sealed = _action(client, code, "sign-organisation", w.clerk)
    assert sealed.status_code == 200, sealed.json()
    assert sealed.json()["state"] == "org_signed"
    # then: not downloadable until released
    before = client.get(result_url, headers=bearer(w.citizen))
    assert before.status_code == 404
    assert before.json()["error"]["code"] == "not_found"
    released = _action(client, code, "release", w.clerk)
    assert released.status_code == 200, released.json()
    assert released.json()["state"] == "released"
    # the applicant downloads the signed PDF; both signatures are valid
    response = client.get(result_url, headers=bearer(w.citizen))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    report = verify_pdf(data)
    assert report.verdict == "valid", report.as_dict()
    assert [s.role for s in report.signatures] == ["person", "organisation"]
    # an unrelated citizen may not: answered as an unknown code
    forbidden = client.get(result_url, headers=bearer(w.stranger))
    assert forbidden.status_code == 404
    assert forbidden.json()["error"]["code"] == "not_found"


def test_uploaded_pdf_in_multipart(client: Client, ready: Any, plain_pdf: bytes) -> None:
    w = ready
    upload = SimpleUploadedFile("kq.pdf", plain_pdf, content_type="application/pdf")
    data = json.dumps({"dossier": w.dossier.code, "kind": "result", "number_notation": "9/GP-UBND"})
    response = client.post(DOCUMENTS, {"data": data, "file": upload}, headers=bearer(w.leader))
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "draft"
    junk = SimpleUploadedFile("kq.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(DOCUMENTS, {"data": data, "file": junk}, headers=bearer(w.leader))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_a_pdf"
    assert SignedDocument.objects.count() == 1


def test_receipt_signed_by_leader_and_clerk(client: Client, world: Any) -> None:
    w = world
    created = _post(client, DOCUMENTS, w.counter, {"dossier": w.dossier.code, "kind": "receipt"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organisation_code"] == "000.01.20.H12"  # the receiving desk issues it
    code = body["verification_code"]
    assert _action(client, code, "sign-personal", w.leader).json()["state"] == "person_signed"
    assert _action(client, code, "sign-organisation", w.clerk).json()["state"] == "org_signed"


def test_forbidden_actors_get_403(client: Client, ready: Any) -> None:
    w = ready
    # the applicant may see the dossier but not prepare its documents
    response = _post(client, DOCUMENTS, w.citizen, {"dossier": w.dossier.code, "kind": "result"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    code = _post(client, DOCUMENTS, w.leader, {"dossier": w.dossier.code, "kind": "result"}).json()[
        "verification_code"
    ]
    for user, action in (
        (w.clerk, "sign-personal"),  # signing is the leader's
        (w.outsider, "sign-personal"),  # a leader of another ward
        (w.admin, "sign-personal"),  # the provincial administrator cannot sign for anyone
    ):
        response = _action(client, code, action, user)
        assert response.status_code == 403, (user, action)
        assert set(response.json()["error"]) >= {"code", "message", "fields"}
    _action(client, code, "sign-personal", w.leader)
    assert _action(client, code, "sign-organisation", w.leader).status_code == 403
    assert _action(client, code, "sign-organisation", w.outsider).status_code == 403
    assert SignedDocument.objects.get(verification_code=code).state == "person_signed"


def test_wrong_state_is_409(client: Client, ready: Any) -> None:
    w = ready
    code = _post(client, DOCUMENTS, w.leader, {"dossier": w.dossier.code, "kind": "result"}).json()[
        "verification_code"
    ]
    for action in ("sign-organisation", "release"):
        response = _action(client, code, action, w.clerk)
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] == "transition_not_allowed"
    assert _action(client, code, "sign-personal", w.leader).status_code == 200
    assert _action(client, code, "sign-personal", w.leader).status_code == 409


def test_input_errors(client: Client, ready: Any) -> None:
    w = ready
    assert client.post(DOCUMENTS, "{}", content_type="application/json").status_code == 401
    bad = _post(client, DOCUMENTS, w.leader, {"dossier": w.dossier.code, "kind": "minutes"})
    assert bad.status_code == 422
    assert "kind" in bad.json()["error"]["fields"]
    missing = _post(client, DOCUMENTS, w.leader, {"kind": "result"})
    assert missing.status_code == 422
    assert "dossier" in missing.json()["error"]["fields"]
    junk = client.post(
        DOCUMENTS, "{not json", content_type="application/json", headers=bearer(w.leader)
    )
    assert junk.status_code == 422
    unknown = _post(client, DOCUMENTS, w.leader, {"dossier": "000-000", "kind": "result"})
    assert unknown.status_code == 404
    hidden = _post(client, DOCUMENTS, w.outsider, {"dossier": w.dossier.code, "kind": "result"})
    assert hidden.status_code == 404  # a dossier the caller may not see is not revealed
    assert _action(client, "NOSUCHCODE", "sign-personal", w.leader).status_code == 404


def test_issue_through_the_api_completes_with_the_results_number(
    client: Client, world: Any
) -> None:
    from motcua.signatures.tests.conftest import approve

    # given: an approved dossier, its result prepared with its number and signed twice
    w = world
    approve(w)
    created = _post(
        client,
        DOCUMENTS,
        w.leader,
        {"dossier": w.dossier.code, "kind": "result", "number_notation": "6/GP-UBND"},
    )
    code = created.json()["verification_code"]
    # the clerk may not release it yet: the dossier is still in processing
    _action(client, code, "sign-personal", w.leader)
    _action(client, code, "sign-organisation", w.clerk)
    refused = _action(client, code, "release", w.clerk)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "dossier_not_completed"
    # when: the leader issues it
    issued = _action(client, code, "issue", w.leader)
    # then
    assert issued.status_code == 200, issued.json()
    w.dossier.refresh_from_db()
    assert (w.dossier.status, w.dossier.result_number) == ("result_ready", "06/GP-UBND")
    assert _action(client, code, "release", w.clerk).json()["state"] == "released"
