"""The development PKI and its management command."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory
from motcua.organisations.enums import OrganisationKind
from motcua.signatures.models import SigningCredential
from motcua.signatures.pki import DevPki


def test_dev_pki_is_idempotent_and_keeps_secrets_private(tmp_path):
    pki = DevPki(tmp_path, key_kind="ec-p256")
    _key, cert, created = pki.ca_ensure()
    assert created
    _key, again, created = pki.ca_ensure()
    assert not created and again == cert
    assert stat.S_IMODE(pki.ca_key_path.stat().st_mode) == 0o600
    ident, created = pki.tsa_ensure()
    assert created and not pki.tsa_ensure()[1]
    assert stat.S_IMODE(ident.password_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(ident.p12_path.stat().st_mode) == 0o600
    assert len(ident.password) >= 20


@pytest.mark.django_db
def test_signatures_dev_pki_command_registers_demo_credentials(tmp_path, settings):
    settings.MOTCUA_PKI_DIR = str(tmp_path / "pki")
    ward = OrgFactory(
        name="Ủy ban nhân dân phường An Xuyên",
        kind=OrganisationKind.COMMUNE,
        agency_code="000.00.20.H12",
    )
    leader = OfficialFactory(
        username="lanhdao.anxuyen",
        full_name="Trương Văn Chủ Tịch",
        position="Phó Chủ tịch UBND phường",
        organisation=ward,
        roles=[Role.LEADER, Role.CLERK],
    )
    call_command("signatures_dev_pki", "--key", "ec-p256")
    person = SigningCredential.objects.get(user=leader, active=True)
    org = SigningCredential.objects.get(organisation=ward, active=True)
    assert "Trương Văn Chủ Tịch" in person.subject
    assert person.image and org.image
    assert (tmp_path / "pki" / "ca" / "ca.pem").exists()
    assert (tmp_path / "pki" / "officials" / "lanhdao_anxuyen.p12").exists()
    # idempotent: nothing new the second time
    call_command("signatures_dev_pki", "--key", "ec-p256")
    assert SigningCredential.objects.filter(user=leader).count() == 1
    assert SigningCredential.objects.filter(organisation=ward).count() == 1
