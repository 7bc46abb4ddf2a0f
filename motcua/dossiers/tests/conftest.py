from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory, UserFactory
from motcua.organisations.enums import OrganisationKind
from motcua.procedures.models import (
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    RequiredPaper,
    TimeLimit,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def make_procedure(
    *,
    code: str,
    implementing,
    receiving,
    amount: int = 5,
    unit: str = "working_days",
    cutoff: dt.time | None = None,
    has_document_result: bool = True,
) -> ProcedureVersion:
    procedure = Procedure.objects.create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Cấp giấy phép thử nghiệm đặc biệt",
        level="province",
        online_level="full",
        cutoff=cutoff,
        has_document_result=has_document_result,
        result_name="Giấy phép",
    )
    version.implementing_organisations.set(implementing)
    version.receiving_organisations.set(receiving)
    case = ProcedureCase.objects.create(
        version=version, code="TH1", name="Mặc định", is_default=True
    )
    RequiredPaper.objects.create(case=case, code="GT1", name="Đơn đề nghị", order=1)
    RequiredPaper.objects.create(
        case=case, code="GT2", name="Bản sao CCCD", originals=0, copies=1, order=2
    )
    for channel in (1, 2, 3):
        TimeLimit.objects.create(version=version, channel=channel, amount=amount, unit=unit)
    Procedure.objects.filter(pk=procedure.pk).update(current_version=version)
    return version


@pytest.fixture
def world(db):
    province = OrgFactory(
        name="UBND tỉnh", kind=OrganisationKind.PROVINCE, agency_code="000.00.00.H12"
    )
    desk = OrgFactory(
        name="Trung tâm PVHCC tỉnh",
        kind=OrganisationKind.SERVICE_CENTRE,
        parent=province,
        agency_code="000.00.15.H12",
        runs_one_stop_desk=True,
    )
    dept = OrgFactory(name="Sở Tư pháp", parent=province, agency_code="000.00.08.H12")
    other = OrgFactory(name="Sở Xây dựng", parent=province, agency_code="000.00.09.H12")
    desk.desk_serves.set([dept])
    version = make_procedure(code="9.000001", implementing=[dept], receiving=[desk])
    return SimpleNamespace(
        province=province,
        desk=desk,
        dept=dept,
        other=other,
        version=version,
        counter=OfficialFactory(
            username="counter", organisation=desk, roles=[Role.COUNTER_OFFICER]
        ),
        specialist=OfficialFactory(username="spec", organisation=dept, roles=[Role.SPECIALIST]),
        leader=OfficialFactory(username="lead", organisation=dept, roles=[Role.LEADER, Role.CLERK]),
        outsider=OfficialFactory(username="outsider", organisation=other, roles=[Role.LEADER]),
        admin=OfficialFactory(
            username="padmin", organisation=province, roles=[Role.PROVINCIAL_ADMIN]
        ),
        citizen=UserFactory(username="citizen", email="citizen@example.com"),
    )
