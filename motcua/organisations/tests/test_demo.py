from __future__ import annotations

import datetime as dt
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.organisations.demo_data import PROVINCE_CODE, demo_units
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.organisations.selectors import (
    organisation_get_by_code,
    organisation_get_province,
    organisation_get_receiving_desks,
    organisation_list_active,
    organisation_list_descendants,
)
from motcua.organisations.services import organisation_update, organisations_load_demo
from motcua.organisations.validators import AGENCY_CODE_13, is_valid_agency_code

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def demo() -> dict[str, int]:
    return organisations_load_demo()


def test_counts(demo: dict[str, int]) -> None:
    assert demo == {
        "organisations_total": 157,
        "organisations_created": 157,
        "organisations_updated": 0,
        "organisations_unchanged": 0,
        "desk_links_added": 16 + 64,
        "provinces": 2,
        "departments": 15,
        "service_centres": 65,
        "communes": 64,
        "wards": 9,
        "divisions": 8,
        "districts": 3,
        "historical": 4,
    }
    assert Organisation.objects.count() == 157


def test_running_twice_changes_nothing(demo: dict[str, int], db_state) -> None:
    before = db_state()
    again = organisations_load_demo()
    assert again["organisations_created"] == 0
    assert again["organisations_updated"] == 0
    assert again["organisations_unchanged"] == 157
    assert again["desk_links_added"] == 0
    assert db_state() == before


def test_a_changed_unit_is_brought_back_and_hand_added_links_are_kept(
    demo: dict[str, int],
) -> None:
    # given an edited unit and a desk link added by hand
    commune = organisation_get_by_code("000.00.20.H12")
    organisation_update(organisation=commune, name="Tên sai", address="Số 1, đường A")
    centre = organisation_get_by_code("000.00.15.H12")
    extra = organisation_get_by_code("000.01.03.H12")
    centre.desk_serves.add(extra)
    # when
    counts = organisations_load_demo()
    # then
    assert counts["organisations_updated"] == 1
    commune.refresh_from_db()
    assert commune.name == "Ủy ban nhân dân phường An Xuyên"
    assert commune.address == "Số 1, đường A"
    assert centre.desk_serves.filter(pk=extra.pk).exists()


def test_province(demo: dict[str, int]) -> None:
    province = organisation_get_province()
    assert province.agency_code == PROVINCE_CODE == "000.00.00.H12"
    assert province.name == "Ủy ban nhân dân tỉnh Cà Mau"
    assert province.kind == OrganisationKind.PROVINCE
    assert province.parent is None
    assert not province.agency_code_is_demo


def test_communes_and_their_desks(demo: dict[str, int]) -> None:
    province = organisation_get_province()
    communes = Organisation.objects.filter(kind=OrganisationKind.COMMUNE)
    assert communes.count() == 64
    assert communes.filter(name__startswith="Ủy ban nhân dân phường ").count() == 9
    assert communes.filter(name__startswith="Ủy ban nhân dân xã ").count() == 55
    for commune in communes:
        assert commune.parent_id == province.pk
        assert commune.agency_code_is_demo
        desks = list(organisation_get_receiving_desks(commune, on=TODAY))
        assert len(desks) == 1
        desk = desks[0]
        assert desk.parent_id == commune.pk
        assert desk.kind == OrganisationKind.SERVICE_CENTRE and desk.runs_one_stop_desk
        assert list(desk.desk_serves.all()) == [commune]
        place = commune.name.removeprefix("Ủy ban nhân dân ")
        assert desk.name == f"Trung tâm Phục vụ hành chính công {place}"
    an_trach = Organisation.objects.get(name="Ủy ban nhân dân xã An Trạch")
    assert an_trach.short_name == "UBND xã An Trạch"


def test_departments_and_the_provincial_centre(demo: dict[str, int]) -> None:
    province = organisation_get_province()
    departments = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
    assert departments.count() == 15
    assert all(d.parent_id == province.pk for d in departments)
    assert organisation_get_by_code("000.00.01.H12").name == (
        "Văn phòng Ủy ban nhân dân tỉnh Cà Mau"
    )
    centre = Organisation.objects.get(name="Trung tâm Phục vụ hành chính công tỉnh Cà Mau")
    assert centre.kind == OrganisationKind.SERVICE_CENTRE and centre.runs_one_stop_desk
    assert centre.parent_id == province.pk
    assert set(centre.desk_serves.all()) == {*departments, province}
    finance = Organisation.objects.get(name="Sở Tài chính tỉnh Cà Mau")
    registration = Organisation.objects.get(name="Phòng Đăng ký kinh doanh")
    assert registration.parent_id == finance.pk
    assert registration.kind == OrganisationKind.DIVISION
    assert registration.agency_code == "000.01.03.H12"
    assert list(organisation_get_receiving_desks(registration, on=TODAY)) == [centre]
    land = Organisation.objects.get(name="Văn phòng đăng ký đất đai")
    assert land.parent.name == "Sở Nông nghiệp và Môi trường tỉnh Cà Mau"  # type: ignore[union-attr]


def test_historical_units(demo: dict[str, int]) -> None:
    last_day = dt.date(2025, 6, 30)
    bac_lieu = organisation_get_by_code("000.00.00.H05")
    assert bac_lieu.name == "Ủy ban nhân dân tỉnh Bạc Liêu"
    assert bac_lieu.kind == OrganisationKind.PROVINCE and bac_lieu.agency_code_is_demo
    assert bac_lieu.valid_to == last_day
    districts = Organisation.objects.filter(kind=OrganisationKind.DISTRICT)
    assert {d.name for d in districts} == {
        "Ủy ban nhân dân huyện Đầm Dơi",
        "Ủy ban nhân dân thành phố Cà Mau",
        "Ủy ban nhân dân thành phố Bạc Liêu",
    }
    assert all(d.valid_to == last_day for d in districts)
    active_now = set(organisation_list_active(on=TODAY))
    assert bac_lieu not in active_now
    assert not active_now & set(districts)
    before = set(organisation_list_active(on=last_day))
    assert bac_lieu in before and set(districts) <= before
    assert not before & set(Organisation.objects.filter(kind=OrganisationKind.COMMUNE))


def test_codes_are_valid_unique_and_stable(demo: dict[str, int]) -> None:
    codes = list(Organisation.objects.values_list("agency_code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(is_valid_agency_code(c) and AGENCY_CODE_13.match(c) for c in codes)
    assert [u.agency_code for u in demo_units()] == [u.agency_code for u in demo_units()]
    assert Organisation.objects.filter(agency_code_is_demo=False).get().agency_code == (
        "000.00.00.H12"
    )
    assert organisation_get_by_code("000.00.20.H12").name == "Ủy ban nhân dân phường An Xuyên"
    assert organisation_get_by_code("000.00.83.H12").name == "Ủy ban nhân dân xã Định Thành"
    assert organisation_get_by_code("000.01.20.H12").name == (
        "Trung tâm Phục vụ hành chính công phường An Xuyên"
    )


def test_names_are_nfc_and_the_tree_is_consistent(demo: dict[str, int]) -> None:
    for org in Organisation.objects.all():
        assert org.name == unicodedata.normalize("NFC", org.name)
        assert org.short_name == unicodedata.normalize("NFC", org.short_name)
        expected = (org.parent.path if org.parent else "/") + f"{org.pk}/"
        assert org.path == expected
    province = organisation_get_province()
    # province + 15 departments + provincial centre + 2 divisions + 64 communes with centres
    # + 6 commune divisions + 2 districts
    assert organisation_list_descendants(province).count() == 1 + 16 + 2 + 128 + 6 + 2


def test_names_the_demo_accounts_rely_on(demo: dict[str, int]) -> None:
    for name in (
        "Ủy ban nhân dân tỉnh Cà Mau",
        "Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
        "Sở Tư pháp tỉnh Cà Mau",
        "Sở Tài chính tỉnh Cà Mau",
        "Ủy ban nhân dân phường An Xuyên",
        "Trung tâm Phục vụ hành chính công phường An Xuyên",
    ):
        assert Organisation.objects.filter(name=name).count() == 1


def test_management_command() -> None:
    out = StringIO()
    call_command("organisations_load_demo", stdout=out)
    assert "organisations_created: 157" in out.getvalue()
    out = StringIO()
    call_command("organisations_load_demo", stdout=out)
    assert "organisations_unchanged: 157" in out.getvalue()
