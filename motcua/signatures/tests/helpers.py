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
