"""Dossiers brought to a given state through the dossier services (shared with the portal tests)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.enums import Channel
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def dossier_online(
    world: Any, *, owner: Any = None, full_name: str = "Nguyễn Thị Hồng Đào"
) -> Dossier:
    """Submitted online by `owner` (the world's citizen), waiting for acceptance."""
    return services.dossier_create(
        actor=owner or world.citizen,
        procedure_code=world.version.procedure.code,
        channel=Channel.ONLINE,
        receiving_unit=world.desk,
        applicant=ApplicantInput(
            full_name=full_name,
            id_number="096188000123",
            email="dao@example.com",
            phone="0912345678",
        ),
        components=[
            ComponentInput(paper_code="GT1", file=SimpleUploadedFile("don.pdf", PDF)),
            ComponentInput(paper_code="GT2", file=SimpleUploadedFile("cccd.png", PNG)),
        ],
    )


def dossier_received(world: Any, **kw: Any) -> Dossier:
    d = dossier_online(world, **kw)
    return services.dossier_receive(dossier=d, actor=world.counter)


def dossier_result_ready(world: Any, *, with_file: bool = True, **kw: Any) -> Dossier:
    d = dossier_received(world, **kw)
    d = services.dossier_forward(dossier=d, actor=world.specialist)
    d = services.dossier_approve(dossier=d, actor=world.leader)
    return services.dossier_complete(
        dossier=d,
        actor=world.leader,
        result_number="12/GP-STP",
        result_file=SimpleUploadedFile("giay-phep.pdf", PDF) if with_file else None,
    )


def dossier_delivered(world: Any, **kw: Any) -> Dossier:
    d = dossier_result_ready(world, **kw)
    return services.dossier_deliver(dossier=d, actor=world.counter)
