"""Received PDFs: their signatures checked before registration (Decree 68/2024 Art. 29–32) and
reported to the clerk as none / valid / invalid / indeterminate, with each signature's role,
signer, time, verdict and reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from motcua.documents.enums import SignatureVerdict
from motcua.documents.services import signing
from motcua.documents.tests.signing.conftest import SIGNER_NAME, content, numbered
from motcua.signatures.tests.helpers import append_blank_page, backend, sign_person


@pytest.fixture
def issued(w, decision) -> bytes:
    """An official document as another agency would receive it: signed and sealed by us."""
    signing.sign_personal(document=decision, actor=w.signer)
    numbered(decision, number=9)
    return content(signing.seal(document=decision, actor=w.clerk))


@pytest.mark.django_db
def test_a_signed_and_sealed_document_is_valid(w, issued):
    # when
    verdict, report = signing.verify_incoming(issued)
    # then
    assert verdict == SignatureVerdict.VALID
    assert report["verdict"] == "valid" and report["reason"]
    assert json.loads(json.dumps(report)) == report  # stored as JSON on the incoming document
    person, organisation = report["signatures"]
    assert (person["role"], organisation["role"]) == ("person", "organisation")
    assert person["signer_name"] == SIGNER_NAME
    assert organisation["signer_name"] == w.agency.name
    for signature in (person, organisation):
        assert signature["verdict"] == "valid" and signature["reason"]
        assert dt.datetime.fromisoformat(signature["signed_at"]).utcoffset() == dt.timedelta(
            hours=7
        )
    assert dt.datetime.fromisoformat(report["checked_at"])


@pytest.mark.django_db
def test_a_tampered_document_is_invalid(w, issued):
    # given: one byte of the page content changed after signing
    data = bytearray(issued)
    data[data.index(b"stream") + 40] ^= 0x20
    # when
    verdict, report = signing.verify_incoming(bytes(data))
    # then
    assert verdict == SignatureVerdict.INVALID
    assert report["verdict"] == "invalid" and report["reason"]
    assert any(s["verdict"] == "invalid" for s in report["signatures"])


@pytest.mark.django_db
def test_a_page_added_after_the_signatures_is_invalid(w, issued):
    verdict, report = signing.verify_incoming(append_blank_page(issued))
    assert verdict == SignatureVerdict.INVALID
    assert all(s["verdict"] == "invalid" for s in report["signatures"])
    assert all(s["problems"] for s in report["signatures"])


@pytest.mark.django_db
def test_an_unsigned_pdf_has_no_signature(w, decision):
    verdict, report = signing.verify_incoming(signing.pdf_for_signing(decision))
    assert verdict == SignatureVerdict.NONE
    assert report["verdict"] == "none" and report["signatures"] == [] and report["reason"]


def test_a_scan_that_is_not_a_pdf_has_no_signature():
    verdict, report = signing.verify_incoming(b"\x89PNG\r\n\x1a\n a scanned page")
    assert verdict == SignatureVerdict.NONE
    assert report["signatures"] == []


def test_a_damaged_pdf_is_invalid():
    verdict, report = signing.verify_incoming(b"%PDF-1.7\n garbage")
    assert verdict == SignatureVerdict.INVALID
    assert report["reason"]


def test_a_certificate_from_an_untrusted_authority_is_indeterminate(dev_pki, plain_pdf):
    # given: signed with a look-alike certificate of another CA
    signed, _box = sign_person(plain_pdf, backend(dev_pki.impostor))
    # when
    verdict, report = signing.verify_incoming(signed)
    # then
    assert verdict == SignatureVerdict.INDETERMINATE
    (signature,) = report["signatures"]
    assert signature["verdict"] == "indeterminate"
    assert signature["role"] == "person"
    assert signature["reason"]
