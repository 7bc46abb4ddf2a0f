"""edXML packages for the exchange tests, built with the edXML library (canonical layout)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.documents.edxml import (
    Attachment,
    Business,
    EdocPackage,
    Organ,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusPackage,
    build_bytes,
)
from motcua.documents.edxml.model import VIETNAM_TZ

MINISTRY = "000.00.00.G22"
MINISTRY_NAME = "Bộ Nội vụ"


def edoc(
    *,
    to: list[str],
    sender: str = MINISTRY,
    sender_name: str = MINISTRY_NAME,
    number: str = "15",
    notation: str = "QĐ-BNV",
    date: dt.date = dt.date(2026, 3, 12),
    subject: str = "Về việc thử nghiệm liên thông văn bản",
    document_id: str | None = None,
    attachments: list[Attachment] | None = None,
    **extra: Any,
) -> bytes:
    package = EdocPackage(
        from_=Organ(organ_id=sender, organ_name=sender_name),
        to=[Organ(organ_id=code, organ_name=f"Cơ quan {code}") for code in to],
        code_number=number,
        code_notation=notation,
        place="Hà Nội",
        promulgation_date=date,
        document_type=2,
        type_name="Quyết định",
        subject=subject,
        signer=Signer(competence="KT. BỘ TRƯỞNG", position="Thứ trưởng", full_name="Nguyễn Văn A"),
        document_id=document_id
        if document_id is not None
        else EdocPackage.make_document_id(sender, date, number, notation),
        business=Business(business_doc_type=0),
        attachments=attachments
        if attachments is not None
        else [
            Attachment.from_bytes("15-QD-BNV.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        ],
        **extra,
    )
    return build_bytes(package)


def status(
    *,
    sender: str,
    about_organ: str,
    about_code: str,
    about_date: dt.date,
    code: str = "03",
    description: str = "Đã vào sổ",
    at: dt.datetime | None = None,
    document_id: str | None = None,
) -> bytes:
    package = StatusPackage(
        from_=Organ(organ_id=sender, organ_name=f"Cơ quan {sender}"),
        response_for=ResponseFor(
            organ_id=about_organ,
            code=about_code,
            promulgation_date=about_date,
            document_id=document_id
            if document_id is not None
            else f"{about_organ},{about_date:%Y/%m/%d},{about_code}",
        ),
        staff=StaffInfo(department="Văn phòng", staff="Võ Thị Văn Thư"),
        status_code=code,
        description=description,
        timestamp=at or dt.datetime(2026, 3, 13, 9, 30, tzinfo=VIETNAM_TZ),
    )
    return build_bytes(package)
