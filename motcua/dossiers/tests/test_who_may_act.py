"""Who may file a dossier, act at an explicit time or mute notifications (issue 12.2, 11.4): the
rules live once in dossiers/policies.py; the services check them whatever the caller."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.accounts.enums import Role
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import OfficialFactory
from motcua.core.audit import audit_context
from motcua.core.errors import PermissionDenied
from motcua.dossiers import policies, services
from motcua.dossiers.enums import Action
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, RepresentativeInput
from motcua.dossiers.tests.conftest import vn

pytestmark = pytest.mark.django_db


def create(w, actor, channel: int, **kw) -> Dossier:
    return services.dossier_create(
        actor=actor,
        procedure_code="9.000001",
        channel=channel,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Trần Văn Bình", id_number="096099001122"),
        **kw,
    )


@pytest.fixture
def viewer(world):
    return OfficialFactory(username="viewer", organisation=world.desk, roles=[Role.REPORT_VIEWER])


def bearer(user) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


# --- who may file ---------------------------------------------------------------------------


def test_online_dossiers_are_filed_by_the_citizen_themselves(world):
    d = create(world, world.citizen, 2)
    assert d.status == S.SUBMITTED and d.owner == world.citizen
    # or by the applicant's authorised representative, recorded as such
    d = create(
        world,
        world.citizen,
        2,
        representative=RepresentativeInput(full_name="Lê Thị Mai", authorisation="GUQ 12/2027"),
    )
    assert d.representative_name == "Lê Thị Mai" and d.representative_authorisation


@pytest.mark.parametrize("who", ["counter", "specialist", "leader", "viewer", "admin"])
def test_officials_never_file_online_dossiers(world, viewer, who):
    actor = viewer if who == "viewer" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        create(world, actor, 2)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("channel", [1, 3])
def test_counter_and_post_dossiers_only_by_the_desks_counter_officer(world, viewer, channel):
    other_desk = OfficialFactory(
        username="c2", organisation=world.other, roles=[Role.COUNTER_OFFICER]
    )
    for actor in (viewer, world.specialist, world.leader, other_desk, world.citizen):
        with pytest.raises(PermissionDenied):
            create(world, actor, channel)
    assert not Dossier.objects.exists()
    assert create(world, world.counter, channel).status == S.RECEIVED


@pytest.mark.parametrize("channel", [1, 2, 3])
def test_a_provincial_admin_loads_history_on_every_channel_at_an_explicit_time(world, channel):
    d = create(world, world.admin, channel, at=vn(2025, 3, 3, 9, 0))
    assert d.submitted_at == vn(2025, 3, 3, 9, 0)
    assert d.events.get(action=Action.SUBMIT).explicit_time


def test_api_refuses_a_report_viewer_and_an_official_filing_online(world, viewer, client: Client):
    body = {
        "procedure_code": "9.000001",
        "channel": 2,
        "receiving_unit": "000.00.15.H12",
        "applicant": {"full_name": "Trần Văn Bình", "id_number": "096099001122"},
    }
    for actor, channel in ((viewer, 2), (viewer, 1), (world.counter, 2)):
        resp = client.post(
            "/api/v1/dossiers",
            data=json.dumps({**body, "channel": channel}),
            content_type="application/json",
            headers=bearer(actor),
        )
        assert resp.status_code == 403, (actor, channel, resp.content)
        error = resp.json()["error"]
        assert error["code"] == "forbidden" and error["message"]
    assert not Dossier.objects.exists()


# --- explicit time and muted notifications: explicit parameters, never ambient --------------


def test_an_explicit_time_needs_a_trusted_caller_or_a_provincial_admin_whatever_the_context(
    world,
):
    # given no audit context at all (code running "inside the system", which used to be
    # allowed any time), and then the command line
    with pytest.raises(PermissionDenied):
        create(world, world.counter, 1, at=vn(2025, 3, 3, 9, 0))
    with audit_context(actor=world.counter, interface="cli"), pytest.raises(PermissionDenied):
        create(world, world.counter, 1, at=vn(2025, 3, 3, 9, 0))
    assert not Dossier.objects.exists()
    # when the caller says it is trusted code (a simulation), the time is taken
    d = create(world, world.counter, 1, at=vn(2025, 3, 3, 9, 0), trusted=True)
    assert d.received_at == vn(2025, 3, 3, 9, 0)
    # an action on the dossier, likewise
    with pytest.raises(PermissionDenied):
        services.dossier_stop(dossier=d, actor=world.leader, reason="Dừng", at=vn(2025, 3, 4, 9, 0))
    assert Dossier.objects.get(pk=d.pk).status == S.RECEIVED


def test_muting_notifications_needs_a_trusted_caller_or_a_provincial_admin(world, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(
        "motcua.dossiers.notify.dossier_notify",
        lambda *, dossier, event, kind: sent.append(kind),
    )
    with pytest.raises(PermissionDenied):
        create(world, world.counter, 1, notify=False)
    assert not Dossier.objects.exists() and sent == []
    # a provincial administrator loading history mutes them explicitly
    create(world, world.admin, 1, at=vn(2025, 3, 3, 9, 0), notify=False)
    assert sent == []
    # by default the applicant is told
    create(world, world.counter, 1)
    assert sent == ["received"]


# --- one rule for the service and the interfaces ------------------------------------------


def check_a_specialist_may_not_stop(world) -> None:
    d = create(world, world.counter, 1)
    assert not policies.can_stop(world.specialist, d)
    assert Action.STOP not in policies.actions_for(world.specialist, d)
    with pytest.raises(PermissionDenied):
        services.dossier_stop(dossier=d, actor=world.specialist, reason="Dừng")
    assert Dossier.objects.get(pk=d.pk).status == S.RECEIVED
    # the leader may, and the button shows for them from the same rule
    assert Action.STOP in policies.actions_for(world.leader, d)
    assert services.dossier_stop(dossier=d, actor=world.leader, reason="Dừng").status == S.STOPPED


def test_a_specialist_may_not_stop(world):
    check_a_specialist_may_not_stop(world)


def test_granting_a_specialist_stop_is_caught(world, monkeypatch):
    # mutation check: the rule changed in its one place is seen by the service and the
    # interfaces alike, so the test above fails
    monkeypatch.setitem(
        policies.RULES, Action.STOP, policies._processing(Role.SPECIALIST, Role.LEADER)
    )
    with pytest.raises(AssertionError):
        check_a_specialist_may_not_stop(world)
