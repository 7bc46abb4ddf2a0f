from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from motcua.core.compiled import CompiledQuery
from motcua.organisations.models import Organisation

pytestmark = pytest.mark.django_db

FIELDS = ("agency_code", "name", "parent__agency_code", "created_at")


def make(code: str, parent: Organisation | None = None) -> Organisation:
    from motcua.procedures.tests.factories import OrganisationFactory

    return OrganisationFactory.create(agency_code=code, parent=parent, name=f"Đơn vị {code}")


def test_a_compiled_query_returns_what_the_orm_returns_for_each_value():
    # given
    province = make("000.00.00.H12")
    make("000.00.08.H12", province)
    make("000.00.03.H12", province)
    by_code = CompiledQuery(
        lambda code: Organisation.objects.filter(agency_code=code), fields=FIELDS
    )
    # when run twice with different values (the second run reuses the compiled SQL)
    for code in ("000.00.08.H12", "000.00.03.H12", "000.00.00.H12"):
        row = by_code.first(code=code)
        # then equal to the ORM's own read, converters included (dates are aware datetimes)
        assert row == Organisation.objects.filter(agency_code=code).values(*FIELDS).get()
        assert isinstance(row["created_at"], dt.datetime) and row["created_at"].tzinfo
    assert by_code.first(code="nope") is None


def test_a_parameter_the_sql_does_not_carry_as_given_is_refused():
    make("000.00.00.H12")
    bad = CompiledQuery(
        lambda code: Organisation.objects.filter(agency_code__icontains=code), fields=FIELDS
    )
    with pytest.raises(ValueError, match="code"):
        bad.all(code="H12")


def test_constants_of_the_query_stay_in_place():
    province = make("000.00.00.H12")
    make("000.00.08.H12", province)
    children = CompiledQuery(
        lambda code: (
            Organisation.objects.filter(parent__agency_code=code)
            .exclude(agency_code="000.00.99.H12")
            .order_by(F("agency_code").desc())
        ),
        fields=("agency_code",),
    )
    assert children.all(code="000.00.00.H12") == [{"agency_code": "000.00.08.H12"}]
