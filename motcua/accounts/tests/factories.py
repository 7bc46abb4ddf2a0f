from __future__ import annotations

from typing import Any

import factory

from motcua.accounts.enums import AccountKind
from motcua.accounts.models import RoleAssignment, User
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation


class OrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    kind = OrganisationKind.DEPARTMENT
    agency_code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H99")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    kind = AccountKind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class OfficialFactory(UserFactory):
    kind = AccountKind.OFFICIAL
    organisation = factory.SubFactory(OrgFactory)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or []:
            RoleAssignment.objects.create(user=obj, role=role)
        obj._role_cache = None  # type: ignore[attr-defined]
