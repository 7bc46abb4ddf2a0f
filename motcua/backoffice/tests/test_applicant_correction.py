"""The dossier page's "correct the applicant's details" form (the service is tested in
motcua/dossiers/tests/test_applicant_snapshots.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.backoffice.tests.conftest import DAO, counter_intake
from motcua.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db


def correct_url(code: str) -> str:
    return reverse("backoffice:dossier_applicant_correct", args=[code])


def form_data(**over: str) -> dict[str, str]:
    data = {
        "correct-kind": "individual",
        "correct-full_name": DAO,
        "correct-id_number": "096188000123",
        "correct-phone": "0901000001",
        "correct-email": "",
        "correct-address": "",
        "correct-reason": "Thiếu số điện thoại",
    }
    return {**data, **{f"correct-{k}": v for k, v in over.items()}}


def test_only_the_receiving_desk_sees_the_form(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    assert (
        'id="applicant-correction"'
        in client.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    )
    client.force_login(world.specialist)
    assert (
        'id="applicant-correction"'
        not in client.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    )


def test_posting_a_correction_saves_it_and_shows_it_on_the_timeline(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    response = client.post(correct_url(dossier.code), form_data())
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).applicant.phone == "0901000001"
    html = client.get(response["Location"]).content.decode()
    assert 'data-event="correct_applicant"' in html and "Thiếu số điện thoại" in html
    assert "<strong>correct_applicant</strong>" not in html  # named in words, not by its code


def test_a_correction_without_reason_keeps_the_form_open_and_saves_nothing(client, world):
    dossier = counter_intake(world)
    client.force_login(world.counter)
    response = client.post(correct_url(dossier.code), form_data(reason=""))
    assert response.status_code == 422
    assert 'href="#id_correct-reason"' in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).applicant.phone == ""


def test_a_specialist_posting_a_correction_is_refused(client, world):
    dossier = counter_intake(world)
    client.force_login(world.specialist)
    response = client.post(correct_url(dossier.code), form_data())
    assert response.status_code == 403
    assert 'id="error-summary"' in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).applicant.phone == ""
    assert not DossierEvent.objects.filter(action="correct_applicant").exists()
