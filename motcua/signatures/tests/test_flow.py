"""The one-stop flow through the services: leader signs, clerk applies the organisation's
signature, the result is released; permissions, transitions and the audit trail."""

from __future__ import annotations

import pytest

from motcua.core.audit_models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.signatures import services
from motcua.signatures.enums import DocumentKind, DocumentState
from motcua.signatures.models import DocumentRevision
from motcua.signatures.tests.conftest import LEADER_NAME, WARD_NAME, issue
from motcua.signatures.transitions import TransitionNotAllowed
from motcua.signatures.verification import appearance_text, verify_pdf

pytestmark = pytest.mark.django_db


def _content(document) -> bytes:  # type: ignore[no-untyped-def]
    with document.file.open("rb") as fh:
        return fh.read()


def _result(w, **kw):  # type: ignore[no-untyped-def]
    return services.signed_document_create(
        actor=w.specialist,
        kind=DocumentKind.RESULT,
        dossier=w.dossier,
        number_notation="7/QĐ-UBND",
        title="Quyết định cấp giấy phép",
        **kw,
    )


def test_result_rendered_signed_by_leader_then_organisation_both_valid(world):
    # given: a result rendered from the template, with its verification QR code
    w = world
    document = _result(w)
    assert document.state == DocumentState.DRAFT
    assert document.organisation == w.ward  # the processing unit issues the result
    assert document.signer == w.leader  # the ward's only leader
    # when
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    # then
    assert document.state == DocumentState.ORG_SIGNED
    report = verify_pdf(_content(document))
    assert report.verdict == "valid", report.as_dict()
    person, organisation = report.signatures
    assert (person.role, person.signer_name, person.organisation) == (
        "person",
        LEADER_NAME,
        WARD_NAME,
    )
    assert (organisation.role, organisation.signer_name) == ("organisation", WARD_NAME)
    assert all(s.intact and s.trusted and not s.modified_after for s in report.signatures)
    assert all(s.revocation == "good" for s in report.signatures)  # the development CRL
    assert [r.state for r in document.revisions.all()] == ["draft", "person_signed", "org_signed"]
    assert document.sha256 == document.revisions.last().sha256
    # the seal was drawn over the left third of the signer's image
    assert document.person_box is not None


def test_stamp_text_is_vietnamese_with_the_iso_signing_time(world):
    import io

    import pypdf

    w = world
    document = services.document_sign_organisation(
        document=services.document_sign_personal(document=_result(w), actor=w.leader),
        actor=w.clerk,
    )
    data = _content(document)
    stamp = appearance_text(data)
    iso = document.org_signed_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert WARD_NAME in stamp
    assert iso.replace(microsecond=0).isoformat() in stamp  # 2026-…T…+07:00
    assert "+07:00" in stamp
    # the page itself names the signer and carries the verification link (with diacritics)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert LEADER_NAME in page
    assert "Quét mã để kiểm tra chữ ký số" in page
    assert document.verification_code in page


def test_uploaded_pdf_signature_goes_above_the_signers_name(world, plain_pdf):
    w = world
    document = services.signed_document_create(
        actor=w.specialist,
        kind=DocumentKind.RESULT,
        dossier=w.dossier,
        pdf=plain_pdf,
        number_notation="5/GP",
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    page, x0, y0, _x1, y1 = document.person_box
    assert page == 0
    assert x0 > 250  # right-hand signature block
    assert y1 - y0 > 30


def test_receipt_form_signed_for_the_centre_with_the_wards_seal(world):
    w = world
    document = services.signed_document_create(
        actor=w.counter, kind=DocumentKind.RECEIPT, dossier=w.dossier
    )
    assert document.organisation == w.centre
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    report = verify_pdf(_content(document))
    assert report.verdict == "valid"
    assert report.signatures[1].organisation == WARD_NAME


def test_attachment_carries_only_the_organisations_signature_with_the_main_number(world, plain_pdf):
    w = world
    main = services.document_sign_personal(document=_result(w), actor=w.leader)
    attachment = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.ATTACHMENT, parent=main, pdf=plain_pdf
    )
    with pytest.raises(TransitionNotAllowed):
        services.document_sign_personal(document=attachment, actor=w.leader)
    attachment = services.document_sign_organisation(document=attachment, actor=w.clerk)
    data = _content(attachment)
    report = verify_pdf(data)
    assert report.verdict == "valid"
    assert [s.role for s in report.signatures] == ["organisation"]
    stamp = appearance_text(data)
    assert "07/QĐ-UBND" in stamp
    assert WARD_NAME not in stamp  # number and time only (Decree 30/2020)


def test_result_not_downloadable_before_release_and_is_after(world, client):
    w = world
    document = services.document_sign_organisation(
        document=services.document_sign_personal(document=_result(w), actor=w.leader),
        actor=w.clerk,
    )
    url = f"/api/v1/signatures/dossier-result/{w.dossier.code}"
    client.force_login(w.citizen)
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    # when
    issue(w, document)
    services.result_release(document=document, actor=w.clerk)
    # then
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body == _content(document)
    assert verify_pdf(body).verdict == "valid"


def test_release_records_audit_and_releases_attachments(world, plain_pdf):
    w = world
    main = services.document_sign_personal(document=_result(w), actor=w.leader)
    attachment = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.ATTACHMENT, parent=main, pdf=plain_pdf
    )
    services.document_sign_organisation(document=attachment, actor=w.clerk)
    main = services.document_sign_organisation(document=main, actor=w.clerk)
    issue(w, main)
    services.result_release(document=main, actor=w.clerk)
    attachment.refresh_from_db()
    assert attachment.state == DocumentState.RELEASED
    actions = list(
        AuditRecord.objects.filter(object_type="signatures.signeddocument", object_id=str(main.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "signed_document_create",
        "signed_document_sign_personal",
        "signed_document_sign_organisation",
        "signed_document_issue",
        "signed_document_release",
    ]


@pytest.mark.parametrize("who", ["specialist", "clerk", "outsider", "admin", "citizen", "counter"])
def test_only_a_leader_of_the_issuer_signs_personally(world, who):
    w = world
    document = _result(w)
    with pytest.raises(PermissionDenied):
        services.document_sign_personal(document=document, actor=getattr(w, who))
    document.refresh_from_db()
    assert document.state == DocumentState.DRAFT


@pytest.mark.parametrize("who", ["specialist", "leader", "outsider", "admin", "citizen"])
def test_only_the_issuers_clerk_applies_the_organisation_signature(world, who):
    w = world
    document = services.document_sign_personal(document=_result(w), actor=w.leader)
    with pytest.raises(PermissionDenied):
        services.document_sign_organisation(document=document, actor=getattr(w, who))


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "sign_organisation"),
        ("draft", "release"),
        ("person_signed", "sign_personal"),
        ("person_signed", "release"),
        ("org_signed", "sign_personal"),
        ("org_signed", "sign_organisation"),
    ],
)
def test_forbidden_transitions(world, state, action):
    w = world
    document = _result(w)
    if state != "draft":
        document = services.document_sign_personal(document=document, actor=w.leader)
    if state == "org_signed":
        document = services.document_sign_organisation(document=document, actor=w.clerk)
    call = {
        "sign_personal": lambda: services.document_sign_personal(document=document, actor=w.leader),
        "sign_organisation": lambda: services.document_sign_organisation(
            document=document, actor=w.clerk
        ),
        "release": lambda: services.result_release(document=document, actor=w.clerk),
    }[action]
    with pytest.raises(Conflict):
        call()


def test_designated_signer_only(world):
    from motcua.accounts.enums import Role
    from motcua.accounts.tests.factories import OfficialFactory

    w = world
    deputy = OfficialFactory(organisation=w.ward, roles=[Role.LEADER])
    document = _result(w, signer=w.leader)
    with pytest.raises(PermissionDenied):
        services.document_sign_personal(document=document, actor=deputy)


def test_leader_without_certificate_is_told(world):
    from motcua.accounts.enums import Role
    from motcua.accounts.tests.factories import OfficialFactory

    w = world
    deputy = OfficialFactory(organisation=w.ward, roles=[Role.LEADER])
    document = _result(w, signer=deputy)
    with pytest.raises(ValidationFailed) as err:
        services.document_sign_personal(document=document, actor=deputy)
    assert err.value.code == "no_signing_credential"


def test_not_a_pdf_is_refused(world):
    with pytest.raises(ValidationFailed) as err:
        services.signed_document_create(
            actor=world.specialist,
            kind=DocumentKind.RESULT,
            dossier=world.dossier,
            pdf=b"hello",
            number_notation="5/GP",
        )
    assert err.value.code == "not_a_pdf"


def test_stored_file_tampering_is_detected_before_signing(world):
    w = world
    document = _result(w)
    path = document.file.path
    with open(path, "r+b") as fh:
        fh.seek(200)
        byte = fh.read(1)
        fh.seek(200)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(Conflict) as err:
        services.document_sign_personal(document=document, actor=w.leader)
    assert err.value.code == "file_tampered"


def test_revoke_and_replace_show_on_the_verification_page(world, client):
    w = world
    first = services.document_sign_organisation(
        document=services.document_sign_personal(document=_result(w), actor=w.leader),
        actor=w.clerk,
    )
    issue(w, first)
    services.result_release(document=first, actor=w.clerk)
    second = services.document_sign_organisation(
        document=services.document_sign_personal(document=_result(w), actor=w.leader),
        actor=w.clerk,
    )
    with pytest.raises(ValidationFailed):
        services.signed_document_replace(
            document=first, actor=w.leader, replacement=second, reason=""
        )
    services.signed_document_replace(
        document=first, actor=w.leader, replacement=second, reason="Sai tên người được cấp"
    )
    first.refresh_from_db()
    assert first.state == DocumentState.REPLACED
    page = client.get(f"/signatures/v/{first.verification_code}/").content.decode()
    assert "Sai tên người được cấp" in page
    assert second.verification_code in page
    services.signed_document_revoke(document=second, actor=w.clerk, reason="Cấp nhầm")
    page = client.get(f"/signatures/v/{second.verification_code}/").content.decode()
    assert "Cấp nhầm" in page


def test_every_revision_is_kept_with_its_digest(world):
    w = world
    document = services.document_sign_personal(document=_result(w), actor=w.leader)
    revisions = list(DocumentRevision.objects.filter(document=document).order_by("number"))
    assert len(revisions) == 2
    import hashlib

    for revision in revisions:
        with revision.file.open("rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == revision.sha256
