"""Putting a key on a PKCS#11 token or HSM (python-pkcs11): generated inside the device, never
extractable, with its certificate stored next to it, as pyHanko's PKCS#11 signer finds it.

Used by the tests (SoftHSM2) and by administrators enrolling an organisation's HSM key; an
official's USB token comes with its key and certificate from the CA already.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


@dataclass(frozen=True)
class TokenKey:
    label: str
    key_id: bytes
    extractable: bool
    sensitive: bool


def _session(lib_path: str, token_label: str, pin: str, *, rw: bool) -> Any:
    import pkcs11

    lib = pkcs11.lib(lib_path)
    return lib.get_token(token_label=token_label).open(rw=rw, user_pin=pin)


def key_generate_on_token(
    *,
    lib_path: str,
    token_label: str,
    pin: str,
    label: str,
    key_id: bytes,
    kind: str = "rsa2048",
) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    """Generate a key pair inside the token (private half sensitive and not extractable) and
    return the public key, to have a certificate issued for it."""
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
    from pkcs11.util.rsa import encode_rsa_public_key

    private_template = {
        Attribute.EXTRACTABLE: False,
        Attribute.SENSITIVE: True,
        Attribute.SIGN: True,
        Attribute.PRIVATE: True,
        Attribute.TOKEN: True,
    }
    public_template = {Attribute.VERIFY: True, Attribute.TOKEN: True}
    with _session(lib_path, token_label, pin, rw=True) as session:
        if kind == "ec-p256":
            params = session.create_domain_parameters(
                KeyType.EC,
                {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            public, _private = params.generate_keypair(
                label=label,
                id=key_id,
                store=True,
                private_template=private_template,
                public_template=public_template,
            )
            loaded = serialization.load_der_public_key(encode_ec_public_key(public))
        else:
            public, _private = session.generate_keypair(
                KeyType.RSA,
                2048,
                label=label,
                id=key_id,
                store=True,
                private_template=private_template,
                public_template=public_template,
            )
            loaded = serialization.load_der_public_key(encode_rsa_public_key(public))
    if not isinstance(loaded, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise ValueError("unexpected public key type from the token")
    return loaded


def certificate_import_to_token(
    *,
    lib_path: str,
    token_label: str,
    pin: str,
    label: str,
    key_id: bytes,
    certificate: x509.Certificate,
) -> None:
    """Store `certificate` on the token with the key's label and id."""
    from pkcs11 import Attribute, CertificateType, ObjectClass

    der = certificate.public_bytes(serialization.Encoding.DER)
    with _session(lib_path, token_label, pin, rw=True) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: key_id,
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.ISSUER: certificate.issuer.public_bytes(),
                Attribute.SERIAL_NUMBER: _der_integer(certificate.serial_number),
                Attribute.VALUE: der,
            }
        )


def _der_integer(value: int) -> bytes:
    from asn1crypto.core import Integer

    return bytes(Integer(value).dump())


def token_key_attributes(*, lib_path: str, token_label: str, pin: str, label: str) -> TokenKey:
    """What the token says about the private key `label` (to check it cannot leave)."""
    from pkcs11 import Attribute, ObjectClass

    with _session(lib_path, token_label, pin, rw=False) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
        return TokenKey(
            label=label,
            key_id=bytes(key[Attribute.ID]),
            extractable=bool(key[Attribute.EXTRACTABLE]),
            sensitive=bool(key[Attribute.SENSITIVE]),
        )
