"""The dossier page offers approve, forward and complete only where the internal process allows
them (approve once at the approval step, forward somewhere, complete after the approval, by
the role of that step), and a repeated approval posted anyway is a conflict."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory
from motcua.backoffice.tests.conftest import counter_intake
from motcua.dossiers import services
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def offered(client, user, code: str) -> list[str]:
    client.force_login(user)
    html = client.get(reverse("backoffice:dossier", args=[code])).content.decode()
    return re.findall(r'data-action="([a-z_]+)"', html)


def test_after_approval_only_the_result_is_offered_and_only_to_the_leader(client, world):
    clerk = OfficialFactory(username="vanthu", organisation=world.dept, roles=[Role.CLERK])
    d = services.dossier_forward(dossier=counter_intake(world), actor=world.specialist)
    assert "approve" in offered(client, world.leader, d.code)
    d = services.dossier_approve(dossier=d, actor=world.leader)
    leader = offered(client, world.leader, d.code)
    assert "approve" not in leader and "forward" not in leader
    assert "complete" in leader
    for user in (world.specialist, clerk):
        actions = offered(client, user, d.code)
        assert not {"approve", "forward", "complete"} & set(actions)


def test_posting_a_second_approval_is_a_conflict_that_changes_nothing(client, world):
    d = services.dossier_forward(dossier=counter_intake(world), actor=world.specialist)
    d = services.dossier_approve(dossier=d, actor=world.leader)
    events = d.events.count()
    client.force_login(world.leader)
    response = client.post(
        reverse("backoffice:dossier_action", args=[d.code, "approve"]), {"approve-note": "ok"}
    )
    assert response.status_code == 409
    assert 'id="error-summary"' in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).events.count() == events


def test_at_an_approval_step_forward_asks_for_another_organisation(client, world):
    # given a dossier at the department's approval step
    d = services.dossier_forward(dossier=counter_intake(world), actor=world.specialist)
    assert "forward" in offered(client, world.leader, d.code)
    html = client.get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    form = html[html.index('id="action-forward"') :]
    form = form[: form.index("</form>")]
    # then the form has no "next step of the process" choice: a unit must be chosen
    assert "next step" not in form.lower() and "bước tiếp theo" not in form.lower()
    url = reverse("backoffice:dossier_action", args=[d.code, "forward"])
    events = d.events.count()
    assert client.post(url, {"forward-note": ""}).status_code == 422
    assert Dossier.objects.get(pk=d.pk).events.count() == events
    # and with one, the approval step is handed over there
    other = world.outsider.organisation
    response = client.post(url, {"forward-to_unit": other.pk, "forward-note": "nhầm cơ quan"})
    assert response.status_code in (200, 302)
    d.refresh_from_db()
    assert d.current_unit == other and d.current_step.role == Role.LEADER
