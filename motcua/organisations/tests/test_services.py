from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from motcua.core.errors import ValidationFailed
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.organisations.services import (
    organisation_close,
    organisation_create,
    organisation_set_desk_scope,
    organisation_update,
)
from motcua.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H12"


def _province() -> Organisation:
    return organisation_create(
        name="Ủy ban nhân dân tỉnh Cà Mau", kind=OrganisationKind.PROVINCE, agency_code=PROVINCE
    )


# --- organisation_create ---------------------------------------------------------------------


def test_create_builds_the_path_and_normalises_text() -> None:
    # given
    province = _province()
    decomposed = unicodedata.normalize("NFD", "  Sở Tư pháp tỉnh Cà Mau ")
    # when
    dept = organisation_create(
        name=decomposed,
        short_name="STP",
        kind=OrganisationKind.DEPARTMENT,
        agency_code=" 000.00.08.H12 ",
        parent=province,
        valid_from=dt.date(2025, 7, 1),
    )
    # then
    dept.refresh_from_db()
    assert dept.name == "Sở Tư pháp tỉnh Cà Mau"
    assert dept.name == unicodedata.normalize("NFC", dept.name)
    assert dept.agency_code == "000.00.08.H12"
    assert province.path == f"/{province.pk}/"
    assert dept.path == f"/{province.pk}/{dept.pk}/"
    assert dept.ancestors_ids() == [province.pk]
    assert not dept.agency_code_is_demo


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agency_code": "000.00.00.h12"}, "agency_code"),
        ({"agency_code": ""}, "agency_code"),
        ({"agency_code": "12.34"}, "agency_code"),
        ({"agency_code": PROVINCE}, "agency_code"),  # duplicate of the province
        ({"valid_from": dt.date(2025, 7, 1), "valid_to": dt.date(2025, 6, 30)}, "valid_to"),
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"kind": "ministry"}, "kind"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_create_rejects_invalid_input_and_saves_nothing(
    overrides: dict[str, object], field: str, db_state
) -> None:
    # given
    _province()
    before = db_state()
    values: dict[str, object] = {
        "name": "Sở Y tế tỉnh Cà Mau",
        "kind": OrganisationKind.DEPARTMENT,
        "agency_code": "000.00.12.H12",
    }
    values.update(overrides)
    # when
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(**values)  # type: ignore[arg-type]
    # then
    assert field in exc.value.fields
    assert exc.value.code == "validation_error" and exc.value.http_status == 422
    assert db_state() == before


def test_duplicate_code_message_names_the_code_and_the_holder() -> None:
    _province()
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(name="Khác", kind=OrganisationKind.DEPARTMENT, agency_code=PROVINCE)
    assert PROVINCE in exc.value.fields["agency_code"]
    assert "Ủy ban nhân dân tỉnh Cà Mau" in exc.value.fields["agency_code"]


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(
            name="",
            kind=OrganisationKind.DEPARTMENT,
            agency_code="bad",
            valid_from=dt.date(2026, 1, 2),
            valid_to=dt.date(2026, 1, 1),
        )
    assert set(exc.value.fields) == {"name", "agency_code", "valid_to"}


def test_create_under_a_closed_parent_is_refused(db_state) -> None:
    old = organisation_create(
        name="Ủy ban nhân dân tỉnh Bạc Liêu",
        kind=OrganisationKind.PROVINCE,
        agency_code="000.00.00.H05",
        valid_to=dt.date(2025, 6, 30),
    )
    before = db_state()
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(
            name="Sở mới", kind=OrganisationKind.DEPARTMENT, agency_code="000.00.01.H05", parent=old
        )
    assert "parent" in exc.value.fields
    assert db_state() == before
    # closing on or before the parent's last day is fine (historical data)
    organisation_create(
        name="Ủy ban nhân dân thành phố Bạc Liêu",
        kind=OrganisationKind.DISTRICT,
        agency_code="000.00.90.H05",
        parent=old,
        valid_to=dt.date(2025, 6, 30),
    )


# --- organisation_update ---------------------------------------------------------------------


def test_update_changes_fields_and_refreshes_the_callers_instance() -> None:
    org = make_organisation(name="Cũ")
    result = organisation_update(organisation=org, name="Mới", phone="0290 3831 234")
    assert result.name == org.name == "Mới"
    assert Organisation.objects.get(pk=org.pk).phone == "0290 3831 234"


def test_update_without_changes_writes_nothing(db_state) -> None:
    org = make_organisation(name="Giữ nguyên")
    before = db_state()
    organisation_update(organisation=org, name="Giữ nguyên", parent=None)
    assert db_state() == before


def test_update_rejects_unknown_fields() -> None:
    org = make_organisation()
    with pytest.raises(TypeError):
        organisation_update(organisation=org, path="/1/")


def test_update_to_a_code_held_by_another_is_refused(db_state) -> None:
    a = make_organisation(agency_code="000.00.01.H98")
    b = make_organisation(agency_code="000.00.02.H98")
    before = db_state()
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(organisation=b, agency_code=a.agency_code, name="Đổi tên")
    assert set(exc.value.fields) == {"agency_code"}
    assert db_state() == before


def test_update_keeping_its_own_code_is_fine() -> None:
    a = make_organisation(agency_code="000.00.01.H98")
    organisation_update(organisation=a, agency_code="000.00.01.H98", short_name="A")
    assert Organisation.objects.get(pk=a.pk).short_name == "A"


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_reparenting_under_itself_or_a_descendant_is_a_cycle(target: str, db_state) -> None:
    # given root > a > b > c
    root = make_organisation()
    a = make_organisation(parent=root)
    b = make_organisation(parent=a)
    c = make_organisation(parent=b)
    new_parent = {"self": a, "child": b, "grandchild": c}[target]
    before = db_state()
    # when
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(organisation=a, parent=new_parent)
    # then
    assert set(exc.value.fields) == {"parent"}
    assert new_parent.name in exc.value.fields["parent"]
    assert db_state() == before


def test_reparenting_moves_the_whole_subtree() -> None:
    # given root > a > b > c, and root > other
    root = make_organisation()
    a = make_organisation(parent=root)
    b = make_organisation(parent=a)
    c = make_organisation(parent=b)
    d = make_organisation(parent=b)
    other = make_organisation(parent=root)
    # when b moves under other
    organisation_update(organisation=b, parent=other)
    # then
    paths = {o.pk: o.path for o in Organisation.objects.all()}
    assert paths[b.pk] == f"/{root.pk}/{other.pk}/{b.pk}/"
    assert paths[c.pk] == f"/{root.pk}/{other.pk}/{b.pk}/{c.pk}/"
    assert paths[d.pk] == f"/{root.pk}/{other.pk}/{b.pk}/{d.pk}/"
    assert paths[a.pk] == f"/{root.pk}/{a.pk}/"
    # and moving b's parent "other" to the top moves b, c and d with it
    organisation_update(organisation=other, parent=None)
    c.refresh_from_db()
    assert c.path == f"/{other.pk}/{b.pk}/{c.pk}/"
    assert c.ancestors_ids() == [other.pk, b.pk]


def test_turning_the_desk_off_empties_its_scope() -> None:
    served = make_organisation()
    desk = make_organisation(kind=OrganisationKind.SERVICE_CENTRE, runs_one_stop_desk=True)
    organisation_set_desk_scope(desk=desk, served=[served])
    organisation_update(organisation=desk, runs_one_stop_desk=False)
    assert list(desk.desk_serves.all()) == []


# --- organisation_close ----------------------------------------------------------------------


def test_close_keeps_the_row_and_closes_open_sub_units() -> None:
    # given
    district = make_organisation(kind=OrganisationKind.DISTRICT)
    division = make_organisation(parent=district, kind=OrganisationKind.DIVISION)
    closed_earlier = make_organisation(parent=district, valid_to=dt.date(2024, 1, 31))
    # when
    organisation_close(organisation=district, valid_to=dt.date(2025, 6, 30))
    # then
    district.refresh_from_db()
    division.refresh_from_db()
    closed_earlier.refresh_from_db()
    assert district.valid_to == dt.date(2025, 6, 30)
    assert division.valid_to == dt.date(2025, 6, 30)
    assert closed_earlier.valid_to == dt.date(2024, 1, 31)
    assert not district.is_active_on(dt.date(2025, 7, 1))
    assert district.is_active_on(dt.date(2025, 6, 30))


def test_close_before_the_start_is_refused(db_state) -> None:
    org = make_organisation(valid_from=dt.date(2025, 7, 1))
    before = db_state()
    with pytest.raises(ValidationFailed) as exc:
        organisation_close(organisation=org, valid_to=dt.date(2025, 6, 30))
    assert set(exc.value.fields) == {"valid_to"}
    assert db_state() == before


def test_close_with_a_sub_unit_starting_later_is_refused(db_state) -> None:
    org = make_organisation()
    late = make_organisation(parent=org, valid_from=dt.date(2026, 1, 1))
    before = db_state()
    with pytest.raises(ValidationFailed) as exc:
        organisation_close(organisation=org, valid_to=dt.date(2025, 12, 31))
    assert late.name in exc.value.fields["valid_to"]
    assert db_state() == before


def test_update_setting_valid_to_closes_like_close() -> None:
    org = make_organisation()
    child = make_organisation(parent=org)
    organisation_update(organisation=org, valid_to=dt.date(2025, 6, 30))
    child.refresh_from_db()
    assert child.valid_to == dt.date(2025, 6, 30)


def test_reopening_a_sub_unit_under_a_closed_parent_is_refused() -> None:
    org = make_organisation()
    child = make_organisation(parent=org)
    organisation_close(organisation=org, valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(organisation=child, valid_to=None)
    assert "parent" in exc.value.fields


# --- organisation_set_desk_scope -------------------------------------------------------------


def test_set_desk_scope_replaces_the_served_units() -> None:
    a, b, c = make_organisation(), make_organisation(), make_organisation()
    desk = make_organisation(kind=OrganisationKind.SERVICE_CENTRE, runs_one_stop_desk=True)
    organisation_set_desk_scope(desk=desk, served=[a, b])
    assert set(desk.desk_serves.all()) == {a, b}
    organisation_set_desk_scope(desk=desk, served=[b, c])
    assert set(desk.desk_serves.all()) == {b, c}
    assert set(a.served_by_desks.all()) == set()
    organisation_set_desk_scope(desk=desk, served=[])
    assert desk.desk_serves.count() == 0


def test_desk_scope_on_an_organisation_without_a_desk_is_refused(db_state) -> None:
    served = make_organisation()
    not_a_desk = make_organisation(name="Sở Xây dựng tỉnh Cà Mau")
    before = db_state()
    with pytest.raises(ValidationFailed) as exc:
        organisation_set_desk_scope(desk=not_a_desk, served=[served])
    assert set(exc.value.fields) == {"desk_serves"}
    assert "Sở Xây dựng tỉnh Cà Mau" in str(exc.value.message)
    assert db_state() == before


def test_a_lost_race_for_a_code_is_reported_as_a_duplicate(monkeypatch, db_state) -> None:
    # given another request saved the code between our check and our insert
    from motcua.organisations import services

    make_organisation(agency_code="000.00.05.H98", name="Đơn vị nhanh hơn")
    real_check = services.agency_code_error
    calls: list[str] = []

    def check_that_misses_the_first_time(code: str, *, exclude_pk: int | None = None) -> str | None:
        calls.append(code)
        return None if len(calls) == 1 else real_check(code, exclude_pk=exclude_pk)

    monkeypatch.setattr(services, "agency_code_error", check_that_misses_the_first_time)
    before = db_state()
    # when the unique constraint catches it
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(
            name="Chậm", kind=OrganisationKind.DEPARTMENT, agency_code="000.00.05.H98"
        )
    # then
    assert "Đơn vị nhanh hơn" in exc.value.fields["agency_code"]
    assert db_state() == before


def test_a_unit_with_a_legacy_code_can_still_be_renamed_and_closed() -> None:
    org = make_organisation()
    Organisation.objects.filter(pk=org.pk).update(agency_code="h12-cu")  # imported long ago
    organisation_update(organisation=org, name="Tên mới")
    organisation_close(organisation=org, valid_to=dt.date(2025, 6, 30))
    org.refresh_from_db()
    assert (org.name, org.valid_to) == ("Tên mới", dt.date(2025, 6, 30))
    with pytest.raises(ValidationFailed):
        organisation_update(organisation=org, agency_code="h12-moi")
