from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from motcua.accounts.enums import Role
from motcua.core.audit_models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.organisations.enums import OrganisationKind
from motcua.procedures.enums import Channel, OnlineLevel, TimeUnit
from motcua.procedures.models import (
    Procedure,
    ProcedureVersion,
    ProcedureVersionImmutable,
    ProcessStep,
    TimeLimit,
    statutory_working_hours,
)
from motcua.procedures.services import (
    default_process_budgets,
    procedure_create,
    procedure_set_process,
    procedure_update,
    process_steps_for,
)
from motcua.procedures.tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    ProcedureVersionFactory,
)

pytestmark = pytest.mark.django_db


def base_data(camau: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Cấp Phiếu lý lịch tư pháp",
        "level": "province",
        "fields": ["Lý lịch tư pháp"],
        "implementing_organisations": [camau.justice],
        "receiving_organisations": [camau.centre.agency_code],
        "target_groups": ["citizen"],
        "online_level": "full",
        "cases": [
            {
                "code": "TH1",
                "name": "",
                "papers": [
                    {"name": "Tờ khai"},
                    {"name": "Bản chụp CCCD", "originals": 0, "copies": 1},
                ],
            }
        ],
        "time_limits": [
            {"channel": 1, "amount": 10, "unit": "working_days"},
            {"channel": 2, "amount": 10, "unit": "working_days"},
        ],
        "fees": [{"amount": 200000, "description": "Lệ phí"}],
        "cutoff": "15:00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def provincial_admin(camau: Any) -> Any:
    return OfficialFactory.create(organisation=camau.province, roles=[Role.PROVINCIAL_ADMIN])


# --- versioning ------------------------------------------------------------------------------


def test_create_makes_version_one_with_children(camau: Any, provincial_admin: Any) -> None:
    # when
    version = procedure_create(actor=provincial_admin, code="2.000488", data=base_data(camau))
    # then
    procedure = Procedure.objects.get(code="2.000488")
    assert procedure.current_version == version
    assert version.number == 1
    assert version.name_folded == "cap phieu ly lich tu phap"
    assert version.cutoff == dt.time(15, 0)
    assert version.created_by == provincial_admin
    assert list(version.implementing_organisations.all()) == [camau.justice]
    assert [o.agency_code for o in version.receiving_organisations.all()] == [
        camau.centre.agency_code
    ]
    case = version.default_case()
    assert case is not None and case.code == "TH1"
    assert [p.name for p in case.papers.all()] == ["Tờ khai", "Bản chụp CCCD"]
    assert version.fields.get().name == "Lý lịch tư pháp"
    record = AuditRecord.objects.get(action="procedure_version_create")
    assert record.object_id == str(version.pk)
    assert record.changes["number"] == [None, 1]


def test_create_twice_is_a_conflict(camau: Any) -> None:
    procedure_create(actor=None, code="2.000488", data=base_data(camau))
    with pytest.raises(Conflict):
        procedure_create(actor=None, code="2.000488", data=base_data(camau))


def test_update_creates_a_new_version_and_leaves_the_old_one_untouched(camau: Any) -> None:
    # given
    v1 = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    procedure_set_process(
        actor=None,
        version=v1,
        steps=[
            {"name": "Tiếp nhận", "role": Role.COUNTER_OFFICER, "budget_hours": 4},
            {"name": "Thẩm định", "role": Role.SPECIALIST, "budget_hours": 60},
        ],
    )
    # when
    v2 = procedure_update(
        actor=None,
        procedure=v1.procedure,
        data={
            "name": "Cấp Phiếu lý lịch tư pháp (sửa đổi)",
            "time_limits": [{"channel": 1, "amount": 9, "unit": "working_days"}],
        },
    )
    # then a new current version, with children copied or replaced
    v1.refresh_from_db()
    v1.procedure.refresh_from_db()
    assert v2.pk != v1.pk and v2.number == 2
    assert v1.procedure.current_version == v2
    assert v2.name == "Cấp Phiếu lý lịch tư pháp (sửa đổi)"
    assert [(t.channel, t.amount) for t in v2.time_limits.all()] == [(1, 9)]
    assert v2.default_case() is not None
    assert [p.name for p in v2.default_case().papers.all()] == ["Tờ khai", "Bản chụp CCCD"]  # type: ignore[union-attr]
    assert v2.fee_for(Channel.COUNTER).amount == 200000  # type: ignore[union-attr]
    assert list(v2.implementing_organisations.all()) == [camau.justice]
    assert [s.name for s in process_steps_for(v2)] == ["Tiếp nhận", "Thẩm định"]
    # and the old version is as it was
    assert v1.name == "Cấp Phiếu lý lịch tư pháp"
    assert sorted((t.channel, t.amount) for t in v1.time_limits.all()) == [(1, 10), (2, 10)]
    assert v1.process_steps.count() == 2
    assert AuditRecord.objects.filter(action="procedure_version_create").count() == 2


def test_update_without_change_creates_no_version(camau: Any) -> None:
    v1 = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    same = procedure_update(actor=None, procedure=v1.procedure, data={"name": v1.name})
    assert same.pk == v1.pk
    assert ProcedureVersion.objects.count() == 1


def test_process_that_no_longer_fits_is_not_copied(camau: Any) -> None:
    v1 = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    procedure_set_process(
        actor=None,
        version=v1,
        steps=[{"name": "Thẩm định", "role": Role.SPECIALIST, "budget_hours": 70}],
    )
    v2 = procedure_update(
        actor=None,
        procedure=v1.procedure,
        data={"time_limits": [{"channel": 1, "amount": 5, "unit": "working_days"}]},
    )
    assert v2.process_steps.count() == 0
    record = AuditRecord.objects.filter(action="procedure_version_create").order_by("-id")[0]
    assert record.changes["process_dropped"] == [""]


def test_a_version_cannot_be_saved_again() -> None:
    version = ProcedureVersionFactory.create()
    version.name = "Đổi tên"
    with pytest.raises(ProcedureVersionImmutable):
        version.save()


def test_invalid_data_is_a_validation_error(camau: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        procedure_create(actor=None, code="2.000488", data=base_data(camau, level="hamlet"))
    assert "level" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        procedure_create(
            actor=None,
            code="2.000488",
            data=base_data(camau, implementing_organisations=["999.99.99.H99"]),
        )
    assert "implementing_organisations" in info.value.fields
    assert not Procedure.objects.exists()


# --- permissions ------------------------------------------------------------------------------


def test_unit_admin_of_the_implementing_unit_may_edit(camau: Any) -> None:
    unit_admin = OfficialFactory.create(organisation=camau.justice, roles=[Role.UNIT_ADMIN])
    version = procedure_create(actor=unit_admin, code="2.000488", data=base_data(camau))
    procedure_update(
        actor=unit_admin, procedure=version.procedure, data={"online_level": "partial"}
    )
    assert Procedure.objects.get().current_version.online_level == OnlineLevel.PARTIAL  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["other_unit_admin", "specialist_of_the_unit", "anonymous_citizen"])
def test_others_may_not_edit(camau: Any, who: str) -> None:
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "other_unit_admin": lambda: OfficialFactory.create(
            organisation=camau.finance, roles=[Role.UNIT_ADMIN]
        ),
        "specialist_of_the_unit": lambda: OfficialFactory.create(
            organisation=camau.justice, roles=[Role.SPECIALIST]
        ),
        "anonymous_citizen": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        procedure_create(actor=actor, code="2.000488", data=base_data(camau))
    version = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    with pytest.raises(PermissionDenied):
        procedure_update(actor=actor, procedure=version.procedure, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        procedure_set_process(actor=actor, version=version, steps=[])


def test_unit_admin_cannot_move_a_procedure_to_another_unit(camau: Any) -> None:
    unit_admin = OfficialFactory.create(organisation=camau.justice, roles=[Role.UNIT_ADMIN])
    version = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    with pytest.raises(PermissionDenied):
        procedure_update(
            actor=unit_admin,
            procedure=version.procedure,
            data={"implementing_organisations": [camau.finance]},
        )


# --- time limits and fees --------------------------------------------------------------------


def test_time_limit_lookup_order() -> None:
    version = ProcedureVersionFactory.create(
        cases=[{"code": "A", "is_default": True}, {"code": "B"}],
        time_limits=[
            {"channel": 1, "amount": 5, "unit": "working_days"},
            {"channel": 2, "amount": 3, "unit": "working_days"},
            {"channel": 1, "amount": 7, "unit": "working_days", "case": "B"},
        ],
    )
    case_b = version.cases.get(code="B")
    assert version.time_limit_for(2).amount == 3  # type: ignore[union-attr]
    assert version.time_limit_for(3).amount == 5  # type: ignore[union-attr]  # falls back to counter
    assert version.time_limit_for(1, case_b).amount == 7  # type: ignore[union-attr]
    assert version.time_limit_for(2, case_b).amount == 3  # type: ignore[union-attr]  # version+channel
    assert version.time_limit_for(3, case_b).amount == 7  # type: ignore[union-attr]  # case+counter
    empty = ProcedureVersionFactory.create(time_limits=[])
    assert empty.time_limit_for(1) is None


def test_fee_lookup_order() -> None:
    version = ProcedureVersionFactory.create(
        fees=[
            {"amount": 15000, "channel": 1},
            {"amount": 7000, "channel": 2},
            {"amount": 1000, "channel": None},
        ]
    )
    assert version.fee_for(2).amount == 7000  # type: ignore[union-attr]
    assert version.fee_for(3).amount == 1000  # type: ignore[union-attr]  # any-channel fee
    assert [f.amount for f in version.fees_for(1)] == [15000]
    assert ProcedureVersionFactory.create().fee_for(1) is None


def test_factory_shape_for_the_dossier_app() -> None:
    version = ProcedureVersionFactory.create()
    assert version.procedure.current_version == version
    assert version.default_case() is not None
    assert sorted(tl.channel for tl in version.time_limits.all()) == [1, 2, 3]
    assert version.receiving_organisations.get().kind == OrganisationKind.SERVICE_CENTRE
    second = ProcedureVersionFactory.create(procedure=version.procedure)
    assert second.number == 2
    assert Procedure.objects.get(pk=version.procedure_id).current_version == second


def test_database_refuses_two_times_for_one_channel() -> None:
    version = ProcedureVersionFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeLimit.objects.create(version=version, channel=1, amount=1, unit="working_days")


# --- internal process ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "hours"),
    [
        (3, TimeUnit.WORKING_DAYS, 24),
        (4, TimeUnit.WORKING_HOURS, 4),
        (1, TimeUnit.CALENDAR_DAYS, 8),
        (7, TimeUnit.CALENDAR_DAYS, 40),
        (15, TimeUnit.CALENDAR_DAYS, 80),
        (30, TimeUnit.CALENDAR_DAYS, 160),
    ],
)
def test_statutory_working_hours(amount: int, unit: str, hours: int) -> None:
    assert statutory_working_hours(amount, unit) == Decimal(hours)


def test_set_process_within_the_statutory_time(camau: Any) -> None:
    version = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    leader = OrganisationFactory.create(kind=OrganisationKind.DIVISION, parent=camau.justice)
    steps = procedure_set_process(
        actor=None,
        version=version,
        steps=[
            {"name": "Tiếp nhận", "role": Role.COUNTER_OFFICER, "budget_hours": "4"},
            {"name": "Thẩm định", "role": Role.SPECIALIST, "budget_hours": Decimal("60.5")},
            {
                "name": "Phê duyệt",
                "role": Role.LEADER,
                "budget_hours": 11.5,
                "organisation": leader.agency_code,
            },
            {"name": "Trả kết quả", "role": Role.COUNTER_OFFICER, "budget_hours": 4},
        ],
    )
    assert [s.order for s in steps] == [1, 2, 3, 4]
    assert sum(s.budget_hours for s in ProcessStep.objects.filter(version=version)) == 80
    assert process_steps_for(version)[2].organisation == leader
    assert AuditRecord.objects.filter(action="procedure_process_set").count() == 1


def test_set_process_over_the_statutory_time_is_refused(camau: Any) -> None:
    version = procedure_create(
        actor=None,
        code="2.000488",
        data=base_data(
            camau,
            time_limits=[
                {"channel": 1, "amount": 10, "unit": "working_days"},
                {"channel": 2, "amount": 2, "unit": "working_days"},
            ],
        ),
    )
    with pytest.raises(ValidationFailed) as info:
        procedure_set_process(
            actor=None,
            version=version,
            steps=[{"name": "Thẩm định", "role": Role.SPECIALIST, "budget_hours": 20}],
        )
    assert "steps" in info.value.fields
    assert "20 giờ làm việc" in str(info.value.message)
    assert "16 giờ làm việc" in str(info.value.message)
    assert not ProcessStep.objects.exists()


def test_set_process_checks_each_step(camau: Any) -> None:
    version = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    with pytest.raises(ValidationFailed) as info:
        procedure_set_process(
            actor=None,
            version=version,
            steps=[
                {"name": "", "role": "janitor", "budget_hours": 0},
                {"name": "X", "role": Role.LEADER, "budget_hours": "1.005"},
            ],
        )
    assert set(info.value.fields) == {
        "steps[0].name",
        "steps[0].role",
        "steps[0].budget_hours",
        "steps[1].budget_hours",
    }


def test_process_of_a_case_takes_precedence() -> None:
    version = ProcedureVersionFactory.create(
        cases=[{"code": "A", "is_default": True}, {"code": "B"}]
    )
    case_b = version.cases.get(code="B")
    procedure_set_process(
        actor=None,
        version=version,
        steps=[{"name": "Chung", "role": Role.SPECIALIST, "budget_hours": 8}],
    )
    procedure_set_process(
        actor=None,
        version=version,
        case=case_b,
        steps=[{"name": "Riêng", "role": Role.SPECIALIST, "budget_hours": 8}],
    )
    assert [s.name for s in process_steps_for(version)] == ["Chung"]
    assert [s.name for s in process_steps_for(version, version.cases.get(code="A"))] == ["Chung"]
    assert [s.name for s in process_steps_for(version, case_b)] == ["Riêng"]
    # an empty list removes the defined process: the default applies again
    procedure_set_process(actor=None, version=version, steps=[])
    assert len(process_steps_for(version)) == 4


def test_default_process_is_scaled_to_the_statutory_time() -> None:
    version = ProcedureVersionFactory.create(time_limits__amount=3)
    steps = process_steps_for(version)
    assert [(s.order, s.role, s.budget_hours) for s in steps] == [
        (1, Role.COUNTER_OFFICER, Decimal(3)),
        (2, Role.SPECIALIST, Decimal(15)),
        (3, Role.LEADER, Decimal(4)),
        (4, Role.COUNTER_OFFICER, Decimal(2)),
    ]
    assert all(s.pk is None and s.organisation is None for s in steps)


@pytest.mark.parametrize("hours", [1, 4, 8, 24, 40, 80, 160, 333])
def test_default_budgets_add_up_and_are_positive(hours: int) -> None:
    budgets = default_process_budgets(Decimal(hours))
    assert sum(budgets) == hours
    assert all(b > 0 for b in budgets)
    assert budgets[0] <= 4


def test_default_process_uses_the_shortest_channel_and_a_nominal_time_without_one() -> None:
    version = ProcedureVersionFactory.create(
        time_limits=[
            {"channel": 1, "amount": 10, "unit": "working_days"},
            {"channel": 2, "amount": 1, "unit": "working_days"},
        ]
    )
    assert sum(s.budget_hours for s in process_steps_for(version)) == 8
    no_time = ProcedureVersionFactory.create(time_limits=[])
    assert sum(s.budget_hours for s in process_steps_for(no_time)) == 40


def test_intake_keeps_the_current_version_in_memory_and_sees_every_change(
    camau: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    from motcua.procedures.selectors import (
        procedure_current_version,
        procedure_version_cache_clear,
    )

    # given a cached current version
    settings.MOTCUA_CATALOGUE_RECHECK_SECONDS = 3600
    procedure_version_cache_clear()
    v1 = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    assert procedure_current_version("2.000488").pk == v1.pk
    # when read again, then only the procedure row is queried
    with django_assert_num_queries(1):
        again = procedure_current_version("2.000488")
        assert [tl.amount for tl in again.time_limits.all()]
    # when its internal process changes, then the next intake sees the new steps
    procedure_set_process(
        actor=None,
        version=v1,
        steps=[{"name": "Thẩm định", "role": Role.SPECIALIST, "budget_hours": 8}],
    )
    steps = procedure_current_version("2.000488").process_steps.all()
    assert [s.name for s in steps] == ["Thẩm định"]
    # when a new version is published, then it is used at once
    v2 = procedure_update(actor=None, procedure=v1.procedure, data={"name": "Tên mới"})
    assert procedure_current_version("2.000488").pk == v2.pk
    assert procedure_current_version("2.000488").name == "Tên mới"
    procedure_version_cache_clear()


def test_a_change_made_by_another_process_is_seen_after_the_recheck_interval(
    camau: Any, settings: Any
) -> None:
    import time

    from motcua.procedures.selectors import (
        procedure_current_version,
        procedure_version_cache_clear,
    )

    settings.MOTCUA_CATALOGUE_RECHECK_SECONDS = 0.2
    procedure_version_cache_clear()
    v1 = procedure_create(actor=None, code="2.000488", data=base_data(camau))
    assert not procedure_current_version("2.000488").process_steps.all()
    # given a change that does not pass through this process's services
    ProcessStep.objects.create(
        version=v1, order=1, name="Thẩm định", role=Role.SPECIALIST, budget_hours=8
    )
    # then after the interval the cached version is read again
    time.sleep(0.25)
    assert [s.name for s in procedure_current_version("2.000488").process_steps.all()] == [
        "Thẩm định"
    ]
    procedure_version_cache_clear()
