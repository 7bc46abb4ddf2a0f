"""Signing and verification settings, with development defaults (docs/signatures.md).

- MOTCUA_PKI_DIR: the development PKI (default ``var/pki``).
- MOTCUA_TRUST_ROOTS: PEM files of the trusted root CAs (in production the Government Cipher
  Committee's roots and the public CAs the province accepts). Unset: the development CA,
  when ``signatures_dev_pki`` has made one.
- MOTCUA_TRUST_CRLS: CRL files (PEM or DER) to use for revocation; unset: the development
  CA's CRL. MOTCUA_REVOCATION_FETCH: fetch OCSP/CRLs from the URLs in certificates (off by
  default: the verifier then works offline).
- MOTCUA_TSA_URL: RFC 3161 time-stamping authority; "" (default) for none, "dev" for the
  development TSA signing in-process.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.sign.timestamps.api import TimeStamper

from motcua.signatures.backends import load_certificates


def pki_dir() -> Path:
    configured = getattr(settings, "MOTCUA_PKI_DIR", "")
    if configured:
        return Path(configured)
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return var_dir / "pki"


def trust_root_paths() -> list[Path]:
    configured = getattr(settings, "MOTCUA_TRUST_ROOTS", None)
    if configured is not None and len(configured) > 0:
        return [Path(p) for p in configured]
    dev = pki_dir() / "ca" / "ca.pem"
    return [dev] if dev.exists() else []


def trust_roots() -> list[asn1_x509.Certificate]:
    roots: list[asn1_x509.Certificate] = []
    for path in trust_root_paths():
        roots.extend(load_certificates(path))
    return roots


def crl_paths() -> list[Path]:
    configured = getattr(settings, "MOTCUA_TRUST_CRLS", None)
    if configured is not None and len(configured) > 0:
        return [Path(p) for p in configured]
    if getattr(settings, "MOTCUA_TRUST_ROOTS", None):
        return []  # production trust roots: no development CRL
    dev = pki_dir() / "ca" / "crl.pem"
    return [dev] if dev.exists() else []


def crls() -> list[asn1_crl.CertificateList]:
    result: list[asn1_crl.CertificateList] = []
    for path in crl_paths():
        raw = path.read_bytes()
        if pem.detect(raw):
            blocks = pem.unarmor(raw, multiple=True)
            result.extend(asn1_crl.CertificateList.load(der) for _t, _h, der in blocks)
        else:
            result.append(asn1_crl.CertificateList.load(raw))
    return result


def revocation_fetch() -> bool:
    return bool(getattr(settings, "MOTCUA_REVOCATION_FETCH", False))


def timestamper() -> TimeStamper | None:
    url = str(getattr(settings, "MOTCUA_TSA_URL", "") or "")
    if not url:
        return None
    if url == "dev":
        return dev_timestamper()
    from pyhanko.sign.timestamps import HTTPTimeStamper  # aiohttp, a session per request

    auth = None
    user = getattr(settings, "MOTCUA_TSA_USERNAME", "")
    if user:
        auth = (user, getattr(settings, "MOTCUA_TSA_PASSWORD", ""))
    return HTTPTimeStamper(url, timeout=10, auth=auth)


def dev_timestamper() -> TimeStamper:
    """The development TSA, signing in-process with its key from the development PKI."""
    from motcua.signatures.pki import DevPki

    ident = DevPki(pki_dir()).tsa_identity()
    return dummy_timestamper(ident.p12_path.read_bytes(), ident.password)


def dummy_timestamper(p12: bytes, password: str) -> TimeStamper:
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert, chain = pkcs12.load_key_and_certificates(p12, password.encode())
    if key is None or cert is None:
        raise ValueError("the TSA's PKCS#12 file holds no key or certificate")
    store = SimpleCertificateStore()
    store.register_multiple(translate_pyca_cryptography_cert_to_asn1(c) for c in chain)
    return DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        tsa_key=translate_pyca_cryptography_key_to_asn1(key),
        certs_to_embed=store,
    )
