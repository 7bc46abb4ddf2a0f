"""The incoming documents' pages: an agency with two units and its officials (factories.world),
documents in each state made through the services, and helpers to read the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from motcua.accounts.enums import Role
from motcua.documents.enums import Channel, Source
from motcua.documents.models import IncomingDocument
from motcua.documents.services import incoming as svc
from motcua.documents.services.incoming import IncomingFields
from motcua.documents.services.outgoing import FileInput
from motcua.documents.tests.factories import World, official, world
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation


def tiny_pdf() -> bytes:
    """A real (if blank) one-page PDF with a correct cross-reference table, unsigned."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return out


PDF = tiny_pdf()
SCAN = FileInput("scan.pdf", PDF, "application/pdf")


class Office:
    """factories.World plus a second unit of the agency and its specialist."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.unit2 = Organisation.objects.create(
            name="Phòng Kinh tế",
            short_name="KT",
            kind=OrganisationKind.DIVISION,
            agency_code="000.04.00.H97",
            parent=w.agency,
        )
        self.specialist2 = official(self.unit2, Role.SPECIALIST, full_name="Mai Văn Kinh Tế")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


@pytest.fixture
def office(db: Any) -> Office:
    return Office(world())


def fields(**kwargs: Any) -> IncomingFields:
    values: dict[str, Any] = {
        "sender_name": "Sở Tài chính tỉnh Cà Mau",
        "code_number": "123",
        "code_notation": "STC-NS",
        "issued_date": dt.date(2026, 1, 5),
        "subject": "Về việc hướng dẫn lập dự toán ngân sách",
    }
    values.update(kwargs)
    return IncomingFields(**values)


def paper(o: Office, **kwargs: Any) -> IncomingDocument:
    """Registered from paper by the clerk: state registered."""
    return svc.incoming_register_paper(
        actor=o.clerk, organisation=o.agency, fields=fields(**kwargs), files=[SCAN]
    )


def received(o: Office, **kwargs: Any) -> IncomingDocument:
    """Arrived in the official mailbox, not registered yet: state received."""
    return svc.incoming_create_received(
        organisation=o.agency,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        fields=fields(**kwargs),
        files=[SCAN],
        sender_email="vanthu@stc.camau.gov.vn",
    )


def assigned(
    o: Office,
    *,
    unit: Organisation | None = None,
    lead_official: Any = None,
    co_units: list[Organisation] | None = None,
    deadline: dt.date | None = None,
    **kwargs: Any,
) -> IncomingDocument:
    document = paper(o, **kwargs)
    return svc.incoming_assign(
        actor=o.leader,
        document=document,
        lead_unit=unit or o.unit,
        lead_official=lead_official,
        co_units=co_units,
        deadline=deadline or timezone.localdate() + dt.timedelta(days=10),
        instructions="Tham mưu trả lời",
    )


def ids(response: Any) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)"', response.content.decode())]


def tab_count(response: Any, queue: str) -> int:
    match = re.search(rf'id="tab-{queue}" data-count="(\d+)"', response.content.decode())
    assert match, f"no tab {queue}"
    return int(match.group(1))


def tabs(response: Any) -> list[str]:
    return re.findall(r'id="tab-([a-z_]+)"', response.content.decode())


def text(response: Any) -> str:
    """The page's text without tags (for reading messages and labels)."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())
