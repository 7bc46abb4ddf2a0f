"""Review findings on the incoming pages: a department under the provincial committee is an
agency of its own (its clerk registers for it, not for the province; the province's leaders
assign among the province's own units, by Vietnamese name), and a document with a named lead
official waits for that official, not for every colleague of the lead unit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.accounts.enums import Role
from motcua.documents import selectors
from motcua.documents.tests.factories import official
from motcua.documents.tests.ui_incoming.conftest import assigned, ids, paper, received
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation

pytestmark = pytest.mark.django_db

LIST = reverse("documents:incoming_list")


def nav_count(response: Any) -> int:
    match = re.search(r'id="nav-incoming" data-count="(\d+)"', response.content.decode())
    assert match
    return int(match.group(1))


@pytest.fixture
def dept(office: Any) -> Organisation:
    """A department the tree puts under the provincial committee (office.agency)."""
    return Organisation.objects.create(
        name="Sở Nội vụ",
        short_name="SNV",
        kind=OrganisationKind.DEPARTMENT,
        agency_code="000.09.00.H97",
        parent=office.agency,
    )


def test_a_department_clerk_registers_for_the_department_not_the_province(client, office, dept):
    clerk = official(dept, Role.CLERK, full_name="Văn Thư Sở Nội Vụ")
    province_doc = received(office)
    assert list(selectors.incoming_register_organisations(clerk)) == [dept]
    client.force_login(clerk)
    response = client.get(LIST, {"queue": "to_register"})
    assert province_doc.pk not in ids(response)
    assert nav_count(response) == 0
    form = client.get(reverse("documents:incoming_register_paper")).content.decode()
    assert f'<option value="{office.agency.pk}"' not in form


def test_a_ward_leader_does_not_assign_the_province_documents(client, office):
    ward = Organisation.objects.create(
        name="Phường 1", kind=OrganisationKind.COMMUNE, parent=office.agency
    )
    leader = official(ward, Role.LEADER, full_name="Chủ Tịch Phường")
    document = paper(office)
    client.force_login(leader)
    response = client.get(LIST, {"queue": "to_assign"})
    assert document.pk not in ids(response)
    assert nav_count(response) == 0


def test_the_assignment_offers_the_agency_units_by_vietnamese_name(client, office, dept):
    dept_specialist = official(dept, Role.SPECIALIST, full_name="An Văn Sở")
    document = paper(office)
    units = list(selectors.incoming_assignable_units(document))
    assert dept not in units
    assert set(units) == {office.agency, office.unit, office.unit2}
    # "Phòng Kinh tế" < "Phòng Văn xã 0" < "Ủy ban …" (Ủ after U, not after Z)
    assert units == [office.unit2, office.unit, office.agency]
    officials = list(selectors.incoming_assignable_officials(document))
    assert dept_specialist not in officials
    names = [u.full_name for u in officials]
    assert names.index("Đỗ Văn Chuyên") < names.index("Lê Văn Duyệt")  # Đ right after D
    client.force_login(office.leader)
    page = client.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    assert "An Văn Sở" not in page and "Sở Nội vụ" not in page


def test_a_named_lead_official_document_waits_for_them_only(client, office):
    colleague = official(office.unit, Role.SPECIALIST, full_name="Hồ Văn Đồng Nghiệp")
    named = assigned(office, lead_official=office.specialist, co_units=[office.unit2])
    unnamed = assigned(office)
    client.force_login(colleague)
    response = client.get(LIST, {"queue": "to_process"})
    assert ids(response) == [unnamed.pk]
    assert nav_count(response) == 1
    client.force_login(office.specialist)
    assert sorted(ids(client.get(LIST, {"queue": "to_process"}))) == sorted([named.pk, unnamed.pk])
    # the co-unit's officials still have it
    client.force_login(office.specialist2)
    response = client.get(LIST, {"queue": "to_process"})
    assert ids(response) == [named.pk]
    assert nav_count(response) == 1
