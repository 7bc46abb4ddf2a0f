"""The "due soon" and "overdue" queues and the colour of a queue row for dossiers whose clock is
paused (supplement, fees): DOMAIN §4, calendar dates in Vietnam time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput
from motcua.dossiers.tests.conftest import vn

pytestmark = pytest.mark.django_db

# Received Monday 1 March 2027 09:00: 5 working days, due Monday 8 March 09:00.
RECEIVED = vn(2027, 3, 1, 9, 0)
DUE = vn(2027, 3, 8, 9, 0)


def intake(world: Any, id_number: str) -> Dossier:
    dossier = services.dossier_create(
        actor=world.admin,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=world.desk,
        applicant=ApplicantInput(full_name="Lê Thị Hoa", id_number=id_number),
        components=[ComponentInput(paper_code="GT1", paper_original_seen=True)],
        at=RECEIVED,
        trusted=True,
    )
    assert dossier.due_at == DUE
    return dossier


def paused_at(world: Any, id_number: str, at: dt.datetime) -> Dossier:
    dossier = services.dossier_request_supplement(
        dossier=intake(world, id_number),
        actor=world.admin,
        missing=["Bản sao CCCD"],
        at=at,
        trusted=True,
    )
    assert dossier.paused_since == at
    return dossier


def queue(world: Any, name: str, now: dt.datetime) -> list[str]:
    return [d.code for d in selectors.dossier_list_for_official(world.admin, queue=name, now=now)]


def state(dossier: Dossier, now: dt.datetime) -> str:
    dossier.refresh_from_db()
    return selectors.deadline_state(dossier, now)


def test_a_paused_dossier_is_not_due_soon(world):
    # given: two dossiers due Monday 09:00; on Friday one is waiting for a supplement
    running = intake(world, "096099000001")
    paused = paused_at(world, "096099000002", vn(2027, 3, 5, 9, 30))
    now = vn(2027, 3, 5, 10, 0)  # Friday: Monday 09:00 is within one working day
    # when / then
    assert queue(world, "due_soon", now) == [running.code]
    assert state(running, now) == "risk"
    assert state(paused, now) == "early"
    assert queue(world, "overdue", now) == []


def test_a_dossier_paused_on_its_due_date_after_the_due_time_is_within_time(world):
    # given: paused on the due date (Monday 15:00, after the due time 09:00)
    paused = paused_at(world, "096099000001", vn(2027, 3, 8, 15, 0))
    now = vn(2027, 3, 10, 10, 0)
    # when / then: "within time if the pause began on or before its due date"
    assert queue(world, "overdue", now) == []
    assert state(paused, now) == "early"


def test_a_dossier_paused_after_its_due_date_is_overdue(world):
    # given: paused on Tuesday, the day after its due date; another paused the Friday before
    late = paused_at(world, "096099000001", vn(2027, 3, 9, 8, 0))
    early = paused_at(world, "096099000002", vn(2027, 3, 5, 16, 0))
    now = vn(2027, 3, 10, 10, 0)
    # when / then
    assert queue(world, "overdue", now) == [late.code]
    assert state(late, now) == "late"
    assert state(early, now) == "early"


def test_vietnam_dates_decide_not_utc_dates(world):
    # given: paused Monday 8 March 06:30 in Vietnam, which is Sunday 7 March 23:30 UTC, and one
    # paused Tuesday 9 March 06:30 in Vietnam, which is still Monday 8 March in UTC
    within = paused_at(world, "096099000001", vn(2027, 3, 8, 6, 30))
    late = paused_at(world, "096099000002", vn(2027, 3, 9, 6, 30))
    now = vn(2027, 3, 10, 10, 0)
    # when / then
    assert queue(world, "overdue", now) == [late.code]
    assert state(within, now) == "early" and state(late, now) == "late"
