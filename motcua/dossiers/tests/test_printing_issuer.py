"""Who issues forms 02–05: the agency responsible for the act, never the recorder's own unit.

The world is the demo's shape: the provincial centre (000.00.15.H12) receives for the
Department of Justice (000.00.08.H12); the ward An Xuyên (000.00.20.H12) has its service centre
(000.01.20.H12) and a division (000.02.20.H12); the provincial administrator belongs to the
Provincial People's Committee (000.00.00.H12), above every unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.models import User
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory
from motcua.dossiers.enums import Action, ApplicantKind, Channel, DossierStatus
from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.printing import render_form
from motcua.dossiers.printing.layout import header_context
from motcua.dossiers.tests.conftest import make_procedure
from motcua.dossiers.tests.test_printing import APPLICANT, add_event, at, pdf_text
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db

K = OrganisationKind
PROVINCE = "Ủy ban nhân dân tỉnh Cà Mau"
CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Cà Mau"
JUSTICE = "Sở Tư pháp tỉnh Cà Mau"
WARD = "Ủy ban nhân dân phường An Xuyên"
WARD_CENTRE = "Trung tâm Phục vụ hành chính công phường An Xuyên"
DIVISION = "Phòng Văn hóa - Xã hội phường An Xuyên"


@dataclass
class Tree:
    province: Organisation
    centre: Organisation
    justice: Organisation
    ward: Organisation
    ward_centre: Organisation
    division: Organisation
    admin: User
    specialist: User
    leader: User
    desk_officer: User
    ward_desk_officer: User
    division_specialist: User
    ward_leader: User


@pytest.fixture
def tree() -> Tree:
    province = OrgFactory(name=PROVINCE, kind=K.PROVINCE, agency_code="000.00.00.H12")
    centre = OrgFactory(
        name=CENTRE, kind=K.SERVICE_CENTRE, parent=province, agency_code="000.00.15.H12"
    )
    justice = OrgFactory(
        name=JUSTICE, kind=K.DEPARTMENT, parent=province, agency_code="000.00.08.H12"
    )
    ward = OrgFactory(name=WARD, kind=K.COMMUNE, parent=province, agency_code="000.00.20.H12")
    ward_centre = OrgFactory(
        name=WARD_CENTRE, kind=K.SERVICE_CENTRE, parent=ward, agency_code="000.01.20.H12"
    )
    division = OrgFactory(name=DIVISION, kind=K.DIVISION, parent=ward, agency_code="000.02.20.H12")
    make_procedure(code="9.000001", implementing=[justice, ward], receiving=[centre, ward_centre])
    return Tree(
        province=province,
        centre=centre,
        justice=justice,
        ward=ward,
        ward_centre=ward_centre,
        division=division,
        admin=OfficialFactory(
            username="admin",
            full_name="Quản Trị Viên",
            organisation=province,
            roles=[Role.PROVINCIAL_ADMIN],
        ),
        specialist=OfficialFactory(
            full_name="Lê Thị Minh Thư", organisation=justice, roles=[Role.SPECIALIST]
        ),
        leader=OfficialFactory(
            full_name="Phạm Quốc Hưng", organisation=justice, roles=[Role.LEADER]
        ),
        desk_officer=OfficialFactory(
            full_name="Trần Văn Bình", organisation=centre, roles=[Role.COUNTER_OFFICER]
        ),
        ward_desk_officer=OfficialFactory(
            full_name="Võ Thị Lan", organisation=ward_centre, roles=[Role.COUNTER_OFFICER]
        ),
        division_specialist=OfficialFactory(
            full_name="Huỳnh Văn Nam", organisation=division, roles=[Role.SPECIALIST]
        ),
        ward_leader=OfficialFactory(
            full_name="Đặng Minh Khoa", organisation=ward, roles=[Role.LEADER]
        ),
    )


def dossier(receiving: Organisation, processing: Organisation, **fields: Any) -> Dossier:
    """A counter dossier received on Fri 5 Feb 2027 08:30, due Wed 17 Feb 2027 16:00."""
    version = ProcedureVersion.objects.get(procedure__code="9.000001")
    applicant, _created = Applicant.objects.get_or_create(
        id_number="096187001234",
        defaults={"kind": ApplicantKind.INDIVIDUAL, "full_name": APPLICANT},
    )
    values: dict[str, Any] = {
        "code": "000.00.15.H12-270205-0001",
        "procedure_version": version,
        "case": version.cases.get(),
        "receiving_unit": receiving,
        "processing_unit": processing,
        "current_unit": processing,
        "channel": Channel.COUNTER,
        "status": DossierStatus.IN_PROGRESS,
        "applicant": applicant,
        "submitted_at": at("2027-02-05", "08:30"),
        "received_at": at("2027-02-05", "08:30"),
        "clock_started_at": at("2027-02-05", "08:30"),
        "due_at": at("2027-02-17", "16:00"),
        "appointment_at": at("2027-02-17", "16:00"),
        **fields,
    }
    return Dossier.objects.create(**values)


def provincial(tree: Tree, **fields: Any) -> Dossier:
    """Received by the provincial centre, processed by the Department of Justice."""
    return dossier(tree.centre, tree.justice, **fields)


def in_the_ward(tree: Tree, **fields: Any) -> Dossier:
    """Received by the ward's service centre, processed by the ward People's Committee."""
    return dossier(tree.ward_centre, tree.ward, **fields)


def extend(d: Dossier, actor: User) -> None:
    add_event(
        d,
        Action.EXTEND,
        at("2027-02-16", "10:00"),
        actor,
        from_status=DossierStatus.IN_PROGRESS,
        to_status=DossierStatus.IN_PROGRESS,
        data={
            "reason": "Cần xác minh thêm thông tin",
            "old_appointment_at": at("2027-02-17", "16:00").isoformat(),
            "new_appointment_at": at("2027-02-24", "10:30").isoformat(),
        },
    )


def request_supplement(d: Dossier, actor: User, *, from_status: str) -> None:
    add_event(
        d,
        Action.REQUEST_SUPPLEMENT,
        at("2027-02-09", "14:15"),
        actor,
        from_status=from_status,
        to_status=DossierStatus.SUPPLEMENT_REQUESTED,
        data={"missing": ["Tờ khai có chữ ký của người yêu cầu"], "request_number": 1},
    )


def text_of(d: Dossier, form: str) -> str:
    return pdf_text(render_form(d, form))


def head_block(text: str) -> str:
    """What follows the signature title of the head of the agency (the last words of the form)."""
    return text.split("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", 1)[1]


# --- form 04 ----------------------------------------------------------------------------------


def test_form_04_is_issued_by_the_processing_agency_not_the_specialist_who_recorded_it(
    tree: Tree,
) -> None:
    # given: the Department of Justice's specialist records the extension
    d = provincial(tree)
    extend(d, tree.specialist)

    # when
    text = text_of(d, "04")

    # then: the department apologises, the centre is named as the unit that received it
    assert "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" in text
    assert "SỞ TƯ PHÁP TỈNH CÀ MAU" in text
    assert f"{CENTRE} đã tiếp nhận hồ sơ" in text
    assert f"chuyển {JUSTICE} giải quyết" in text
    assert f"{JUSTICE} đã tiếp nhận" not in text
    assert f"{JUSTICE} trân trọng xin lỗi" in text
    # and the head's signature block carries no specialist's name
    assert "Lê Thị Minh Thư" not in text
    assert head_block(text).strip() == "(Ký, ghi rõ họ tên, đóng dấu)"


def test_form_04_recorded_by_a_leader_of_the_agency_carries_the_leaders_name(tree: Tree) -> None:
    d = provincial(tree)
    extend(d, tree.leader)

    text = text_of(d, "04")

    assert "Phạm Quốc Hưng" in head_block(text)


def test_form_04_recorded_by_the_provincial_admin_names_the_ward(tree: Tree) -> None:
    # given: a ward dossier whose extension the provincial administrator recorded
    d = in_the_ward(tree)
    extend(d, tree.admin)

    # when
    text = text_of(d, "04")

    # then: the ward (under the province) issues it, its centre received the dossier
    assert "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" in text  # the parent line of the header
    assert "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN" in text
    assert f"{WARD_CENTRE} đã tiếp nhận hồ sơ" in text
    assert f"{WARD} trân trọng xin lỗi" in text
    assert PROVINCE not in text
    assert "Quản Trị Viên" not in text
    # the same units as form 01
    receipt = text_of(d, "01")
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG AN XUYÊN" in receipt


def test_form_04_of_an_agency_that_received_the_dossier_itself(tree: Tree) -> None:
    d = dossier(tree.ward, tree.ward)
    extend(d, tree.ward_leader)

    text = text_of(d, "04")

    assert f"{WARD} đã tiếp nhận hồ sơ" in text
    assert "chuyển" not in text
    assert "Đặng Minh Khoa" in head_block(text)


# --- form 02 ----------------------------------------------------------------------------------


def test_form_02_by_the_processing_agencys_specialist(tree: Tree) -> None:
    d = provincial(tree, status=DossierStatus.SUPPLEMENT_REQUESTED)
    request_supplement(d, tree.specialist, from_status=DossierStatus.IN_PROGRESS)

    text = text_of(d, "02")

    assert "SỞ TƯ PHÁP TỈNH CÀ MAU" in text
    assert f"{CENTRE} đã tiếp nhận hồ sơ của" in text
    assert f"{JUSTICE} đã tiếp nhận" not in text
    assert "Lê Thị Minh Thư" in text  # the official who guides the applicant


def test_form_02_by_the_desk(tree: Tree) -> None:
    d = provincial(tree, status=DossierStatus.SUPPLEMENT_REQUESTED)
    request_supplement(d, tree.desk_officer, from_status=DossierStatus.SUBMITTED)

    text = text_of(d, "02")

    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU" in text
    assert "SỞ TƯ PHÁP TỈNH CÀ MAU" not in text


@pytest.mark.parametrize(
    ("from_status", "issuer_header", "parent_header"),
    [
        (
            DossierStatus.IN_PROGRESS,
            "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN",
            "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
        ),
        (
            DossierStatus.SUBMITTED,
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG AN XUYÊN",
            "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN",
        ),
    ],
    ids=["in-processing", "at-the-desk"],
)
def test_form_02_recorded_by_the_provincial_admin_names_the_dossiers_unit(
    tree: Tree, from_status: str, issuer_header: str, parent_header: str
) -> None:
    # given
    d = in_the_ward(tree, status=DossierStatus.SUPPLEMENT_REQUESTED)
    request_supplement(d, tree.admin, from_status=from_status)

    # when
    text = text_of(d, "02")

    # then
    assert issuer_header in text
    assert parent_header in text
    assert f"{WARD_CENTRE} đã tiếp nhận hồ sơ của" in text
    assert PROVINCE not in text
    assert "An Xuyên, ngày 09 tháng 02 năm 2027" in text


def test_form_02_by_a_division_is_issued_by_its_agency(tree: Tree) -> None:
    # given: a specialist of the ward's division asks, for the ward People's Committee
    d = in_the_ward(tree, status=DossierStatus.SUPPLEMENT_REQUESTED)
    request_supplement(d, tree.division_specialist, from_status=DossierStatus.IN_PROGRESS)

    # when
    text = text_of(d, "02")

    # then
    assert "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN" in text
    assert DIVISION.upper() not in text


# --- forms 03 and 05 --------------------------------------------------------------------------


def test_form_05_recorded_by_the_provincial_admin(tree: Tree) -> None:
    reason = "Người yêu cầu không bổ sung hồ sơ trong thời hạn quy định."
    d = in_the_ward(
        tree, status=DossierStatus.STOPPED, ended_at=at("2027-03-01", "15:45"), end_reason=reason
    )
    add_event(d, Action.STOP, at("2027-03-01", "15:45"), tree.admin, note=reason)

    text = text_of(d, "05")

    assert "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN" in text
    assert f"{WARD_CENTRE} đã tiếp nhận hồ sơ" in text
    assert f"{WARD} thông báo dừng giải quyết" in text
    assert PROVINCE not in text
    assert "Quản Trị Viên" not in text


def test_form_03_recorded_by_the_provincial_admin_is_the_desks(tree: Tree) -> None:
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết."
    d = in_the_ward(
        tree,
        status=DossierStatus.REFUSED,
        received_at=None,
        clock_started_at=None,
        due_at=None,
        appointment_at=None,
        ended_at=at("2027-03-12", "09:10"),
        end_reason=reason,
    )
    add_event(d, Action.REFUSE, at("2027-03-12", "09:10"), tree.admin, note=reason)

    text = text_of(d, "03")

    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG AN XUYÊN" in text
    assert PROVINCE not in text
    assert APPLICANT in text


# --- the header for every kind of organisation -----------------------------------------------


@pytest.mark.parametrize(
    ("unit", "parent_line", "name_line"),
    [
        ("province", "", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU"),
        ("centre", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU"),
        ("justice", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "SỞ TƯ PHÁP TỈNH CÀ MAU"),
        ("ward", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN"),
        (
            "ward_centre",
            "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN",
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG AN XUYÊN",
        ),
        ("division", "ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN", "PHÒNG VĂN HÓA - XÃ HỘI PHƯỜNG AN XUYÊN"),
    ],
)
def test_the_header_names_the_parent_of_every_unit_that_has_one(
    tree: Tree, unit: str, parent_line: str, name_line: str
) -> None:
    # given: the unit as read from the database, its parent not loaded
    issuer = Organisation.objects.get(pk=getattr(tree, unit).pk)

    # when
    header = header_context(issuer, at("2027-02-16"))

    # then
    assert header["org_parent"] == parent_line
    assert header["org_name"] == name_line
