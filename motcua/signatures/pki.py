"""Certificates for development and tests: a local CA, its CRL, a time-stamping authority,
organisation and personal certificates, PKCS#12 files (DOMAIN §10).

Nothing here is used in production, where the certificates come from the Government Cipher
Committee CA (Decree 68/2024) on tokens or HSMs (docs/signatures.md). Pure: no database, no
Django; `motcua.signatures.management.commands.signatures_dev_pki` lays the files out under
``var/pki/`` and registers them.

Subject names follow what Vietnamese CAs issue: a personal certificate names the person (CN),
their position (title) and organisation (O); an organisation certificate names the
organisation in both CN and O and carries its agency code as organizationIdentifier. The
verifier tells the two apart the same way (`motcua.signatures.verification.signature_role`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from motcua.core.text import nfc

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey
KeyKind = Literal["rsa2048", "ec-p256"]
Profile = Literal["ca", "person", "organisation", "tsa"]

DEV_CA_NAME = "MotCua Development CA - NOT FOR PRODUCTION"
DEV_TSA_NAME = "MotCua Development Time-Stamping Authority"
COUNTRY = "VN"
# Microsoft's "document signing" purpose, which signing tools in Vietnam commonly expect.
EKU_DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")


def key_generate(kind: KeyKind = "rsa2048") -> PrivateKey:
    if kind == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _attr(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute:
    return x509.NameAttribute(oid, nfc(value.strip()))


def ca_name(common_name: str = DEV_CA_NAME) -> x509.Name:
    return x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, COUNTRY),
            _attr(NameOID.ORGANIZATION_NAME, "MotCua"),
            _attr(NameOID.COMMON_NAME, common_name),
        ]
    )


def person_name(
    *, full_name: str, organisation: str, position: str = "", locality: str = ""
) -> x509.Name:
    attrs = [_attr(NameOID.COUNTRY_NAME, COUNTRY)]
    if locality:
        attrs.append(_attr(NameOID.LOCALITY_NAME, locality))
    attrs.append(_attr(NameOID.ORGANIZATION_NAME, organisation))
    if position:
        attrs.append(_attr(NameOID.TITLE, position))
    attrs.append(_attr(NameOID.COMMON_NAME, full_name))
    return x509.Name(attrs)


def organisation_name(*, name: str, agency_code: str = "", locality: str = "") -> x509.Name:
    attrs = [_attr(NameOID.COUNTRY_NAME, COUNTRY)]
    if locality:
        attrs.append(_attr(NameOID.LOCALITY_NAME, locality))
    attrs.append(_attr(NameOID.ORGANIZATION_NAME, name))
    if agency_code:
        attrs.append(_attr(NameOID.ORGANIZATION_IDENTIFIER, agency_code))
    attrs.append(_attr(NameOID.COMMON_NAME, name))
    return x509.Name(attrs)


def certificate_issue(
    *,
    subject: x509.Name,
    public_key: PublicKey,
    issuer_key: PrivateKey,
    issuer_cert: x509.Certificate | None,
    profile: Profile,
    valid_days: int = 3 * 365,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    """A certificate of `profile`; self-signed when `issuer_cert` is None (a root)."""
    start = not_before or _now() - dt.timedelta(hours=1)
    issuer = issuer_cert.subject if issuer_cert is not None else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    authority_public = (
        issuer_cert.public_key() if issuer_cert is not None else issuer_key.public_key()
    )
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_public),  # type: ignore[arg-type]
        critical=False,
    )
    if profile == "ca":
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        ).add_extension(_key_usage(cert_sign=True), critical=True)
    else:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True
        )
        if profile == "tsa":
            builder = builder.add_extension(
                _key_usage(digital_signature=True, non_repudiation=True), critical=True
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        else:
            builder = builder.add_extension(
                _key_usage(digital_signature=True, non_repudiation=True), critical=True
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, EKU_DOCUMENT_SIGNING]),
                critical=False,
            )
    return builder.sign(issuer_key, hashes.SHA256())


def _key_usage(
    *, digital_signature: bool = False, non_repudiation: bool = False, cert_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def crl_issue(
    *,
    ca_key: PrivateKey,
    ca_cert: x509.Certificate,
    revoked: dict[int, dt.datetime] | None = None,
    valid_days: int = 30,
) -> x509.CertificateRevocationList:
    """A CRL listing `revoked` (serial → revocation time), valid for `valid_days`."""
    now = _now() - dt.timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=valid_days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    for serial, when in (revoked or {}).items():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(ca_key, hashes.SHA256())


def pkcs12_bytes(
    *,
    key: PrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    password: str,
    friendly_name: str = "",
) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name=(friendly_name or None) and friendly_name.encode(),
        key=key,
        cert=cert,
        cas=chain or None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def password_generate() -> str:
    return secrets.token_urlsafe(18)


def _write_secret(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only (created 0600 from the start)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


@dataclass(frozen=True)
class Identity:
    """One PKCS#12 file of the development PKI and where its password is."""

    slug: str
    p12_path: Path
    password_path: Path
    cert_path: Path

    @property
    def password(self) -> str:
        return self.password_path.read_text().strip()

    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_path.read_bytes())

    def private_key(self) -> PrivateKey:
        key, _cert, _chain = pkcs12.load_key_and_certificates(
            self.p12_path.read_bytes(), self.password.encode()
        )
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"{self.p12_path}: unsupported key type")
        return key


class DevPki:
    """The development PKI in one directory (``var/pki`` by default); idempotent.

    Layout::

        ca/ca.pem  ca/ca.key (0600)  ca/crl.pem
        tsa/tsa.p12  tsa/tsa.pass  tsa/tsa.pem
        organisations/<slug>.p12 .pass .pem
        officials/<slug>.p12 .pass .pem
    """

    def __init__(self, root: Path, *, key_kind: KeyKind = "rsa2048") -> None:
        self.root = Path(root)
        self.key_kind = key_kind

    # --- the CA ------------------------------------------------------------------------------

    @property
    def ca_cert_path(self) -> Path:
        return self.root / "ca" / "ca.pem"

    @property
    def ca_key_path(self) -> Path:
        return self.root / "ca" / "ca.key"

    @property
    def crl_path(self) -> Path:
        return self.root / "ca" / "crl.pem"

    def ca_ensure(self) -> tuple[PrivateKey, x509.Certificate, bool]:
        """The CA key and certificate, created on first use. Returns (key, cert, created)."""
        if self.ca_cert_path.exists() and self.ca_key_path.exists():
            cert = x509.load_pem_x509_certificate(self.ca_cert_path.read_bytes())
            key = serialization.load_pem_private_key(self.ca_key_path.read_bytes(), None)
            if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
                raise ValueError(f"{self.ca_key_path}: unsupported key type")
            return key, cert, False
        key = key_generate(self.key_kind)
        cert = certificate_issue(
            subject=ca_name(),
            public_key=key.public_key(),
            issuer_key=key,
            issuer_cert=None,
            profile="ca",
            valid_days=10 * 365,
        )
        _write_secret(
            self.ca_key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        self.ca_cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return key, cert, True

    def crl_ensure(self, *, revoked: dict[int, dt.datetime] | None = None) -> Path:
        """(Re)issue the CRL when missing, when more than half its life has passed, or when
        `revoked` is given."""
        key, cert, _ = self.ca_ensure()
        if self.crl_path.exists() and revoked is None:
            crl = x509.load_pem_x509_crl(self.crl_path.read_bytes())
            next_update = crl.next_update_utc
            if next_update is not None and next_update - _now() > dt.timedelta(days=15):
                return self.crl_path
        crl = crl_issue(ca_key=key, ca_cert=cert, revoked=revoked)
        self.crl_path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        return self.crl_path

    # --- end entities ------------------------------------------------------------------------

    def identity(self, folder: str, slug: str) -> Identity:
        base = self.root / folder / slug
        return Identity(
            slug=slug,
            p12_path=base.with_suffix(".p12"),
            password_path=base.with_suffix(".pass"),
            cert_path=base.with_suffix(".pem"),
        )

    def identity_ensure(
        self, *, folder: str, slug: str, subject: x509.Name, profile: Profile
    ) -> tuple[Identity, bool]:
        """A key and certificate issued by the CA, as PKCS#12 with a generated password."""
        ident = self.identity(folder, slug)
        if ident.p12_path.exists() and ident.password_path.exists() and ident.cert_path.exists():
            return ident, False
        ca_key, ca_cert, _ = self.ca_ensure()
        # The TSA key is RSA: pyHanko's in-process time stamper signs with PKCS#1 v1.5.
        key = key_generate("rsa2048" if profile == "tsa" else self.key_kind)
        cert = certificate_issue(
            subject=subject,
            public_key=key.public_key(),
            issuer_key=ca_key,
            issuer_cert=ca_cert,
            profile=profile,
        )
        password = password_generate()
        _write_secret(ident.password_path, password.encode())
        _write_secret(
            ident.p12_path,
            pkcs12_bytes(
                key=key, cert=cert, chain=[ca_cert], password=password, friendly_name=slug
            ),
        )
        ident.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return ident, True

    def tsa_ensure(self) -> tuple[Identity, bool]:
        subject = x509.Name(
            [
                _attr(NameOID.COUNTRY_NAME, COUNTRY),
                _attr(NameOID.ORGANIZATION_NAME, "MotCua"),
                _attr(NameOID.COMMON_NAME, DEV_TSA_NAME),
            ]
        )
        return self.identity_ensure(folder="tsa", slug="tsa", subject=subject, profile="tsa")

    def tsa_identity(self) -> Identity:
        return self.identity("tsa", "tsa")


def slugify_code(value: str) -> str:
    """A file-name-safe slug for a username or an agency code."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in value)
