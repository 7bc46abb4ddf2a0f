"""The Cà Mau demo: organisations, calendar overrides, officials and citizens (idempotent)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.db import transaction

from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.models import User
from motcua.accounts.services import official_create, official_set_roles
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

DEMO_PASSWORD = os.environ.get("MOTCUA_DEMO_PASSWORD", "motcua-demo")


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    full_name: str
    roles: tuple[str, ...]
    org_name: str
    position: str


PROVINCE = "Ủy ban nhân dân tỉnh Cà Mau"
PROVINCIAL_CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Cà Mau"
JUSTICE = "Sở Tư pháp tỉnh Cà Mau"
FINANCE = "Sở Tài chính tỉnh Cà Mau"
WARD = "Ủy ban nhân dân phường An Xuyên"
WARD_CENTRE = "Trung tâm Phục vụ hành chính công phường An Xuyên"

DEMO_OFFICIALS: tuple[DemoOfficial, ...] = (
    DemoOfficial("admin", "Quản trị tỉnh", (Role.PROVINCIAL_ADMIN,), PROVINCE, "Quản trị hệ thống"),
    DemoOfficial("baocao", "Lê Thị Báo Cáo", (Role.REPORT_VIEWER,), PROVINCE, "Chuyên viên"),
    DemoOfficial(
        "tiepnhan.tinh",
        "Trần Thị Tiếp Nhận",
        (Role.COUNTER_OFFICER,),
        PROVINCIAL_CENTRE,
        "Công chức tiếp nhận",
    ),
    DemoOfficial("chuyenvien.stp", "Phạm Văn Thẩm", (Role.SPECIALIST,), JUSTICE, "Chuyên viên"),
    DemoOfficial("lanhdao.stp", "Nguyễn Văn Duyệt", (Role.LEADER,), JUSTICE, "Phó Giám đốc"),
    DemoOfficial("vanthu.stp", "Đỗ Thị Văn Thư", (Role.CLERK,), JUSTICE, "Văn thư"),
    DemoOfficial("chuyenvien.stc", "Võ Minh Kinh", (Role.SPECIALIST,), FINANCE, "Chuyên viên"),
    DemoOfficial("lanhdao.stc", "Huỳnh Thị Tài", (Role.LEADER,), FINANCE, "Phó Giám đốc"),
    DemoOfficial(
        "tiepnhan.anxuyen",
        "Lý Thị Một Cửa",
        (Role.COUNTER_OFFICER,),
        WARD_CENTRE,
        "Công chức một cửa",
    ),
    DemoOfficial(
        "chuyenvien.anxuyen",
        "Đặng Văn Hộ Tịch",
        (Role.SPECIALIST,),
        WARD,
        "Công chức Tư pháp - Hộ tịch",
    ),
    DemoOfficial(
        "lanhdao.anxuyen",
        "Trương Văn Chủ Tịch",
        (Role.LEADER, Role.CLERK),
        WARD,
        "Phó Chủ tịch UBND phường",
    ),
    DemoOfficial(
        "quantri.anxuyen", "Mai Thị Quản Trị", (Role.UNIT_ADMIN,), WARD, "Quản trị đơn vị"
    ),
)

DEMO_CITIZENS = (
    ("congdan", "Nguyễn Văn An", "an.nguyen@example.com", "0912345678", "096088001234"),
    ("doanhnghiep", "Công ty TNHH Đất Mũi", "datmui@example.com", "0290381234", ""),
)


def _org(name: str) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    if org is None:  # the loader names units this way; fail loudly if it changes
        raise LookupError(f"demo organisation missing: {name}")
    return org


@transaction.atomic
def demo_accounts_load() -> dict[str, int]:
    created = 0
    for spec in DEMO_OFFICIALS:
        org = _org(spec.org_name)
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = official_create(
                username=spec.username,
                full_name=spec.full_name,
                organisation=org,
                roles=list(spec.roles),
                password=DEMO_PASSWORD,
                email=f"{spec.username}@motcua.local",
                position=spec.position,
            )
            created += 1
        else:
            official_set_roles(user=user, roles=list(spec.roles))
        if spec.username == "admin" and not user.is_superuser:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
    for username, full_name, email, phone, id_number in DEMO_CITIZENS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            phone=phone,
            id_number=id_number,
            kind=AccountKind.BUSINESS if username == "doanhnghiep" else AccountKind.CITIZEN,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        created += 1
    return {"accounts_created": created}


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [
        (spec.username, ", ".join(str(Role(r).label) for r in spec.roles), spec.org_name)
        for spec in DEMO_OFFICIALS
    ]
    rows += [(c[0], str(AccountKind.CITIZEN.label), c[2]) for c in DEMO_CITIZENS]
    return rows


def demo_load() -> dict[str, int]:
    from motcua.calendar.services import calendar_load_demo_overrides
    from motcua.organisations.services import organisations_load_demo

    counts: dict[str, int] = {}
    counts.update(organisations_load_demo())
    counts.update({"calendar_overrides": calendar_load_demo_overrides()})
    counts.update(demo_accounts_load())
    return counts


__all__ = ["DEMO_PASSWORD", "OrganisationKind", "demo_load", "demo_logins"]
