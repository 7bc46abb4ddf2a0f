"""The signer's then the organisation's signature on an outgoing document: both valid, the number
and the date written in by the organisation's signature, the attachments signed."""

from __future__ import annotations

import pytest

from motcua.core.errors import Conflict, PermissionDenied
from motcua.documents.services import signing
from motcua.documents.tests.signing.conftest import (
    SIGNER_NAME,
    SUBJECT,
    attachment_add,
    content,
    numbered,
    text_of,
)
from motcua.signatures.enums import DocumentKind, DocumentState, SignatureRole, Verdict
from motcua.signatures.verification import appearance_text, verify_pdf

pytestmark = pytest.mark.django_db


def test_signer_then_clerk_two_valid_signatures_with_number_and_date(w, decision):
    # given: the signer signs the rendered decision
    signed = signing.sign_personal(document=decision, actor=w.signer)
    assert decision.signed_document == signed
    assert signed.kind == DocumentKind.OFFICIAL and signed.state == DocumentState.PERSON_SIGNED
    person_signed = content(signed)
    assert verify_pdf(person_signed).verdict == Verdict.VALID
    decision.save()  # as outgoing_sign does
    # when: the clerk seals it once it is numbered 5 on 12 March 2026
    numbered(decision, number=5, day="2026-03-12")
    sealed = signing.seal(document=decision, actor=w.clerk)
    # then: both signatures are valid, the person's first, nothing changed after the last
    data = content(sealed)
    report = verify_pdf(data)
    assert report.verdict == Verdict.VALID, report.reason
    assert [s.role for s in report.signatures] == [
        SignatureRole.PERSON,
        SignatureRole.ORGANISATION,
    ]
    assert [s.signer_name for s in report.signatures] == [SIGNER_NAME, w.agency.name]
    assert not any(s.modified_after for s in report.signatures)
    assert report.appended_bytes == 0
    # the number, notation and date are written by the organisation's signature
    shown = appearance_text(data)
    assert "Số: 05/QĐ-UBND" in shown
    assert "Cà Mau, ngày 12 tháng 3 năm 2026" in shown
    assert w.agency.name in shown
    assert "Số: 05/QĐ-UBND" not in appearance_text(person_signed)
    # the signed bytes of the person's revision are untouched
    assert data.startswith(person_signed)
    sealed.refresh_from_db()
    assert sealed.state == DocumentState.ORG_SIGNED
    assert sealed.number_notation == "05/QĐ-UBND"
    assert SUBJECT in text_of(data)


def test_the_number_widgets_sit_over_the_blank_lines(w, decision):
    # given: a signed, numbered decision
    signing.sign_personal(document=decision, actor=w.signer)
    signed_pdf = content(decision.signed_document)
    numbered(decision, number=12)
    number_line = signing.pdf_signing.fill_in_line(signed_pdf, signing.pdf_signing.NUMBER_FILL_IN)
    date_line = signing.pdf_signing.fill_in_line(signed_pdf, signing.pdf_signing.DATE_FILL_IN)
    assert number_line is not None and date_line is not None
    # when
    sealed = signing.seal(document=decision, actor=w.clerk)
    # then: the organisation's field has a widget covering each line, on page 1
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(content(sealed)))
    rects = []
    for annot in reader.pages[0].get("/Annots") or []:
        annot = annot.get_object()
        parent = annot.get("/Parent")
        if parent is not None and parent.get_object().get("/T") == "motcua-organisation":
            rects.append([float(v) for v in annot["/Rect"]])
    for line in (number_line, date_line):
        assert any(
            x0 <= line.x0 and line.x1 <= x1 and y0 < line.baseline < y1 for x0, y0, x1, y1 in rects
        ), (line, rects)
    assert "Số: 12/QĐ-UBND" in appearance_text(content(sealed))


def test_attachments_signed_by_the_organisation_without_image(w, decision, plain_pdf):
    # given: a signed and numbered decision with a PDF attachment and a spreadsheet
    pdf_attachment = attachment_add(decision, "phu-luc.pdf", plain_pdf, "application/pdf")
    sheet = attachment_add(
        decision,
        "bang-tinh.xlsx",
        b"PK\x03\x04 sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    signing.sign_personal(document=decision, actor=w.signer)
    numbered(decision, number=7)
    # when
    main = signing.seal(document=decision, actor=w.clerk)
    # then: the PDF attachment carries the organisation's signature, valid, with the main
    # document's number and the time in the box top right of page 1 and no image
    pdf_attachment.refresh_from_db()
    attached = pdf_attachment.signed_document
    assert attached is not None
    assert attached.kind == DocumentKind.ATTACHMENT and attached.parent_id == main.pk
    assert attached.state == DocumentState.ORG_SIGNED
    data = content(attached)
    report = verify_pdf(data)
    assert report.verdict == Verdict.VALID, report.reason
    assert [s.role for s in report.signatures] == [SignatureRole.ORGANISATION]
    assert "07/QĐ-UBND" in appearance_text(data)
    import io

    import pypdf

    for annot in pypdf.PdfReader(io.BytesIO(data)).pages[0].get("/Annots") or []:
        assert annot.get_object().get("/Subtype") != "/Stamp"
    # a file that is not a PDF cannot carry a PDF signature: left as it is
    sheet.refresh_from_db()
    assert sheet.signed_document is None


def test_seal_refuses_before_the_signature_and_before_the_number(w, decision):
    with pytest.raises(Conflict):
        signing.seal(document=decision, actor=w.clerk)
    signing.sign_personal(document=decision, actor=w.signer)
    with pytest.raises(Conflict):
        signing.seal(document=decision, actor=w.clerk)


def test_only_the_designated_signer_signs_and_only_a_clerk_seals(w, decision):
    # the agency's other leader is not the designated signer
    with pytest.raises(PermissionDenied):
        signing.sign_personal(document=decision, actor=w.leader)
    signing.sign_personal(document=decision, actor=w.signer)
    numbered(decision)
    # another agency's clerk, and the signer, may not apply the organisation's signature
    for actor in (w.outsider_clerk, w.signer):
        with pytest.raises(PermissionDenied):
            signing.seal(document=decision, actor=actor)
    assert decision.signed_document.state == DocumentState.PERSON_SIGNED


def test_a_clerk_of_a_unit_of_the_agency_seals(w, decision):
    # given: the agency's register is kept by a clerk of one of its units (its office)
    from motcua.accounts.enums import Role
    from motcua.documents.tests.factories import official

    office_clerk = official(w.unit, Role.CLERK, full_name="Văn Thư Văn Phòng")
    signing.sign_personal(document=decision, actor=w.signer)
    numbered(decision)
    # when
    sealed = signing.seal(document=decision, actor=office_clerk)
    # then
    assert sealed.state == DocumentState.ORG_SIGNED
    assert verify_pdf(content(sealed)).verdict == Verdict.VALID


def test_signed_again_after_a_return_gets_a_new_signed_document(w, decision):
    # given: a document signed once
    first = signing.sign_personal(document=decision, actor=w.signer)
    decision.save()
    # when: it is signed again (the lead's flow brought it back to the signer)
    second = signing.sign_personal(document=decision, actor=w.signer)
    # then: a new signed document, the first left as it was
    assert second.pk != first.pk
    assert decision.signed_document == second
    first.refresh_from_db()
    assert first.state == DocumentState.PERSON_SIGNED


def test_the_organisation_cannot_sign_an_official_document_without_its_number(w, decision):
    # given: signed by the signer; the clerk goes to the signatures app directly (its API)
    from motcua.core.errors import ValidationFailed
    from motcua.signatures.services import document_sign_organisation

    signed = signing.sign_personal(document=decision, actor=w.signer)
    # when / then: refused, nothing signed: the number is the documents app's to give
    with pytest.raises(ValidationFailed) as caught:
        document_sign_organisation(document=signed, actor=w.clerk)
    assert caught.value.code == "number_required"
    signed.refresh_from_db()
    assert signed.state == DocumentState.PERSON_SIGNED
