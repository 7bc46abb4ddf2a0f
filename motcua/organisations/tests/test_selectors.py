from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import NotFound
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import (
    organisation_get_by_code,
    organisation_get_province,
    organisation_get_receiving_desks,
    organisation_list_active,
    organisation_list_descendants,
    organisation_list_desks,
    organisation_tree,
)
from motcua.organisations.services import organisation_set_desk_scope
from motcua.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def test_get_by_code() -> None:
    org = make_organisation(agency_code="000.00.08.H12")
    assert organisation_get_by_code("000.00.08.H12") == org


def test_get_by_unknown_code_names_the_code() -> None:
    with pytest.raises(NotFound) as exc:
        organisation_get_by_code("000.00.77.H12")
    assert "000.00.77.H12" in str(exc.value.message)
    assert exc.value.http_status == 404


def test_get_province_uses_the_configured_code(settings) -> None:
    settings.MOTCUA_PROVINCE_CODE = "000.00.00.H12"
    with pytest.raises(NotFound):
        organisation_get_province()
    province = make_organisation(agency_code="000.00.00.H12", kind=OrganisationKind.PROVINCE)
    assert organisation_get_province() == province


def test_list_active_treats_both_dates_as_inclusive() -> None:
    always = make_organisation()
    starts = make_organisation(valid_from=DAY)
    ends = make_organisation(valid_to=DAY)
    future = make_organisation(valid_from=DAY + dt.timedelta(days=1))
    past = make_organisation(valid_to=DAY - dt.timedelta(days=1))
    active = set(organisation_list_active(on=DAY))
    assert active == {always, starts, ends}
    assert future not in active and past not in active
    for org in (always, starts, ends, future, past):
        assert org.is_active_on(DAY) == (org in active)


def test_list_active_defaults_to_today() -> None:
    gone = make_organisation(valid_to=dt.date(2000, 1, 1))
    here = make_organisation()
    assert set(organisation_list_active()) == {here}
    assert gone not in organisation_list_active()


def test_list_descendants() -> None:
    root = make_organisation()
    a = make_organisation(parent=root)
    b = make_organisation(parent=a)
    sibling = make_organisation(parent=root)
    make_organisation()  # another tree
    assert set(organisation_list_descendants(a)) == {a, b}
    assert set(organisation_list_descendants(a, include_self=False)) == {b}
    assert set(organisation_list_descendants(root)) == {root, a, b, sibling}


def test_list_descendants_does_not_confuse_prefixes_of_ids() -> None:
    # "/1/" must not match "/10/": paths end with a slash, so startswith is exact.
    orgs = [make_organisation() for _ in range(12)]
    first = orgs[0]
    assert set(organisation_list_descendants(first)) == {first}


def test_list_desks_only_active_desks() -> None:
    desk = make_organisation(runs_one_stop_desk=True, kind=OrganisationKind.SERVICE_CENTRE)
    make_organisation(runs_one_stop_desk=True, valid_to=dt.date(2025, 6, 30))
    make_organisation()
    assert list(organisation_list_desks()) == [desk]


def _desk(**kwargs: object) -> Organisation:
    return make_organisation(
        kind=OrganisationKind.SERVICE_CENTRE, runs_one_stop_desk=True, **kwargs
    )


def test_receiving_desks_direct_inherited_and_overridden() -> None:
    # given province > department > division, province > commune > commune division
    province = make_organisation(kind=OrganisationKind.PROVINCE)
    department = make_organisation(parent=province)
    division = make_organisation(parent=department, kind=OrganisationKind.DIVISION)
    commune = make_organisation(parent=province, kind=OrganisationKind.COMMUNE)
    commune_division = make_organisation(parent=commune, kind=OrganisationKind.DIVISION)
    lonely = make_organisation()
    provincial_desk = _desk(parent=province)
    commune_desk = _desk(parent=commune)
    organisation_set_desk_scope(desk=provincial_desk, served=[province, department])
    organisation_set_desk_scope(desk=commune_desk, served=[commune])
    # then
    assert list(organisation_get_receiving_desks(department)) == [provincial_desk]
    assert list(organisation_get_receiving_desks(division)) == [provincial_desk]
    assert list(organisation_get_receiving_desks(province)) == [provincial_desk]
    assert list(organisation_get_receiving_desks(commune)) == [commune_desk]
    assert list(organisation_get_receiving_desks(commune_division)) == [commune_desk]
    assert list(organisation_get_receiving_desks(lonely)) == []


def test_receiving_desks_skip_closed_desks() -> None:
    unit = make_organisation()
    old = _desk()
    new = _desk(valid_from=dt.date(2025, 7, 1))
    organisation_set_desk_scope(desk=old, served=[unit])
    organisation_set_desk_scope(desk=new, served=[unit])
    old.valid_to = dt.date(2025, 6, 30)
    old.save()
    assert set(organisation_get_receiving_desks(unit, on=dt.date(2025, 6, 1))) == {old}
    assert set(organisation_get_receiving_desks(unit, on=dt.date(2025, 7, 1))) == {new}


def test_tree_nests_sorts_and_filters() -> None:
    # given
    root = make_organisation(name="Ủy ban nhân dân tỉnh")
    b = make_organisation(parent=root, name="Sở Xây dựng")
    a = make_organisation(parent=root, name="Sở Công Thương")
    division = make_organisation(parent=b, name="Phòng A")
    old = make_organisation(parent=root, name="Ban cũ", valid_to=dt.date(2025, 6, 30))
    # when
    tree = organisation_tree()
    # then
    assert [n.organisation for n in tree] == [root]
    assert [n.organisation for n in tree[0].children] == [old, a, b]
    assert [n.organisation for n in tree[0].children[2].children] == [division]
    active = organisation_tree(active_on=dt.date(2026, 1, 1))
    assert [n.organisation for n in active[0].children] == [a, b]
    subtree = organisation_tree(root=b)
    assert [n.organisation for n in subtree] == [b]
    assert [n.organisation for n in subtree[0].children] == [division]


def test_tree_hangs_a_unit_from_its_nearest_kept_ancestor() -> None:
    root = make_organisation()
    future = make_organisation(parent=root, valid_from=dt.date(2030, 1, 1))
    child = make_organisation(parent=future)
    tree = organisation_tree(active_on=dt.date(2026, 1, 1))
    assert [n.organisation for n in tree[0].children] == [child]
