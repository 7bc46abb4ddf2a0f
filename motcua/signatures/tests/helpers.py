"""Signing without the database, for the verification and back-end tests."""

from __future__ import annotations

import io

from motcua.signatures import images, signing
from motcua.signatures.backends import Pkcs12Backend, SignerBackend
from motcua.signatures.pki import Identity
from motcua.signatures.tests.conftest import LEADER_NAME, WARD_NAME


def backend(identity: Identity) -> Pkcs12Backend:
    return Pkcs12Backend(identity.p12_path, passphrase=identity.password)


def sign_person(pdf: bytes, person: SignerBackend, **kw) -> tuple[bytes, signing.Box]:  # type: ignore[no-untyped-def]
    box = signing.person_box(pdf, signer_name=LEADER_NAME)
    appearance = signing.person_appearance(box, images.signature_png(LEADER_NAME))
    signed = signing.pdf_sign(
        pdf,
        backend=person,
        field_name="motcua-person",
        appearance=appearance,
        signing_time=signing.signing_time_now(),
        signer_name=LEADER_NAME,
        **kw,
    )
    return signed, appearance.widgets[0].box


def sign_organisation(pdf: bytes, org: SignerBackend, person_box: signing.Box, **kw) -> bytes:  # type: ignore[no-untyped-def]
    when = signing.signing_time_now()
    appearance = signing.organisation_appearance(
        pdf,
        lines=[WARD_NAME, signing.iso_time(when)],
        seal_png=images.seal_png(WARD_NAME),
        seal=signing.seal_box(person_box, 35),
    )
    return signing.pdf_sign(
        pdf,
        backend=org,
        field_name="motcua-organisation",
        appearance=appearance,
        signing_time=when,
        signer_name=WARD_NAME,
        **kw,
    )


def append_blank_page(pdf: bytes) -> bytes:
    """An incremental update that adds a page after the signatures."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(),
            generic.pdf_name("/Contents"): writer.add_object(
                generic.StreamObject(stream_data=b"BT ET")
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hand_pdf(
    *objects: bytes, root: int = 1, trailer_extra: bytes = b"", xref: bool = True
) -> bytes:
    """A PDF written byte by byte: object N is `objects[N-1]` (the text between "N 0 obj" and
    "endobj"), with a correct cross-reference table unless `xref` is False (then its offsets
    are wrong: a broken table readers must recover from)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + 7 if not xref else offset)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def one_page_pdf(
    *,
    page_extra: bytes = b"",
    catalog_extra: bytes = b"",
    more: tuple[bytes, ...] = (),
    contents: bool = True,
    resources: bytes = b"<< >>",
) -> bytes:
    """Catalog (1), pages (2), one A4 page (3), its content (4), then `more` (5, 6, …)."""
    content = b"BT /F0 12 Tf 72 720 Td (Ket qua) Tj ET"
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        + resources
        + (b" /Contents 4 0 R " if contents else b" ")
        + page_extra
        + b" >>"
    )
    return hand_pdf(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *more,
    )
