"""`allowed_actions` in the API's dossier body: what the requester may do now (the back
office's rules, motcua.dossiers.policies), not every action of the status; the hot read keeps
its single query."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.services import api_token_create
from motcua.backoffice.permissions import actions_for
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput

pytestmark = pytest.mark.django_db


def headers(user) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


def create(w, channel: int) -> Dossier:
    return services.dossier_create(
        actor=w.citizen if channel == 2 else w.counter,
        procedure_code="9.000001",
        channel=channel,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Trần Văn Bình", id_number="096099001122"),
    )


def allowed(client: Client, d: Dossier, user) -> list[str]:
    resp = client.get(f"/api/v1/dossiers/{d.code}", headers=headers(user))
    assert resp.status_code == 200, resp.content
    return resp.json()["allowed_actions"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("counter", ["withdraw"]),
        ("specialist", ["request_supplement", "forward", "request_payment", "extend"]),
        ("leader", ["request_supplement", "forward", "request_payment", "extend", "stop"]),
        (
            "admin",
            ["request_supplement", "forward", "request_payment", "extend", "stop", "withdraw"],
        ),
    ],
)
def test_each_official_gets_their_own_actions(client: Client, world, who, expected):
    # given a counter dossier at the department's appraisal step
    d = create(world, 1)
    user = getattr(world, who)
    # then the API lists what that official may do, as the back office offers it
    assert allowed(client, d, user) == expected == actions_for(user, d)


def test_the_applicant_gets_what_they_may_do_on_their_own_dossier(client: Client, world):
    d = create(world, 2)
    assert allowed(client, d, world.citizen) == ["withdraw"]
    d = services.dossier_receive(dossier=d, actor=world.counter)
    d = services.dossier_request_supplement(dossier=d, actor=world.specialist, missing=["Ảnh"])
    assert allowed(client, d, world.citizen) == ["supplement", "withdraw"]
    d = services.dossier_supplement(dossier=d, actor=world.citizen, note="Đã bổ sung")
    d = services.dossier_forward(dossier=d, actor=world.specialist)
    d = services.dossier_approve(dossier=d, actor=world.leader)
    assert allowed(client, d, world.citizen) == ["withdraw"]
    assert "complete" in allowed(client, d, world.leader)
    specialist = allowed(client, d, world.specialist)
    assert specialist == ["request_supplement", "request_payment", "extend"]
    d = services.dossier_complete(dossier=d, actor=world.leader, result_number="1/GP")
    assert allowed(client, d, world.citizen) == ["deliver"]


def test_action_answers_list_the_actors_next_actions(client: Client, world):
    d = create(world, 1)
    resp = client.post(
        f"/api/v1/dossiers/{d.code}/actions/forward",
        data=json.dumps({}),
        content_type="application/json",
        headers=headers(world.specialist),
    )
    assert resp.status_code == 200
    assert resp.json()["allowed_actions"] == ["request_supplement", "request_payment", "extend"]


@pytest.mark.parametrize("who", ["counter", "citizen"])
def test_the_hot_read_still_costs_one_query(client: Client, world, settings, who):
    settings.MOTCUA_API_TOKEN_CACHE_SECONDS = 60
    d = create(world, 2)
    user = getattr(world, who)
    auth = headers(user)
    client.get(f"/api/v1/dossiers/{d.code}", headers=auth)  # the token is cached
    with CaptureQueriesContext(connection) as q:
        resp = client.get(f"/api/v1/dossiers/{d.code}", headers=auth)
    assert resp.status_code == 200 and resp.json()["allowed_actions"]
    assert len(q.captured_queries) == 1, [x["sql"] for x in q.captured_queries]
