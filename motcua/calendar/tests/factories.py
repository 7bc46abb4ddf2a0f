"""Typed test data for the calendar tests."""

from __future__ import annotations

import itertools
from typing import Any

from motcua.accounts.enums import AccountKind
from motcua.accounts.models import RoleAssignment, User
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

_seq = itertools.count(1)


def make_organisation(**fields: Any) -> Organisation:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Xã thử {n}",
        "kind": OrganisationKind.COMMUNE,
        "agency_code": f"000.{n // 100 % 100:02d}.{n % 100:02d}.H98",
        **fields,
    }
    return Organisation.objects.create(**values)


def make_user(*roles: str, **fields: Any) -> User:
    n = next(_seq)
    values: dict[str, Any] = {
        "username": f"calendar-user-{n}",
        "kind": AccountKind.OFFICIAL if roles else AccountKind.CITIZEN,
        **fields,
    }
    user = User.objects.create_user(password="pass-1234", **values)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    return user
