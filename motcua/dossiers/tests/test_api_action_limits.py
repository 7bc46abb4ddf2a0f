"""An action's body is checked like the intake's (motcua.core.fields): a bad value is a 422 with
its field, never a 500 nor a dossier changed (PostgreSQL answered 500 for an amount beyond its
bigint; an appointment in the year 9999 was accepted)."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.test_api import bearer, counter_body, post_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("request_payment", {"amount": 10**20}, "amount"),
        (
            "extend",
            {"reason": "Chờ xác minh", "new_appointment_at": "9999-12-31T10:00:00+07:00"},
            "new_appointment_at",
        ),
        ("receive", {"note": "a\x00b"}, "note"),
    ],
)
def test_a_bad_action_value_answers_422_and_changes_nothing(
    client: Client, world, action, body, field
):
    code = post_json(client, "/api/v1/dossiers", counter_body(), bearer(world.counter)).json()[
        "code"
    ]
    before = Dossier.objects.values().get(code=code)
    resp = post_json(client, f"/api/v1/dossiers/{code}/actions/{action}", body, bearer(world.admin))
    assert resp.status_code == 422, resp.content
    assert list(resp.json()["error"]["fields"]) == [field]
    assert Dossier.objects.values().get(code=code) == before
