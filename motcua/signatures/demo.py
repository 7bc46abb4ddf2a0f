"""The development PKI for the Cà Mau demo: a local CA, its CRL and time-stamping authority,
one certificate per demo official and per organisation they work in, registered as their
signing credentials with generated signature and seal images. Idempotent; run by
``manage.py signatures_dev_pki`` (and so by ``make run``).

Everything lands under ``var/pki/`` (never committed): PKCS#12 files with generated passwords
in files readable by their owner only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from motcua.accounts.models import User
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.signatures import config, images
from motcua.signatures.enums import BackendKind
from motcua.signatures.models import SigningCredential
from motcua.signatures.pki import DevPki, KeyKind, organisation_name, person_name, slugify_code
from motcua.signatures.services import signing_credential_register

# Seal diameters (mm) by kind of organisation; confirm against the seal regulations in force.
SEAL_DIAMETER_MM: dict[str, float] = {
    OrganisationKind.PROVINCE: 42.0,
    OrganisationKind.DEPARTMENT: 36.0,
    OrganisationKind.COMMUNE: 35.0,
    OrganisationKind.SERVICE_CENTRE: 35.0,
}
SIGNATURE_WIDTH_MM = 45.0


def _place(organisation: Organisation) -> str:
    from motcua.dossiers.printing.layout import place_name

    return place_name(organisation)


def _fingerprint_registered(ident_cert_pem: str, **owner: Any) -> bool:
    return SigningCredential.objects.filter(
        active=True, certificate_pem=ident_cert_pem, **owner
    ).exists()


@transaction.atomic
def dev_pki_setup(
    *, usernames: Iterable[str] | None = None, key_kind: KeyKind = "rsa2048"
) -> dict[str, int]:
    """Create what is missing; returns counts of what was created or registered."""
    from motcua.demo.services import DEMO_OFFICIALS

    pki = DevPki(config.pki_dir(), key_kind=key_kind)
    counts = {"ca_created": 0, "certificates_created": 0, "credentials_registered": 0}
    _key, _cert, created = pki.ca_ensure()
    counts["ca_created"] = int(created)
    pki.crl_ensure()
    _tsa, created = pki.tsa_ensure()
    counts["certificates_created"] += int(created)
    wanted = set(usernames) if usernames is not None else {o.username for o in DEMO_OFFICIALS}
    users = (
        User.objects.filter(username__in=wanted, organisation__isnull=False)
        .select_related("organisation")
        .order_by("username")
    )
    organisations: dict[int, Organisation] = {}
    for user in users:
        org = user.organisation
        if org is None:  # pragma: no cover - filtered out above
            continue
        organisations[org.pk] = org
        ident, created = pki.identity_ensure(
            folder="officials",
            slug=slugify_code(user.username),
            subject=person_name(
                full_name=user.full_name or user.username,
                organisation=org.name,
                position=user.position,
                locality=_place(org),
            ),
            profile="person",
        )
        counts["certificates_created"] += int(created)
        pem = ident.cert_path.read_text()
        if not _fingerprint_registered(pem, user=user):
            signing_credential_register(
                backend=BackendKind.PKCS12,
                location=str(ident.p12_path),
                secret_ref=f"file:{ident.password_path}",
                user=user,
                certificate_pem=pem,
                image_png=images.signature_png(user.full_name or user.username),
                image_width_mm=SIGNATURE_WIDTH_MM,
            )
            counts["credentials_registered"] += 1
    for org in organisations.values():
        ident, created = pki.identity_ensure(
            folder="organisations",
            slug=slugify_code(org.agency_code),
            subject=organisation_name(
                name=org.name, agency_code=org.agency_code, locality=_place(org)
            ),
            profile="organisation",
        )
        counts["certificates_created"] += int(created)
        pem = ident.cert_path.read_text()
        if not _fingerprint_registered(pem, organisation=org):
            diameter = SEAL_DIAMETER_MM.get(org.kind, 36.0)
            signing_credential_register(
                backend=BackendKind.PKCS12,
                location=str(ident.p12_path),
                secret_ref=f"file:{ident.password_path}",
                organisation=org,
                certificate_pem=pem,
                image_png=images.seal_png(org.name, diameter_mm=diameter, place=_place(org)),
                image_width_mm=diameter,
            )
            counts["credentials_registered"] += 1
    return counts
