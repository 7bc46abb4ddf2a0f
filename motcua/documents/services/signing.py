"""Signatures of official documents (Decree 30/2020, DOMAIN §8, §10) through motcua.signatures.

    pdf_for_signing   the PDF the signer signs: the latest version if it is a PDF (sanitised),
                      else the document rendered from its fields (Decree 30 layout)
    sign_personal     the signer's PAdES signature (their image between position and name)
    seal              the organisation's signature by the clerk: the system writes the number,
                      notation and date into it; the seal over the signer's image; then every
                      separate attachment signed by the organisation (no image)
    verify_incoming   a received PDF's signatures, as a SignatureVerdict and a report

The outgoing services call these inside their transactions, after their own policy and
transition checks; the signatures services check again who may sign (kind "official": the
designated signer, the organisation's clerks) and write the signed files and their revisions.
The caller saves the outgoing document (`signed_document` is set here, not saved).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.text import nfc
from motcua.documents.enums import (
    TYPE_NAMES,
    Confidentiality,
    DocumentType,
    RegisterKind,
    SignatureVerdict,
    Urgency,
)
from motcua.documents.models import OutgoingAttachment, OutgoingDocument, Register
from motcua.documents.numbering import agency_abbreviation, outgoing_notation
from motcua.signatures import sanitising
from motcua.signatures import signing as pdf_signing
from motcua.signatures.backends import SignerBackend
from motcua.signatures.enums import DocumentKind, DocumentState, Revocation, Verdict
from motcua.signatures.models import SignedDocument
from motcua.signatures.services import (
    credential_for_organisation,
    document_sign_organisation,
    document_sign_personal,
    signed_document_create,
)
from motcua.signatures.verification import SignatureReport, verify_pdf

PRINT_TEMPLATE = "documents/print/outgoing.html"
# PDF only (WeasyPrint loads it with the bundled fonts): not a static file of the site.
PRINT_CSS = Path(__file__).resolve().parents[1] / "print" / "print.css"
# The height print.css reserves between the signer's position and name (a 36 mm seal).
PRINT_CSS_SIGN_SPACE_MM = 39.0

NBSP = "\u00a0"
# Left blank for the system (Decree 30/2020: it gives electronic documents their number and
# date at the organisation's signature): "Số:        /QĐ-UBND", "Cà Mau, ngày      tháng …".
NUMBER_BLANK = NBSP * 10
DAY_BLANK = NBSP * 8

LETTER_TYPES = frozenset({DocumentType.CONG_VAN, DocumentType.THU_CONG})
# Printed marks (Decree 30/2020 Art. 8, 15): Vietnamese, the document's own language.
URGENCY_MARKS: dict[str, str] = {
    Urgency.URGENT: "KHẨN",
    Urgency.VERY_URGENT: "THƯỢNG KHẨN",
    Urgency.EXPRESS: "HỎA TỐC",
    Urgency.EXPRESS_TIMED: "HỎA TỐC HẸN GIỜ",
}
SECRECY_MARKS: dict[str, str] = {
    Confidentiality.SECRET: "MẬT",
    Confidentiality.TOP_SECRET: "TỐI MẬT",
    Confidentiality.ABSOLUTE_SECRET: "TUYỆT MẬT",
}
# The head's title by the kind of agency, for "KT./TL./TUQ. <head>" when the signer's position
# does not say it (a deputy's does: "Phó Chủ tịch" signs for the "Chủ tịch").
HEAD_TITLES: tuple[tuple[str, str], ...] = (
    ("ủy ban nhân dân", "Chủ tịch"),
    ("uỷ ban nhân dân", "Chủ tịch"),
    ("hội đồng nhân dân", "Chủ tịch"),
    ("văn phòng", "Chánh Văn phòng"),
    ("thanh tra", "Chánh Thanh tra"),
    ("chi cục", "Chi cục trưởng"),
    ("cục ", "Cục trưởng"),
    ("sở ", "Giám đốc"),
    ("trung tâm", "Giám đốc"),
    ("ban ", "Trưởng ban"),
    ("phòng ", "Trưởng phòng"),
)
DEFAULT_HEAD = "Thủ trưởng cơ quan"
_PLACE_SUFFIX = re.compile(
    r"\s+(?:tỉnh|thành phố|xã|phường|đặc khu|thị trấn|huyện|quận|thị xã)\s.*$", re.IGNORECASE
)


# --- the PDF to sign ------------------------------------------------------------------------------


def pdf_for_signing(document: OutgoingDocument) -> bytes:
    """The PDF the signer signs: the latest version when it is a PDF, sanitised as the
    signatures app sanitises uploads (no active content, readable by pyHanko); otherwise (no
    version, a .docx …) the document rendered from its fields in the Decree 30 layout, the
    number and date left blank for the organisation's signature."""
    version = document.versions.order_by("-number").first()
    if version is not None and version.file:
        with version.file.open("rb") as fh:
            data = bytes(fh.read())
        if data.lstrip()[:5].startswith(b"%PDF-"):
            try:
                return sanitising.pdf_sanitise(data).data
            except pdf_signing.PdfInputError as exc:
                raise ValidationFailed(
                    _("The file is not a PDF document that can be signed."),
                    code="not_a_pdf",
                    fields={"file": str(exc)},
                ) from exc
    return render_outgoing_pdf(document)


def render_outgoing_pdf(document: OutgoingDocument) -> bytes:
    """`document` as printed (A4, Decree 30/2020 Annex I), with WeasyPrint and the bundled
    Liberation Serif; print.css is the stylesheet, the bundled fonts the only files it loads."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from motcua.dossiers.printing.pdf import FONT_DIR, bundled_fonts_fetcher

    html = nfc(render_to_string(PRINT_TEMPLATE, print_context(document)))
    fonts = FontConfiguration()
    fetcher = bundled_fonts_fetcher()
    base = FONT_DIR.as_uri() + "/"
    sheets = [
        CSS(
            string=PRINT_CSS.read_text(encoding="utf-8"),
            base_url=base,
            url_fetcher=fetcher,
            font_config=fonts,
        )
    ]
    space = round(pdf_signing.sign_space_mm(_seal_mm(document)), 1)
    if space != PRINT_CSS_SIGN_SPACE_MM:  # a seal of another size: the space follows it
        sheets.append(CSS(string=f".sign-space {{ height: {space}mm; }}", font_config=fonts))
    pdf = HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
        stylesheets=sheets, font_config=fonts
    )
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf


def print_context(document: OutgoingDocument) -> dict[str, Any]:
    """What templates/documents/print/outgoing.html prints (Vietnamese, NFC by the renderer)."""
    organisation = document.organisation
    parent = organisation.parent if organisation.parent_id else None
    is_letter = document.document_type in LETTER_TYPES
    type_name = TYPE_NAMES.get(document.document_type, "")
    recipients = [r.name for r in document.recipients.order_by("id") if r.name.strip()]
    signer = document.signer
    subject = document.subject.strip()
    number_line = _number_line(document)
    return {
        "doc_title": " ".join(p for p in (type_name, document.number_notation, subject) if p),
        "parent_name": parent.name.upper() if parent is not None else "",
        "agency_name": organisation.name.upper(),
        "number_line": number_line,
        "date_line": _date_line(document),
        "is_letter": is_letter,
        "letter_subject": subject if subject.lower().startswith("v/v") else f"V/v {subject}",
        "marks": [
            mark
            for mark in (
                SECRECY_MARKS.get(document.confidentiality),
                URGENCY_MARKS.get(document.urgency),
            )
            if mark
        ],
        "addressees": recipients,
        "type_name": type_name.upper(),
        "subject": subject,
        "paragraphs": [line.strip() for line in document.content.splitlines() if line.strip()],
        "recipient_lines": _recipient_lines(document, recipients, is_letter=is_letter),
        "competence_lines": competence_lines(document),
        "signer_name": str(getattr(signer, "full_name", "") or signer or "") if signer else "",
    }


def _number_line(document: OutgoingDocument) -> str:
    if document.code_number:
        return f"Số: {document.number_notation}"
    return f"Số:{NUMBER_BLANK}/{document.code_notation or _expected_notation(document)}"


def _date_line(document: OutgoingDocument) -> str:
    from motcua.dossiers.printing.layout import place_and_date

    place = document.place or "Cà Mau"
    if document.issued_date is not None:
        return place_and_date(place, document.issued_date)
    year = timezone.localdate().year
    return f"{place}, ngày{DAY_BLANK}tháng{DAY_BLANK}năm {year}"


def _expected_notation(document: OutgoingDocument) -> str:
    """The notation the document will get ("QĐ-UBND"), read only: the register it will be
    numbered in when there is one (numbering.register_for creates it only when numbering)."""
    register = document.register
    if register is None:
        candidates = list(
            Register.objects.filter(
                organisation=document.organisation,
                kind=RegisterKind.OUTGOING,
                secret=document.is_secret,
                active=True,
            )
        )
        register = next(
            (r for r in candidates if document.document_type in (r.document_types or [])),
            next((r for r in candidates if not r.document_types), None),
        )
    if register is None:
        register = Register(
            organisation=document.organisation,
            notation=agency_abbreviation(document.organisation),
        )
    try:
        return outgoing_notation(register, document.document_type, document.unit_abbreviation)
    except ValueError:
        return register.notation


def _recipient_lines(
    document: OutgoingDocument, recipients: list[str], *, is_letter: bool
) -> list[str]:
    """ "Nơi nhận:" (Decree 30/2020): a công văn's addressees are "Như trên"; the file copy
    stays with the clerks (VT) and the drafting unit."""
    lines = ["- Như trên;"] if is_letter and recipients else [f"- {n};" for n in recipients]
    unit = document.unit_abbreviation or (document.drafting_unit.short_name or "").strip()
    lines.append(f"- Lưu: VT, {unit}." if unit else "- Lưu: VT.")
    return lines


def competence_lines(document: OutgoingDocument) -> list[str]:
    """The signer's block above the image (Decree 30/2020 Art. 13, Annex I), in capitals:
    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
    "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG", or the position alone."""
    signer = document.signer
    position = (document.signer_position or getattr(signer, "position", "") or "").strip()
    competence = nfc(document.signer_competence.strip())
    mark = competence.upper()
    deputy = position.lower().startswith("phó ")
    head = position[4:].strip() if deputy else _head_title(document.organisation.name)
    lines: list[str] = []
    if mark == "TM.":
        lines.append(f"TM. {_collective(document.organisation.name)}")
        if deputy:
            lines.append(f"KT. {head}")
    elif mark in ("KT.", "TL.", "TUQ."):
        lines.append(f"{mark} {head}")
    elif competence:
        lines.append(competence)  # written out in full ("TM. BAN CHỈ ĐẠO")
    if position:
        lines.append(position)
    return [line.upper() for line in lines]


def _collective(name: str) -> str:
    """ "Ủy ban nhân dân" from "Ủy ban nhân dân tỉnh Cà Mau": the collective TM. speaks for."""
    return _PLACE_SUFFIX.sub("", nfc(name).strip())


def _head_title(name: str) -> str:
    folded = nfc(name).strip().lower() + " "
    for prefix, title in HEAD_TITLES:
        if folded.startswith(prefix):
            return title
    return DEFAULT_HEAD


def _seal_mm(document: OutgoingDocument) -> float:
    try:
        return float(credential_for_organisation(document.organisation).image_width_mm)
    except ValidationFailed:  # no key yet: the space of a usual seal
        return pdf_signing.DEFAULT_SEAL_MM


# --- signing ------------------------------------------------------------------------------------


@transaction.atomic
def sign_personal(
    *, document: OutgoingDocument, actor: Any, backend: SignerBackend | None = None
) -> SignedDocument:
    """The designated signer's PAdES signature on `pdf_for_signing(document)`: the signed
    document (kind "official") is created when the document has none to sign (none yet, or one
    already signed: the draft came back and is signed again), linked to `document` (the caller
    saves it) and signed with `backend` (default: the actor's active credential)."""
    signed = document.signed_document
    if signed is None or signed.state != DocumentState.DRAFT:
        signed = signed_document_create(
            actor=actor,
            kind=DocumentKind.OFFICIAL,
            organisation=document.organisation,
            pdf=pdf_for_signing(document),
            title=_title(document),
            signer=document.signer,
        )
    signed = document_sign_personal(document=signed, actor=actor, backend=backend)
    document.signed_document = signed
    return signed


@transaction.atomic
def seal(*, document: OutgoingDocument, actor: Any) -> SignedDocument:
    """The organisation's signature, by the clerk, once the outgoing service has given the
    document its number, notation and date: they are written over the "Số:" line and the place
    and date line as part of this signature (Decree 30/2020: the system fills them in for
    electronic documents), with the red seal over the left third of the signer's image and the
    organisation's name and signing time top right. Then each separate attachment (PDF) gets
    the organisation's signature without image, top right of page 1, with the main document's
    number and notation and the time; attachments in other formats cannot carry a PDF signature
    and are left as they are."""
    signed = document.signed_document
    if signed is None:
        raise Conflict(
            _("The signer has not signed this document yet."), code="document_not_signed"
        )
    if document.code_number is None:
        raise Conflict(
            _("The document must be numbered before the organisation signs it."),
            code="document_not_numbered",
        )
    issued = document.issued_date or timezone.localdate()
    signed = document_sign_organisation(
        document=signed,
        actor=actor,
        code_number=str(document.code_number),
        code_notation=document.code_notation,
        date_line=_date_line_for(document, issued),
    )
    document.signed_document = signed
    for attachment in document.attachments.select_for_update().order_by("id"):
        _attachment_seal(attachment, signed, actor)
    return signed


def _date_line_for(document: OutgoingDocument, day: dt.date) -> str:
    from motcua.dossiers.printing.layout import place_and_date

    return place_and_date(document.place or "Cà Mau", day)


def _attachment_seal(attachment: OutgoingAttachment, main: SignedDocument, actor: Any) -> None:
    current = attachment.signed_document
    if current is not None and current.state != DocumentState.DRAFT:
        return  # signed already (a retried seal)
    with attachment.file.open("rb") as fh:
        data = bytes(fh.read())
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return
    if current is None:
        current = signed_document_create(
            actor=actor,
            kind=DocumentKind.ATTACHMENT,
            parent=main,
            organisation=main.organisation,
            pdf=data,
            title=attachment.file_name,
        )
    attachment.signed_document = document_sign_organisation(document=current, actor=actor)
    attachment.save(update_fields=["signed_document"])


def _title(document: OutgoingDocument) -> str:
    type_name = TYPE_NAMES.get(document.document_type, "")
    return nfc(f"{type_name}: {document.subject}" if type_name else document.subject)[:500]


# --- verification of received documents ---------------------------------------------------------


def verify_incoming(data: bytes) -> tuple[str, dict[str, Any]]:
    """The signatures of a received PDF (Decree 68/2024 Art. 29–32, DOMAIN §10), checked before
    registration: a SignatureVerdict (none, valid, invalid, indeterminate) and a report for the
    clerk and for IncomingDocument.signature_report::

        {"verdict", "reason", "checked_at", "appended_bytes",
         "signatures": [{"role": "person"|"organisation"|"unknown", "signer_name",
                         "organisation", "signed_at", "verdict", "reason", "problems",
                         "field_name", "trusted", "revocation", "timestamp"}]}
    """
    checked_at = timezone.localtime(timezone.now()).replace(microsecond=0).isoformat()
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return SignatureVerdict.NONE, _report(
            SignatureVerdict.NONE,
            _("The file is not a PDF document: it carries no signature."),
            checked_at,
        )
    result = verify_pdf(data)
    if not result.signatures:
        if result.verdict == Verdict.INVALID and not _readable(data):
            return SignatureVerdict.INVALID, _report(
                SignatureVerdict.INVALID, str(result.reason), checked_at
            )
        return SignatureVerdict.NONE, _report(
            SignatureVerdict.NONE, _("The document carries no digital signature."), checked_at
        )
    verdict = {
        Verdict.VALID: SignatureVerdict.VALID,
        Verdict.INVALID: SignatureVerdict.INVALID,
    }.get(Verdict(result.verdict), SignatureVerdict.INDETERMINATE)
    report = _report(verdict, str(result.reason), checked_at)
    report["appended_bytes"] = result.appended_bytes
    report["signatures"] = [_signature(s) for s in result.signatures]
    return verdict, report


def _report(verdict: str, reason: str, checked_at: str) -> dict[str, Any]:
    return {
        "verdict": str(verdict),
        "reason": reason,
        "checked_at": checked_at,
        "appended_bytes": 0,
        "signatures": [],
    }


def _readable(data: bytes) -> bool:
    """Whether a PDF reader can open the file (an unsigned file, not a damaged one): pyHanko
    as verification reads it, else pypdf, which repairs more."""
    import pypdf
    from pyhanko.pdf_utils.reader import PdfFileReader

    for read in (
        lambda: PdfFileReader(io.BytesIO(data), strict=False).root,
        lambda: pypdf.PdfReader(io.BytesIO(data)).pages[0],
    ):
        try:
            read()
        except Exception:  # this reader cannot open it: try the next  # noqa: S112
            continue
        return True
    return False


def _signature(report: SignatureReport) -> dict[str, Any]:
    """One signature's line in the report, with its own verdict and reason."""
    if not report.intact or report.revocation == Revocation.REVOKED or report.modified_after:
        verdict = SignatureVerdict.INVALID
    elif not report.trusted or (
        report.timestamp is not None and not (report.timestamp.intact and report.timestamp.trusted)
    ):
        verdict = SignatureVerdict.INDETERMINATE
    else:
        verdict = SignatureVerdict.VALID
    if report.problems:
        reason = " ".join(str(p) for p in report.problems)
    elif report.revocation in (Revocation.NOT_CHECKED, Revocation.UNKNOWN):
        reason = _("The signature is valid; revocation of the certificate was not checked.")
    else:
        reason = _("The signature is valid.")
    return {
        "role": str(report.role),
        "signer_name": report.signer_name,
        "organisation": report.organisation,
        "signed_at": report.signed_at,
        "verdict": str(verdict),
        "reason": reason,
        "problems": [str(p) for p in report.problems],
        "field_name": report.field_name,
        "trusted": report.trusted,
        "revocation": str(report.revocation),
        "timestamp": report.timestamp.time if report.timestamp is not None else None,
    }
