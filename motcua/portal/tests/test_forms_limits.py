"""The portal's forms check what people type against the shared field rules
(motcua.core.validators) before any service runs."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.portal.forms import ApplicantForm, PeriodForm, ProfileForm, RegisterForm

REGISTRATION = {
    "kind": "citizen",
    "full_name": "Nguyễn Văn An",
    "id_number": "096088001234",
    "email": "an@example.com",
    "phone": "0912345678",
    "address": "Cà Mau",
    "verify_by": "email",
    "password": "mat-khau-dai-9",
    "password2": "mat-khau-dai-9",
}


def errors_of(form) -> set[str]:  # type: ignore[no-untyped-def]
    form.is_valid()
    return set(form.errors)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"phone": "123456789"}, "phone"),
        ({"phone": "+1 202 555 0100"}, "phone"),
        ({"address": "Cà Mau\x07"}, "address"),
        ({"full_name": "An\x1b[2J"}, "full_name"),
        ({"id_number": "097088001234"}, "id_number"),
        ({"id_number": "381234567"}, "id_number"),  # CMND: invalid since 2025
        ({"kind": "business", "id_number": "12345"}, "id_number"),
    ],
)
def test_registration_refuses_a_bad_value(over, field):
    assert errors_of(RegisterForm({**REGISTRATION, **over})) == {field}


def test_registration_cleans_the_phone_and_the_business_code():
    form = RegisterForm(
        {
            **REGISTRATION,
            "kind": "business",
            "id_number": "2000123456-001",
            "phone": "+84 912 345 678",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "0912345678"


def test_profile_refuses_a_birth_year_in_the_future():
    data = {"full_name": "An", "id_number": "096299001122", "phone": "0912345678"}
    assert errors_of(ProfileForm(data)) == {"id_number"}


def test_wizard_applicant_checks_the_id_number_by_kind():
    data = {"kind": "organisation", "full_name": "Công ty TNHH Đất Mũi", "id_number": "096088"}
    assert errors_of(ApplicantForm(data)) == {"id_number"}
    assert errors_of(ApplicantForm({**data, "id_number": "2000123456"})) == set()


@pytest.mark.parametrize(
    "data",
    [
        {"date_from": "2026-01-01", "date_to": "9999-12-31"},
        {"date_from": "0001-01-01", "date_to": "2026-01-01"},
        {"date_from": "1991-01-01", "date_to": "2026-12-31"},
    ],
)
def test_statistics_periods_are_bounded(data):
    assert errors_of(PeriodForm(data))


@pytest.mark.django_db
def test_the_statistics_page_with_year_9999_is_not_an_error(world):
    client = Client(raise_request_exception=False)
    response = client.get("/statistics/", {"date_from": "2026-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200
