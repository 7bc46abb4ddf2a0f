"""Who an applicant row and a dossier belong to: an ID number typed in proves nothing.

Each dossier has its own applicant row (the details as filed, see test_applicant_snapshots). An
online submission by citizen U reads only U's earlier rows; an official's intake reads the
desk's rows (linked to no account); a counter or postal dossier is shown in a
citizen account only when that account's ID number has been verified to be the applicant's.
"""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.citizens import oidc_user_for_claims
from motcua.accounts.models import Profile
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import UserFactory
from motcua.core.errors import PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn

pytestmark = pytest.mark.django_db

X = "096188000777"


def online(w, user, *, name: str, phone: str = "", id_number: str = X) -> Dossier:
    return services.dossier_create(
        actor=user,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=id_number, phone=phone),
        at=vn(2027, 3, 1, 9, 0),
        trusted=True,
    )


def counter(w, *, name: str, phone: str = "", channel: int = 1) -> Dossier:
    return services.dossier_create(
        actor=w.counter,
        procedure_code="9.000001",
        channel=channel,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=X, phone=phone),
        at=vn(2027, 3, 2, 9, 0),
        trusted=True,
    )


def verified_citizen(id_number: str = X, sub: str = "vneid-1"):
    """A citizen account whose ID number the identity provider vouched for (OIDC login)."""
    return oidc_user_for_claims(
        issuer="https://id.example.gov.vn",
        claims={"sub": sub, "id_number": id_number, "name": "Trần Thị Thật"},
    )


def test_an_impostor_cannot_rename_or_take_over_someone_elses_applicant(world):
    # given citizen A's online dossier
    a, b = world.citizen, UserFactory(username="impostor")
    mine = online(world, a, name="Trần Thị Thật", phone="0901000001")
    # when B submits online with the same ID number, another name and phone
    theirs = online(world, b, name="Kẻ Mạo Danh", phone="0909999999")
    # then A's dossier still shows A's details; B got a row of their own
    mine.applicant.refresh_from_db()
    assert mine.applicant.full_name == "Trần Thị Thật"
    assert mine.applicant.phone == "0901000001"
    assert mine.applicant.user == a and mine.owner == a
    assert theirs.applicant.pk != mine.applicant.pk
    assert theirs.applicant.user == b and theirs.owner == b
    assert Applicant.objects.filter(id_number=X).count() == 2


def test_a_citizens_next_online_submission_gets_its_own_row(world):
    first = online(world, world.citizen, name="Trần Thị Thật", phone="0901000001")
    second = online(world, world.citizen, name="Trần Thị Thật Mới", phone="")
    assert second.applicant.pk != first.applicant.pk
    first.applicant.refresh_from_db()
    assert first.applicant.full_name == "Trần Thị Thật"  # as filed
    assert second.applicant.full_name == "Trần Thị Thật Mới"
    assert second.applicant.phone == "0901000001"  # an empty field keeps what was known


def test_counter_intake_uses_the_desks_row_and_no_unverified_owner(world, client: Client):
    # given an impostor who submitted online with X (their own row, typed-in ID number)
    impostor = UserFactory(username="impostor", id_number=X)
    online(world, impostor, name="Kẻ Mạo Danh", phone="0909999999")
    online(world, world.citizen, name="Trần Thị Thật")
    # when the real person comes to the counter
    d = counter(world, name="Trần Thị Thật", phone="0901000001")
    # then the dossier uses a row linked to no account, and nobody owns it
    assert d.applicant.user is None
    assert d.applicant.full_name == "Trần Thị Thật" and d.applicant.phone == "0901000001"
    assert d.owner is None
    # and the impostor can neither see nor withdraw it
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw(dossier=d, actor=impostor, reason="x")
    assert Dossier.objects.get(pk=d.pk).status == S.RECEIVED
    _, key = api_token_create(username=impostor.username)
    resp = client.get(f"/api/v1/dossiers/{d.code}", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 404  # as for an unknown code


def test_counter_intake_reads_the_latest_row_without_account_and_writes_its_own(world):
    first = counter(world, name="Trần Thị Thật", phone="0901000001")
    online(world, world.citizen, name="Người Khác", phone="0909999999")  # another source
    second = counter(world, name="Trần Thị Thật", phone="", channel=3)
    assert second.applicant.pk != first.applicant.pk
    assert second.applicant.phone == "0901000001" and second.applicant.user is None
    third = counter(world, name="Trần Thị Thật", phone="0901000002")
    first.applicant.refresh_from_db()
    assert first.applicant.phone == "0901000001"  # as filed
    assert third.applicant.phone == "0901000002"


def test_counter_dossier_belongs_to_the_account_verified_to_hold_the_id_number(world):
    # given a citizen whose ID number was verified by the identity provider, and an impostor
    # who typed the same ID number in at registration
    real = verified_citizen()
    UserFactory(username="impostor", id_number=X)
    # when the desk receives a dossier for X
    d = counter(world, name="Trần Thị Thật")
    # then it shows in the verified account only, which may withdraw it
    assert d.owner == real
    assert d.applicant.user is None
    d = services.dossier_withdraw(dossier=d, actor=real, reason="Không còn nhu cầu")
    assert d.status == S.WITHDRAWN


def test_an_unverified_or_ambiguous_id_number_gives_no_owner(world):

    unverified = UserFactory(username="typed", id_number=X)
    Profile.objects.create(user=unverified)  # registered with a password, ID number typed in
    assert counter(world, name="Trần Thị Thật").owner is None
    # two accounts verified with the same ID number: nobody can tell which one is the person
    verified_citizen(sub="vneid-1")
    second = UserFactory(username="second", id_number=X)
    Profile.objects.create(user=second, id_number_verified_at=vn(2026, 1, 1, 9, 0))
    assert counter(world, name="Trần Thị Thật").owner is None


def test_an_official_submitting_online_uses_the_desks_row(world):
    # an import of a previous system's online dossier (by a provincial administrator, at an
    # explicit time: officials never file online themselves) acts for the desk
    d = services.dossier_create(
        actor=world.admin,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=world.desk,
        applicant=ApplicantInput(full_name="Trần Thị Thật", id_number=X),
        at=vn(2026, 3, 1, 9, 0),
    )
    assert d.owner is None and d.applicant.user is None
