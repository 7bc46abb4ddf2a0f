"""The API and the public pages: thin checks of status codes, error shape and one happy path."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.services import api_token_create
from motcua.signatures import services
from motcua.signatures.enums import DocumentKind
from motcua.signatures.tests.conftest import WARD_NAME, issue

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def released(world):  # type: ignore[no-untyped-def]
    w = world
    document = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="9/GP"
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    issue(w, document)
    return services.result_release(document=document, actor=w.clerk)


def _bytes(document) -> bytes:  # type: ignore[no-untyped-def]
    with document.file.open("rb") as fh:
        return fh.read()


def test_verify_api_needs_no_login_and_returns_the_report(client: Client, released):
    upload = SimpleUploadedFile("kq.pdf", _bytes(released), content_type="application/pdf")
    response = client.post("/api/v1/signatures/verify", {"file": upload})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "valid"
    assert [s["role"] for s in body["signatures"]] == ["person", "organisation"]
    first = body["signatures"][0]
    for key in (
        "signer_name",
        "organisation",
        "signed_at",
        "intact",
        "trusted",
        "revocation",
        "modified_after",
        "role",
        "timestamp",
    ):
        assert key in first
    assert body["signatures"][1]["organisation"] == WARD_NAME


def test_verify_api_errors(client: Client):
    response = client.post("/api/v1/signatures/verify", {})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    empty = SimpleUploadedFile("x.pdf", b"", content_type="application/pdf")
    response = client.post("/api/v1/signatures/verify", {"file": empty})
    assert response.status_code == 422
    junk = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
    response = client.post("/api/v1/signatures/verify", {"file": junk})
    assert response.status_code == 200
    assert response.json()["verdict"] == "invalid"


def test_verify_api_and_page_report_data_appended_after_signing(client: Client, released):
    # given the released result with a ZIP archive glued after its last %%EOF
    tampered = _bytes(released) + b"PK\x03\x04" + b"\x00" * 26 + b"evil.exe" + b"MZ" * 100
    # when
    response = client.post(
        "/api/v1/signatures/verify",
        {"file": SimpleUploadedFile("kq.pdf", tampered, content_type="application/pdf")},
    )
    page = client.post(
        f"/signatures/v/{released.verification_code}/",
        {"file": SimpleUploadedFile("kq.pdf", tampered, content_type="application/pdf")},
    )
    # then both say the file was modified after signing
    body = response.json()
    assert body["verdict"] == "invalid" and body["appended_bytes"] == 238
    assert "238" in body["reason"]
    html = page.content.decode()
    assert "verdict-invalid" in html and body["reason"] in html


def test_create_api_refuses_an_encrypted_pdf_with_422(client: Client, world):
    from motcua.signatures.tests.test_uploads import _encrypted_pdf

    w = world
    response = client.post(
        "/api/v1/signatures/documents",
        {
            "data": json.dumps(
                {"dossier": w.dossier.code, "kind": "result", "number_notation": "5/GP"}
            ),
            "file": SimpleUploadedFile("kq.pdf", _encrypted_pdf(), content_type="application/pdf"),
        },
        headers=bearer(w.specialist),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "not_a_pdf" and "file" in error["fields"]


def test_create_api_says_what_was_removed_from_an_upload(client: Client, world):
    from motcua.signatures.tests.test_uploads import _active_pdf

    w = world
    response = client.post(
        "/api/v1/signatures/documents",
        {
            "data": json.dumps(
                {"dossier": w.dossier.code, "kind": "result", "number_notation": "5/GP"}
            ),
            "file": SimpleUploadedFile("kq.pdf", _active_pdf(), content_type="application/pdf"),
        },
        headers=bearer(w.specialist),
    )
    assert response.status_code == 201
    assert response.json()["removed_content"]["Launch action"] == 1


def test_document_status_api(client: Client, released):
    response = client.get(f"/api/v1/signatures/documents/{released.verification_code}")
    assert response.status_code == 200
    assert response.json()["state"] == "released"
    assert client.get("/api/v1/signatures/documents/NOPE").status_code == 404


def test_dossier_result_access(client: Client, world):
    w = world
    url = f"/api/v1/signatures/dossier-result/{w.dossier.code}"
    assert client.get(url).status_code == 401
    # not theirs: answered as an unknown code, so that codes cannot be probed
    assert client.get(url, headers=bearer(w.stranger)).status_code == 404
    assert client.get(url, headers=bearer(w.outsider)).status_code == 404
    response = client.get(url, headers=bearer(w.citizen))
    assert response.status_code == 404  # not released yet
    assert response.json()["error"]["code"] == "not_found"
    assert (
        client.get(url.replace(w.dossier.code, "000-000"), headers=bearer(w.citizen)).status_code
        == 404
    )


def test_dossier_result_after_release_for_applicant_and_officials(client: Client, world, released):
    w = world
    url = f"/api/v1/signatures/dossier-result/{w.dossier.code}"
    for user in (w.citizen, w.clerk, w.counter, w.admin):
        response = client.get(url, headers=bearer(user))
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == _bytes(released)
    assert client.get(url, headers=bearer(w.outsider)).status_code == 404


def test_public_verification_pages(client: Client, world, released, plain_pdf):
    page = client.get("/signatures/verify/")
    assert page.status_code == 200
    upload = SimpleUploadedFile("kq.pdf", _bytes(released), content_type="application/pdf")
    page = client.post("/signatures/verify/", {"file": upload})
    assert page.status_code == 200
    html = page.content.decode()
    assert "verdict-valid" in html
    assert released.verification_code in html  # "this file is a copy issued by …"
    qr_page = client.get(f"/signatures/v/{released.verification_code}/")
    assert qr_page.status_code == 200
    assert WARD_NAME in qr_page.content.decode()
    assert "verdict-valid" in qr_page.content.decode()
    copy = SimpleUploadedFile("copy.pdf", plain_pdf, content_type="application/pdf")
    compared = client.post(f"/signatures/v/{released.verification_code}/", {"file": copy})
    assert "verdict-invalid" in compared.content.decode()
    assert client.get("/signatures/v/UNKNOWNCODE/").status_code == 404


def test_qr_code_link_points_to_the_public_page(released):
    assert services.public_verification_url(released.verification_code) == (
        f"https://dichvucong.camau.example/signatures/v/{released.verification_code}/"
    )
