"""The "Signed documents" panel of the dossier page: which buttons whom, the flow through the web
(leader signs, clerk seals and releases), errors at the top with nothing saved, downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers import services as dossier_services
from motcua.dossiers.enums import DossierStatus
from motcua.signatures.enums import DocumentKind, DocumentState
from motcua.signatures.models import SignedDocument
from motcua.signatures.tests import conftest as signatures_conftest
from motcua.signatures.verification import verify_pdf

pytestmark = pytest.mark.django_db

# The signatures tests' fixtures: a ward, its service centre, leader and clerk with their keys (a
# development PKI), and a citizen's dossier received at the centre.
dev_pki = signatures_conftest.dev_pki
world = signatures_conftest.world
plain_pdf = signatures_conftest.plain_pdf
_signature_settings = signatures_conftest._signature_settings


@pytest.fixture(autouse=True)
def _frozen() -> None:
    """Real time here (the package's conftest freezes it): certificates and the CRL of the
    development PKI are valid from now on."""


@pytest.fixture
def ready(world: Any) -> Any:
    w = world
    d = dossier_services.dossier_forward(dossier=w.dossier, actor=w.specialist)
    d = dossier_services.dossier_approve(dossier=d, actor=w.leader)
    w.dossier = dossier_services.dossier_complete(
        dossier=d, actor=w.leader, result_number="9/GP-UBND"
    )
    return w


def _as(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _panel(client: Client, code: str) -> str:
    response = client.get(f"/office/dossiers/{code}/signatures/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section")  # htmx: the panel alone
    return html


YES = {"confirm": "yes"}  # the confirmation page's form


def _url(code: str, document: SignedDocument, action: str) -> str:
    return f"/office/dossiers/{code}/signatures/{document.verification_code}/{action}/"


def test_dossier_page_loads_the_panel(client: Client, ready: Any) -> None:
    code = ready.dossier.code
    page = _as(client, ready.leader).get(f"/office/dossiers/{code}/").content.decode()
    assert 'id="signatures"' in page  # drawn into the dossier page
    full = client.get(f"/office/dossiers/{code}/signatures/")  # without JavaScript
    assert full.status_code == 200
    assert 'id="signatures"' in full.content.decode()
    assert 'id="back-to-dossier"' in full.content.decode()


@pytest.mark.parametrize(
    ("who", "result", "receipt"),
    [
        ("leader", True, True),  # leads the ward, which is above its service centre
        ("clerk", True, False),  # a clerk acts in its own unit only
        ("specialist", True, False),  # the ward's, not the desk's
        ("counter", False, True),  # the desk's counter officer prepares its receipts
        ("outsider", None, None),  # another ward: cannot even see the dossier
    ],
)
def test_create_buttons_follow_the_policies(
    client: Client, ready: Any, who: str, result: bool | None, receipt: bool | None
) -> None:
    _as(client, getattr(ready, who))
    url = f"/office/dossiers/{ready.dossier.code}/signatures/"
    if result is None:
        assert client.get(url).status_code == 404
        return
    html = _panel(client, ready.dossier.code)
    assert ('id="signing-new-result"' in html) is result
    assert ('id="signing-new-receipt"' in html) is receipt


def test_no_result_before_approval(client: Client, world: Any) -> None:
    html = _panel(_as(client, world.leader), world.dossier.code)
    assert 'id="signing-new-result"' not in html
    assert 'id="signing-new-receipt"' in html  # the dossier was received


def test_result_flow_through_the_web(client: Client, ready: Any) -> None:
    w = ready
    code = w.dossier.code
    # given: the leader prepares the result from the template
    _as(client, w.leader)
    response = client.post(
        f"/office/dossiers/{code}/signatures/new/result/",
        {
            "result-source": "template",
            "result-title": "Giấy phép thử nghiệm",
            "result-number_notation": "9/GP-UBND",
            "result-paragraphs": "Cấp giấy phép cho bà Đào.\n\nCó hiệu lực từ ngày ký.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/office/dossiers/{code}/#signatures"
    document = SignedDocument.objects.get(dossier=w.dossier)
    assert (document.kind, document.state, document.signer) == ("result", "draft", w.leader)
    html = _panel(client, code)
    assert f'data-state="{DocumentState.DRAFT}"' in html
    assert 'data-action="sign-personal"' in html
    assert 'data-action="sign-organisation"' not in html
    assert 'id="signing-new-result"' not in html  # one result at a time
    assert f'href="/signatures/v/{document.verification_code}/"' in html
    assert "<svg" in html  # the verification QR code
    # when: the leader signs; the clerk applies the organisation's signature and releases
    assert client.post(_url(code, document, "sign-personal"), YES).status_code == 302
    assert 'data-action="release"' not in _panel(client, code)  # releasing is the clerk's
    _as(client, w.clerk)
    assert 'data-action="sign-organisation"' in _panel(client, code)
    assert client.post(_url(code, document, "sign-organisation"), YES).status_code == 302
    assert 'data-action="release"' in _panel(client, code)
    assert client.post(_url(code, document, "release"), YES).status_code == 302
    # then
    document.refresh_from_db()
    assert document.state == DocumentState.RELEASED
    html = _panel(client, code)
    assert 'data-state="released"' in html
    assert "data-action=" not in html.split('id="signing-new-receipt"')[0]
    download = client.get(_url(code, document, "file"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    report = verify_pdf(data)
    assert report.verdict == "valid", report.as_dict()
    assert [s.role for s in report.signatures] == ["person", "organisation"]
    assert w.dossier.events.filter(action="release_result").exists()


def test_uploaded_pdf_and_errors_at_the_top(client: Client, ready: Any, plain_pdf: bytes) -> None:
    w = ready
    url = f"/office/dossiers/{w.dossier.code}/signatures/new/result/"
    _as(client, w.leader)
    # no file chosen: the form says so, nothing saved
    response = client.post(url, {"result-source": "upload", "result-title": "Kết quả"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'value="Kết quả"' in html  # what was typed is kept
    # not a PDF: the service's error at the top, nothing saved
    junk = SimpleUploadedFile("kq.pdf", b"hello", content_type="application/pdf")
    response = client.post(url, {"result-source": "upload", "result-file": junk})
    assert response.status_code == 422
    assert 'id="error-summary"' in response.content.decode()
    assert not SignedDocument.objects.exists()
    # a real PDF
    upload = SimpleUploadedFile("kq.pdf", plain_pdf, content_type="application/pdf")
    response = client.post(url, {"result-source": "upload", "result-file": upload})
    assert response.status_code == 302
    assert SignedDocument.objects.get().kind == DocumentKind.RESULT


def test_forbidden_and_wrong_state_are_shown_at_the_top(client: Client, ready: Any) -> None:
    w = ready
    code = w.dossier.code
    _as(client, w.leader)
    client.post(f"/office/dossiers/{code}/signatures/new/result/", {"result-source": "template"})
    document = SignedDocument.objects.get()
    # the clerk may not sign for the leader
    _as(client, w.clerk)
    response = client.post(_url(code, document, "sign-personal"), YES)
    assert response.status_code == 403
    assert 'id="error-summary"' in response.content.decode()
    # the organisation's signature before the leader's: wrong state
    response = client.post(_url(code, document, "sign-organisation"), YES)
    assert response.status_code == 409
    assert 'id="error-summary"' in response.content.decode()
    document.refresh_from_db()
    assert document.state == DocumentState.DRAFT
    assert document.revisions.count() == 1
    # unknown action, document of another dossier
    assert client.post(_url(code, document, "approve"), YES).status_code == 404
    assert client.post(f"/office/dossiers/{code}/signatures/new/minutes/").status_code == 404


def test_receipt_signed_by_leader_and_clerk(client: Client, world: Any) -> None:
    w = world
    code = w.dossier.code
    _as(client, w.leader)
    assert client.post(f"/office/dossiers/{code}/signatures/new/receipt/").status_code == 302
    receipt = SignedDocument.objects.get(kind=DocumentKind.RECEIPT)
    assert receipt.organisation == w.centre  # issued by the receiving desk
    assert client.post(_url(code, receipt, "sign-personal"), YES).status_code == 302
    _as(client, w.clerk)
    assert client.post(_url(code, receipt, "sign-organisation"), YES).status_code == 302
    receipt.refresh_from_db()
    assert receipt.state == DocumentState.ORG_SIGNED
    assert 'data-action="release"' not in _panel(client, code)  # receipts are not released


def test_download_needs_sight_of_the_dossier(client: Client, ready: Any) -> None:
    w = ready
    _as(client, w.leader)
    client.post(f"/office/dossiers/{w.dossier.code}/signatures/new/receipt/")
    receipt = SignedDocument.objects.get()
    url = _url(w.dossier.code, receipt, "file")
    assert client.get(url).status_code == 200
    assert _as(client, w.outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    _as(client, w.citizen)
    assert client.get(url).status_code == 403  # officials only
    assert w.dossier.status == DossierStatus.RESULT_READY
