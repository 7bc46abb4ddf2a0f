"""The Cà Mau demo: organisations, calendar overrides, officials and citizens (idempotent)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from motcua.accounts.citizens import profile_for
from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.models import User
from motcua.accounts.services import official_create, official_set_roles
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import organisation_get_by_code

DEMO_PASSWORD = os.environ.get("MOTCUA_DEMO_PASSWORD", "motcua-demo")


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    full_name: str
    roles: tuple[str, ...]
    org_code: str
    position: str


# Agency codes of the demo tree (motcua/organisations/demo_data.py).
PROVINCE = "000.00.00.H12"
PROVINCIAL_CENTRE = "000.00.15.H12"
JUSTICE = "000.00.08.H12"
FINANCE = "000.00.03.H12"
WARD = "000.00.20.H12"  # Ủy ban nhân dân phường An Xuyên
WARD_CENTRE = "000.01.20.H12"  # its public administration service centre

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
    DemoOfficial("vanthu.stc", "Lâm Thị Lưu Trữ", (Role.CLERK,), FINANCE, "Văn thư"),
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

# The demo citizen lives in a ward with a desk: the wizard proposes that desk from the address.
DEMO_ADDRESSES = {"congdan": "Số 12 đường Phan Ngọc Hiển, phường An Xuyên, tỉnh Cà Mau"}

DEMO_CITIZENS = (
    ("congdan", "Nguyễn Văn An", "an.nguyen@example.com", "0912345678", "096088001234"),
    ("doanhnghiep", "Công ty TNHH Đất Mũi", "datmui@example.com", "0290381234", ""),
)


def _org(code: str) -> Organisation:
    return organisation_get_by_code(code)


@transaction.atomic
def demo_accounts_load() -> dict[str, int]:
    created = 0
    for spec in DEMO_OFFICIALS:
        org = _org(spec.org_code)
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
        if username in DEMO_ADDRESSES:
            profile = profile_for(user)
            profile.address = DEMO_ADDRESSES[username]
            profile.save(update_fields=["address"])
        created += 1
    return {"accounts_created": created}


def demo_logins() -> list[tuple[str, str, str]]:
    names = dict(Organisation.objects.values_list("agency_code", "name"))
    rows = [
        (
            spec.username,
            ", ".join(str(Role(r).label) for r in spec.roles),
            names.get(spec.org_code, spec.org_code),
        )
        for spec in DEMO_OFFICIALS
    ]
    rows += [
        (
            c[0],
            str(AccountKind.BUSINESS.label if c[0] == "doanhnghiep" else AccountKind.CITIZEN.label),
            c[2],
        )
        for c in DEMO_CITIZENS
    ]
    return rows


def demo_load() -> dict[str, Any]:
    from motcua.calendar.services import calendar_load_demo_overrides
    from motcua.documents.demo import documents_load_demo
    from motcua.dossiers.demo import dossiers_load_demo
    from motcua.organisations.services import organisations_load_demo
    from motcua.procedures.services import procedures_load_demo

    counts: dict[str, Any] = {}
    counts.update(organisations_load_demo())
    counts.update({"calendar_overrides_created": len(calendar_load_demo_overrides())})
    counts.update(demo_accounts_load())
    counts.update({f"procedures_{k}": v for k, v in procedures_load_demo().items()})
    counts.update(dossiers_load_demo())
    counts.update(documents_load_demo())
    return counts


__all__ = ["DEMO_PASSWORD", "demo_load", "demo_logins"]
