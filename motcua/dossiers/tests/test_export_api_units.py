"""`GET /api/v1/dossiers/export`: which dossiers an official's export holds (receiving,
processing or current unit of their scope), each once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.services import api_token_create
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput
from motcua.dossiers.tests.conftest import make_procedure, vn

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2027-03-01", "to": "2027-03-31"}


def bearer(user: Any) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


def export(client: Client, user: Any, **params: str) -> list[str]:
    resp = client.get("/api/v1/dossiers/export", {**PERIOD, **params}, headers=bearer(user))
    assert resp.status_code == 200, resp.content
    lines = b"".join(resp.streaming_content).decode().splitlines()
    return [json.loads(line)["code"] for line in lines]


def intake_at_the_desk(world: Any, *, id_number: str, procedure_code: str = "9.000001") -> Dossier:
    """Received at the provincial desk, processed by the department (world.dept)."""
    return services.dossier_create(
        actor=world.admin,
        procedure_code=procedure_code,
        channel=1,
        receiving_unit=world.desk,
        applicant=ApplicantInput(full_name="Trần Văn Bình", id_number=id_number),
        components=[ComponentInput(paper_code="GT1", paper_original_seen=True)],
        at=vn(2027, 3, 2, 9, 0),
        trusted=True,
    )


def test_processing_unit_officials_export_the_dossiers_received_at_the_desk(client: Client, world):
    # given: a dossier the desk received and the department processes
    dossier = intake_at_the_desk(world, id_number="096099000001")
    assert dossier.receiving_unit == world.desk and dossier.processing_unit == world.dept
    # when / then: the department's specialist and leader export it, with or without `unit`
    assert export(client, world.specialist) == [dossier.code]
    assert export(client, world.leader) == [dossier.code]
    assert export(client, world.leader, unit="000.00.08.H12") == [dossier.code]
    # the desk that received it too; a department with no part in it does not
    assert export(client, world.counter) == [dossier.code]
    assert export(client, world.outsider) == []


def test_unit_parameter_selects_what_that_unit_received_or_processes(client: Client, world):
    # given: one dossier the department processes, one it has nothing to do with
    mine = intake_at_the_desk(world, id_number="096099000001")
    make_procedure(code="9.000002", implementing=[world.other], receiving=[world.desk])
    theirs = intake_at_the_desk(world, id_number="096099000002", procedure_code="9.000002")
    # when / then
    assert export(client, world.admin, unit="000.00.08.H12") == [mine.code]
    assert export(client, world.admin, unit="000.00.09.H12") == [theirs.code]
    assert sorted(export(client, world.admin, unit="000.00.15.H12")) == sorted(
        [mine.code, theirs.code]
    )


def test_a_dossier_held_by_another_unit_is_in_that_units_export(client: Client, world):
    # given: the department forwards the dossier to another department (its current unit)
    dossier = intake_at_the_desk(world, id_number="096099000001")
    dossier = services.dossier_forward(
        dossier=dossier,
        actor=world.admin,
        to_unit=world.other,
        note="",
        at=vn(2027, 3, 3, 9, 0),
        trusted=True,
    )
    assert dossier.current_unit == world.other
    # when / then
    assert export(client, world.outsider) == [dossier.code]


def test_each_dossier_appears_once_when_several_of_its_units_are_in_scope(client: Client, world):
    # given: the province subtree holds the desk (receiving) and the department (processing)
    dossier = intake_at_the_desk(world, id_number="096099000001")
    # when
    codes = export(client, world.admin, unit="000.00.00.H12")
    # then
    assert codes == [dossier.code]
    assert export(client, world.admin) == [dossier.code]
