"""Rules of intake and of explicit event times that every interface meets in the services:
no online submission of a procedure offered for information only; no explicit time in the
future from a person (web, API, command line)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from motcua.accounts.services import api_token_create
from motcua.core.audit import audit_context
from motcua.core.errors import ValidationFailed
from motcua.dossiers import services
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn
from motcua.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db

NOW = vn(2027, 3, 1, 9, 30)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def headers(user) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


def body(**over):
    data = {
        "procedure_code": "9.000001",
        "channel": 2,
        "receiving_unit": "000.00.15.H12",
        "applicant": {"full_name": "Trần Văn Bình", "id_number": "096099001122"},
    }
    data.update(over)
    return json.dumps(data)


def create(w, actor, channel: int, **kw) -> Dossier:
    return services.dossier_create(
        actor=actor,
        procedure_code="9.000001",
        channel=channel,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Trần Văn Bình", id_number="096099001122"),
        **kw,
    )


# --- online level ---------------------------------------------------------------------------


def test_information_only_procedure_is_not_accepted_online(world, client: Client):
    # given a procedure whose online level is "information only"
    ProcedureVersion.objects.filter(pk=world.version.pk).update(online_level="information")
    # when a citizen submits it online through the API
    resp = client.post(
        "/api/v1/dossiers",
        data=body(),
        content_type="application/json",
        headers=headers(world.citizen),
    )
    # then: 422, in Vietnamese-translatable words, on the channel; nothing stored
    assert resp.status_code == 422, resp.content
    error = resp.json()["error"]
    assert error["code"] == "not_online" and "channel" in error["fields"]
    assert not Dossier.objects.exists()
    # the services refuse it whoever calls them
    with pytest.raises(ValidationFailed):
        create(world, world.citizen, 2)
    # and the same procedure is still received at the counter and by post
    assert create(world, world.counter, 1).status == S.RECEIVED
    assert create(world, world.counter, 3).status == S.RECEIVED


@pytest.mark.parametrize("level", ["partial", "full"])
def test_procedures_offered_online_are_accepted_online(world, client: Client, level):
    ProcedureVersion.objects.filter(pk=world.version.pk).update(online_level=level)
    resp = client.post(
        "/api/v1/dossiers",
        data=body(),
        content_type="application/json",
        headers=headers(world.citizen),
    )
    assert resp.status_code == 201 and resp.json()["status"] == "submitted"


# --- explicit times -------------------------------------------------------------------------


def test_an_explicit_time_in_the_future_is_refused(world, client: Client):
    admin = headers(world.admin)
    later = (NOW + dt.timedelta(hours=1)).isoformat()
    resp = client.post(
        "/api/v1/dossiers",
        data=body(channel=1, at=later),
        content_type="application/json",
        headers=admin,
    )
    assert resp.status_code == 422
    assert "at" in resp.json()["error"]["fields"]
    assert not Dossier.objects.exists()
    # a few seconds ahead (clock skew) and any time in the past are fine
    for at in (NOW + dt.timedelta(seconds=30), NOW - dt.timedelta(days=30)):
        resp = client.post(
            "/api/v1/dossiers",
            data=body(channel=1, at=at.isoformat()),
            content_type="application/json",
            headers=admin,
        )
        assert resp.status_code == 201, resp.content
        assert resp.json()["received_at"] == at.isoformat()


def test_an_action_at_a_future_time_is_refused_and_changes_nothing(world, client: Client):
    d = create(world, world.counter, 1)
    resp = client.post(
        f"/api/v1/dossiers/{d.code}/actions/stop",
        data=json.dumps({"reason": "Dừng", "at": (NOW + dt.timedelta(days=2)).isoformat()}),
        content_type="application/json",
        headers=headers(world.admin),
    )
    assert resp.status_code == 422 and "at" in resp.json()["error"]["fields"]
    assert Dossier.objects.get(pk=d.pk).status == S.RECEIVED


def test_the_command_line_refuses_future_times_too(world):
    # an import from a previous system records what happened: never after now
    with audit_context(actor=world.admin, interface="cli"), pytest.raises(ValidationFailed):
        create(world, world.admin, 1, at=NOW + dt.timedelta(days=1))
    with audit_context(actor=world.admin, interface="cli"):
        d = create(world, world.admin, 1, at=NOW - dt.timedelta(days=1))
    assert d.received_at == NOW - dt.timedelta(days=1)
