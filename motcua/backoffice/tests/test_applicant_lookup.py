"""The counter's "returning applicant" lookup prefers details it can trust: the desk's own rows,
then those of an account whose ID number was verified, over what anyone typed in online."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.accounts.citizens import oidc_user_for_claims
from motcua.accounts.tests.factories import UserFactory
from motcua.backoffice.selectors import applicant_get_by_id_number
from motcua.backoffice.tests.conftest import counter_intake
from motcua.dossiers import services
from motcua.dossiers.services import ApplicantInput

pytestmark = pytest.mark.django_db

X = "079123456789"


def online(w, user, name: str, phone: str) -> None:
    services.dossier_create(
        actor=user,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=X, phone=phone),
    )


def lookup(client, w) -> str:
    client.force_login(w.counter)
    response = client.post(reverse("backoffice:intake_applicant"), {"applicant_id_number": X})
    assert response.status_code == 200
    return response.content.decode()


def test_the_desks_row_wins_over_a_more_recent_unverified_online_one(client, world):
    # given the person came to the desk, then an impostor submitted online with the same ID
    counter_intake(world, name="Võ Thị Sáu", id_number=X)
    online(world, UserFactory(username="impostor", id_number=X), "Kẻ Mạo Danh", "0909999999")
    # when the counter officer types the ID number
    html = lookup(client, world)
    # then the desk's details are offered, not the impostor's
    assert 'value="Võ Thị Sáu"' in html and "Kẻ Mạo Danh" not in html
    assert "0909999999" not in html


def test_a_verified_accounts_row_wins_over_an_unverified_one(client, world):
    real = oidc_user_for_claims(
        issuer="https://id.example.gov.vn",
        claims={"sub": "s-1", "id_number": X, "name": "Võ Thị Sáu"},
    )
    online(world, real, "Võ Thị Sáu", "0901000001")
    online(world, UserFactory(username="impostor", id_number=X), "Kẻ Mạo Danh", "0909999999")
    found = applicant_get_by_id_number(X)
    assert found is not None and found.user == real
    assert 'value="Võ Thị Sáu"' in lookup(client, world)


def test_an_unverified_online_row_is_offered_only_when_there_is_nothing_else(world):
    online(world, world.citizen, "Trần Văn Bình", "0912000111")
    found = applicant_get_by_id_number(X)
    assert found is not None and found.full_name == "Trần Văn Bình"
    assert applicant_get_by_id_number("") is None


def test_the_most_recently_filed_details_are_offered_even_after_an_older_one_is_corrected(
    world, time_machine
):
    # given two counter dossiers for X an hour apart, the older one corrected an hour later
    from motcua.dossiers.applicants import dossier_correct_applicant

    older = counter_intake(world, name="Võ Thị Sáu", id_number=X)
    time_machine.shift(dt.timedelta(hours=1))
    counter_intake(world, name="Võ Thị Sáu (mới)", id_number=X)
    time_machine.shift(dt.timedelta(hours=1))
    dossier_correct_applicant(
        dossier=older,
        actor=world.counter,
        changes=ApplicantInput(full_name="Võ Thị Sáu (sửa)", id_number=X),
        reason="Sai tên",
    )
    # when the counter officer looks X up, then the latest filing's details are offered
    found = applicant_get_by_id_number(X)
    assert found is not None and found.full_name == "Võ Thị Sáu (mới)"


def test_a_lookup_never_overwrites_what_the_official_typed(client, world):
    # given a returning applicant with a phone on record
    counter_intake(world, name="Võ Thị Sáu", id_number=X)
    client.force_login(world.counter)
    # when the lookup answers after the official typed a new phone number (a second lookup,
    # as leaving the ID field after Enter sends, carries what they typed)
    response = client.post(
        reverse("backoffice:intake_applicant"),
        {"applicant_id_number": X, "applicant_phone": "0987654321", "applicant_kind": "individual"},
    )
    html = response.content.decode()
    # then the typed phone stays, and only the empty fields are filled in
    assert 'value="0987654321"' in html
    assert 'value="Võ Thị Sáu"' in html


def test_leaving_the_id_field_after_enter_does_not_look_up_again(client, world):
    client.force_login(world.counter)
    html = client.get(reverse("backoffice:dossier_new")).content.decode()
    assert "change changed" in html  # htmx fires on a changed value only
