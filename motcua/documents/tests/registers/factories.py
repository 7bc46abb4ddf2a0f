"""Organisations and officials through the project's factories; documents straight through the
ORM (the registers only read them), in the states the registers list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory
from motcua.documents.enums import (
    Channel,
    DocumentType,
    IncomingState,
    OutgoingState,
    RegisterKind,
    Source,
)
from motcua.documents.models import (
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
    ProgressNote,
    Recipient,
    Register,
)
from motcua.documents.services.shell import search_text_refresh
from motcua.organisations.enums import OrganisationKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2026


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def make_world() -> SimpleNamespace:
    """A province, one of its departments (Sở Tư pháp, with its office and a division) keeping
    registers, and another department; their clerks, leaders and specialists."""
    province = OrgFactory(
        name="Ủy ban nhân dân tỉnh Cà Mau",
        short_name="UBND",
        kind=OrganisationKind.PROVINCE,
        agency_code="000.00.00.H12",
    )
    dept = OrgFactory(
        name="Sở Tư pháp", short_name="STP", parent=province, agency_code="000.00.08.H12"
    )
    office = OrgFactory(
        name="Văn phòng Sở Tư pháp",
        kind=OrganisationKind.DIVISION,
        parent=dept,
        agency_code="000.01.08.H12",
    )
    division = OrgFactory(
        name="Phòng Hành chính tư pháp",
        kind=OrganisationKind.DIVISION,
        parent=dept,
        agency_code="000.02.08.H12",
    )
    other = OrgFactory(
        name="Sở Xây dựng", short_name="SXD", parent=province, agency_code="000.00.09.H12"
    )
    world = SimpleNamespace(
        province=province,
        dept=dept,
        office=office,
        division=division,
        other=other,
        clerk=OfficialFactory(
            username="clerk",
            full_name="Trần Thị Thư",
            organisation=office,
            roles=[Role.CLERK],
        ),
        leader=OfficialFactory(
            username="director",
            full_name="Nguyễn Văn Giám",
            organisation=dept,
            position="Giám đốc",
            roles=[Role.LEADER],
        ),
        specialist=OfficialFactory(
            username="specialist",
            full_name="Lê Thị Chuyên",
            organisation=division,
            roles=[Role.SPECIALIST],
        ),
        colleague=OfficialFactory(
            username="colleague",
            full_name="Phạm Văn Đồng Nghiệp",
            organisation=division,
            roles=[Role.SPECIALIST],
        ),
        outsider=OfficialFactory(
            username="outsider",
            full_name="Võ Văn Ngoài",
            organisation=other,
            roles=[Role.CLERK, Role.LEADER],
        ),
        admin=OfficialFactory(
            username="padmin", organisation=province, roles=[Role.PROVINCIAL_ADMIN]
        ),
    )
    world.outgoing_register = Register.objects.create(
        organisation=dept, kind=RegisterKind.OUTGOING, name="Sổ văn bản đi", notation="STP"
    )
    world.incoming_register = Register.objects.create(
        organisation=dept, kind=RegisterKind.INCOMING, name="Sổ văn bản đến", notation="STP"
    )
    world.other_outgoing_register = Register.objects.create(
        organisation=other, kind=RegisterKind.OUTGOING, name="Sổ văn bản đi", notation="SXD"
    )
    world.other_incoming_register = Register.objects.create(
        organisation=other, kind=RegisterKind.INCOMING, name="Sổ văn bản đến", notation="SXD"
    )
    return world


def make_outgoing(
    world: SimpleNamespace,
    *,
    number: int,
    notation: str = "QĐ-STP",
    document_type: str = DocumentType.QUYET_DINH,
    subject: str = "Về việc phê duyệt kế hoạch cải cách hành chính năm 2026",
    issued: dt.date = dt.date(YEAR, 3, 5),
    recipients: tuple[str, ...] = ("UBND huyện Trần Văn Thời", "Sở Nội vụ"),
    organisation: Any = None,
    register: Register | None = None,
    **fields: Any,
) -> OutgoingDocument:
    organisation = organisation or world.dept
    values: dict[str, Any] = {
        "organisation": organisation,
        "drafting_unit": world.division if organisation == world.dept else organisation,
        "drafter": world.specialist,
        "state": OutgoingState.ISSUED,
        "document_type": document_type,
        "subject": subject,
        "signer": world.leader,
        "signer_position": "Giám đốc",
        "issued_amount": 4,
        "keeper_unit": world.office if organisation == world.dept else None,
        "register": register or world.outgoing_register,
        "year": issued.year,
        "code_number": number,
        "code_notation": notation,
        "issued_date": issued,
        "issued_at": vn(issued.year, issued.month, issued.day, 15, 30),
        "page_amount": 2,
    }
    values.update(fields)
    document = OutgoingDocument.objects.create(**values)
    for name in recipients:
        Recipient.objects.create(document=document, name=name, channel=Channel.PAPER)
    search_text_refresh(document)  # made through the ORM: searchable as the services keep it
    return document


def make_incoming(
    world: SimpleNamespace,
    *,
    arrival_number: int,
    arrived: dt.datetime | None = None,
    sender: str = "Ủy ban nhân dân huyện Trần Văn Thời",
    code_number: str = "5",
    code_notation: str = "KH-UBND",
    document_type: str = DocumentType.KE_HOACH,
    subject: str = "Triển khai công tác phổ biến, giáo dục pháp luật năm 2026",
    organisation: Any = None,
    register: Register | None = None,
    assigned: bool = True,
    **fields: Any,
) -> IncomingDocument:
    organisation = organisation or world.dept
    arrived = arrived or vn(YEAR, 3, 9, 8, 15)
    values: dict[str, Any] = {
        "organisation": organisation,
        "state": IncomingState.ASSIGNED if assigned else IncomingState.REGISTERED,
        "source": Source.PAPER,
        "channel": Channel.PAPER,
        "register": register or world.incoming_register,
        "year": arrived.year,
        "arrival_number": arrival_number,
        "arrival_date": arrived,
        "registered_at": arrived,
        "sender_name": sender,
        "code_number": code_number,
        "code_notation": code_notation,
        "issued_date": (arrived - dt.timedelta(days=3)).date(),
        "document_type": document_type,
        "subject": subject,
        "created_by": world.clerk,
        "page_amount": 3,
    }
    if assigned:
        values.update(
            lead_unit=world.division if organisation == world.dept else organisation,
            lead_official=world.specialist if organisation == world.dept else None,
            deadline=(arrived + dt.timedelta(days=10)).date(),
            assigned_by=world.leader,
            assigned_at=arrived + dt.timedelta(hours=2),
            passed_on_at=arrived + dt.timedelta(hours=3),
        )
    values.update(fields)
    document = IncomingDocument.objects.create(**values)
    search_text_refresh(document)  # made through the ORM: searchable as the services keep it
    return document


def add_note(document: IncomingDocument, *, text: str, percent: int, at: dt.datetime) -> None:
    ProgressNote.objects.create(
        document=document, author_name="Lê Thị Chuyên", text=text, percent=percent, at=at
    )


def make_file(world: SimpleNamespace, **fields: Any) -> DocumentFile:
    values: dict[str, Any] = {
        "organisation": world.dept,
        "file_catalog": YEAR,
        "file_notation": "01.HCTP",
        "title": "Hồ sơ cải cách hành chính năm 2026",
        "keeper": world.specialist,
    }
    values.update(fields)
    return DocumentFile.objects.create(**values)
