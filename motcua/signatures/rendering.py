"""A dossier's result rendered as an official document (Decree 30/2020 layout) with WeasyPrint
and the bundled Liberation Serif, like the one-stop forms (motcua.dossiers.printing).

The template leaves an empty box between the signer's position and name; WeasyPrint writes
it as the named destination ``motcua-sign-person``, where `signing.person_box` puts the
signature image.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.printing.layout import A4, FormSpec, header_context
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.organisations.models import Organisation
from motcua.signatures.signing import DEFAULT_SEAL_MM, PERSON_BOX_MM, sign_space_mm

RESULT_TEMPLATE = "signatures/result.html"
DEFAULT_TITLE = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"


def result_paragraphs(dossier: Dossier) -> list[str]:
    """The default body: what was decided for whom (officials usually write their own)."""
    version = dossier.procedure_version
    applicant = dossier.applicant
    lines = [
        f"Căn cứ hồ sơ số {dossier.code} của {applicant.full_name}"
        + (f", số giấy tờ tùy thân {applicant.id_number}" if applicant.id_number else "")
        + ".",
        f"{dossier.processing_unit.name} đã giải quyết thủ tục hành chính "
        f"“{version.name}” theo quy định.",
    ]
    if version.result_name:
        lines.append(f"Kết quả giải quyết: {version.result_name}.")
    return lines


def render_result_pdf(
    *,
    organisation: Organisation,
    title: str = "",
    number_notation: str = "",
    paragraphs: list[str] | None = None,
    dossier: Dossier | None = None,
    signer_name: str = "",
    position: str = "",
    authority: str = "",
    when: dt.datetime | None = None,
    seal_mm: float = DEFAULT_SEAL_MM,
) -> bytes:
    """The PDF of a result document issued by `organisation` (A4, Decree 30/2020 layout)."""
    title = title or DEFAULT_TITLE
    spec = FormSpec("KQ", title.upper(), RESULT_TEMPLATE, A4, "ket-qua")
    code = dossier.code if dossier is not None else ""
    context: dict[str, Any] = {
        **header_context(organisation, when or timezone.now()),
        "title": title.upper(),
        "number_notation": number_notation,
        "paragraphs": paragraphs
        if paragraphs is not None
        else (result_paragraphs(dossier) if dossier is not None else []),
        "code": code,
        "applicant": dossier.applicant if dossier is not None else None,
        "signer_name": signer_name,
        "position": position,
        "authority": authority,
        "sign_box_mm": PERSON_BOX_MM,
        "sign_space_mm": round(sign_space_mm(seal_mm), 1),
    }
    context.update(base_context(spec, code=code or number_notation or title))
    return render_pdf(RESULT_TEMPLATE, context)
