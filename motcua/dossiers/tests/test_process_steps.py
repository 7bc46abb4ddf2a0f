"""The internal process (DOMAIN §2) decides where approve, forward and complete may happen:
approve once per approval step by the leader, forward only to a next step or another agency,
the result only at the last working step once approved, by the role of that step."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from motcua.accounts.enums import Role
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.factories import OfficialFactory
from motcua.core.errors import PermissionDenied
from motcua.dossiers import services, transitions
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput
from motcua.dossiers.tests.conftest import vn
from motcua.procedures.services import procedure_set_process

pytestmark = pytest.mark.django_db


def intake(w) -> Dossier:
    return services.dossier_create(
        actor=w.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Nguyễn Thị Hồng Đào", id_number="096188000123"),
        at=vn(2027, 3, 1, 9, 0),
        trusted=True,
    )


def set_process(w, *roles: str) -> None:
    """A process of these roles for the procedure, budgets adding up to 5 working days."""
    hours = Decimal(40) / len(roles)
    procedure_set_process(
        actor=w.admin,
        version=w.version,
        steps=[
            {"name": f"Bước {i}", "role": role, "budget_hours": hours.quantize(Decimal("0.01"))}
            for i, role in enumerate(roles, start=1)
        ],
    )


def state(d: Dossier) -> tuple[str, int | None, int]:
    d = Dossier.objects.get(pk=d.pk)
    return d.status, d.current_step_id, d.events.count()


@pytest.fixture
def clerk(world):
    return OfficialFactory(username="vanthu", organisation=world.dept, roles=[Role.CLERK])


@pytest.fixture
def leader_only(world):
    return OfficialFactory(username="lanhdao", organisation=world.dept, roles=[Role.LEADER])


# --- complete needs the approval, and the role of the step ---------------------------------------


def test_nobody_issues_the_result_at_the_appraisal_step(world, clerk):
    # given a dossier at the specialist's appraisal step (default process: approval ahead)
    d = intake(world)
    before = state(d)
    # when the specialist, a clerk or the leader tries to issue the result
    for actor in (world.specialist, clerk, world.leader):
        with pytest.raises(transitions.TransitionNotAllowed) as err:
            services.dossier_complete(dossier=d, actor=actor, result_number="1/GP")
        # then it is a conflict naming the status, and nothing changed
        assert err.value.http_status == 409 and err.value.extra["status"] == S.RECEIVED
    assert state(d) == before


def test_the_result_waits_for_the_leaders_approval(world):
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist)
    with pytest.raises(transitions.TransitionNotAllowed):
        services.dossier_complete(dossier=d, actor=world.leader, result_number="1/GP")
    d = services.dossier_approve(dossier=d, actor=world.leader)
    d = services.dossier_complete(dossier=d, actor=world.leader, result_number="1/GP")
    assert d.status == S.RESULT_READY
    # the return step at the desk opens now
    assert d.current_step.role == Role.COUNTER_OFFICER and d.current_unit == world.desk


def test_after_approval_only_the_role_of_the_step_issues_the_result(world, clerk):
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist)
    d = services.dossier_approve(dossier=d, actor=world.leader)
    before = state(d)
    for actor in (world.specialist, clerk, world.outsider):
        with pytest.raises(PermissionDenied):
            services.dossier_complete(dossier=d, actor=actor, result_number="1/GP")
    assert state(d) == before


def test_another_agencys_officials_cannot_skip_the_approval(world):
    # given the dossier forwarded from appraisal to another agency (its approval step there)
    other_specialist = OfficialFactory(organisation=world.other, roles=[Role.SPECIALIST])
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist, to_unit=world.other)
    assert d.current_unit == world.other and d.current_step.role == Role.LEADER
    # then its specialist can neither issue the result nor approve
    with pytest.raises(transitions.TransitionNotAllowed):
        services.dossier_complete(dossier=d, actor=other_specialist, result_number="1/GP")
    with pytest.raises(PermissionDenied):
        services.dossier_approve(dossier=d, actor=other_specialist)
    # its leader approves and issues it; the first department's leader has no say there
    with pytest.raises(PermissionDenied):
        services.dossier_approve(dossier=d, actor=world.leader)
    d = services.dossier_approve(dossier=d, actor=world.outsider)
    with pytest.raises(PermissionDenied):
        services.dossier_complete(dossier=d, actor=other_specialist, result_number="1/GP")
    d = services.dossier_complete(dossier=d, actor=world.outsider, result_number="1/GP")
    assert d.status == S.RESULT_READY


def test_a_signing_step_after_approval_is_where_the_clerk_issues_the_result(
    world, clerk, leader_only
):
    # receive → appraise → approve → sign (clerk) → return
    set_process(
        world, Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.COUNTER_OFFICER
    )
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist)
    d = services.dossier_approve(dossier=d, actor=leader_only)
    assert d.current_step.role == Role.CLERK and d.current_step.ended_at is None
    with pytest.raises(PermissionDenied):
        services.dossier_complete(dossier=d, actor=leader_only, result_number="1/GP")
    with pytest.raises(transitions.TransitionNotAllowed):  # no second approval
        services.dossier_approve(dossier=d, actor=leader_only)
    d = services.dossier_complete(dossier=d, actor=clerk, result_number="1/GP")
    assert d.status == S.RESULT_READY
    assert [s.order for s in d.steps.order_by("order")] == [1, 2, 3, 4, 5]


def test_a_process_without_approval_step_completes_at_its_last_working_step(world):
    set_process(world, Role.COUNTER_OFFICER, Role.SPECIALIST, Role.COUNTER_OFFICER)
    d = intake(world)
    with pytest.raises(transitions.TransitionNotAllowed):  # nowhere to forward in the process
        services.dossier_forward(dossier=d, actor=world.specialist)
    with pytest.raises(transitions.TransitionNotAllowed):  # no approval step to approve
        services.dossier_approve(dossier=d, actor=world.leader)
    d = services.dossier_complete(dossier=d, actor=world.specialist, result_number="1/GP")
    assert d.status == S.RESULT_READY and d.current_unit == world.desk


def test_forwarding_to_another_agency_after_the_last_working_step(world):
    # given a process without approval, forwarded from its last working step to another agency
    set_process(world, Role.COUNTER_OFFICER, Role.SPECIALIST, Role.COUNTER_OFFICER)
    other_specialist = OfficialFactory(organisation=world.other, roles=[Role.SPECIALIST])
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist, to_unit=world.other)
    assert d.current_unit == world.other and d.current_step.order == 4
    # then its specialist issues the result, and the return step opens at the desk after it
    d = services.dossier_complete(dossier=d, actor=other_specialist, result_number="1/GP")
    steps = list(d.steps.order_by("order").values_list("order", "role", "organisation"))
    assert steps[-1] == (5, Role.COUNTER_OFFICER, world.desk.pk)
    assert d.current_unit == world.desk


# --- approve once per approval step, forward only somewhere ---------------------------------------


def test_approve_and_forward_cannot_be_repeated_after_approval(world):
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist)
    d = services.dossier_approve(dossier=d, actor=world.leader)
    before = state(d)
    for call in (
        lambda: services.dossier_approve(dossier=d, actor=world.leader),
        lambda: services.dossier_forward(dossier=d, actor=world.leader),
        lambda: services.dossier_forward(dossier=d, actor=world.specialist),
    ):
        with pytest.raises(transitions.TransitionNotAllowed) as err:
            call()
        assert err.value.extra["status"] == S.IN_PROGRESS
    assert state(d) == before


def test_approve_only_at_an_approval_step_and_forward_never_past_one(world):
    d = intake(world)
    with pytest.raises(transitions.TransitionNotAllowed):  # the appraisal step
        services.dossier_approve(dossier=d, actor=world.leader)
    d = services.dossier_forward(dossier=d, actor=world.specialist)
    before = state(d)
    with pytest.raises(transitions.TransitionNotAllowed):  # the approval step: approve it
        services.dossier_forward(dossier=d, actor=world.leader)
    with pytest.raises(PermissionDenied):  # or its leader hands it to another organisation
        services.dossier_forward(dossier=d, actor=world.specialist, to_unit=world.other)
    assert state(d) == before


def test_an_approval_step_handed_to_another_organisation_comes_back_unskipped(world):
    # given a dossier at the department's approval step, sent to the wrong agency by its leader
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist)
    step = d.current_step
    other_leader = OfficialFactory(organisation=world.other, roles=[Role.LEADER])
    d = services.dossier_forward(dossier=d, actor=world.leader, to_unit=world.other)
    # then the same approval step (order, role, due time) is open there
    moved = d.current_step
    assert (moved.order, moved.role, moved.due_at) == (step.order, step.role, step.due_at)
    assert d.current_unit == world.other and moved.ended_at is None
    # and that agency's leader sends it back without approving: the approval is still to do
    d = services.dossier_forward(dossier=d, actor=other_leader, to_unit=world.dept)
    assert d.current_unit == world.dept and d.current_step.role == Role.LEADER
    with pytest.raises(transitions.TransitionNotAllowed):
        services.dossier_complete(dossier=d, actor=world.leader, result_number="1/GP")
    d = services.dossier_approve(dossier=d, actor=world.leader)
    d = services.dossier_complete(dossier=d, actor=world.leader, result_number="1/GP")
    assert d.status == S.RESULT_READY
    assert d.events.filter(action="approve").count() == 1


@pytest.mark.parametrize(
    ("position", "allowed"),
    [
        # (role, open, has_next) -> approve, forward, forward elsewhere, complete
        (("specialist", True, True), (False, True, True, False)),
        (("specialist", True, False), (False, False, True, True)),
        (("leader", True, True), (True, False, True, False)),
        (("leader", True, False), (True, False, True, False)),
        (("leader", False, False), (False, False, False, True)),
        (("clerk", True, False), (False, False, True, True)),
    ],
)
def test_step_rules(position, allowed):
    role, is_open, has_next = position
    p = transitions.StepPosition(role=role, open=is_open, has_next=has_next)
    assert (
        transitions.step_allowed("approve", p),
        transitions.step_allowed("forward", p),
        transitions.step_allowed("forward", p, other_unit=True),
        transitions.step_allowed("complete", p),
    ) == allowed


def test_api_answers_409_with_the_status_when_approving_again(client: Client, world):
    d = services.dossier_forward(dossier=intake(world), actor=world.specialist)
    _, key = api_token_create(username=world.leader.username)
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/api/v1/dossiers/{d.code}/actions/"

    def post(action: str):
        return client.post(
            url + action, data=json.dumps({}), content_type="application/json", headers=headers
        )

    first = post("approve")
    assert first.status_code == 200 and "approve" not in first.json()["allowed_actions"]
    assert "complete" in first.json()["allowed_actions"]
    for action in ("approve", "approve", "forward"):
        resp = post(action)
        assert resp.status_code == 409
        error = resp.json()["error"]
        assert error["code"] == "transition_not_allowed" and error["status"] == "in_progress"
    assert d.events.filter(action="approve").count() == 1
    assert d.events.filter(action="forward").count() == 1
