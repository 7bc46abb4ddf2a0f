"""Factories for the catalogue (reused by the dossier tests).

version = ProcedureVersionFactory.create()            # current version of a new procedure
version.default_case()                          # case "TH1" with two papers
version.time_limit_for(2)                       # 3 working days on channels 1, 2 and 3
version.receiving_organisations.all()           # one service centre
ProcedureVersionFactory.create(time_limits__amount=5, time_limits__unit="calendar_days")
ProcedureVersionFactory.create(time_limits=[{"channel": 1, "amount": 2, "unit": "working_days"}])
ProcedureVersionFactory.create(cutoff=dt.time(15, 0), fees=[{"amount": 50000}])
ProcedureFactory.create()                              # a procedure with its current version
ProcedureFactory.create(version__name="Đăng ký khai sinh", code="1.001193")
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import factory
from django.db.models import Max
from factory.django import DjangoModelFactory

from motcua.accounts.enums import AccountKind
from motcua.accounts.models import RoleAssignment, User
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.procedures.enums import (
    Channel,
    FeeCollection,
    OnlineLevel,
    ProcedureLevel,
    ProcedureStatus,
    TargetGroup,
    TimeUnit,
)
from motcua.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    RequiredPaper,
    TimeLimit,
)

__all__ = [
    "FieldFactory",
    "OfficialFactory",
    "OrganisationFactory",
    "ProcedureFactory",
    "ProcedureVersionFactory",
    "camau_organisations",
]


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Đơn vị thử nghiệm {n}")
    kind = OrganisationKind.DEPARTMENT
    # The third group 88 keeps these clear of real codes such as 000.00.00.H12.
    agency_code = factory.Sequence(lambda n: f"{n % 1000:03d}.{(n // 1000) % 100:02d}.88.H12")
    parent = None


class OfficialFactory(DjangoModelFactory[User]):
    """An official; `roles=[Role.UNIT_ADMIN]` assigns roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"official{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    kind = AccountKind.OFFICIAL
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for role in extracted:
                RoleAssignment.objects.create(user=obj, role=role)


class FieldFactory(DjangoModelFactory[Field]):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    code = ""


class ProcedureFactory(DjangoModelFactory[Procedure]):
    """A procedure; its current version is made by ProcedureVersionFactory.create(**version__...)
    unless `version=False`."""

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"9.{n:06d}")

    @factory.post_generation
    def version(obj: Procedure, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            ProcedureVersionFactory.create(procedure=obj, **kwargs)


def _next_number(version: Any) -> int:
    last = version.procedure.versions.aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


class ProcedureVersionFactory(DjangoModelFactory[ProcedureVersion]):
    """A version with a default case ("TH1", two papers), time limits for channels 1, 2 and 3
    (3 working days), one implementing commune and one receiving service centre; it becomes
    the procedure's current version (`make_current=False` to avoid)."""

    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory, version=False)
    number = factory.LazyAttribute(_next_number)
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    level = ProcedureLevel.COMMUNE
    online_level = OnlineLevel.FULL
    status = ProcedureStatus.ACTIVE
    target_groups = factory.LazyFunction(lambda: [TargetGroup.CITIZEN.value])
    result_name = "Kết quả thử nghiệm"
    cutoff = None

    @factory.post_generation
    def cases(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`cases=[{"code": "TH1", "name": ..., "is_default": True, "papers": [...]}]`."""
        if not create:
            return
        specs = extracted or [
            {
                "code": "TH1",
                "name": "",
                "is_default": True,
                "papers": [
                    {"name": "Tờ khai", "originals": 1, "copies": 0},
                    {"name": "Giấy tờ tùy thân", "originals": 0, "copies": 1},
                ],
            }
        ]
        for order, spec in enumerate(specs):
            spec = dict(spec)
            papers = spec.pop("papers", [])
            case = ProcedureCase.objects.create(version=obj, order=order, **spec)
            for paper_order, paper in enumerate(papers):
                RequiredPaper.objects.create(case=case, order=paper_order, **paper)

    @factory.post_generation
    def time_limits(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Default: `amount` (3) `unit` (working days) on channels 1, 2, 3; or a list."""
        if not create:
            return
        if extracted is None:
            amount = kwargs.get("amount", 3)
            unit = kwargs.get("unit", TimeUnit.WORKING_DAYS)
            extracted = [{"channel": c, "amount": amount, "unit": unit} for c in Channel.values]
        for item in extracted:
            item = dict(item)
            case_code = item.pop("case", None)
            case = obj.cases.get(code=case_code) if case_code else None
            TimeLimit.objects.create(version=obj, case=case, **item)

    @factory.post_generation
    def fees(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`fees=[{"amount": 50000, "channel": None, "collected": "before"}]`."""
        if not create:
            return
        for order, item in enumerate(extracted or []):
            item = {"collected": FeeCollection.BEFORE, **item}
            case_code = item.pop("case", None)
            case = obj.cases.get(code=case_code) if case_code else None
            Fee.objects.create(version=obj, case=case, order=order, **item)

    @factory.post_generation
    def fields(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.fields.set(extracted if extracted is not None else [FieldFactory.create()])

    @factory.post_generation
    def implementing_organisations(
        obj: ProcedureVersion,
        create: bool,
        extracted: Any,
        **kwargs: Any,
    ) -> None:
        if create:
            orgs = extracted
            if orgs is None:
                orgs = [OrganisationFactory.create(kind=OrganisationKind.COMMUNE)]
            obj.implementing_organisations.set(orgs)

    @factory.post_generation
    def receiving_organisations(
        obj: ProcedureVersion,
        create: bool,
        extracted: Any,
        **kwargs: Any,
    ) -> None:
        if create:
            orgs = extracted
            if orgs is None:
                orgs = [OrganisationFactory.create(kind=OrganisationKind.SERVICE_CENTRE)]
            obj.receiving_organisations.set(orgs)

    @factory.post_generation
    def make_current(obj: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            Procedure.objects.filter(pk=obj.procedure_id).update(current_version=obj)
            obj.procedure.current_version = obj


def camau_organisations(communes: tuple[str, ...] = ("phường An Xuyên", "xã Tân Thành")) -> Any:
    """A small Cà Mau tree shaped like the organisations loader's: the province (its real
    agency code), the provincial service centre, four departments, and communes each with
    their service centre. Returns a namespace of them."""
    province = OrganisationFactory.create(
        name="Ủy ban nhân dân tỉnh Cà Mau",
        kind=OrganisationKind.PROVINCE,
        agency_code="000.00.00.H12",
    )
    centre = OrganisationFactory.create(
        name="Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
        kind=OrganisationKind.SERVICE_CENTRE,
        parent=province,
    )
    departments = {
        short: OrganisationFactory.create(
            name=f"{name} tỉnh Cà Mau", kind=OrganisationKind.DEPARTMENT, parent=province
        )
        for short, name in (
            ("justice", "Sở Tư pháp"),
            ("finance", "Sở Tài chính"),
            ("agriculture", "Sở Nông nghiệp và Môi trường"),
            ("home_affairs", "Sở Nội vụ"),
        )
    }
    commune_orgs = []
    commune_centres = []
    for name in communes:
        commune = OrganisationFactory.create(
            name=f"Ủy ban nhân dân {name}", kind=OrganisationKind.COMMUNE, parent=province
        )
        commune_orgs.append(commune)
        commune_centres.append(
            OrganisationFactory.create(
                name=f"Trung tâm Phục vụ hành chính công {name}",
                kind=OrganisationKind.SERVICE_CENTRE,
                parent=commune,
            )
        )
    return SimpleNamespace(
        province=province,
        centre=centre,
        communes=commune_orgs,
        commune_centres=commune_centres,
        **departments,
    )
