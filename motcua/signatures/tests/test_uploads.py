"""Uploaded PDFs to be signed: active content removed (and recorded), unusual but valid files
signed, unreadable and encrypted ones refused with 422, and a file pyHanko cannot sign leaves
the document as it was. The PDFs are written by hand in the tests (helpers.hand_pdf)."""

from __future__ import annotations

import io

import pytest

from motcua.core.audit_models import AuditRecord
from motcua.core.errors import ValidationFailed
from motcua.signatures import sanitising, services, signing
from motcua.signatures.enums import DocumentKind, DocumentState
from motcua.signatures.models import SignedDocument
from motcua.signatures.tests.helpers import hand_pdf, one_page_pdf
from motcua.signatures.verification import verify_pdf

JS_ACTION = b"<< /S /JavaScript /JS (app.alert('x')) >>"
FONT_F1 = (
    b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> "
    b"/XObject << /F1 4 0 R >> >>"
)


def _active_pdf() -> bytes:
    """A one-page PDF with every kind of active content the sanitiser removes."""
    return one_page_pdf(
        catalog_extra=(
            b"/OpenAction 5 0 R /AA << /WC 5 0 R >> "
            b"/Names << /JavaScript << /Names [(a) 5 0 R] >> "
            b"/EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >> "
            b"/AcroForm << /Fields [] /XFA 7 0 R >> /NeedsRendering true"
        ),
        page_extra=b"/AA << /O 5 0 R >> /Annots [8 0 R 9 0 R 10 0 R 12 0 R]",
        more=(
            JS_ACTION,
            b"<< /Type /Filespec /F (x.exe) /EF << /F 11 0 R >> >>",
            b"<< /Length 18 >>\nstream\n<xdp>XFA-FORM</xdp>\nendstream",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (cmd.exe) >> >>",
            b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] /RichMediaContent << >> >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://a.vn) >> "
            b">>",
            b"<< /Type /EmbeddedFile /Length 16 >>\nstream\nMZ-EXECUTABLE-00\nendstream",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
            b"/A << /S /URI /URI (javascript:steal\\(\\)) >> >>",
        ),
    )


def _broken_xref_pdf() -> bytes:
    return hand_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        xref=False,
    )


def _encrypted_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the sanitiser alone ------------------------------------------------------------------------


def test_active_content_is_removed_and_listed():
    # when
    result = sanitising.pdf_sanitise(_active_pdf())
    # then none of it is left in the file, not even as an unreferenced object
    data = result.data
    for marker in (
        b"/JavaScript",
        b"app.alert",
        b"/OpenAction",
        b"/AA",
        b"/Launch",
        b"cmd.exe",
        b"javascript:",
        b"steal",
    ):
        assert marker not in data, marker
    for marker in (b"/EmbeddedFiles", b"MZ-EXECUTABLE", b"/XFA", b"XFA-FORM", b"/RichMedia"):
        assert marker not in data, marker
    assert b"/URI" in data  # a plain web link is not active content
    assert set(result.removed) >= {
        "action on opening (/OpenAction)",
        "additional actions (/AA)",
        "JavaScript name tree (/Names/JavaScript)",
        "embedded files (/Names/EmbeddedFiles)",
        "XFA form (/XFA)",
        "Launch action",
        "RichMedia annotation",
        "URI action",
    }
    assert signing.page_count(signing.reader_for(data)) == 1


def test_a_clean_file_keeps_its_bytes():
    pdf = one_page_pdf()
    result = sanitising.pdf_sanitise(pdf)
    assert result.data == pdf and not result.changed


def test_a_broken_cross_reference_table_is_rebuilt():
    result = sanitising.pdf_sanitise(_broken_xref_pdf())
    assert result.repaired and not result.removed
    assert sanitising._pyhanko_reads(result.data)


@pytest.mark.parametrize(
    ("pdf", "message"),
    [
        (_encrypted_pdf(), "password"),
        (b"%PDF-1.7\nnothing here", "damaged"),
        (b"GIF89a", "not a PDF"),
    ],
    ids=["encrypted", "damaged", "not-a-pdf"],
)
def test_unusable_files_are_refused_with_a_message(pdf, message):
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(signing.PdfInputError) as info:
            sanitising.pdf_sanitise(pdf)
        assert message in str(info.value)


# --- through the services -----------------------------------------------------------------------


def _upload(w, pdf: bytes) -> SignedDocument:  # type: ignore[no-untyped-def]
    return services.signed_document_create(
        actor=w.specialist,
        kind=DocumentKind.RESULT,
        dossier=w.dossier,
        pdf=pdf,
        number_notation="5/GP",  # the result's number is given when it is prepared
    )


def _content(document: SignedDocument) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


@pytest.mark.django_db
def test_an_uploaded_result_is_sanitised_and_the_removal_recorded(world):
    # when a result with scripts and an embedded executable is uploaded
    document = _upload(world, _active_pdf())
    # then the draft carries none of it, and the audit record says what was removed
    data = _content(document)
    assert b"app.alert" not in data and b"MZ-EXECUTABLE" not in data and b"/Launch" not in data
    record = AuditRecord.objects.get(action="signed_document_create", object_id=str(document.pk))
    upload = record.changes["upload"]
    assert upload["removed"]["Launch action"] == 1
    assert "embedded files (/Names/EmbeddedFiles)" in upload["removed"]
    assert upload["sha256"] != document.sha256
    assert document.removed_content == upload["removed"]
    # and it signs like any other result
    document = services.document_sign_personal(document=document, actor=world.leader)
    document = services.document_sign_organisation(document=document, actor=world.clerk)
    assert verify_pdf(_content(document)).verdict == "valid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pdf",
    [
        pytest.param(one_page_pdf(contents=False), id="page-without-contents"),
        pytest.param(one_page_pdf(resources=FONT_F1), id="font-named-like-ours"),
        pytest.param(_broken_xref_pdf(), id="broken-xref"),
    ],
)
def test_valid_files_pyhanko_stumbles_on_are_signed(world, pdf):
    # given an unusual but valid PDF
    # when it is uploaded and signed by the leader and the organisation
    document = _upload(world, pdf)
    document = services.document_sign_personal(document=document, actor=world.leader)
    document = services.document_sign_organisation(document=document, actor=world.clerk)
    # then
    assert document.state == DocumentState.ORG_SIGNED
    assert verify_pdf(_content(document)).verdict == "valid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pdf",
    [_encrypted_pdf(), b"%PDF-1.7\nnothing here"],
    ids=["encrypted", "damaged"],
)
def test_unusable_uploads_are_refused_and_nothing_is_saved(world, pdf):
    before = SignedDocument.objects.count()
    with pytest.raises(ValidationFailed) as info:
        _upload(world, pdf)
    assert info.value.http_status == 422 and info.value.code == "not_a_pdf"
    assert info.value.fields["file"]
    assert SignedDocument.objects.count() == before


@pytest.mark.django_db
def test_a_file_pyhanko_cannot_sign_leaves_the_document_as_it_was(world, monkeypatch):
    # given a draft
    document = _upload(world, one_page_pdf())
    sha, revisions = document.sha256, document.revisions.count()

    # when pyHanko fails on it while signing
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        from pyhanko.pdf_utils.misc import PdfReadError

        raise PdfReadError("Naming conflict in resource of type /Font")

    monkeypatch.setattr(signing, "_pdf_sign", fail)
    with pytest.raises(ValidationFailed) as info:
        services.document_sign_personal(document=document, actor=world.leader)
    # then 422, and the document is still the draft it was
    assert info.value.http_status == 422 and info.value.code == "pdf_cannot_be_signed"
    document.refresh_from_db()
    assert document.state == DocumentState.DRAFT and document.sha256 == sha
    assert document.revisions.count() == revisions
    monkeypatch.undo()
    signed = services.document_sign_personal(document=document, actor=world.leader)
    assert signed.state == DocumentState.PERSON_SIGNED
