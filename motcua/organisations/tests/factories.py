from __future__ import annotations

from typing import Any

import factory

from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    """Saved through the model (path upkeep included); codes under the unused body H98."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Đơn vị thử nghiệm {n}")
    kind = OrganisationKind.DEPARTMENT
    agency_code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H98")


def make_organisation(**kwargs: Any) -> Organisation:
    """OrganisationFactory(...) with the type mypy can see."""
    return OrganisationFactory.create(**kwargs)
