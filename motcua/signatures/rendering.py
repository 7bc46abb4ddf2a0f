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
from motcua.dossiers.printing.layout import A4, FormSpec, date_text, header_context, place_and_date
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.organisations.models import Organisation
from motcua.signatures.result_forms import ResultForm
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
    result_form: ResultForm | None = None,
    details: dict[str, Any] | None = None,
) -> bytes:
    """The PDF of a result document issued by `organisation` (A4, Decree 30/2020 layout): the
    generic result, or `result_form` (the procedure's own paper) filled with `details` as
    cleaned by `result_forms.clean_details`."""
    if result_form is not None:
        title = result_form.title
    title = title or DEFAULT_TITLE
    template = result_form.template if result_form is not None else RESULT_TEMPLATE
    spec = FormSpec("KQ", title.upper(), template, A4, "ket-qua")
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
    if result_form is not None:
        context.update(
            _form_context(result_form, details or {}, when or timezone.now(), number_notation)
        )
    context.update(base_context(spec, code=code or number_notation or title))
    return render_pdf(template, context)


def _long_date(day: dt.date) -> str:
    """ "ngày 06 tháng 12 năm 2026" (Decree 30/2020's way, as in the place-and-date line)."""
    return place_and_date("", day).lstrip(", ")


def _form_context(
    form: ResultForm, details: dict[str, Any], when: dt.datetime, number_notation: str
) -> dict[str, Any]:
    today = timezone.localtime(when).date()
    first = details.get("first_registered") or ""
    first_day = dt.datetime.strptime(first, "%d/%m/%Y").date() if first else today
    return {
        "details": details,
        "sign_title": form.sign_title,
        "registered_on": date_text(today),
        "registered_text": _long_date(today),
        "first_registered_text": _long_date(first_day),
        "certification_number": number_notation.split("/", 1)[0] if number_notation else "…",
        "day_words": _long_date(today).removeprefix("ngày "),
    }
