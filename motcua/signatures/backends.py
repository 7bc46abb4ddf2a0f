"""Where signing keys live: one interface, several back-ends (DOMAIN §10).

A `SignerBackend` gives the signer's certificate and a pyHanko `Signer` that produces the raw
signature; the PDF side (appearance, PAdES container, timestamp) is the same for all of them:

- `Pkcs12Backend`: a PKCS#12 file and its password (development, tests, the demo).
- `Pkcs11Backend`: a key on a PKCS#11 token or HSM (the Government Cipher Committee CA's
  tokens, an organisation's HSM); the key never leaves the device.
- `RemoteBackend`: a remote signing service reached through a `RemoteSigningClient` (the
  provider signs a digest with a key it holds). The protocol is complete and tested with an
  in-process client; an HTTP client for a particular provider is not written yet
  (docs/signatures.md says what one must do).

`backend_for_credential` builds the right back-end from a `SigningCredential` row; secrets
(passwords, PINs) are never stored in the database, only a reference to where they are.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pyhanko.sign.signers.pdf_cms import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.core.errors import ValidationFailed

if TYPE_CHECKING:
    from motcua.signatures.models import SigningCredential


@runtime_checkable
class SignerBackend(Protocol):
    """A private key somewhere, and its certificate.

    `signer()` returns a pyHanko `Signer` ready to sign (opening a token session if needed);
    `close()` releases what `signer()` opened. Back-ends are context managers too.
    """

    @property
    def certificate(self) -> asn1_x509.Certificate: ...

    def signer(self) -> Signer: ...

    def close(self) -> None: ...


class _ClosingMixin:
    def close(self) -> None:
        return None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _asn1_cert(data: bytes) -> asn1_x509.Certificate:
    if data.lstrip().startswith(b"-----BEGIN"):
        from asn1crypto import pem

        _type, _headers, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


def load_certificates(path: str | Path) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM (one or more) or DER file."""
    from asn1crypto import pem

    raw = Path(path).read_bytes()
    if pem.detect(raw):
        return [asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(raw, multiple=True)]
    return [asn1_x509.Certificate.load(raw)]


# --- PKCS#12 ----------------------------------------------------------------------------------


class Pkcs12Backend(_ClosingMixin):
    """A key and certificate (and its chain) in a PKCS#12 file."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        passphrase: str | bytes | None = None,
        data: bytes | None = None,
        extra_certs: Iterable[asn1_x509.Certificate] = (),
    ) -> None:
        if data is None:
            if path is None:
                raise ValueError("Pkcs12Backend needs a path or the file's bytes")
            data = Path(path).read_bytes()
        if isinstance(passphrase, str):
            passphrase = passphrase.encode()
        self._data = data
        self._passphrase = passphrase
        self._extra = list(extra_certs)
        self._signer: SimpleSigner | None = None

    def signer(self) -> Signer:
        if self._signer is None:
            self._signer = _LoadedKeySigner.from_pkcs12(
                self._data, passphrase=self._passphrase, extra_certs=self._extra
            )
        return self._signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        cert = self.signer().signing_cert
        if cert is None:  # pragma: no cover - load_pkcs12_data always sets it
            raise ValueError("the PKCS#12 file holds no certificate")
        return cert


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner re-reads (and re-validates) the private key for every signature,
    twice counting the size estimate: about 150 ms per RSA key. This one keeps the loaded key
    and answers the size estimate without signing."""

    def __init__(self, *, private_key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    @classmethod
    def from_pkcs12(
        cls,
        data: bytes,
        *,
        passphrase: bytes | None,
        extra_certs: Iterable[asn1_x509.Certificate] = (),
    ) -> _LoadedKeySigner:
        from cryptography.hazmat.primitives.serialization import pkcs12
        from pyhanko.keys.internal import (
            translate_pyca_cryptography_cert_to_asn1,
            translate_pyca_cryptography_key_to_asn1,
        )

        try:
            key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase)
        except Exception as exc:
            raise ValueError("cannot open the PKCS#12 file (wrong password?)") from exc
        if key is None or cert is None:
            raise ValueError("the PKCS#12 file holds no key or no certificate")
        store = SimpleCertificateStore()
        store.register_multiple(
            [*(translate_pyca_cryptography_cert_to_asn1(c) for c in chain), *extra_certs]
        )
        return cls(
            private_key=key,
            signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            signing_key=translate_pyca_cryptography_key_to_asn1(key),
            cert_registry=store,
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return _placeholder_signature(self.signing_cert)
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        name = mechanism["algorithm"].native
        key = self._private_key
        if isinstance(key, rsa.RSAPrivateKey):
            if name == "rsassa_pss":
                pss, hash_algo = process_pss_params(mechanism["parameters"])
                return bytes(key.sign(data, pss, hash_algo))
            return bytes(key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return bytes(key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm))))
        return bytes(super().sign_raw(data, digest_algorithm))


def _placeholder_signature(cert: asn1_x509.Certificate | None) -> bytes:
    """Bytes as long as the longest signature `cert`'s key can make (for size estimates)."""
    if cert is None:  # pragma: no cover - our signers always have a certificate
        return bytes(512)
    if cert.public_key.algorithm == "rsa":
        return bytes(cert.public_key.bit_size // 8)
    return bytes(8 + 2 * ((cert.public_key.bit_size + 7) // 8))


# --- PKCS#11 ----------------------------------------------------------------------------------


class Pkcs11Backend(_ClosingMixin):
    """A key on a PKCS#11 token or HSM (python-pkcs11 through pyHanko's PKCS11Signer).

    The token is found by label (or slot number), the key and its certificate by label or id;
    the certificate must be on the token too unless `certificate` is given. `extra_certs`
    (the CA chain) are embedded in the signature.
    """

    def __init__(
        self,
        *,
        lib_path: str | Path,
        pin: str | None,
        token_label: str | None = None,
        slot_no: int | None = None,
        key_label: str | None = None,
        key_id: bytes | None = None,
        cert_label: str | None = None,
        cert_id: bytes | None = None,
        certificate: asn1_x509.Certificate | None = None,
        extra_certs: Iterable[asn1_x509.Certificate] = (),
    ) -> None:
        if not (key_label or key_id or cert_label):
            raise ValueError("Pkcs11Backend needs key_label, key_id or cert_label")
        self.lib_path = str(lib_path)
        self.token_label = token_label
        self.slot_no = slot_no
        self.key_label = key_label
        self.key_id = key_id
        self.cert_label = cert_label or (key_label if key_id is None else None)
        self.cert_id = cert_id
        self._pin = pin
        self._certificate = certificate
        self._extra = list(extra_certs)
        self._session: Any = None
        self._signer: Signer | None = None

    def _open(self) -> Any:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import open_pkcs11_session

        if self._session is None:
            criteria = TokenCriteria(label=self.token_label) if self.token_label else None
            self._session = open_pkcs11_session(
                self.lib_path, slot_no=self.slot_no, token_criteria=criteria, user_pin=self._pin
            )
        return self._session

    def signer(self) -> Signer:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        if self._signer is None:
            self._signer = PKCS11Signer(
                self._open(),
                cert_label=self.cert_label,
                cert_id=self.cert_id,
                key_label=self.key_label,
                key_id=self.key_id,
                signing_cert=self._certificate,
                ca_chain=self._extra or None,
            )
        return self._signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        if self._certificate is not None:
            return self._certificate
        signer = self.signer()
        cert = signer.signing_cert
        if cert is None:
            raise ValueError("the token holds no certificate for this key")
        self._certificate = cert
        return cert

    def close(self) -> None:
        session, self._session, self._signer = self._session, None, None
        if session is not None:
            session.close()


# --- remote signing ---------------------------------------------------------------------------


@runtime_checkable
class RemoteSigningClient(Protocol):
    """What a remote signing provider must offer (its HTTP API is the client's business).

    - `certificate_chain()`: the signer's certificate first, then its CA chain, DER-encoded.
    - `sign_digest(digest, digest_algorithm=..., key_algorithm=...)`: the raw signature of a
      message digest made with `digest_algorithm` ("sha256", ...): for RSA keys
      (`key_algorithm` "rsa") an RSASSA-PKCS#1 v1.5 signature, for EC keys ("ec") a
      DER-encoded ECDSA signature. The call may block while the signer approves the request
      on their phone; raise an exception to refuse.
    """

    def certificate_chain(self) -> list[bytes]: ...

    def sign_digest(self, digest: bytes, *, digest_algorithm: str, key_algorithm: str) -> bytes: ...


class _RemoteSigner(Signer):
    def __init__(self, client: RemoteSigningClient, chain: list[asn1_x509.Certificate]) -> None:
        store = SimpleCertificateStore()
        store.register_multiple(chain[1:])
        super().__init__(signing_cert=chain[0], cert_registry=store)
        self._client = client

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        cert = self.signing_cert
        if cert is None:  # pragma: no cover - set in __init__
            raise ValueError("remote signer without a certificate")
        key_algorithm = cert.public_key.algorithm
        if dry_run:  # size estimate only: never bother the provider (or the signer's phone)
            return _placeholder_signature(cert)
        digest = hashlib.new(digest_algorithm, data).digest()
        return self._client.sign_digest(
            digest, digest_algorithm=digest_algorithm, key_algorithm=key_algorithm
        )


class RemoteBackend(_ClosingMixin):
    """A key held by a remote signing service (see `RemoteSigningClient`)."""

    def __init__(self, client: RemoteSigningClient) -> None:
        self.client = client
        self._chain: list[asn1_x509.Certificate] | None = None

    def _certs(self) -> list[asn1_x509.Certificate]:
        if self._chain is None:
            chain = [_asn1_cert(der) for der in self.client.certificate_chain()]
            if not chain:
                raise ValueError("the remote signing service returned no certificate")
            self._chain = chain
        return self._chain

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._certs()[0]

    def signer(self) -> Signer:
        return _RemoteSigner(self.client, self._certs())


# --- from a SigningCredential row -------------------------------------------------------------


def secret_resolve(ref: str) -> str | None:
    """A secret from its reference: ``file:/path`` (first line), ``env:NAME`` or empty."""
    if not ref:
        return None
    kind, _sep, value = ref.partition(":")
    if kind == "file":
        return Path(value).read_text().strip()
    if kind == "env":
        secret = os.environ.get(value)
        if secret is None:
            raise ValidationFailed(
                _("The signing secret is not configured on this server."),
                fields={"credential": value},
            )
        return secret
    raise ValueError(f"unknown secret reference {ref!r}: use file:/path or env:NAME")


RemoteClientFactory = Callable[["SigningCredential"], RemoteSigningClient]


def backend_for_credential(credential: SigningCredential) -> SignerBackend:
    from motcua.signatures.enums import BackendKind

    extra = _extra_certs()
    if credential.backend == BackendKind.PKCS12:
        return Pkcs12Backend(
            credential.location,
            passphrase=secret_resolve(credential.secret_ref),
            extra_certs=extra,
        )
    if credential.backend == BackendKind.PKCS11:
        options = credential.options or {}
        lib = options.get("lib") or getattr(settings, "MOTCUA_PKCS11_LIB", "")
        if not lib:
            raise ValidationFailed(
                _("No PKCS#11 library is configured on this server."),
                fields={"credential": str(credential.pk)},
            )
        return Pkcs11Backend(
            lib_path=lib,
            pin=secret_resolve(credential.secret_ref),
            token_label=credential.location or None,
            key_label=credential.key_label or None,
            cert_label=options.get("cert_label") or credential.key_label or None,
            certificate=_asn1_cert(credential.certificate_pem.encode())
            if credential.certificate_pem
            else None,
            extra_certs=extra,
        )
    if credential.backend == BackendKind.REMOTE:
        providers: dict[str, str] = getattr(settings, "MOTCUA_REMOTE_SIGNING_PROVIDERS", {})
        dotted = providers.get(credential.location)
        if not dotted:
            raise ValidationFailed(
                _("The remote signing provider of this credential is not configured."),
                fields={"credential": credential.location},
            )
        factory: RemoteClientFactory = import_string(dotted)
        return RemoteBackend(factory(credential))
    raise ValueError(f"unknown signing back-end {credential.backend!r}")


def _extra_certs() -> list[asn1_x509.Certificate]:
    """CA certificates to embed with every signature (settings.MOTCUA_SIGNING_CHAIN)."""
    certs: list[asn1_x509.Certificate] = []
    for path in getattr(settings, "MOTCUA_SIGNING_CHAIN", []) or []:
        certs.extend(load_certificates(path))
    return certs
