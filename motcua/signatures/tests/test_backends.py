"""Key back-ends: PKCS#12, a PKCS#11 token (SoftHSM2, key generated inside and never
extractable) and a remote signing service through the RemoteSigningClient protocol."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from motcua.signatures.backends import (
    Pkcs11Backend,
    Pkcs12Backend,
    RemoteBackend,
    RemoteSigningClient,
    SignerBackend,
)
from motcua.signatures.pki import certificate_issue, person_name
from motcua.signatures.tests.conftest import LEADER_NAME, WARD_NAME
from motcua.signatures.tests.helpers import backend, sign_organisation, sign_person
from motcua.signatures.verification import verify_pdf

SOFTHSM_LIBS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
TOKEN_LABEL = "motcua-test"
PIN = "246810"


def _softhsm_lib() -> str | None:
    if shutil.which("softhsm2-util") is None:
        return None
    return next((lib for lib in SOFTHSM_LIBS if Path(lib).exists()), None)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory, dev_pki):  # type: ignore[no-untyped-def]
    """A fresh SoftHSM2 token in a temporary directory, with a key generated inside it and its
    certificate, issued by the development CA, imported next to it."""
    lib = _softhsm_lib()
    if lib is None:
        pytest.skip("softhsm2 is not installed (apt-get install softhsm2 opensc)")
    from motcua.signatures.tokens import certificate_import_to_token, key_generate_on_token

    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    util = shutil.which("softhsm2-util") or "softhsm2-util"
    subprocess.run(  # noqa: S603 - fixed arguments: a throw-away test token
        [
            util,
            "--init-token",
            "--free",
            "--label",
            TOKEN_LABEL,
            "--pin",
            PIN,
            "--so-pin",
            "13579111",
        ],
        check=True,
        capture_output=True,
    )
    public_key = key_generate_on_token(
        lib_path=lib, token_label=TOKEN_LABEL, pin=PIN, label="leader", key_id=b"\x01"
    )
    ca_key, ca_cert, _ = dev_pki.pki.ca_ensure()
    cert = certificate_issue(
        subject=person_name(full_name=LEADER_NAME, organisation=WARD_NAME, position="Chủ tịch"),
        public_key=public_key,
        issuer_key=ca_key,
        issuer_cert=ca_cert,
        profile="person",
    )
    certificate_import_to_token(
        lib_path=lib,
        token_label=TOKEN_LABEL,
        pin=PIN,
        label="leader",
        key_id=b"\x01",
        certificate=cert,
    )
    return {"lib": lib, "cert": cert}


def test_pkcs12_backend_satisfies_the_protocol(dev_pki):
    pkcs12 = backend(dev_pki.leader)
    assert isinstance(pkcs12, SignerBackend)
    assert pkcs12.certificate.subject.native["common_name"] == LEADER_NAME
    with Pkcs12Backend(
        data=dev_pki.leader.p12_path.read_bytes(), passphrase=dev_pki.leader.password
    ):
        pass


def test_pkcs11_key_is_generated_inside_and_cannot_leave(softhsm):
    from motcua.signatures.tokens import token_key_attributes

    key = token_key_attributes(
        lib_path=softhsm["lib"], token_label=TOKEN_LABEL, pin=PIN, label="leader"
    )
    assert key.extractable is False
    assert key.sensitive is True
    assert key.key_id == b"\x01"


def test_sign_through_the_pkcs11_token_and_verify(softhsm, dev_pki, plain_pdf):
    token = Pkcs11Backend(
        lib_path=softhsm["lib"], token_label=TOKEN_LABEL, pin=PIN, key_label="leader"
    )
    try:
        assert isinstance(token, SignerBackend)
        assert token.certificate.subject.native["common_name"] == LEADER_NAME
        signed, box = sign_person(plain_pdf, token)
    finally:
        token.close()
    both = sign_organisation(signed, backend(dev_pki.ward), box)
    report = verify_pdf(both)
    assert report.verdict == "valid", report.as_dict()
    assert [s.role for s in report.signatures] == ["person", "organisation"]
    assert (
        report.signatures[0].certificate_sha256
        == softhsm["cert"].fingerprint(hashes.SHA256()).hex()
    )


def test_pkcs11_credential_through_the_service(softhsm, world, settings):
    from motcua.signatures import services
    from motcua.signatures.enums import BackendKind, DocumentKind

    settings.MOTCUA_PKCS11_LIB = softhsm["lib"]
    os.environ["MOTCUA_TEST_TOKEN_PIN"] = PIN
    w = world
    services.signing_credential_register(
        backend=BackendKind.PKCS11,
        location=TOKEN_LABEL,
        key_label="leader",
        secret_ref="env:MOTCUA_TEST_TOKEN_PIN",
        user=w.leader,
    )
    document = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="3/QĐ"
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    with document.file.open("rb") as fh:
        assert verify_pdf(fh.read()).verdict == "valid"


class InProcessSigningService:
    """A stand-in remote provider: holds the key, signs digests (RemoteSigningClient)."""

    def __init__(self, identity, ca_cert) -> None:  # type: ignore[no-untyped-def]
        self.key = identity.private_key()
        self.chain = [
            identity.certificate().public_bytes(serialization.Encoding.DER),
            ca_cert.public_bytes(serialization.Encoding.DER),
        ]
        self.calls: list[tuple[str, str]] = []

    def certificate_chain(self) -> list[bytes]:
        return self.chain

    def sign_digest(self, digest: bytes, *, digest_algorithm: str, key_algorithm: str) -> bytes:
        self.calls.append((digest_algorithm, key_algorithm))
        algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384()}[digest_algorithm]
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(digest, padding.PKCS1v15(), Prehashed(algorithm))
        return self.key.sign(digest, ec.ECDSA(Prehashed(algorithm)))


@pytest.mark.parametrize("identity", ["leader", "rsa_leader"])
def test_remote_signing_service_through_the_protocol(dev_pki, plain_pdf, identity):
    _key, ca_cert, _ = dev_pki.pki.ca_ensure()
    service = InProcessSigningService(getattr(dev_pki, identity), ca_cert)
    assert isinstance(service, RemoteSigningClient)
    remote = RemoteBackend(service)
    signed, _box = sign_person(plain_pdf, remote)
    report = verify_pdf(signed)
    assert report.verdict == "valid", report.as_dict()
    assert len(service.calls) == 1  # the size estimate never reaches the provider
