from __future__ import annotations

import pytest

from motcua.accounts import policies
from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = OrgFactory(name="Tỉnh")
    dept = OrgFactory(name="Sở", parent=province)
    division = OrgFactory(name="Phòng", parent=dept)
    other = OrgFactory(name="Sở khác", parent=province)
    for org in (province, dept, division, other):
        org.refresh_from_db()
    return province, dept, division, other


def test_specialist_sees_only_own_organisation(tree):
    _, dept, division, other = tree
    user = OfficialFactory(organisation=dept, roles=[Role.SPECIALIST])
    assert set(policies.organisations_in_scope(user)) == {dept}
    assert policies.can_act_in(user, dept, Role.SPECIALIST)
    assert not policies.can_act_in(user, division, Role.SPECIALIST)
    assert not policies.can_act_in(user, other)


def test_leader_sees_own_subtree(tree):
    province, dept, division, other = tree
    user = OfficialFactory(organisation=dept, roles=[Role.LEADER])
    assert set(policies.organisations_in_scope(user)) == {dept, division}
    assert policies.can_act_in(user, division, Role.LEADER)
    assert not policies.can_act_in(user, province)
    assert not policies.can_act_in(user, other)


def test_role_is_required_when_named(tree):
    _, dept, _, _ = tree
    user = OfficialFactory(organisation=dept, roles=[Role.COUNTER_OFFICER])
    assert policies.can_act_in(user, dept, Role.COUNTER_OFFICER)
    assert not policies.can_act_in(user, dept, Role.LEADER)
    with pytest.raises(policies.PermissionDenied):
        policies.ensure_can_act_in(user, dept, Role.LEADER)


def test_provincial_admin_sees_everything(tree):
    province, dept, division, other = tree
    user = OfficialFactory(organisation=province, roles=[Role.PROVINCIAL_ADMIN])
    assert set(policies.organisations_in_scope(user)) == {province, dept, division, other}
    assert policies.can_administer(user)


def test_citizen_sees_no_organisation(tree):
    citizen = UserFactory()
    assert not policies.organisations_in_scope(citizen).exists()
    assert not policies.can_act_in(citizen, tree[1])
