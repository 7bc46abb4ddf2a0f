"""Back-office tests: the dossier `world` (desk, department, officials, citizen) and helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput
from motcua.dossiers.tests.conftest import make_procedure, vn, world  # noqa: F401

# Monday 1 March 2027, 09:30 in Vietnam: a plain working day.
NOW = vn(2027, 3, 1, 9, 30)
DAO = "Nguyễn Thị Hồng Đào"


def tiny_pdf() -> bytes:
    """A real (if blank) one-page PDF with a correct cross-reference table."""
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


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def counter_intake(
    w: Any,
    *,
    name: str = DAO,
    id_number: str = "096188000123",
    at: dt.datetime | None = None,
    components: list[ComponentInput] | None = None,
) -> Dossier:
    return services.dossier_create(
        actor=w.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=id_number),
        components=components or [ComponentInput(paper_code="GT1", paper_original_seen=True)],
        at=at,
        trusted=True,
    )


def online_submission(w: Any, *, name: str = DAO, id_number: str = "096188000123") -> Dossier:
    return services.dossier_create(
        actor=w.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name=name, id_number=id_number),
        components=[],
    )
