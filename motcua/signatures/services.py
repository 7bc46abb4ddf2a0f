"""Signed documents through the one-stop flow (DOMAIN §3, §8, §10): every write is here.

    signed_document_create      a result (rendered or uploaded), a receipt, a form or a
                                separate attachment, with its verification QR code (draft)
    document_sign_personal      the leader's signature            draft → person_signed
    document_sign_organisation  the organisation's, by its clerk  person_signed → org_signed
                                (separate attachments: draft → org_signed)
    signed_document_release     the applicant may now download it org_signed → released
    result_issue                the dossier is completed with the signed result's number
    result_release              the same as signed_document_release, for a dossier's result:
                                only with or after the dossier's completion (it completes the
                                dossier in the same transaction when the actor may, else it
                                refuses)
    signed_document_revoke / signed_document_replace   the issuer withdraws or supersedes it

Each service locks the document, checks permission (policies), checks the transition, writes
the new revision (file + SHA-256), records an audit record and defers side effects to
on_commit. `signing_credential_register` records where an official's or organisation's key is.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.enums import Role
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.enums import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing.forms import public_base_url
from motcua.organisations.models import Organisation
from motcua.signatures import (
    config,
    images,
    policies,
    result_forms,
    sanitising,
    signing,
    transitions,
)
from motcua.signatures.backends import SignerBackend, backend_for_credential
from motcua.signatures.enums import BackendKind, DocumentAction, DocumentKind, DocumentState
from motcua.signatures.models import DocumentRevision, SignedDocument, SigningCredential
from motcua.signatures.result_forms import ResultForm

FIELD_PERSON = "motcua-person"
FIELD_ORGANISATION = "motcua-organisation"
# Printed in the document (its language is Vietnamese, like the forms'), not interface text.
QR_CAPTION = "Quét mã để kiểm tra chữ ký số:\n{url}"
REASON_PERSON = "Người có thẩm quyền ký"
REASON_ORGANISATION = "Cơ quan, tổ chức ban hành ký số"
CLOSED_DOSSIER = frozenset({DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED})
# The dossier's result is issued (completed): only now may its signed result be released.
COMPLETED_DOSSIER = frozenset({DossierStatus.RESULT_READY, DossierStatus.DELIVERED})

S = DocumentState
A = DocumentAction

logger = logging.getLogger(__name__)


def public_verification_url(code: str) -> str:
    """The public page a document's QR code opens (settings.MOTCUA_PUBLIC_BASE_URL).

    Never the host of the request that creates the document: the URL is signed into the PDF
    for good, and officials may reach the back office at an internal address. Without the
    setting it is the development server's; the system check dossiers.W001 warns of that.
    """
    from django.urls import reverse

    return public_base_url() + reverse("signatures:document", args=[code])


# --- helpers ----------------------------------------------------------------------------------


def _pdf_bytes(pdf: Any, field: str = "file") -> sanitising.Sanitised:
    """The uploaded PDF, read, within the size limit, sanitised (no active content, readable
    by pyHanko: see signatures/sanitising.py) or refused with a message for the user."""
    limit = int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
    if isinstance(pdf, bytes | bytearray):
        data = bytes(pdf)
    else:
        size = getattr(pdf, "size", None)
        if size is not None and size > limit:
            raise ValidationFailed(
                _("The file is too large."), code="file_too_large", fields={field: _("too large")}
            )
        if hasattr(pdf, "seek"):
            pdf.seek(0)
        data = b"".join(pdf.chunks()) if hasattr(pdf, "chunks") else pdf.read()
    if len(data) > limit:
        raise ValidationFailed(
            _("The file is too large."), code="file_too_large", fields={field: _("too large")}
        )
    try:
        return sanitising.pdf_sanitise(data)
    except signing.PdfInputError as exc:
        raise ValidationFailed(
            _("The file is not a PDF document that can be signed."),
            code="not_a_pdf",
            fields={field: str(exc)},
        ) from exc


def _unsignable(exc: Exception) -> ValidationFailed:
    """A valid PDF that pyHanko cannot handle: refused (422), the document left as it was."""
    logger.warning("a PDF could not be processed for signing", exc_info=exc)
    detail = str(exc) if isinstance(exc, signing.PdfInputError) else ""
    return ValidationFailed(
        _(
            "This PDF file cannot be signed: its structure is not supported. Save it again as "
            "PDF (for example with “Print to PDF”) and prepare the document again."
        ),
        code="pdf_cannot_be_signed",
        fields={"file": detail or _("structure not supported")},
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lock(document: SignedDocument) -> SignedDocument:
    return (
        SignedDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "dossier", "parent", "signer")
        .get(pk=document.pk)
    )


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _display_name(user: Any) -> str:
    return nfc(str(getattr(user, "full_name", "") or user))


def _revision_add(
    document: SignedDocument, data: bytes, *, state: str, actor: Any
) -> DocumentRevision:
    last = document.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = DocumentRevision(
        document=document,
        number=last + 1,
        state=state,
        sha256=_sha256(data),
        size=len(data),
        actor=_user_or_none(actor),
    )
    revision.file.save(f"{revision.number:02d}-{state}.pdf", ContentFile(data), save=False)
    revision.save()
    # Assign the name (not .file.name): a FieldFile opened before keeps its old file handle.
    document.file = revision.file.name
    document.sha256 = revision.sha256
    return revision


def _read(document: SignedDocument) -> bytes:
    with document.file.open("rb") as fh:
        data = fh.read()
    if _sha256(data) != document.sha256:
        raise Conflict(
            _("The stored file of this document does not match its recorded digest."),
            code="file_tampered",
        )
    return data


def _audit(action: str, document: SignedDocument, actor: Any, before: str, **extra: Any) -> None:
    audit_record(
        action=f"signed_document_{action}",
        obj=document,
        actor=actor,
        changes={"state": [before or None, document.state], "sha256": document.sha256, **extra},
    )


def _ensure_certificate_current(backend: SignerBackend) -> None:
    cert = backend.certificate
    validity = cert["tbs_certificate"]["validity"]
    now = timezone.now()
    if not (validity["not_before"].native <= now <= validity["not_after"].native):
        raise ValidationFailed(
            _("The signing certificate is not valid at this time (expired or not yet valid)."),
            code="certificate_not_current",
        )


def _place(organisation: Organisation) -> str:
    from motcua.dossiers.printing.layout import place_name

    return place_name(organisation)


# --- credentials --------------------------------------------------------------------------------


def credential_for_user(user: Any) -> SigningCredential:
    credential = (
        SigningCredential.objects.filter(user=user, active=True).order_by("-created_at").first()
    )
    if credential is None:
        raise ValidationFailed(
            _("No signing certificate is configured for you."), code="no_signing_credential"
        )
    return credential


def credential_for_organisation(organisation: Organisation) -> SigningCredential:
    """The organisation's own credential, else the nearest ancestor's (a commune's service
    centre issues papers under the commune's seal)."""
    chain = [organisation.pk, *reversed(organisation.ancestors_ids())]
    credentials = {
        c.organisation_id: c
        for c in SigningCredential.objects.filter(organisation_id__in=chain, active=True)
        .select_related("organisation")
        .order_by("created_at")
    }
    for pk in chain:
        if pk in credentials:
            return credentials[pk]
    raise ValidationFailed(
        _("No signing certificate is configured for %(org)s.") % {"org": organisation.name},
        code="no_signing_credential",
    )


def _image(credential: SigningCredential | None) -> bytes | None:
    if credential is None or not credential.image:
        return None
    with credential.image.open("rb") as fh:
        return bytes(fh.read())


@transaction.atomic
def signing_credential_register(
    *,
    actor: Any = None,
    backend: str,
    location: str,
    user: Any = None,
    organisation: Organisation | None = None,
    key_label: str = "",
    secret_ref: str = "",
    certificate_pem: str = "",
    image_png: bytes | None = None,
    image_width_mm: float | None = None,
    options: dict[str, Any] | None = None,
) -> SigningCredential:
    """Record (and make active) where the key of `user` or `organisation` is. The previous
    active credential of the same owner is deactivated. From the command line `actor` may be
    None; from the web or the API only an administrator of the organisation may do this."""
    from motcua.accounts import policies as account_policies

    if (user is None) == (organisation is None):
        raise ValidationFailed(_("A credential belongs to one official or one organisation."))
    if backend not in BackendKind.values:
        raise ValidationFailed(_("Unknown signing back-end."), fields={"backend": backend})
    if actor is not None:
        account_policies.ensure_can_administer(actor, organisation or user.organisation)
    credential = SigningCredential(
        user=user,
        organisation=organisation,
        backend=backend,
        location=location,
        key_label=key_label,
        secret_ref=secret_ref,
        options=options or {},
        certificate_pem=certificate_pem,
    )
    if image_width_mm is not None:
        credential.image_width_mm = image_width_mm
    if not certificate_pem and backend != BackendKind.REMOTE:
        certificate_pem = _certificate_pem_of(credential)
        credential.certificate_pem = certificate_pem
    if certificate_pem:
        from cryptography import x509

        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
        credential.fingerprint_sha256 = hashlib.sha256(cert.public_bytes(_der())).hexdigest()
        credential.subject = cert.subject.rfc4514_string()[:500]
        credential.not_after = cert.not_valid_after_utc
    owner = {"user": user} if user is not None else {"organisation": organisation}
    for previous in SigningCredential.objects.select_for_update().filter(active=True, **owner):
        previous.active = False
        previous.save(update_fields=["active"])  # audited (apps.py registers the model)
    if image_png is not None:
        slug = f"user-{user.pk}" if user is not None else f"org-{getattr(organisation, 'pk', '')}"
        name = f"{slug}-{_sha256(image_png)[:12]}.png"
        credential.image.save(name, ContentFile(image_png), save=False)
    credential.save()  # audited (apps.py registers the model)
    return credential


def _der() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.DER


def _certificate_pem_of(credential: SigningCredential) -> str:
    """The certificate from the key's own store (PKCS#12 file or token)."""
    from asn1crypto import pem

    backend = backend_for_credential(credential)
    try:
        der = backend.certificate.dump()
    finally:
        backend.close()
    return pem.armor("CERTIFICATE", der).decode()


# --- create -------------------------------------------------------------------------------------


def _default_signer(organisation: Organisation, actor: Any) -> Any:
    """The designated signer: the actor when they lead the organisation, else its only leader
    (none when there are several: any of them may sign)."""
    if policies.can_lead(actor, organisation):
        return actor
    from motcua.accounts.models import User

    leaders = list(
        User.objects.filter(
            organisation=organisation, role_assignments__role=Role.LEADER, is_active=True
        ).order_by("id")[:2]
    )
    return leaders[0] if len(leaders) == 1 else None


def _split_number(number_notation: str) -> tuple[str, str]:
    number_notation = nfc(number_notation.strip())
    if "/" in number_notation:
        number, notation = number_notation.split("/", 1)
        return number.strip(), notation.strip()
    return "", number_notation


@transaction.atomic
def signed_document_create(
    *,
    actor: Any,
    kind: str,
    dossier: Dossier | None = None,
    organisation: Organisation | None = None,
    pdf: Any = None,
    form: str = "",
    title: str = "",
    number_notation: str = "",
    paragraphs: list[str] | None = None,
    signer: Any = None,
    parent: SignedDocument | None = None,
    details: dict[str, Any] | None = None,
) -> SignedDocument:
    """A new document to sign (state draft), with the QR code of its verification page.

    `details`: a result rendered on its procedure's own paper (result_forms: the birth
    extract, the household-business certificate, the certified copy), filled with them.

    The PDF is `pdf` (bytes or an uploaded file) or, without it: for a result, rendered from
    the result template; for a receipt, form 01 of `dossier`; for a form, form `form`. The
    issuing organisation defaults to the dossier's processing unit (results) or receiving
    unit (receipts and forms), or the main document's (attachments).
    """
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Unknown document kind."), fields={"kind": kind})
    if kind == DocumentKind.ATTACHMENT:
        if parent is None:
            raise ValidationFailed(
                _("A separate attachment needs its main document."),
                fields={"parent": _("required")},
            )
        if pdf is None:
            raise ValidationFailed(_("Attach the PDF file."), fields={"file": _("required")})
        organisation = organisation or parent.organisation
        dossier = dossier or parent.dossier
    if organisation is None:
        if dossier is None:
            raise ValidationFailed(
                _("Name the issuing organisation."), fields={"organisation": _("required")}
            )
        organisation = (
            dossier.processing_unit if kind == DocumentKind.RESULT else dossier.receiving_unit
        )
    policies.ensure_can_create(actor, organisation, kind=kind, signer=signer, parent=parent)
    if dossier is not None and dossier.status in CLOSED_DOSSIER and kind == DocumentKind.RESULT:
        raise Conflict(_("This dossier was closed without a result."), code="dossier_closed")
    if kind == DocumentKind.RESULT and dossier is not None:
        number_notation = _result_number(dossier, number_notation)
    if signer is None and kind != DocumentKind.ATTACHMENT:
        signer = _default_signer(organisation, actor)
    result_form, cleaned = _result_details(kind, dossier, pdf, details)
    if result_form is not None and not title:
        title = result_form.title.capitalize()
    data, sanitised = _initial_pdf(
        kind=kind,
        dossier=dossier,
        organisation=organisation,
        pdf=pdf,
        form=form,
        title=title,
        number_notation=number_notation,
        paragraphs=paragraphs,
        signer=signer,
        result_form=result_form,
        details=cleaned,
    )
    number, notation = _split_number(number_notation)
    document = SignedDocument(
        kind=kind,
        dossier=dossier,
        organisation=organisation,
        parent=parent,
        title=nfc(title.strip())[:500],
        code_number=number[:16],
        code_notation=notation[:64],
        signer=signer,
        created_by=_user_or_none(actor),
    )
    url = public_verification_url(document.verification_code)
    try:
        data = signing.verification_qr_add(data, url=url, caption=QR_CAPTION.format(url=url))
    except signing.PDF_FAILURES as exc:
        raise _unsignable(exc) from exc
    document.sha256 = _sha256(data)
    document.save()
    _revision_add(document, data, state=S.DRAFT, actor=actor)
    document.save(update_fields=["file", "sha256", "updated_at"])
    extra: dict[str, Any] = {}
    if sanitised is not None:
        # What the upload lost before it entered the flow (the file as uploaded is not kept).
        extra["upload"] = {
            "sha256": _sha256(sanitised.original),
            "removed": sanitised.removed,
            "repaired": sanitised.repaired,
        }
    _audit(
        "create", document, actor, "", kind=kind, dossier=dossier.code if dossier else None, **extra
    )
    # For the interface's message (not stored: the audit record keeps it).
    document.removed_content = sanitised.removed if sanitised is not None else {}  # type: ignore[attr-defined]
    return document


def _result_details(
    kind: str, dossier: Dossier | None, pdf: Any, details: dict[str, Any] | None
) -> tuple[ResultForm | None, dict[str, Any] | None]:
    """The procedure's result form and the details as printed (None: the generic result)."""
    if details is None or pdf is not None or kind != DocumentKind.RESULT or dossier is None:
        return None, None
    form = result_forms.result_form_for(dossier.procedure_version.procedure.code)
    if form is None:
        raise ValidationFailed(
            _("This procedure has no result form: write the result's content instead."),
            code="no_result_form",
            fields={"details": _("not expected")},
        )
    try:
        return form, result_forms.clean_details(form, details, dossier.applicant)
    except result_forms.DetailError as exc:
        raise ValidationFailed(
            _("Check the details of the result."),
            code="result_details_invalid",
            fields={f"details.{name}": message for name, message in exc.errors.items()},
        ) from exc


def _result_number(dossier: Dossier, number_notation: str) -> str:
    """The number of a dossier's result, given once: the number printed on the signed result
    is the one the dossier is completed with (result_issue); a dossier completed before its
    result was prepared lends its number to it."""
    given = nfc(number_notation.strip())
    recorded = dossier.result_number.strip()
    if recorded:
        if given and _formatted_number(given) != _formatted_number(recorded):
            raise ValidationFailed(
                _("This dossier was completed with result number %(number)s: use that number.")
                % {"number": recorded},
                code="result_number_differs",
                fields={"number_notation": recorded},
            )
        return recorded
    if dossier.procedure_version.has_document_result and not _split_number(given)[0]:
        raise ValidationFailed(
            _(
                "Enter the number and notation of the result (for example 12/GCN-UBND): it is "
                "printed on the result and recorded when the dossier is completed."
            ),
            code="result_number_required",
            fields={"number_notation": _("required")},
        )
    return given


def _initial_pdf(
    *,
    kind: str,
    dossier: Dossier | None,
    organisation: Organisation,
    pdf: Any,
    form: str,
    title: str,
    number_notation: str,
    paragraphs: list[str] | None,
    signer: Any,
    result_form: ResultForm | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[bytes, sanitising.Sanitised | None]:
    """The PDF to sign, and for an upload what sanitising it did."""
    if pdf is not None:
        sanitised = _pdf_bytes(pdf)
        return sanitised.data, sanitised
    return _rendered_pdf(
        kind=kind,
        dossier=dossier,
        organisation=organisation,
        form=form,
        title=title,
        number_notation=number_notation,
        paragraphs=paragraphs,
        signer=signer,
        result_form=result_form,
        details=details,
    ), None


def _rendered_pdf(
    *,
    kind: str,
    dossier: Dossier | None,
    organisation: Organisation,
    form: str,
    title: str,
    number_notation: str,
    paragraphs: list[str] | None,
    signer: Any,
    result_form: ResultForm | None = None,
    details: dict[str, Any] | None = None,
) -> bytes:
    if kind == DocumentKind.RESULT:
        from motcua.signatures.rendering import render_result_pdf

        return render_result_pdf(
            organisation=organisation,
            title=title or (dossier.procedure_version.result_name if dossier else ""),
            number_notation=_formatted_number(number_notation),
            paragraphs=paragraphs,
            dossier=dossier,
            signer_name=_display_name(signer) if signer is not None else "",
            position=(getattr(signer, "position", "") or "") if signer is not None else "",
            seal_mm=_seal_mm(organisation),
            result_form=result_form,
            details=details,
        )
    if dossier is None:
        raise ValidationFailed(_("Attach the PDF file."), fields={"file": _("required")})
    from motcua.dossiers.printing import render_form

    number = form or ("01" if kind == DocumentKind.RECEIPT else "")
    if not number:
        raise ValidationFailed(_("Name the form to sign."), fields={"form": _("required")})
    return render_form(dossier, number)


def _seal_mm(organisation: Organisation) -> float:
    """The diameter of the seal the organisation's signature will show (actual size)."""
    try:
        return float(credential_for_organisation(organisation).image_width_mm)
    except ValidationFailed:  # no key yet: the space of a usual seal
        return signing.DEFAULT_SEAL_MM


def _formatted_number(number_notation: str) -> str:
    number, notation = _split_number(number_notation)
    probe = SignedDocument(code_number=number, code_notation=notation)
    return probe.number_notation


# --- sign ---------------------------------------------------------------------------------------


@transaction.atomic
def document_sign_personal(
    *, document: SignedDocument, actor: Any, backend: SignerBackend | None = None
) -> SignedDocument:
    """The leader's signature: their signature image between the position and the name.

    `backend` defaults to the actor's active SigningCredential.
    """
    document = _lock(document)
    policies.ensure_can_sign_personal(actor, document)
    before = document.state
    after = transitions.check(document.kind, document.state, A.SIGN_PERSONAL)
    credential = None
    own_backend = backend is None
    if backend is None:
        credential = credential_for_user(actor)
        backend = backend_for_credential(credential)
    try:
        _ensure_certificate_current(backend)
        name = _display_name(actor)
        data = _read(document)
        # laid out by its ink: the seal then covers the left third of what shows (Decree 30)
        image = images.ink_only(_image(credential) or images.signature_png(name))
        when = signing.signing_time_now()
        try:
            box = signing.person_box(data, signer_name=name)
            appearance = signing.person_appearance(box, image)
            signed = signing.pdf_sign(
                data,
                backend=backend,
                field_name=FIELD_PERSON,
                appearance=appearance,
                signing_time=when,
                timestamper=config.timestamper(),
                reason=REASON_PERSON,
                location=_place(document.organisation),
                signer_name=name,
            )
        except signing.PDF_FAILURES as exc:
            raise _unsignable(exc) from exc
        fingerprint = backend.certificate.sha256.hex()
    finally:
        if own_backend:
            backend.close()
    drawn = appearance.widgets[0].box
    document.person_box = [drawn.page, drawn.x0, drawn.y0, drawn.x1, drawn.y1]
    _revision_add(document, signed, state=after, actor=actor)
    document.state = after
    document.person_signed_at = when
    document.person_signed_by = actor
    document.save(
        update_fields=[
            "state",
            "file",
            "sha256",
            "person_box",
            "person_signed_at",
            "person_signed_by",
            "updated_at",
        ]
    )
    _audit("sign_personal", document, actor, before, certificate=fingerprint)
    return document


@transaction.atomic
def document_sign_organisation(
    *,
    document: SignedDocument,
    actor: Any,
    code_number: str = "",
    code_notation: str = "",
    date_line: str = "",
) -> SignedDocument:
    """The organisation's signature, applied by its clerk with the organisation's key: the
    seal over the left third of the signer's image and the information box top right of
    page 1 (a separate attachment: the box only, with the main document's number).

    An official document (kind "official") is numbered by the system at this signature
    (Decree 30/2020): `code_number` and `code_notation` (recorded on the document) are written
    over its "Số:" line and `date_line` ("Cà Mau, ngày 05 tháng 3 năm 2026") over its place and
    date line, as more widgets of the same signature field (`signing.fill_in_widgets`), so the
    signer's signature stays valid."""
    document = _lock(document)
    policies.ensure_can_sign_organisation(actor, document)
    before = document.state
    after = transitions.check(document.kind, document.state, A.SIGN_ORGANISATION)
    is_attachment = document.kind == DocumentKind.ATTACHMENT
    fill_in = _number_fill_in(document, code_number, code_notation, date_line)
    if is_attachment:
        parent = document.parent
        if parent is None or parent.state not in (S.PERSON_SIGNED, S.ORG_SIGNED, S.RELEASED):
            raise Conflict(
                _("Sign the main document before its attachments."), code="main_document_unsigned"
            )
    credential = credential_for_organisation(document.organisation)
    issuer = credential.organisation or document.organisation
    backend = backend_for_credential(credential)
    try:
        _ensure_certificate_current(backend)
        data = _read(document)
        when = signing.signing_time_now()
        try:
            if is_attachment and document.parent is not None:
                main = document.parent
                lines = [main.number_notation or main.title or main.verification_code]
                appearance = signing.organisation_appearance(
                    data, lines=[*lines, signing.iso_time(when)]
                )
            else:
                seal_png = _image(credential) or images.seal_png(issuer.name)
                widgets, unplaced = signing.fill_in_widgets(data, fill_in)
                appearance = signing.organisation_appearance(
                    data,
                    lines=[issuer.name, *unplaced, signing.iso_time(when)],
                    seal_png=seal_png,
                    seal=signing.seal_box(_person_box(document, data), credential.image_width_mm),
                    extra=widgets,
                )
            signed = signing.pdf_sign(
                data,
                backend=backend,
                field_name=FIELD_ORGANISATION,
                appearance=appearance,
                signing_time=when,
                timestamper=config.timestamper(),
                reason=REASON_ORGANISATION,
                location=_place(issuer),
                signer_name=issuer.name,
            )
        except signing.PDF_FAILURES as exc:
            raise _unsignable(exc) from exc
        fingerprint = backend.certificate.sha256.hex()
    finally:
        backend.close()
    _revision_add(document, signed, state=after, actor=actor)
    document.state = after
    document.org_signed_at = when
    document.org_signed_by = actor
    document.save(
        update_fields=[
            "state",
            "file",
            "sha256",
            "org_signed_at",
            "org_signed_by",
            "code_number",
            "code_notation",
            "updated_at",
        ]
    )
    extra = {"number": document.number_notation} if fill_in else {}
    _audit("sign_organisation", document, actor, before, certificate=fingerprint, **extra)
    return document


def _number_fill_in(
    document: SignedDocument, code_number: str, code_notation: str, date_line: str
) -> list[signing.FillIn]:
    """What the organisation's signature writes into an official document: its number and
    notation (recorded on `document` now) and its date. Other kinds got their number when
    they were prepared."""
    if document.kind != DocumentKind.OFFICIAL:
        if code_number or code_notation or date_line:
            raise ValidationFailed(
                _("Only an official document is numbered at the organisation's signature."),
                code="number_not_expected",
            )
        return []
    if code_number:
        document.code_number = nfc(code_number.strip())[:16]
        document.code_notation = nfc(code_notation.strip())[:64]
    if not document.code_number:
        raise ValidationFailed(
            _("An official document gets its number before the organisation's signature."),
            code="number_required",
            fields={"code_number": _("required")},
        )
    fill_in = [signing.FillIn(signing.NUMBER_FILL_IN, f"Số: {document.number_notation}")]
    if date_line.strip():
        fill_in.append(signing.FillIn(signing.DATE_FILL_IN, nfc(date_line.strip())))
    return fill_in


def _person_box(document: SignedDocument, data: bytes) -> signing.Box:
    if document.person_box:
        page, x0, y0, x1, y1 = document.person_box
        return signing.Box(int(page), float(x0), float(y0), float(x1), float(y1))
    signer = document.person_signed_by or document.signer
    return signing.person_box(data, signer_name=_display_name(signer) if signer else "")


# --- release, revoke, replace -------------------------------------------------------------------


@transaction.atomic
def signed_document_release(*, document: SignedDocument, actor: Any) -> SignedDocument:
    """Make an organisation-signed document available to the applicant (with its attachments)."""
    document = _lock(document)
    policies.ensure_can_release(actor, document)
    if document.kind == DocumentKind.ATTACHMENT:
        raise Conflict(
            _("Attachments are released with their main document."), code="attachment_release"
        )
    if document.dossier is not None and document.dossier.status in CLOSED_DOSSIER:
        raise Conflict(_("This dossier was closed without a result."), code="dossier_closed")
    before = document.state
    document.state = transitions.check(document.kind, document.state, A.RELEASE)
    if document.kind == DocumentKind.RESULT and document.dossier is not None:
        _ensure_dossier_completed(document, actor)
    now = timezone.now()
    document.released_at = now
    document.save(update_fields=["state", "released_at", "updated_at"])
    for attachment in document.attachments.select_for_update().filter(state=S.ORG_SIGNED):
        attachment.state = S.RELEASED
        attachment.released_at = now
        attachment.save(update_fields=["state", "released_at", "updated_at"])
        _audit("release", attachment, actor, S.ORG_SIGNED)
    _audit("release", document, actor, before)
    if document.dossier_id is not None and document.kind == DocumentKind.RESULT:
        _after_release(document, actor)
    return document


@transaction.atomic
def result_release(*, document: SignedDocument, actor: Any) -> SignedDocument:
    """Release a dossier's signed result: only now can the applicant download it. Never while
    the dossier is still in processing: if it is, the dossier is completed in the same
    transaction when `actor` may complete it, else nothing changes and the reason is given."""
    if document.kind != DocumentKind.RESULT:
        raise Conflict(_("This document is not a result."), code="not_a_result")
    return signed_document_release(document=document, actor=actor)


@transaction.atomic
def result_issue(*, document: SignedDocument, actor: Any, note: str = "") -> Dossier:
    """Issue the dossier's result (complete the dossier, DOMAIN §3) with the number of its
    signed result: the number given when the result was prepared is never asked again.

    The result must carry the organisation's signature first. The dossier service checks who
    may complete and where in the internal process (dossier_complete)."""
    document = _lock(document)
    if document.kind != DocumentKind.RESULT or document.dossier is None:
        raise Conflict(_("This document is not a dossier's result."), code="not_a_result")
    if document.state not in transitions.ISSUED:
        raise Conflict(
            _("The result must carry the leader's and the organisation's signatures first."),
            code="result_unsigned",
        )
    return _dossier_complete(document, actor, note=note)


def _dossier_complete(document: SignedDocument, actor: Any, *, note: str = "") -> Dossier:
    from motcua.dossiers.services import dossier_complete

    dossier = document.dossier
    assert dossier is not None  # noqa: S101 - the callers check
    completed = dossier_complete(
        dossier=dossier, actor=actor, result_number=document.number_notation, note=note
    )
    _audit("issue", document, actor, document.state, dossier=completed.code)
    return completed


def _ensure_dossier_completed(document: SignedDocument, actor: Any) -> None:
    """A result goes out only with or after the dossier's completion (never while the dossier
    still shows "in processing"): complete it now if `actor` may, else refuse."""
    from motcua.core.errors import DomainError

    dossier = document.dossier
    assert dossier is not None  # noqa: S101 - the caller checks
    dossier.refresh_from_db(fields=["status"])
    if dossier.status in COMPLETED_DOSSIER:
        return
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves nothing behind
            _dossier_complete(document, actor)
    except DomainError as exc:
        raise Conflict(
            _(
                "The dossier is still in processing: its result can be released only together "
                "with or after its completion, and you may not complete it now (%(reason)s). "
                "Ask the official who issues the result to complete the dossier first."
            )
            % {"reason": str(exc.message).rstrip(".")},
            code="dossier_not_completed",
            fields={"dossier": dossier.status},
        ) from exc


def _after_release(document: SignedDocument, actor: Any) -> None:
    """Tell the applicant (on commit), and let the dossier record it when it knows how."""
    from motcua.dossiers import services as dossier_services

    dossier_id = document.dossier_id
    if dossier_id is None:  # pragma: no cover - the caller checks
        return
    hook = getattr(dossier_services, "dossier_result_released", None)
    if hook is not None:
        dossier = hook(dossier_id=dossier_id, actor=actor, document_code=document.verification_code)
        _notify_release(dossier, document.verification_code)


def _notify_release(dossier: Any, document_code: str) -> None:
    """The applicant's message, through the dossiers' one outbox, about the release event the
    hook has just recorded in this transaction (the dossier row is still locked by it)."""
    from motcua.dossiers.models import DossierEvent
    from motcua.dossiers.notify import dossier_notify

    event = (
        DossierEvent.objects.filter(dossier=dossier, action="release_result")
        .order_by("-id")
        .first()
    )
    if event is not None and event.data.get("signed_document") == document_code:
        dossier_notify(dossier=dossier, event=event, kind="result_released")


@transaction.atomic
def signed_document_revoke(*, document: SignedDocument, actor: Any, reason: str) -> SignedDocument:
    """The issuing organisation withdraws an issued document; its verification page says so."""
    document = _lock(document)
    policies.ensure_can_revoke(actor, document)
    reason = _require_reason(reason)
    before = document.state
    document.state = transitions.check(document.kind, document.state, A.REVOKE)
    document.revoked_at = timezone.now()
    document.revocation_reason = reason
    document.save(update_fields=["state", "revoked_at", "revocation_reason", "updated_at"])
    _audit("revoke", document, actor, before, reason=reason)
    return document


@transaction.atomic
def signed_document_replace(
    *, document: SignedDocument, actor: Any, replacement: SignedDocument, reason: str
) -> SignedDocument:
    """`replacement` (issued by the same organisation) supersedes `document`."""
    document = _lock(document)
    policies.ensure_can_revoke(actor, document)
    reason = _require_reason(reason)
    replacement = SignedDocument.objects.get(pk=replacement.pk)
    if replacement.pk == document.pk or replacement.organisation_id != document.organisation_id:
        raise ValidationFailed(
            _("The replacement must be another document of the same organisation."),
            fields={"replacement": _("invalid")},
        )
    if replacement.state not in transitions.ISSUED:
        raise Conflict(
            _("The replacement must be signed by the organisation first."),
            code="replacement_unsigned",
        )
    before = document.state
    document.state = transitions.check(document.kind, document.state, A.REPLACE)
    document.replaced_by = replacement
    document.revoked_at = timezone.now()
    document.revocation_reason = reason
    document.save(
        update_fields=["state", "replaced_by", "revoked_at", "revocation_reason", "updated_at"]
    )
    _audit(
        "replace", document, actor, before, reason=reason, replaced_by=replacement.verification_code
    )
    return document


def _require_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(_("A reason is required."), fields={"reason": _("required")})
    return nfc(reason.strip())


__all__ = [
    "FIELD_ORGANISATION",
    "FIELD_PERSON",
    "credential_for_organisation",
    "credential_for_user",
    "document_sign_organisation",
    "document_sign_personal",
    "public_verification_url",
    "result_issue",
    "result_release",
    "signed_document_create",
    "signed_document_release",
    "signed_document_replace",
    "signed_document_revoke",
    "signing_credential_register",
]
