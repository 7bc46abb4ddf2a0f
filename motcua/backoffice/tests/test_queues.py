"""The queue dashboard at /: what each role and scope sees, search, counts, pagination."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from motcua.backoffice.tests.conftest import counter_intake, online_submission, vn

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")


def codes(response) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)"', response.content.decode())


def count(response, queue: str) -> int:
    match = re.search(rf'id="tab-{queue}" data-count="(\d+)"', response.content.decode())
    assert match, f"no tab {queue}"
    return int(match.group(1))


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_citizen_is_forbidden(client, world):
    client.force_login(world.citizen)
    assert client.get(HOME).status_code == 403


def test_counter_officer_lands_on_online_dossiers_to_receive(client, world):
    # given one online submission and one counter intake
    online = online_submission(world)
    counter_intake(world)
    client.force_login(world.counter)
    # when
    response = client.get(HOME)
    # then: the default tab for a counter officer is the online intake queue
    assert response.status_code == 200
    assert 'data-queue="to_receive"' in response.content.decode()
    assert codes(response) == [online.code]
    assert count(response, "to_receive") == 1
    assert count(response, "unit") == 2


def test_specialist_sees_the_dossier_at_their_step_in_my_tasks(client, world):
    dossier = counter_intake(world)  # received; now at the department's appraisal step
    client.force_login(world.specialist)
    response = client.get(HOME)
    assert 'data-queue="my_tasks"' in response.content.decode()
    assert codes(response) == [dossier.code]
    # nothing waits for acceptance at a department
    assert codes(client.get(HOME, {"queue": "to_receive"})) == []
    # the leader's role is not the current step's: not in their tasks, but in their unit's
    client.force_login(world.leader)
    assert codes(client.get(HOME, {"queue": "my_tasks"})) == []
    assert codes(client.get(HOME, {"queue": "unit"})) == [dossier.code]


def test_an_approved_dossier_waits_in_the_tasks_of_whoever_issues_the_result(client, world):
    from motcua.dossiers import services

    dossier = services.dossier_forward(dossier=counter_intake(world), actor=world.specialist)
    services.dossier_approve(dossier=dossier, actor=world.leader)
    # the approval step's role (the leader) issues the result: it is in the leader's tasks...
    client.force_login(world.leader)
    assert codes(client.get(HOME, {"queue": "my_tasks"})) == [dossier.code]
    # ...not in the specialist's, who could not complete it
    client.force_login(world.specialist)
    assert codes(client.get(HOME, {"queue": "my_tasks"})) == []


def test_an_official_of_another_unit_sees_nothing(client, world):
    counter_intake(world)
    online_submission(world)
    client.force_login(world.outsider)
    for queue in ("to_receive", "my_tasks", "unit", "due_soon", "overdue"):
        response = client.get(HOME, {"queue": queue})
        assert response.status_code == 200
        assert codes(response) == []
        assert count(response, queue) == 0


def test_provincial_admin_sees_every_unit(client, world):
    dossier = counter_intake(world)
    client.force_login(world.admin)
    assert dossier.code in codes(client.get(HOME, {"queue": "unit"}))


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi hong dao",  # no diacritics at all
        "NGUYEN THI HONG ĐAO",  # upper case, đ typed
        "dao",  # đ = d
        "Hồng Đào",
        "096188000123",  # ID number
        "270301",  # part of the dossier code
        "giay phep thu nghiem",  # the procedure's name, no diacritics
    ],
)
def test_search_is_diacritic_insensitive(client, world, query):
    wanted = counter_intake(world)
    counter_intake(world, name="Trần Văn Bình", id_number="079000000001")
    client.force_login(world.counter)
    found = codes(client.get(HOME, {"queue": "unit", "q": query}))
    assert wanted.code in found
    if query not in ("270301", "giay phep thu nghiem"):
        assert len(found) == 1


def test_search_narrows_the_counts_of_every_tab(client, world):
    counter_intake(world)
    counter_intake(world, name="Trần Văn Bình", id_number="079000000001")
    client.force_login(world.counter)
    response = client.get(HOME, {"queue": "unit", "q": "binh"})
    assert count(response, "unit") == 1
    # the tab links keep the search
    assert 'href="?queue=overdue&amp;q=binh"' in response.content.decode()


def test_deadline_badges_due_soon_and_overdue(client, world, time_machine):
    # given: one dossier received a week ago (5 working days: due Mon 1 Mar 09:00, overdue),
    # one due within a working day, one due next week
    late = counter_intake(world, at=vn(2027, 2, 22, 9, 0), id_number="1")
    soon = counter_intake(world, at=vn(2027, 2, 22, 14, 0), id_number="2")
    fine = counter_intake(world, id_number="3")
    client.force_login(world.admin)
    # when
    response = client.get(HOME, {"queue": "unit"})
    # then
    html = response.content.decode()
    assert f'data-code="{late.code}" data-state="late"' in html
    assert f'data-code="{soon.code}" data-state="risk"' in html
    assert f'data-code="{fine.code}" data-state="early"' in html
    assert codes(client.get(HOME, {"queue": "overdue"})) == [late.code]
    assert codes(client.get(HOME, {"queue": "due_soon"})) == [soon.code]
    assert "01/03/2027 09:00" in html  # the late one's due time, Vietnam time, d/m/Y H:i


def test_pagination_keeps_the_query(client, world):
    for n in range(26):
        counter_intake(world, name=f"Lê Thị Mai {n}", id_number=f"0790000001{n:02d}")
    client.force_login(world.counter)
    first = client.get(HOME, {"queue": "unit", "q": "le thi mai"})
    assert len(codes(first)) == 25
    assert 'href="?queue=unit&amp;q=le+thi+mai&amp;page=2"' in first.content.decode()
    second = client.get(HOME, {"queue": "unit", "q": "le thi mai", "page": 2})
    assert len(codes(second)) == 1


def test_unknown_queue_falls_back_to_the_role_default(client, world):
    client.force_login(world.specialist)
    response = client.get(HOME, {"queue": "everything"})
    assert response.status_code == 200
    assert 'data-queue="my_tasks"' in response.content.decode()


def test_a_dossier_matching_several_ways_is_listed_once(client, world):
    # given a dossier in every unit of the administrator's scope, found by name and procedure
    wanted = counter_intake(world)
    client.force_login(world.admin)
    for query in ("", wanted.applicant.full_name, wanted.procedure_version.procedure.code):
        # then
        assert codes(client.get(HOME, {"queue": "unit", "q": query})).count(wanted.code) == 1
