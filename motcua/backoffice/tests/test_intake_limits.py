"""Counter intake: each applicant field is checked before anything is written (motcua.core.
validators): a bad value is shown beside its field, nothing is saved."""

from __future__ import annotations

import pytest

from motcua.backoffice.tests.test_intake import NEW, form_data, papers_key
from motcua.dossiers.models import Applicant, Dossier

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("applicant_phone", "12345"),
        ("applicant_address", "Cà Mau\x07"),
        ("applicant_id_number", "097188000123"),  # no province 097
        ("applicant_id_number", "096288000123"),  # born in 2088
        ("applicant_id_number", "381234567"),  # a CMND, no longer valid
        ("representative_id_number", "12"),
    ],
)
def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_saved(client, world, field, value):
    client.force_login(world.counter)
    data = form_data(world, papers_key(client), **{field: value, "paper-0-seen": "on"})
    if field.startswith("representative"):
        data["representative_name"] = "Lê Văn Tư"
    response = client.post(NEW, data)
    assert response.status_code == 422
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Dossier.objects.exists() and not Applicant.objects.exists()


def test_the_phone_is_stored_as_0_and_the_national_number(client, world):
    client.force_login(world.counter)
    data = form_data(
        world, papers_key(client), applicant_phone="+84 912 000 111", **{"paper-0-seen": "on"}
    )
    response = client.post(NEW, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Applicant.objects.get().phone == "0912000111"


def test_action_forms_bound_the_amount_and_the_new_appointment():
    from motcua.backoffice.forms import ExtendForm, RequestPaymentForm

    assert "amount" in RequestPaymentForm({"amount": str(10**20)}).errors
    form = ExtendForm({"reason": "Chờ xác minh", "new_appointment_at": "9999-12-31T10:00"})
    assert "new_appointment_at" in form.errors
    assert ExtendForm({"reason": "x", "new_appointment_at": "2027-01-04T10:00"}).is_valid()
