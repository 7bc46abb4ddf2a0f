"""Verification verdicts: both signatures valid; a flipped byte, a page appended after
signing, an untrusted CA, a revoked certificate; timestamps; the JSON shape."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command

from motcua.signatures import config, signing
from motcua.signatures.pki import DevPki, person_name
from motcua.signatures.tests.conftest import LEADER_NAME, WARD_NAME, pdf_pages
from motcua.signatures.tests.helpers import (
    append_blank_page,
    backend,
    sign_organisation,
    sign_person,
)
from motcua.signatures.verification import appearance_text, signature_role, verify_pdf

SIGNATURE_KEYS = {
    "signer_name",
    "organisation",
    "signed_at",
    "intact",
    "trusted",
    "revocation",
    "modified_after",
    "role",
    "timestamp",
}


@pytest.fixture(scope="module")
def both_signed(dev_pki, plain_pdf, django_settings_for_module):  # type: ignore[no-untyped-def]
    signed, box = sign_person(plain_pdf, backend(dev_pki.leader))
    return sign_organisation(signed, backend(dev_pki.ward), box)


@pytest.fixture(scope="module")
def django_settings_for_module(dev_pki):  # type: ignore[no-untyped-def]
    """Module-scoped signing needs the trust settings before the function fixtures run."""
    from django.test import override_settings

    with override_settings(
        MOTCUA_PKI_DIR=str(dev_pki.root),
        MOTCUA_TRUST_ROOTS=[str(dev_pki.pki.ca_cert_path)],
        MOTCUA_TRUST_CRLS=[str(dev_pki.pki.crl_path)],
    ):
        yield


def test_person_and_organisation_signatures_are_both_valid(both_signed):
    report = verify_pdf(both_signed).as_dict()
    assert report["verdict"] == "valid"
    assert set(report) == {"verdict", "reason", "signatures", "appended_bytes"}
    assert report["appended_bytes"] == 0
    assert [s["role"] for s in report["signatures"]] == ["person", "organisation"]
    for s in report["signatures"]:
        assert set(s) >= SIGNATURE_KEYS
        assert s["intact"] and s["trusted"] and not s["modified_after"]
        assert s["revocation"] == "good"
        assert dt.datetime.fromisoformat(s["signed_at"]).utcoffset() == dt.timedelta(hours=7)
        assert s["timestamp"] is None
    assert report["signatures"][0]["signer_name"] == LEADER_NAME
    assert report["signatures"][0]["organisation"] == WARD_NAME
    assert report["signatures"][1]["organisation"] == WARD_NAME


def test_stamp_shows_the_organisation_and_time(both_signed):
    text = appearance_text(both_signed)
    assert WARD_NAME in text
    assert "+07:00" in text


def test_a_flipped_byte_makes_the_file_invalid(both_signed):
    data = bytearray(both_signed)
    # a byte inside the page content, covered by both signatures
    index = data.index(b"stream") + 40
    data[index] ^= 0x20
    report = verify_pdf(bytes(data))
    assert report.verdict == "invalid"
    assert any(not s.intact for s in report.signatures) or not report.signatures


@pytest.mark.parametrize("where", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_a_flipped_byte_anywhere_is_never_valid(both_signed, where):
    data = bytearray(both_signed)
    index = int(len(data) * where)
    # A signature's /Contents hole is not signed, and its zero padding past the CMS blob is
    # not even read: move out of any hole, onto signed bytes.
    for match in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", bytes(data)):
        start, length, after = int(match[1]), int(match[2]), int(match[3])
        if start + length <= index < after:
            index = after
    data[index] ^= 0x01
    assert verify_pdf(bytes(data)).verdict == "invalid"


def test_a_page_appended_after_signing_is_reported(both_signed):
    changed = append_blank_page(both_signed)
    assert pdf_pages(changed) == pdf_pages(both_signed) + 1
    report = verify_pdf(changed)
    assert report.verdict in ("invalid", "indeterminate")
    assert report.verdict == "invalid"
    assert all(s.modified_after for s in report.signatures)
    assert all(s.intact for s in report.signatures)  # the signed bytes themselves are intact


def _zip_bytes(size: int) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("payload.bin", b"MZ" + bytes(range(256)) * (size // 256 + 1))
    return buffer.getvalue()


def _last_startxref(data: bytes) -> int:
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param(lambda pdf: _zip_bytes(200), id="small-zip"),
        pytest.param(lambda pdf: _zip_bytes(20000), id="large-zip"),
        pytest.param(lambda pdf: b"\n<script>alert(1)</script>\n%%EOF\n", id="fake-eof"),
        # the appended data ends like a PDF revision pointing back at the real last one
        pytest.param(
            lambda pdf: _zip_bytes(300) + b"\nstartxref\n%d\n%%%%EOF\n" % _last_startxref(pdf),
            id="fake-startxref",
        ),
    ],
)
def test_bytes_appended_after_the_last_signature_are_reported(both_signed, tail):
    # given a signed file with data glued after its final %%EOF
    appended = tail(both_signed)
    changed = both_signed + appended
    # when
    report = verify_pdf(changed)
    # then the file is not "valid, not modified"
    assert report.verdict == "invalid"
    assert report.appended_bytes > 0
    assert all(s.modified_after for s in report.signatures)
    assert all(s.intact for s in report.signatures), report.as_dict()
    assert str(report.appended_bytes) in report.reason
    assert report.as_dict()["appended_bytes"] == report.appended_bytes


def _empty_revision(pdf: bytes) -> bytes:
    """An incremental update that changes nothing: a cross-reference table with no entries."""
    prev = _last_startxref(pdf)
    size = int(re.findall(rb"/Size\s+(\d+)", pdf)[-1])
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", pdf)[-1]
    start = len(pdf)
    return pdf + (
        b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size %d /Root %s /Prev %d >>\n"
        b"startxref\n%d\n%%%%EOF\n" % (size, root, prev, start)
    )


def test_data_hidden_inside_an_empty_revision_after_signing_is_reported(both_signed):
    # given a ZIP glued after the signed file, then an empty revision so that it sits inside
    # the file rather than after its end (pyHanko sees a revision that changes nothing)
    zip_data = _zip_bytes(5000)
    changed = _empty_revision(both_signed + zip_data + b"\n")
    # when
    report = verify_pdf(changed)
    # then
    assert report.verdict == "invalid"
    assert len(zip_data) - 16 <= report.appended_bytes <= len(zip_data)  # whitespace aside
    assert all(s.modified_after for s in report.signatures)


def test_an_empty_revision_alone_adds_no_data(both_signed):
    report = verify_pdf(_empty_revision(both_signed))
    assert report.appended_bytes == 0 and report.verdict == "valid"


def test_a_real_incremental_update_is_not_counted_as_data(both_signed):
    # a page added after signing is a change (reported as such), not unexplained bytes
    report = verify_pdf(append_blank_page(both_signed))
    assert report.appended_bytes == 0
    assert report.verdict == "invalid" and all(s.modified_after for s in report.signatures)


def test_trailing_whitespace_after_the_last_signature_is_not_data(both_signed):
    report = verify_pdf(both_signed + b"\r\n  \n\x00")
    assert report.verdict == "valid" and report.appended_bytes == 0


def test_a_signature_from_an_untrusted_ca_is_indeterminate(dev_pki, plain_pdf):
    signed, _box = sign_person(plain_pdf, backend(dev_pki.impostor))
    report = verify_pdf(signed)
    assert report.verdict == "indeterminate"
    (signature,) = report.signatures
    assert signature.intact and not signature.trusted
    assert signature.signer_name == LEADER_NAME  # the name alone proves nothing
    assert signature.revocation == "unknown"


def test_untrusted_when_no_trust_roots_are_configured(both_signed, settings, tmp_path):
    other = DevPki(tmp_path, key_kind="ec-p256")
    other.ca_ensure()
    settings.MOTCUA_TRUST_ROOTS = [str(other.ca_cert_path)]
    settings.MOTCUA_TRUST_CRLS = []
    report = verify_pdf(both_signed)
    assert report.verdict == "indeterminate"
    assert not any(s.trusted for s in report.signatures)


def test_revocation_not_checked_without_revocation_information(both_signed, settings):
    settings.MOTCUA_TRUST_CRLS = []
    settings.MOTCUA_PKI_DIR = "/nonexistent"
    report = verify_pdf(both_signed)
    assert report.verdict == "valid"
    assert {s.revocation for s in report.signatures} == {"not checked"}
    assert "Revocation" in report.reason or "thu hồi" in report.reason


def test_a_revoked_certificate_makes_the_signature_invalid(plain_pdf, settings, tmp_path):
    pki = DevPki(tmp_path, key_kind="ec-p256")
    pki.ca_ensure()
    ident, _ = pki.identity_ensure(
        folder="officials",
        slug="revoked",
        subject=person_name(full_name=LEADER_NAME, organisation=WARD_NAME, position="Chủ tịch"),
        profile="person",
    )
    signed, _box = sign_person(plain_pdf, backend(ident))
    serial = ident.certificate().serial_number
    pki.crl_ensure(revoked={serial: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)})
    settings.MOTCUA_TRUST_ROOTS = [str(pki.ca_cert_path)]
    settings.MOTCUA_TRUST_CRLS = [str(pki.crl_path)]
    report = verify_pdf(signed)
    assert report.verdict == "invalid"
    assert report.signatures[0].revocation == "revoked"


def test_rfc3161_timestamp_from_the_development_tsa(dev_pki, plain_pdf, settings):
    settings.MOTCUA_TSA_URL = "dev"
    signed, _box = sign_person(plain_pdf, backend(dev_pki.leader), timestamper=config.timestamper())
    report = verify_pdf(signed).as_dict()
    assert report["verdict"] == "valid"
    timestamp = report["signatures"][0]["timestamp"]
    assert timestamp["intact"] and timestamp["trusted"]
    assert "Time-Stamping" in timestamp["authority"]
    assert report["signatures"][0]["signed_at"] == timestamp["time"]


def test_file_without_signatures_or_not_a_pdf(plain_pdf):
    assert verify_pdf(plain_pdf).verdict == "invalid"
    assert verify_pdf(b"not a pdf at all").verdict == "invalid"
    assert verify_pdf(b"%PDF-1.7\n garbage").verdict == "invalid"


def test_roles_from_vietnamese_certificate_subjects(dev_pki):
    from asn1crypto import x509 as asn1_x509

    def load(ident):  # type: ignore[no-untyped-def]
        from asn1crypto import pem

        return asn1_x509.Certificate.load(pem.unarmor(ident.cert_path.read_bytes())[2])

    assert signature_role(load(dev_pki.leader)) == "person"
    assert signature_role(load(dev_pki.ward)) == "organisation"


def test_verify_pdf_command_prints_json(both_signed, tmp_path, capsys):
    path = tmp_path / "signed.pdf"
    path.write_bytes(both_signed)
    call_command("verify_pdf", str(path))
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "valid"
    assert len(report["signatures"]) == 2
    assert set(report["signatures"][0]) >= SIGNATURE_KEYS


def test_verify_pdf_command_exit_code_and_trust_root_option(dev_pki, plain_pdf, tmp_path):
    signed, _box = sign_person(plain_pdf, backend(dev_pki.impostor))
    path = tmp_path / "impostor.pdf"
    path.write_bytes(signed)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(path), "--exit-code")
    assert exit_info.value.code == 2
    call_command("verify_pdf", str(path), "--trust-root", str(dev_pki.rogue.ca_cert_path))


def test_stamp_font_is_rescaled_to_1000_units_and_widths_are_right(both_signed):
    import io

    import pypdf
    from fontTools.ttLib import TTFont

    from motcua.signatures import fonts

    path = fonts.stamp_font_path()
    assert TTFont(str(path))["head"].unitsPerEm == 1000
    assert path.parent == fonts.cache_dir()
    # Every CID font pyHanko embedded in the stamps has widths in thousandths of an em
    # (with 2048 units per em a "W" would be about 1900 wide).
    reader = pypdf.PdfReader(io.BytesIO(both_signed))
    widths: list[float] = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            ap = annot.get_object().get("/AP")
            if ap:
                widths.extend(_cid_widths(ap.get_object()["/N"].get_object(), set()))
    assert widths, "no CID font found in the stamps"
    assert max(widths) <= 1000


def _cid_widths(xobject, seen):  # type: ignore[no-untyped-def]
    found = []
    resources = xobject.get("/Resources") or {}
    resources = resources.get_object() if hasattr(resources, "get_object") else resources
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        for descendant in font.get("/DescendantFonts") or []:
            for item in descendant.get_object().get("/W") or []:
                item = item.get_object() if hasattr(item, "get_object") else item
                if isinstance(item, list):
                    found.extend(float(v) for v in item)
    for inner in (resources.get("/XObject") or {}).values():
        ref = id(inner.get_object())
        if ref not in seen:
            seen.add(ref)
            found.extend(_cid_widths(inner.get_object(), seen))
    return found


def test_signing_time_printed_equals_the_signed_time(dev_pki, plain_pdf):
    when = signing.signing_time_now()
    appearance = signing.organisation_appearance(
        plain_pdf, lines=[WARD_NAME, signing.iso_time(when)]
    )
    signed = signing.pdf_sign(
        plain_pdf,
        backend=backend(dev_pki.ward),
        field_name="motcua-organisation",
        appearance=appearance,
        signing_time=when,
    )
    report = verify_pdf(signed)
    assert report.signatures[0].signed_at == signing.iso_time(when)
    assert signing.iso_time(when) in appearance_text(signed)


def test_rfc3161_timestamp_over_http_from_a_local_tsa(dev_pki, plain_pdf, settings):
    """MOTCUA_TSA_URL as in production: an HTTP time-stamping authority (here a local one,
    answering with the development TSA's key)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import tsp

    tsa = config.dummy_timestamper(
        dev_pki.pki.tsa_identity().p12_path.read_bytes(), dev_pki.pki.tsa_identity().password
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = tsa.request_tsa_response(tsp.TimeStampReq.load(body)).dump()  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{server.server_address[1]}/tsa"
        signed, _box = sign_person(
            plain_pdf, backend(dev_pki.leader), timestamper=config.timestamper()
        )
    finally:
        server.shutdown()
    timestamp = verify_pdf(signed).as_dict()["signatures"][0]["timestamp"]
    assert timestamp is not None and timestamp["trusted"]
