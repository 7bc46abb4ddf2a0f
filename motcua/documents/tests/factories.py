"""Agencies and officials for the documents tests: an agency (UBND) with a department under
it, its officials by role, and another agency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.accounts.enums import Role
from motcua.accounts.models import User
from motcua.accounts.tests.factories import OfficialFactory
from motcua.documents.enums import DocumentType, OutgoingState
from motcua.documents.models import OutgoingDocument
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation


def official(organisation: Organisation, *roles: str, **kwargs: Any) -> User:
    kwargs.setdefault("email", "")
    user: User = OfficialFactory(organisation=organisation, roles=list(roles), **kwargs)
    return user


@dataclass
class World:
    agency: Organisation
    unit: Organisation
    other: Organisation
    other_unit: Organisation
    drafter: User
    reviewer: User
    signer: User
    clerk: User
    leader: User
    specialist: User
    viewer: User
    outsider_clerk: User
    outsider_leader: User


def world(n: int = 0) -> World:
    agency = Organisation.objects.create(
        name=f"Ủy ban nhân dân tỉnh Thử {n}",
        short_name="UBND",
        kind=OrganisationKind.PROVINCE,
        agency_code=f"000.00.{n:02d}.H97",
    )
    unit = Organisation.objects.create(
        name=f"Phòng Văn xã {n}",
        short_name="VX",
        kind=OrganisationKind.DIVISION,
        agency_code=f"000.01.{n:02d}.H97",
        parent=agency,
    )
    other = Organisation.objects.create(
        name=f"Sở Thử nghiệm {n}",
        short_name="STN",
        kind=OrganisationKind.DEPARTMENT,
        agency_code=f"000.02.{n:02d}.H97",
    )
    other_unit = Organisation.objects.create(
        name=f"Phòng Tổng hợp {n}",
        short_name="TH",
        kind=OrganisationKind.DIVISION,
        agency_code=f"000.03.{n:02d}.H97",
        parent=other,
    )
    return World(
        agency=agency,
        unit=unit,
        other=other,
        other_unit=other_unit,
        drafter=official(unit, Role.SPECIALIST, full_name="Trần Thị Soạn"),
        reviewer=official(unit, Role.LEADER, full_name="Lê Văn Duyệt"),
        signer=official(agency, Role.LEADER, full_name="Phạm Văn Ký", position="Chủ tịch"),
        clerk=official(agency, Role.CLERK, full_name="Võ Thị Văn Thư"),
        leader=official(agency, Role.LEADER, full_name="Nguyễn Văn Lãnh Đạo"),
        specialist=official(unit, Role.SPECIALIST, full_name="Đỗ Văn Chuyên"),
        viewer=official(agency, Role.REPORT_VIEWER, full_name="Người Xem Báo Cáo"),
        outsider_clerk=official(other, Role.CLERK, full_name="Văn Thư Sở"),
        outsider_leader=official(other, Role.LEADER, full_name="Giám Đốc Sở"),
    )


def signed_outgoing(w: World, **kwargs: Any) -> OutgoingDocument:
    """An outgoing document already signed by its signer (the PDF step is tested elsewhere)."""
    values: dict[str, Any] = {
        "organisation": w.agency,
        "drafting_unit": w.unit,
        "drafter": w.drafter,
        "signer": w.signer,
        "document_type": DocumentType.QUYET_DINH,
        "subject": "Về việc thử nghiệm",
        "state": OutgoingState.SIGNED,
    }
    values.update(kwargs)
    return OutgoingDocument.objects.create(**values)
