"""The result path panel of the dossier page: after approval one path (prepare → the leader
signs → the organisation signs → issue → release), the current step highlighted with its button
or whom it waits for, what comes next; every signing step asks for confirmation first; the
result's number is given once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from motcua.dossiers.enums import DossierStatus
from motcua.signatures.enums import DocumentState
from motcua.signatures.models import SignedDocument
from motcua.signatures.path import PathStep, result_path
from motcua.signatures.tests import conftest as signatures_conftest

pytestmark = pytest.mark.django_db

dev_pki = signatures_conftest.dev_pki
world = signatures_conftest.world
_signature_settings = signatures_conftest._signature_settings

YES = {"confirm": "yes"}


@pytest.fixture(autouse=True)
def _frozen() -> None:
    """Real time (the development PKI's certificates are valid from now on)."""


@pytest.fixture
def approved(world: Any) -> Any:
    signatures_conftest.approve(world)
    return world


def _panel(client: Client, user: Any, code: str) -> str:
    client.force_login(user)
    response = client.get(f"/office/dossiers/{code}/signatures/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def _current(html: str) -> str:
    found = re.search(r'id="result-path" data-current="([a-z_]*)"', html)
    assert found, "no result path shown"
    return found.group(1)


def _action_url(code: str, document: SignedDocument, slug: str) -> str:
    return f"/office/dossiers/{code}/signatures/{document.verification_code}/{slug}/"


@pytest.mark.parametrize(
    ("state", "status", "current"),
    [
        (None, DossierStatus.IN_PROGRESS, PathStep.PREPARE),
        (DocumentState.DRAFT, DossierStatus.IN_PROGRESS, PathStep.SIGN_PERSONAL),
        (DocumentState.PERSON_SIGNED, DossierStatus.IN_PROGRESS, PathStep.SIGN_ORGANISATION),
        (DocumentState.ORG_SIGNED, DossierStatus.IN_PROGRESS, PathStep.ISSUE),
        (DocumentState.ORG_SIGNED, DossierStatus.RESULT_READY, PathStep.RELEASE),
        (DocumentState.DRAFT, DossierStatus.RESULT_READY, PathStep.SIGN_PERSONAL),
        (DocumentState.RELEASED, DossierStatus.RESULT_READY, ""),
        (DocumentState.RELEASED, DossierStatus.DELIVERED, ""),
    ],
)
def test_the_current_step_follows_the_document_and_the_dossier(state, status, current):
    path = result_path(document_state=state, dossier_status=status)
    assert path.current == current
    assert [s.key for s in path.steps if s.current] == ([current] if current else [])
    assert path.next  # every step says what comes next


def test_no_path_before_approval(client: Client, world: Any) -> None:
    html = _panel(client, world.leader, world.dossier.code)
    assert 'id="result-path"' not in html


def test_the_leader_is_guided_through_the_path(client: Client, approved: Any) -> None:
    w = approved
    code = w.dossier.code
    # given: approved; the path starts with "prepare", its form open
    html = _panel(client, w.leader, code)
    assert _current(html) == PathStep.PREPARE
    assert 'id="path-action"' in html and 'href="#signing-new-result"' in html
    assert '<details class="action" id="signing-new-result" open>' in html
    # when: the result is prepared with its number
    response = client.post(
        f"/office/dossiers/{code}/signatures/new/result/",
        {"result-source": "template", "result-number_notation": "15/GCN-UBND"},
    )
    assert response.status_code == 302
    document = SignedDocument.objects.get(dossier=w.dossier)
    # then: the leader's signature is next, behind a confirmation page
    html = _panel(client, w.leader, code)
    assert _current(html) == PathStep.SIGN_PERSONAL
    confirm_url = _action_url(code, document, "sign-personal")
    assert f'href="{confirm_url}"' in html
    assert "15/GCN-UBND" in html
    # the clerk sees whom it waits for, no button
    clerk_html = _panel(client, w.clerk, code)
    assert 'id="path-waiting"' in clerk_html and 'id="path-action"' not in clerk_html

    # when: the leader opens the confirmation page, then confirms
    client.force_login(w.leader)
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert 'name="confirm" value="yes"' in page.content.decode()
    document.refresh_from_db()
    assert document.state == DocumentState.DRAFT  # nothing happens before confirming
    assert client.post(confirm_url).status_code == 200  # a POST without confirm=yes: the page
    document.refresh_from_db()
    assert document.state == DocumentState.DRAFT
    assert client.post(confirm_url, YES).status_code == 302
    document.refresh_from_db()
    assert document.state == DocumentState.PERSON_SIGNED

    # the clerk applies the organisation's signature
    assert _current(_panel(client, w.clerk, code)) == PathStep.SIGN_ORGANISATION
    assert client.post(_action_url(code, document, "sign-organisation"), YES).status_code == 302

    # the leader issues: the dossier is completed with the result's number, not asked again
    html = _panel(client, w.leader, code)
    assert _current(html) == PathStep.ISSUE
    issue_url = _action_url(code, document, "issue")
    assert f'href="{issue_url}"' in html
    page = client.get(issue_url).content.decode()
    assert "15/GCN-UBND" in page and 'name="result_number"' not in page
    assert client.post(issue_url, YES).status_code == 302
    w.dossier.refresh_from_db()
    assert w.dossier.status == DossierStatus.RESULT_READY
    assert w.dossier.result_number == "15/GCN-UBND"

    # the clerk releases; the path is done
    assert _current(_panel(client, w.clerk, code)) == PathStep.RELEASE
    assert client.post(_action_url(code, document, "release"), YES).status_code == 302
    html = _panel(client, w.clerk, code)
    assert _current(html) == ""
    document.refresh_from_db()
    assert document.state == DocumentState.RELEASED


def test_release_refused_while_in_processing_shows_the_reason(
    client: Client, approved: Any
) -> None:
    from motcua.signatures import services
    from motcua.signatures.enums import DocumentKind

    w = approved
    document = services.signed_document_create(
        actor=w.leader, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="2/GCN"
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    # no release button for the clerk while the dossier is in processing: the path waits
    html = _panel(client, w.clerk, w.dossier.code)
    assert 'data-action="release"' not in html
    assert _current(html) == PathStep.ISSUE and 'id="path-waiting"' in html
    # posting anyway is refused with the reason
    response = client.post(_action_url(w.dossier.code, document, "release"), YES)
    assert response.status_code == 409
    assert "Hồ sơ vẫn đang xử lý" in response.content.decode()
    document.refresh_from_db()
    assert document.state == DocumentState.ORG_SIGNED


def test_a_prepared_result_is_issued_from_the_path_with_its_number(
    client: Client, approved: Any
) -> None:
    from motcua.signatures import services
    from motcua.signatures.enums import DocumentKind

    w = approved
    services.signed_document_create(
        actor=w.leader, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="8/GCN"
    )
    client.force_login(w.leader)
    page = client.get(f"/office/dossiers/{w.dossier.code}/").content.decode()
    # the result path issues it: no second "complete" form asking for the number again
    assert 'name="complete-result_number"' not in page
    # a different number posted anyway is ignored: the dossier takes the prepared one
    response = client.post(
        f"/office/dossiers/{w.dossier.code}/actions/complete/",
        {"complete-result_number": "99/XX"},
    )
    assert response.status_code == 302
    w.dossier.refresh_from_db()
    assert w.dossier.result_number == "08/GCN"


def test_a_birth_registration_result_is_prepared_on_its_own_form(
    client: Client, world: Any
) -> None:
    from motcua.dossiers.services import ApplicantInput, dossier_create, dossier_receive
    from motcua.dossiers.tests.conftest import make_procedure

    # given: an approved birth-registration dossier (procedure 1.001193)
    w = world
    make_procedure(code="1.001193", implementing=[w.ward], receiving=[w.centre])
    dossier = dossier_create(
        actor=w.citizen,
        procedure_code="1.001193",
        channel=2,
        receiving_unit=w.centre,
        applicant=ApplicantInput(full_name="Nguyễn Thị Hồng Đào", id_number="096188000123"),
    )
    w.dossier = dossier_receive(dossier=dossier, actor=w.counter)
    signatures_conftest.approve(w)
    code = w.dossier.code
    # the preparation form asks for the extract's details, not for a free text
    html = _panel(client, w.leader, code)
    assert 'name="result-detail_full_name"' in html
    assert 'name="result-paragraphs"' not in html
    url = f"/office/dossiers/{code}/signatures/new/result/"
    # when: a required detail is missing, then given
    missing = client.post(url, {"result-source": "template", "result-number_notation": "7/TLKS"})
    assert missing.status_code == 422
    assert 'id="id_result-detail_full_name_error"' in missing.content.decode()
    assert not SignedDocument.objects.exists()
    response = client.post(
        url,
        {
            "result-source": "template",
            "result-number_notation": "7/TLKS",
            "result-detail_full_name": "Nguyễn Minh Khôi",
            "result-detail_birth_date": "15/03/2026",
            "result-detail_birth_place": "Bệnh viện Sản - Nhi Cà Mau",
            # pre-filled on the page
            "result-detail_sex": "Nam",
            "result-detail_ethnicity": "Kinh",
            "result-detail_nationality": "Việt Nam",
        },
    )
    # then
    assert response.status_code == 302, re.findall(r"field-error[^<]*", response.content.decode())
    document = SignedDocument.objects.get(dossier=w.dossier)
    assert (document.title, document.number_notation) == ("Trích lục khai sinh", "07/TLKS")
