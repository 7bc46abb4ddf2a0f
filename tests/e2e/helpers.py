from __future__ import annotations

from typing import Any

from motcua.procedures.models import (
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    RequiredPaper,
    TimeLimit,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def household_business(world: Any) -> ProcedureVersion:
    """'Đăng ký hộ kinh doanh', fully online, received at the world's desk, two papers."""
    procedure = Procedure.objects.create(code="2.000720.H12")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Đăng ký hộ kinh doanh",
        level="commune",
        online_level="full",
        result_name="Giấy chứng nhận đăng ký hộ kinh doanh",
        legal_basis="Nghị định 01/2021/NĐ-CP",
    )
    version.implementing_organisations.set([world.dept])
    version.receiving_organisations.set([world.desk])
    case = ProcedureCase.objects.create(
        version=version, code="TH1", name="Đăng ký mới", is_default=True
    )
    RequiredPaper.objects.create(
        case=case, code="GT1", name="Giấy đề nghị đăng ký hộ kinh doanh", order=1
    )
    RequiredPaper.objects.create(case=case, code="GT2", name="Bản sao CCCD của chủ hộ", order=2)
    for channel in (1, 2, 3):
        TimeLimit.objects.create(version=version, channel=channel, amount=3, unit="working_days")
    Procedure.objects.filter(pk=procedure.pk).update(current_version=version)
    return version


def file_payload(name: str, content: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": content}
