"""Fixtures of the reporting tests: the dossiers' `world` plus a commune with its own desk."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory
from motcua.dossiers.tests.conftest import make_procedure, vn, world
from motcua.organisations.enums import OrganisationKind
from motcua.procedures.models import Field


@pytest.fixture
def rworld(world):
    """`world` + a ward (commune) with a service centre and a civil-status procedure."""
    ward = OrgFactory(
        name="UBND phường An Xuyên",
        kind=OrganisationKind.COMMUNE,
        parent=world.province,
        agency_code="000.00.20.H12",
    )
    ward_desk = OrgFactory(
        name="Trung tâm PVHCC phường An Xuyên",
        kind=OrganisationKind.SERVICE_CENTRE,
        parent=ward,
        agency_code="000.01.20.H12",
        runs_one_stop_desk=True,
    )
    ward_version = make_procedure(code="9.000002", implementing=[ward], receiving=[ward_desk])
    justice = Field.objects.create(code="LLTP", name="Lý lịch tư pháp")
    civil = Field.objects.create(name="Hộ tịch")
    world.version.fields.set([justice])
    ward_version.fields.set([civil])
    return SimpleNamespace(
        **vars(world),
        ward=ward,
        ward_desk=ward_desk,
        ward_version=ward_version,
        justice=justice,
        civil=civil,
        ward_counter=OfficialFactory(
            username="ward_counter", organisation=ward_desk, roles=[Role.COUNTER_OFFICER]
        ),
        viewer=OfficialFactory(
            username="viewer", organisation=world.province, roles=[Role.REPORT_VIEWER]
        ),
        ward_leader=OfficialFactory(username="ward_lead", organisation=ward, roles=[Role.LEADER]),
    )


__all__ = ["make_procedure", "rworld", "vn", "world"]
