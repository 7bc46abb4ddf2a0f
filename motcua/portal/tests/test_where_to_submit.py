"""Choosing where to submit: the desks in Vietnamese order with their place and hours, the
applicant's own commune chosen in advance, no case question for a one-case procedure."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts import citizens
from motcua.accounts.tests.factories import OrgFactory
from motcua.calendar.models import WorkingHours
from motcua.dossiers.draft_models import Draft
from motcua.organisations.enums import OrganisationKind
from motcua.portal import selectors
from motcua.procedures.demo import demo_specs
from motcua.procedures.models import ProcedureCase

pytestmark = pytest.mark.django_db


def commune_with_desk(world, commune: str) -> tuple:
    ward = OrgFactory(
        name=f"Ủy ban nhân dân {commune}",
        kind=OrganisationKind.COMMUNE,
        parent=world.province,
    )
    desk = OrgFactory(
        name=f"Trung tâm Phục vụ hành chính công {commune}",
        kind=OrganisationKind.SERVICE_CENTRE,
        parent=ward,
        runs_one_stop_desk=True,
    )
    world.version.receiving_organisations.add(desk)
    return ward, desk


@pytest.fixture
def desks(world):
    return {
        name: commune_with_desk(world, name)[1]
        for name in ("xã Tân Hưng", "xã Tân Hưng Đông", "phường An Xuyên", "xã Đất Mũi")
    }


def test_desks_are_in_vietnamese_order_with_place_and_hours(world, desks):
    # given custom hours at one desk
    WorkingHours.objects.create(
        organisation=desks["xã Đất Mũi"],
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(17, 0),
    )
    # when
    choices, _suggested = selectors.desk_choices(world.version)
    # then: "Đ" sorts after "D" and before "P" (code points would put it after "x")
    names = [c.name for c in choices if c.name.startswith("Trung tâm Phục vụ")]
    assert names == [
        "Trung tâm Phục vụ hành chính công phường An Xuyên",
        "Trung tâm Phục vụ hành chính công xã Đất Mũi",
        "Trung tâm Phục vụ hành chính công xã Tân Hưng",
        "Trung tâm Phục vụ hành chính công xã Tân Hưng Đông",
    ]
    by_code = {c.code: c for c in choices}
    dat_mui = by_code[desks["xã Đất Mũi"].agency_code]
    assert dat_mui.place.startswith("xã Đất Mũi")  # from the agency tree, no invented street
    assert "7:30–11:30" in dat_mui.hours and "13:00–17:00" in dat_mui.hours
    assert "7:00–11:30" in by_code[desks["xã Tân Hưng"].agency_code].hours


@pytest.mark.parametrize(
    ("address", "commune"),
    [
        ("Ấp 3, xã Tân Hưng Đông, tỉnh Cà Mau", "xã Tân Hưng Đông"),  # the longest name wins
        ("ấp 1 xa tan hung, Ca Mau", "xã Tân Hưng"),  # typed without diacritics
        ("Số 12 Phan Ngọc Hiển, phường An Xuyên", "phường An Xuyên"),
    ],
)
def test_the_desk_of_the_applicants_commune_is_suggested(world, desks, address, commune):
    _choices, suggested = selectors.desk_choices(world.version, address=address)
    assert suggested == desks[commune].agency_code


def test_no_suggestion_without_a_matching_commune(world, desks):
    assert selectors.desk_choices(world.version, address="Hà Nội")[1] == ""


def test_the_wizard_preselects_the_desk_and_asks_no_case(citizen_client, world, desks):
    # given a one-case procedure and a citizen whose address names a commune
    profile = citizens.profile_for(world.citizen)
    profile.address = "Ấp 3, xã Tân Hưng Đông, tỉnh Cà Mau"
    profile.save()
    assert world.version.cases.count() == 1
    # when
    response = citizen_client.post(f"/procedures/{world.version.procedure.code}/submit/")
    draft = Draft.objects.get(user=world.citizen, status="open")
    page = citizen_client.get(f"/my/drafts/{draft.pk}/case/").content.decode()
    # then
    assert response.status_code == 302 and response["Location"].endswith("/case/")
    wanted = desks["xã Tân Hưng Đông"].agency_code
    assert f'value="{wanted}" checked' in page
    assert 'name="case"' not in page and ">TH1<" not in page
    assert "Opening hours:" in page
    assert "desk-filter" not in page  # a short list needs no search box
    # and the one case is recorded without being asked
    citizen_client.post(f"/my/drafts/{draft.pk}/case/", {"receiving_unit": wanted})
    draft.refresh_from_db()
    assert draft.case_code == world.version.cases.get().code
    assert draft.receiving_unit.agency_code == wanted


def test_several_cases_are_still_asked(citizen_client, world, desks):
    ProcedureCase.objects.create(version=world.version, code="TH2", name="Cấp lại", order=2)
    citizen_client.post(f"/procedures/{world.version.procedure.code}/submit/")
    draft = Draft.objects.get(user=world.citizen, status="open")
    page = citizen_client.get(f"/my/drafts/{draft.pk}/case/").content.decode()
    assert 'name="case"' in page and "Cấp lại" in page


def test_a_long_list_of_desks_can_be_searched(citizen_client, world, desks):
    for name in ("xã Khánh An", "xã Khánh Bình", "xã Hồ Thị Kỷ"):
        commune_with_desk(world, name)
    citizen_client.post(f"/procedures/{world.version.procedure.code}/submit/")
    draft = Draft.objects.get(user=world.citizen, status="open")
    page = citizen_client.get(f"/my/drafts/{draft.pk}/case/").content.decode()
    assert 'id="desk-filter"' in page and 'data-search="trung tam phuc vu' in page


def test_procedure_page_lists_desks_with_hours(client, world, desks):
    page = client.get(f"/procedures/{world.version.procedure.code}/").content.decode()
    assert "xã Đất Mũi" in page and "Opening hours:" in page


def test_demo_procedures_have_steps_result_and_legal_basis():
    specs = {spec.code: spec for spec in demo_specs(selectors_places())[0]}
    birth = specs["1.001193"]
    assert "Luật Hộ tịch" in birth.legal_basis
    assert "Giấy khai sinh" in birth.result_name
    assert "60 ngày" in birth.conditions
    assert birth.steps.startswith("Bước 1")
    assert all(spec.steps for spec in specs.values())
    assert "168/2025" in specs["1.001612"].legal_basis


def selectors_places():
    from motcua.procedures.demo import _Places

    return _Places()
